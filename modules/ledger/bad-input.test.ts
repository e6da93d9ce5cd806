/** Bad input gets its stable ABONE_ERR_LEDGER_* code and writes nothing. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { allocate, createInvoice, openAccount, postEntry, reverseEntry, type EntryInput } from './index.ts';
import { accrualInput, ledgerRowCounts, paymentInput } from './test-fixtures.ts';

describe('ledger: bad input is refused with a stable code and changes nothing', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let accountId: number;
  let otherAccountId: number;
  let itemId: number;
  let paymentId: number;
  let otherPaymentId: number;

  before(async () => {
    db = await createTestDatabase();
    accountId = (await openAccount(db.pool, 'SUB-BAD-1')).id;
    otherAccountId = (await openAccount(db.pool, 'SUB-BAD-2')).id;
    itemId = (await postEntry(db.pool, accrualInput(accountId, 'bad-acc', { revenue: '100.00', kdv: '20.00' }, { periodEnd: '2026-01-31' }))).item!.id;
    paymentId = (await postEntry(db.pool, paymentInput(accountId, 'bad-pay', '200.00', '2026-02-03'))).id;
    otherPaymentId = (await postEntry(db.pool, paymentInput(otherAccountId, 'bad-pay-2', '50.00', '2026-02-03'))).id;
  });
  after(async () => db.drop());

  const good = () => accrualInput(accountId, `k-${Math.random()}`, { revenue: '100.00', kdv: '20.00' }, { periodEnd: '2026-02-28' });
  const cases: Array<[string, () => EntryInput, string]> = [
    ['an unknown account', () => ({ ...good(), accountId: 987654 }), 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND'],
    ['a negative amount', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '-120.00' }, { gl: 'revenue.gas', credit: '-120.00' }] }), 'ABONE_ERR_LEDGER_AMOUNT_INVALID'],
    ['a zero amount', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '0' }, { gl: 'revenue.gas', credit: '0.00' }] }), 'ABONE_ERR_LEDGER_AMOUNT_INVALID'],
    ['fractions of a kuruş', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '10.005' }, { gl: 'revenue.gas', credit: '10.005' }] }), 'ABONE_ERR_LEDGER_AMOUNT_INVALID'],
    ['a float', () => ({ ...good(), lines: [{ gl: 'receivables', debit: 0.1 + 0.2 }, { gl: 'revenue.gas', credit: 0.3 }] }), 'ABONE_ERR_LEDGER_AMOUNT_INVALID'],
    ['text for an amount', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '1e3' }, { gl: 'revenue.gas', credit: '1000' }] }), 'ABONE_ERR_LEDGER_AMOUNT_INVALID'],
    ['too large for numeric(18,2)', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '10000000000000000' }, { gl: 'revenue.gas', credit: '10000000000000000' }] }), 'ABONE_ERR_LEDGER_AMOUNT_INVALID'],
    ['a line on both sides', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '5', credit: '5' }, { gl: 'revenue.gas', credit: '5' }] }), 'ABONE_ERR_LEDGER_AMOUNT_INVALID'],
    ['unbalanced lines', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '120.00' }, { gl: 'revenue.gas', credit: '100.00' }, { gl: 'kdv_payable', credit: '19.99' }] }), 'ABONE_ERR_LEDGER_UNBALANCED'],
    ['an unknown general-ledger account', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '1.00' }, { gl: 'revenue.beer', credit: '1.00' }] }), 'ABONE_ERR_LEDGER_GL_ACCOUNT_UNKNOWN'],
    ['a single line', () => ({ ...good(), lines: [{ gl: 'receivables', debit: '1.00' }] }), 'ABONE_ERR_LEDGER_ENTRY_INVALID'],
    ['an accrual that credits the receivable', () => ({ ...good(), lines: [{ gl: 'revenue.gas', debit: '1.00' }, { gl: 'receivables', credit: '1.00' }] }), 'ABONE_ERR_LEDGER_ENTRY_INVALID'],
    ['an accrual without a due date', () => ({ ...good(), item: {} }), 'ABONE_ERR_LEDGER_ENTRY_INVALID'],
    ['an impossible date', () => ({ ...good(), businessDate: '2026-02-30' }), 'ABONE_ERR_LEDGER_ENTRY_INVALID'],
    ['a payment that debits the receivable', () => ({ ...paymentInput(accountId, 'k-pay-wrong', '5.00', '2026-02-01'), lines: [{ gl: 'receivables', debit: '5.00' }, { gl: 'bank_clearing', credit: '5.00' }] }), 'ABONE_ERR_LEDGER_ENTRY_INVALID'],
    ['a transfer that touches a current account', () => ({ idempotencyKey: 'k-tr', kind: 'transfer', businessDate: '2026-02-01', lines: [{ gl: 'suspense', debit: '5.00' }, { gl: 'receivables', credit: '5.00' }] }), 'ABONE_ERR_LEDGER_ENTRY_INVALID'],
    ['an unknown kind', () => ({ ...good(), kind: 'gift' as never }), 'ABONE_ERR_LEDGER_ENTRY_INVALID'],
    ['an empty idempotency key', () => ({ ...good(), idempotencyKey: '' }), 'ABONE_ERR_LEDGER_ENTRY_INVALID'],
  ];

  for (const [what, input, code] of cases) {
    it(`refuses ${what} with ${code}`, async () => {
      const before = await ledgerRowCounts(db.pool);
      await assert.rejects(postEntry(db.pool, input()), { code });
      assert.deepEqual(await ledgerRowCounts(db.pool), before);
    });
  }

  it('refuses over-allocation, allocation across accounts and from a non-payment, and writes nothing', async () => {
    const before = await ledgerRowCounts(db.pool);
    await assert.rejects(allocate(db.pool, { sourceEntryId: paymentId, itemId, amount: '120.01' }), { code: 'ABONE_ERR_LEDGER_OVER_ALLOCATION', message: /open amount of item \d+: only 120.00 left/ });
    await assert.rejects(allocate(db.pool, { sourceEntryId: paymentId, itemId, amount: '-1' }), { code: 'ABONE_ERR_LEDGER_AMOUNT_INVALID' });
    await assert.rejects(allocate(db.pool, { sourceEntryId: otherPaymentId, itemId, amount: '10' }), { code: 'ABONE_ERR_LEDGER_ALLOCATION_INVALID' });
    await assert.rejects(allocate(db.pool, { sourceEntryId: paymentId, itemId: 999999, amount: '10' }), { code: 'ABONE_ERR_LEDGER_ITEM_NOT_FOUND' });
    await assert.rejects(allocate(db.pool, { sourceEntryId: 999999, itemId, amount: '10' }), { code: 'ABONE_ERR_LEDGER_ENTRY_NOT_FOUND' });
    const { rows } = await db.pool.query('SELECT entry_id FROM ledger_item WHERE id = $1', [itemId]);
    await assert.rejects(allocate(db.pool, { sourceEntryId: rows[0].entry_id, itemId, amount: '10' }), { code: 'ABONE_ERR_LEDGER_ALLOCATION_INVALID' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    // The payment's own limit: 200.00 paid, 120.00 applied, 80.00 left for a second item of 120.00.
    await allocate(db.pool, { sourceEntryId: paymentId, itemId, amount: '120.00' });
    const second = await postEntry(db.pool, accrualInput(accountId, 'bad-acc-2', { revenue: '100.00', kdv: '20.00' }, { periodEnd: '2026-02-28' }));
    const mid = await ledgerRowCounts(db.pool);
    await assert.rejects(allocate(db.pool, { sourceEntryId: paymentId, itemId: second.item!.id, amount: '80.01' }), { code: 'ABONE_ERR_LEDGER_OVER_ALLOCATION', message: /unallocated money of entry \d+: only 80.00 left/ });
    assert.deepEqual(await ledgerRowCounts(db.pool), mid);
  });

  it('refuses to reverse an unknown entry, and to invoice an unknown account or one with nothing open', async () => {
    const before = await ledgerRowCounts(db.pool);
    await assert.rejects(reverseEntry(db.pool, { entryId: 999999, idempotencyKey: 'rev-x' }), { code: 'ABONE_ERR_LEDGER_ENTRY_NOT_FOUND' });
    await assert.rejects(createInvoice(db.pool, 999999), { code: 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND' });
    const empty = await openAccount(db.pool, 'SUB-BAD-EMPTY');
    const afterOpen = await ledgerRowCounts(db.pool);
    await assert.rejects(createInvoice(db.pool, empty.id, { issueDate: '2026-03-01' }), { code: 'ABONE_ERR_LEDGER_NOTHING_TO_INVOICE' });
    assert.deepEqual(await ledgerRowCounts(db.pool), afterOpen);
    assert.equal(afterOpen.ledger_entry, before.ledger_entry);
  });
});
