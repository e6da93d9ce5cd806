/**
 * Instalment plans against the real database: refusals, a schedule that adds up to the kuruş, instalments settling
 * the plan's items without a late fee, and a default that revives the debt with its fee from the original due dates.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { openItems } from '../ledger/index.ts';
import { cancelInstalmentPlan, createInstalmentPlan, debtInquiry, instalmentSchedule, loadInstalmentPlan, payInstalment, reviewInstalmentPlans, takePayment } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: instalment plans', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  it('splits the debt into instalments that add up exactly, the remainder kuruş on the first', () => {
    assert.deepEqual(instalmentSchedule('1500.01', 3, '2026-01-31').map((i) => [i.dueDate, i.amount]), [
      ['2026-01-31', '500.01'], ['2026-02-28', '500.00'], ['2026-03-31', '500.00'],
    ]);
    assert.deepEqual(instalmentSchedule('100.00', 6, '2026-05-15').map((i) => i.amount), ['16.67', '16.67', '16.67', '16.67', '16.66', '16.66']);
  });

  it('refuses items that are not open, of another account, or already in an active plan, and writes nothing', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'PLAN-BAD', [{ amount: '100.00', dueDate: '2026-01-05' }, { amount: '50.00', dueDate: '2026-01-05' }]);
    const other = await accountWithBills(db.pool, 'PLAN-BAD-2', [{ amount: '70.00', dueDate: '2026-01-05' }]);
    await takePayment(db.pool, { accountId, amount: '50.00', channel: 'cash', source: 'desk:MERKEZ', reference: 'PLAN-BAD-p', itemIds: [itemIds[1]], businessDate: '2026-01-05' });
    const before = await ledgerRowCounts(db.pool);
    const plan = (ids: number[], extra = {}) => createInstalmentPlan(db.pool, { accountId, itemIds: ids, instalments: 2, firstDueDate: '2026-02-01', businessDate: '2026-01-20', ...extra });
    await assert.rejects(plan([itemIds[1]]), { code: 'ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN' }); // paid
    await assert.rejects(plan([other.itemIds[0]]), { code: 'ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN' }); // another account's
    await assert.rejects(plan([999_999]), { code: 'ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN' });
    await assert.rejects(plan([itemIds[0]], { kind: 'enforcement' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_INVALID' }); // no file number
    await assert.rejects(plan([itemIds[0]], { instalments: 0 }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_INVALID' });
    await assert.rejects(plan([itemIds[0]], { firstDueDate: '2026-01-10' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_INVALID' }); // before the plan date
    await assert.rejects(plan([itemIds[0], itemIds[0]]), { code: 'ABONE_ERR_COLLECTIONS_PLAN_INVALID' });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM collections_instalment_plan');
    assert.equal(rows[0].n, 0);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);

    const first = await plan([itemIds[0]], { kind: 'enforcement', enforcementFile: '2026/1234 E.' });
    assert.equal(first.enforcementFile, '2026/1234 E.');
    await assert.rejects(plan([itemIds[0]]), { code: 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED' });
  });

  it('instalments settle the plan\'s items with no late fee; missing two revives the debt with its fee from the original due dates', async () => {
    // A 1,000.00 due 5 Jan and B 500.01 due 5 Feb go into the plan; C 200.00 due 5 Mar stays outside it.
    const { accountId, itemIds: [a, b, c] } = await accountWithBills(db.pool, 'PLAN-1', [
      { amount: '1000.00', dueDate: '2026-01-05' },
      { amount: '500.01', dueDate: '2026-02-05' },
      { amount: '200.00', dueDate: '2026-03-05' },
    ]);
    const plan = await createInstalmentPlan(db.pool, { accountId, itemIds: [a, b], instalments: 3, firstDueDate: '2026-02-20', businessDate: '2026-02-10', actor: 'clerk' });
    assert.equal(plan.total, '1500.01');
    assert.deepEqual(plan.instalments.map((i) => [i.no, i.dueDate, i.amount, i.state]), [
      [1, '2026-02-20', '500.01', 'open'], [2, '2026-03-20', '500.00', 'open'], [3, '2026-04-20', '500.00', 'open'],
    ]);

    // Instalment 1 on its due date: 500.01 of A (46 days overdue, but shielded: no fee).
    const { payment, plan: after1 } = await payInstalment(db.pool, { planId: plan.id, channel: 'cash', source: 'desk:MERKEZ', reference: 'PLAN-1-i1', businessDate: '2026-02-20' });
    assert.equal(payment.amount, '500.01');
    assert.deepEqual(payment.allocations.map((x) => [x.itemId, x.amount]), [[a, '500.01']]);
    assert.deepEqual(payment.lateFees, []);
    assert.deepEqual(after1.instalments.map((i) => i.state), ['paid', 'open', 'open']);
    assert.equal(after1.remaining, '1000.00');

    // While the plan is active the inquiry shows no fee on A or B, but C (outside the plan) grows its own.
    const during = await debtInquiry(db.pool, accountId, '2026-03-25');
    assert.deepEqual(during.items.map((i) => [i.itemId, i.open, i.lateFee]), [[a, '499.99', '0.00'], [b, '500.01', '0.00'], [c, '200.00', '4.93']]); // 200 × 0.037 × 20/30 = 4.933

    // A paid-too-much instalment is refused.
    await assert.rejects(payInstalment(db.pool, { planId: plan.id, amount: '1000.01', channel: 'cash', source: 'desk:MERKEZ', reference: 'PLAN-1-x', businessDate: '2026-03-20' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED' });

    // 27 April: instalment 2 (due 20 Mar) is missed after 7 days' grace, instalment 3 (due 20 Apr) not yet: one miss.
    assert.deepEqual(await reviewInstalmentPlans(db.pool, '2026-04-27', { accountId }), []);
    assert.equal((await loadInstalmentPlan(db.pool, plan.id, '2026-04-27')).missed, 1);
    // 28 April: two misses, the plan defaults.
    assert.deepEqual(await reviewInstalmentPlans(db.pool, '2026-04-28', { accountId }), [{ planId: plan.id, outcome: 'defaulted' }]);
    const ended = await loadInstalmentPlan(db.pool, plan.id, '2026-04-28');
    assert.equal(ended.ended?.outcome, 'defaulted');
    assert.deepEqual(await reviewInstalmentPlans(db.pool, '2026-04-29', { accountId }), []); // idempotent

    // Revived: the fee counts from the original due dates.
    // A: 499.99 × 0.037 × 113/30 (5 Jan → 28 Apr) = 69.68; B: 500.01 × 0.037 × 82/30 (5 Feb → 28 Apr) = 50.57;
    // C: 200.00 × 0.037 × 54/30 (5 Mar → 28 Apr) = 13.32.
    const revived = await debtInquiry(db.pool, accountId, '2026-04-28');
    assert.deepEqual(revived.items.map((i) => [i.itemId, i.lateFee]), [[a, '69.68'], [b, '50.57'], [c, '13.32']]);
    const paid = await takePayment(db.pool, { accountId, amount: '569.67', channel: 'bank', source: 'bank:0062', reference: 'PLAN-1-after', businessDate: '2026-04-28' });
    assert.deepEqual(paid.lateFees.map((f) => [f.itemId, f.fromDate, f.principal, f.amount]), [[a, '2026-01-05', '499.99', '69.68']]);
    await assert.rejects(payInstalment(db.pool, { planId: plan.id, channel: 'cash', source: 'desk:MERKEZ', reference: 'PLAN-1-late', businessDate: '2026-04-28' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED' });
  });

  it('of plans made at once over the same item, exactly one stands', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'PLAN-RACE', [{ amount: '600.00', dueDate: '2026-01-05' }]);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => createInstalmentPlan(db.pool, { accountId, itemIds, instalments: 3, firstDueDate: '2026-02-01', businessDate: '2026-01-20' })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.code, 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED');
  });

  it('a plan paid in full completes; a cancelled plan no longer shields its items', async () => {
    const { accountId, itemIds: [a, b] } = await accountWithBills(db.pool, 'PLAN-2', [{ amount: '300.00', dueDate: '2026-01-05' }, { amount: '90.00', dueDate: '2026-01-05' }]);
    const plan = await createInstalmentPlan(db.pool, { accountId, itemIds: [a], instalments: 2, firstDueDate: '2026-02-01', businessDate: '2026-01-20', missLimit: 1, graceDays: 0 });
    await payInstalment(db.pool, { planId: plan.id, channel: 'cash', source: 'desk:MERKEZ', reference: 'PLAN-2-1', businessDate: '2026-02-01' });
    const { plan: done } = await payInstalment(db.pool, { planId: plan.id, channel: 'cash', source: 'desk:MERKEZ', reference: 'PLAN-2-2', businessDate: '2026-02-10' });
    assert.equal(done.ended?.outcome, 'completed');
    assert.deepEqual((await openItems(db.pool, accountId, '2026-02-10')).map((i) => i.id), [b]);

    const second = await createInstalmentPlan(db.pool, { accountId, itemIds: [b], instalments: 1, firstDueDate: '2026-03-01', businessDate: '2026-02-10' });
    assert.equal((await debtInquiry(db.pool, accountId, '2026-02-11')).totalLateFee, '0.00');
    const cancelled = await cancelInstalmentPlan(db.pool, { planId: second.id, reason: 'Abone talebi', businessDate: '2026-02-10' });
    assert.equal(cancelled.ended?.outcome, 'cancelled');
    // 90.00 × 0.037 × 37/30 (5 Jan → 11 Feb) = 4.107
    assert.equal((await debtInquiry(db.pool, accountId, '2026-02-11')).totalLateFee, '4.11');
    await assert.rejects(cancelInstalmentPlan(db.pool, { planId: second.id, reason: 'again' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED' });
    await assert.rejects(loadInstalmentPlan(db.pool, 999_999), { code: 'ABONE_ERR_COLLECTIONS_PLAN_NOT_FOUND' });
  });
});
