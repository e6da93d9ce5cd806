/**
 * The period-end late-fee run against the real database: fees through the period end with hand numbers, a re-run
 * that posts nothing, the next fee counting from the period end, payments after the period end, shielded items.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { createInstalmentPlan, debtInquiry, runPeriodEndLateFees, takePayment } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: period-end late fees', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  /** The period-end fees on an item (payment_id NULL). */
  const fees = async (itemId: number) =>
    (await db.pool.query(`SELECT to_char(from_date, 'YYYY-MM-DD') AS f, to_char(to_date, 'YYYY-MM-DD') AS t, principal::text AS p, amount::text AS a FROM collections_late_fee WHERE item_id = $1 AND payment_id IS NULL ORDER BY id`, [itemId])).rows.map((r) => [r.f, r.t, r.p, r.a]);

  it('charges every overdue open accrual through the period end, once, and the next fee counts from there', async () => {
    const x = await accountWithBills(db.pool, 'RUN-X', [{ amount: '1000.00', dueDate: '2026-01-05' }, { amount: '300.00', dueDate: '2026-01-15' }, { amount: '80.00', dueDate: '2026-02-10' }]);
    const w = await accountWithBills(db.pool, 'RUN-W', [{ amount: '600.00', dueDate: '2026-01-05' }]);
    const z = await accountWithBills(db.pool, 'RUN-Z', [{ amount: '450.00', dueDate: '2026-01-05' }]);
    await createInstalmentPlan(db.pool, { accountId: z.accountId, itemIds: z.itemIds, instalments: 3, firstDueDate: '2026-01-20', businessDate: '2026-01-10' });
    // W pays 300.00 on 3 Feb, after the period end but before the run: 289.64 principal + 10.36 fee (29 days).
    const early = await takePayment(db.pool, { accountId: w.accountId, amount: '300.00', channel: 'bank', source: 'bank:0062', reference: 'RUN-W-a', businessDate: '2026-02-03' });
    assert.deepEqual(early.allocations.map((a) => a.amount), ['10.36', '289.64']);

    const jan = await runPeriodEndLateFees(db.pool, { periodEnd: '2026-01-31', actor: 'run' });
    // X: 1,000.00 × 0.037 × 26/30 = 32.07; 300.00 × 0.037 × 16/30 = 5.92; 80.00 not yet due.
    // W: on min(600.00 open on 31 Jan, 310.36 open now) = 310.36 × 0.037 × 26/30 = 9.95. Z: shielded.
    assert.deepEqual(jan, { periodEnd: '2026-01-31', items: 4, posted: 3, total: '47.94', shielded: 1, unchanged: 0 });
    assert.deepEqual(await fees(x.itemIds[0]), [['2026-01-05', '2026-01-31', '1000.00', '32.07']]);
    assert.deepEqual(await fees(x.itemIds[1]), [['2026-01-15', '2026-01-31', '300.00', '5.92']]);
    assert.deepEqual(await fees(w.itemIds[0]), [['2026-01-05', '2026-01-31', '310.36', '9.95']]);
    assert.deepEqual(await fees(z.itemIds[0]), []);

    const before = await ledgerRowCounts(db.pool);
    const again = await runPeriodEndLateFees(db.pool, { periodEnd: '2026-01-31' });
    assert.deepEqual([again.posted, again.total, again.unchanged, again.shielded], [0, '0.00', 3, 1]);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);

    // The next period: 300.00 from 31 Jan through 28 Feb: 300 × 0.037 × 28/30 = 10.36; 80.00 from 10 Feb: 80 × 0.037 × 18/30 = 1.78.
    const feb = await runPeriodEndLateFees(db.pool, { periodEnd: '2026-02-28' });
    assert.deepEqual(await fees(x.itemIds[1]), [['2026-01-15', '2026-01-31', '300.00', '5.92'], ['2026-01-31', '2026-02-28', '300.00', '10.36']]);
    assert.deepEqual(await fees(x.itemIds[2]), [['2026-02-10', '2026-02-28', '80.00', '1.78']]);
    assert.equal(feb.shielded, 1);

    // A payment on 10 Mar counts the 1,000.00's fee from 28 Feb: 1,000 × 0.037 × 10/30 = 12.33.
    const d = await debtInquiry(db.pool, x.accountId, '2026-03-10');
    assert.equal(d.items.find((i) => i.itemId === x.itemIds[0])?.lateFee, '12.33');
    const paid = await takePayment(db.pool, { accountId: x.accountId, amount: '1012.33', channel: 'bank', source: 'bank:0062', reference: 'RUN-X-a', businessDate: '2026-03-10', itemIds: [x.itemIds[0]] });
    assert.deepEqual(paid.lateFees.map((f) => [f.fromDate, f.toDate, f.amount]), [['2026-02-28', '2026-03-10', '12.33']]);
  });

  it('two runs of the same period end at once charge each item once', async () => {
    const { itemIds } = await accountWithBills(db.pool, 'RUN-RACE', [{ amount: '1000.00', dueDate: '2026-03-05' }, { amount: '200.00', dueDate: '2026-03-10' }]);
    const [a, b] = await Promise.all([runPeriodEndLateFees(db.pool, { periodEnd: '2026-03-31' }), runPeriodEndLateFees(db.pool, { periodEnd: '2026-03-31' })]);
    // 1,000.00 × 0.037 × 26/30 = 32.07 and 200.00 × 0.037 × 21/30 = 5.18, posted by one run or the other, never both.
    assert.deepEqual(await fees(itemIds[0]), [['2026-03-05', '2026-03-31', '1000.00', '32.07']]);
    assert.deepEqual(await fees(itemIds[1]), [['2026-03-10', '2026-03-31', '200.00', '5.18']]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM collections_late_fee WHERE to_date = '2026-03-31' AND payment_id IS NULL`);
    assert.equal(a.posted + b.posted, rows[0].n); // every fee of the period end (other tests' items too) posted by exactly one run
  });

  it('refuses a malformed or future period end and posts nothing', async () => {
    const before = await ledgerRowCounts(db.pool);
    for (const bad of ['2026-02-30', '31.01.2026', '', '2999-01-31']) {
      await assert.rejects(runPeriodEndLateFees(db.pool, { periodEnd: bad }), { code: 'ABONE_ERR_COLLECTIONS_LATE_FEE_RUN_INVALID' }, bad);
    }
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });
});
