import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { aging, allocate, balance, openAccount, openItems, postEntry, reverseEntry, unallocatedCredits } from './index.ts';
import { accrualInput, ledgerRowCounts, paymentInput } from './test-fixtures.ts';

// A February gas bill: 850.00 gas, 24.00 ÖTV, KDV 20% of 874.00 = 174.80; gross 1,048.80 TL.
const FEBRUARY = { revenue: '850.00', otv: '24.00', kdv: '174.80' };

describe('ledger: postings, reversals, allocation', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  it('posts a balanced accrual and opens its item, due 15 days after the period on a business day', async () => {
    const account = await openAccount(db.pool, 'SUB-1001');
    const entry = await postEntry(db.pool, accrualInput(account.id, 'acc-SUB-1001-2026-02', FEBRUARY, { periodEnd: '2026-02-28' }));
    assert.equal(entry.replayed, false);
    assert.deepEqual(
      entry.lines.map((l) => [l.gl, l.debit, l.credit, l.accountId]),
      [
        ['receivables', '1048.80', '0.00', account.id],
        ['revenue.gas', '0.00', '850.00', null],
        ['otv_payable', '0.00', '24.00', null],
        ['kdv_payable', '0.00', '174.80', null],
      ],
    );
    // 2026-02-28 + 15 days = Sunday 2026-03-15, so the due date moves to Monday 2026-03-16.
    assert.deepEqual(entry.item, { id: entry.item!.id, amount: '1048.80', period: '2026-02', dueDate: '2026-03-16' });
    assert.equal((await balance(db.pool, account.id, '2026-03-01')).balance, '1048.80');
  });

  it('opens one account per subscription, whoever asks first', async () => {
    const a = await openAccount(db.pool, 'SUB-2002');
    const b = await openAccount(db.pool, 'SUB-2002');
    assert.equal(a.id, b.id);
  });

  it('returns the first entry when the same idempotency key is posted again, and writes nothing', async () => {
    const account = await openAccount(db.pool, 'SUB-3003');
    const first = await postEntry(db.pool, accrualInput(account.id, 'acc-SUB-3003-2026-02', FEBRUARY, { periodEnd: '2026-02-28' }));
    const before = await ledgerRowCounts(db.pool);
    // A retry, even with other amounts, is the same posting: the first one stands.
    const again = await postEntry(db.pool, accrualInput(account.id, 'acc-SUB-3003-2026-02', { revenue: '1.00' }, { periodEnd: '2026-02-28' }));
    assert.equal(again.id, first.id);
    assert.equal(again.replayed, true);
    assert.equal(again.lines[0].debit, '1048.80');
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('settles an item in part, then in full, and keeps the overpayment as unallocated credit', async () => {
    const account = await openAccount(db.pool, 'SUB-4004');
    const accrual = await postEntry(db.pool, accrualInput(account.id, 'acc-SUB-4004-2026-02', FEBRUARY, { periodEnd: '2026-02-28' }));
    const pay1 = await postEntry(db.pool, paymentInput(account.id, 'bank-REF-1', '500.00', '2026-03-05'));
    await allocate(db.pool, { sourceEntryId: pay1.id, itemId: accrual.item!.id, amount: '500.00', onDate: '2026-03-05' });
    assert.equal((await openItems(db.pool, account.id, '2026-03-31'))[0].open, '548.80');
    const pay2 = await postEntry(db.pool, paymentInput(account.id, 'bank-REF-2', '600.00', '2026-03-10'));
    await allocate(db.pool, { sourceEntryId: pay2.id, itemId: accrual.item!.id, amount: '548.80', onDate: '2026-03-10' });
    assert.deepEqual(await openItems(db.pool, account.id, '2026-03-31'), []);
    // 1,048.80 − 500.00 − 600.00 = −51.20: the utility owes 51.20, waiting for the next accrual.
    assert.equal((await balance(db.pool, account.id, '2026-03-31')).balance, '-51.20');
    assert.deepEqual((await unallocatedCredits(db.pool, account.id)).map((c) => [c.entryId, c.amount, c.unallocated]), [[pay2.id, '600.00', '51.20']]);
  });

  it('reverses an accrual with mirror lines and closes its item; a paid part becomes credit again', async () => {
    const account = await openAccount(db.pool, 'SUB-5005');
    const accrual = await postEntry(db.pool, accrualInput(account.id, 'acc-SUB-5005-2026-02', FEBRUARY, { periodEnd: '2026-02-28' }));
    const pay = await postEntry(db.pool, paymentInput(account.id, 'bank-REF-5', '300.00', '2026-03-05'));
    await allocate(db.pool, { sourceEntryId: pay.id, itemId: accrual.item!.id, amount: '300.00', onDate: '2026-03-05' });

    const reversal = await reverseEntry(db.pool, { entryId: accrual.id, idempotencyKey: 'rev-SUB-5005-2026-02', businessDate: '2026-03-08' });
    assert.equal(reversal.kind, 'reversal');
    assert.equal(reversal.reverses, accrual.id);
    assert.deepEqual(
      reversal.lines.map((l) => [l.gl, l.debit, l.credit]),
      accrual.lines.map((l) => [l.gl, l.credit, l.debit]),
    );
    assert.deepEqual(await openItems(db.pool, account.id, '2026-03-08'), []);
    assert.equal((await balance(db.pool, account.id, '2026-03-08')).balance, '-300.00');
    assert.deepEqual((await unallocatedCredits(db.pool, account.id)).map((c) => c.unallocated), ['300.00']);

    // The correction: a new accrual with the right amounts; the freed payment settles it.
    const fixed = await postEntry(db.pool, accrualInput(account.id, 'acc-SUB-5005-2026-02-r1', { revenue: '800.00', otv: '24.00', kdv: '164.80' }, { periodEnd: '2026-02-28', businessDate: '2026-03-08' }));
    await allocate(db.pool, { sourceEntryId: pay.id, itemId: fixed.item!.id, amount: '300.00', onDate: '2026-03-08' });
    // 988.80 − 300.00 = 688.80
    assert.equal((await balance(db.pool, account.id, '2026-03-31')).balance, '688.80');
    assert.deepEqual((await openItems(db.pool, account.id, '2026-03-31')).map((i) => i.open), ['688.80']);

    await assert.rejects(reverseEntry(db.pool, { entryId: accrual.id, idempotencyKey: 'rev-again' }), { code: 'ABONE_ERR_LEDGER_ALREADY_REVERSED' });
    await assert.rejects(reverseEntry(db.pool, { entryId: reversal.id, idempotencyKey: 'rev-of-rev' }), { code: 'ABONE_ERR_LEDGER_NOT_REVERSIBLE' });
    // The same reversal retried is the first reversal.
    const retried = await reverseEntry(db.pool, { entryId: accrual.id, idempotencyKey: 'rev-SUB-5005-2026-02' });
    assert.equal(retried.id, reversal.id);
    assert.equal(retried.replayed, true);
  });

  it('reverses a payment: its allocations are released and the item is open again', async () => {
    const account = await openAccount(db.pool, 'SUB-6006');
    const accrual = await postEntry(db.pool, accrualInput(account.id, 'acc-SUB-6006-2026-02', FEBRUARY, { periodEnd: '2026-02-28' }));
    const pay = await postEntry(db.pool, paymentInput(account.id, 'bank-REF-6', '1048.80', '2026-03-05'));
    await allocate(db.pool, { sourceEntryId: pay.id, itemId: accrual.item!.id, amount: '1048.80', onDate: '2026-03-05' });
    assert.equal((await aging(db.pool, account.id, '2026-04-30')).total, '0.00');
    // The bank cancels the payment (a bounced transfer).
    await reverseEntry(db.pool, { entryId: pay.id, idempotencyKey: 'rev-bank-REF-6', businessDate: '2026-03-20' });
    const items = await openItems(db.pool, account.id, '2026-04-30');
    assert.deepEqual(items.map((i) => [i.id, i.open]), [[accrual.item!.id, '1048.80']]);
    assert.equal((await balance(db.pool, account.id, '2026-04-30')).balance, '1048.80');
    assert.deepEqual(await unallocatedCredits(db.pool, account.id), []);
    // Due 2026-03-16, 45 days before 2026-04-30.
    assert.deepEqual((await aging(db.pool, account.id, '2026-04-30')).buckets, { current: '0.00', '1-30': '0.00', '31-60': '1048.80', '61-90': '0.00', '90+': '0.00' });
  });
});
