/**
 * Races on one account from parallel connections: the account lock makes the settlement checks and the writes one
 * step, so parallel allocations never settle an item beyond its amount, a retried posting is one posting, and one
 * entry is reversed once.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { allocate, balance, openAccount, openItems, postEntry, reverseEntry } from './index.ts';
import { accrualInput, paymentInput } from './test-fixtures.ts';

describe('ledger: parallel writers on one account', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  it('settles an item of 120.00 from ten parallel payments of 50.00 exactly to its amount', async () => {
    const account = await openAccount(db.pool, 'SUB-RACE-1');
    const item = (await postEntry(db.pool, accrualInput(account.id, 'race-acc', { revenue: '100.00', kdv: '20.00' }, { periodEnd: '2026-01-31' }))).item!;
    const payments = await Promise.all(Array.from({ length: 10 }, (_, i) => postEntry(db.pool, paymentInput(account.id, `race-pay-${i}`, '50.00', '2026-02-01'))));
    const outcomes = await Promise.allSettled(payments.map((p) => allocate(db.pool, { sourceEntryId: p.id, itemId: item.id, amount: '50.00', onDate: '2026-02-01' })));
    // 50 + 50 fit; a third 50.00 would exceed 120.00, so the other eight are refused.
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 2);
    assert.ok(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason.code === 'ABONE_ERR_LEDGER_OVER_ALLOCATION'));
    assert.deepEqual((await openItems(db.pool, account.id, '2026-02-01')).map((i) => i.open), ['20.00']);
  });

  it('posts one entry for the same key sent 20 times in parallel, and reverses it once', async () => {
    const account = await openAccount(db.pool, 'SUB-RACE-2');
    const input = paymentInput(account.id, 'bank-ref-RACE', '75.00', '2026-02-01');
    const results = await Promise.all(Array.from({ length: 20 }, () => postEntry(db.pool, input)));
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    assert.equal(results.filter((r) => !r.replayed).length, 1);
    assert.equal((await balance(db.pool, account.id, '2026-02-01')).balance, '-75.00');
    const reversals = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => reverseEntry(db.pool, { entryId: results[0].id, idempotencyKey: `race-rev-${i}`, businessDate: '2026-02-02' })));
    assert.equal(reversals.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(reversals.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'ABONE_ERR_LEDGER_ALREADY_REVERSED'));
    assert.equal((await balance(db.pool, account.id, '2026-02-02')).balance, '0.00');
  });
});
