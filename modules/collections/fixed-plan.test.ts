/**
 * Fixed payment plan (budget billing) against the real database: the monthly amount from history, the plan year's
 * bills shielded from late fees, and the true-up with hand numbers.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { cancelFixedPlan, createFixedPlan, debtInquiry, loadFixedPlan, monthlyFromHistory, takePayment, trueUpFixedPlan } from './index.ts';
import { accountWithBills, type Bill } from './test-fixtures.ts';

const monthEnd = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
const bill = (year: number, month: number, amount: string): Bill => ({ amount, postedOn: monthEnd(year, month), dueDate: `${month === 12 ? year + 1 : year}-${String((month % 12) + 1).padStart(2, '0')}-15` });

describe('collections: fixed payment plan (sabit ödeme)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  it('rounds the monthly amount up to the kuruş', () => {
    assert.equal(monthlyFromHistory('3600.00', 12).toFixed(2), '300.00');
    assert.equal(monthlyFromHistory('1000.00', 3).toFixed(2), '333.34');
  });

  it('12 months of history summing 3,600.00 give 300.00 a month; a year accruing 3,912.40 trues up to 312.40 due', async () => {
    const history = Array.from({ length: 12 }, (_, i) => bill(2024, i + 1, '300.00'));
    // The plan year 2025: 450 + 420 + 380 + 300 + 220 + 150 + 120 + 130 + 180 + 300 + 512.40 + 750 = 3,912.40
    const year = ['450.00', '420.00', '380.00', '300.00', '220.00', '150.00', '120.00', '130.00', '180.00', '300.00', '512.40', '750.00'].map((a, i) => bill(2025, i + 1, a));
    const { accountId, itemIds } = await accountWithBills(db.pool, 'FIXED-1', [...history]);
    // The history is paid (in advance).
    await takePayment(db.pool, { accountId, amount: '3600.00', channel: 'bank', source: 'bank:0062', reference: 'FIXED-1-2024', businessDate: '2024-01-01' }); // before any due date: no fee
    const plan = await createFixedPlan(db.pool, { accountId, yearStart: '2025-01-01', actor: 'clerk' });
    assert.deepEqual([plan.monthlyAmount, plan.historyTotal, plan.historyMonths, plan.yearEnd], ['300.00', '3600.00', 12, '2025-12-31']);
    assert.deepEqual(plan.schedule.slice(0, 2).map((s) => [s.dueDate, s.amount]), [['2025-01-01', '300.00'], ['2025-02-01', '300.00']]);
    await assert.rejects(createFixedPlan(db.pool, { accountId, yearStart: '2025-06-01' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED' });

    const more = await accountWithBills(db.pool, 'FIXED-1', [...history, ...year]);
    const yearItems = more.itemIds.slice(12);
    assert.deepEqual(more.itemIds.slice(0, 12), itemIds);
    const pay = (month: number) => takePayment(db.pool, { accountId, amount: '300.00', channel: 'direct_debit', source: 'dd:0062', reference: `FIXED-1-${month}`, businessDate: `2025-${String(month).padStart(2, '0')}-20` });
    for (let m = 1; m <= 3; m++) await pay(m);
    // 30 April: 900.00 paid Jan 450, Feb 420 and 30.00 of Mar (380, due 15 Apr): the 350.00 left is overdue but shielded.
    const april = await debtInquiry(db.pool, accountId, '2025-04-30');
    assert.deepEqual(april.items.filter((i) => i.dueDate < '2025-04-30').map((i) => [i.itemId, i.open, i.lateFee]), [[yearItems[2], '350.00', '0.00']]);
    // The year so far on 30 April: four fixed payments asked for (due 1 Jan … 1 Apr), three made; 450 + 420 + 380 + 300 = 1,550.00 billed.
    assert.deepEqual((await loadFixedPlan(db.pool, plan.id, '2025-04-30')).progress, { asOf: '2025-04-30', expected: '1200.00', paid: '900.00', accrued: '1550.00' });
    for (let m = 4; m <= 12; m++) await pay(m);

    await assert.rejects(trueUpFixedPlan(db.pool, { planId: plan.id, onDate: '2025-12-31' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED' });
    const t = await trueUpFixedPlan(db.pool, { planId: plan.id, onDate: '2026-01-05', actor: 'clerk' });
    assert.deepEqual([t.accrued, t.paid, t.difference, t.dueDate, t.open], ['3912.40', '3600.00', '312.40', '2026-01-20', '312.40']);
    assert.equal((await loadFixedPlan(db.pool, plan.id)).ended?.difference, '312.40');
    await assert.rejects(trueUpFixedPlan(db.pool, { planId: plan.id, onDate: '2026-01-06' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED' });

    // The December bill (750.00, 312.40 open, due 15 Jan) carries no fee until the true-up's due date, 20 Jan, and from
    // then on: 30 Jan is 10 days, 312.40 × 0.037 × 10/30 = 3.853 → 3.85 (from its own due date it would be 5.78).
    assert.equal((await debtInquiry(db.pool, accountId, '2026-01-20')).totalLateFee, '0.00');
    const jan30 = await debtInquiry(db.pool, accountId, '2026-01-30');
    assert.deepEqual(jan30.items.map((i) => [i.itemId, i.open, i.lateFee]), [[yearItems[11], '312.40', '3.85']]);
  });

  it('a younger account averages the months it has; no history needs a monthly amount; cancelling ends the shield', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'FIXED-2', [bill(2024, 10, '300.00'), bill(2024, 11, '300.00'), bill(2024, 12, '400.00'), bill(2025, 1, '90.00')]);
    const plan = await createFixedPlan(db.pool, { accountId, yearStart: '2025-01-01' });
    assert.deepEqual([plan.monthlyAmount, plan.historyTotal, plan.historyMonths], ['333.34', '1000.00', 3]); // 1,000.00 / 3, rounded up
    // January's bill (due 15 Feb) shielded on 1 Mar; after the cancellation 90.00 × 0.045 (the 2025 rate) × 14/30 = 1.89.
    assert.equal((await debtInquiry(db.pool, accountId, '2025-03-01')).items.find((i) => i.itemId === itemIds[3])?.lateFee, '0.00');
    const ended = await cancelFixedPlan(db.pool, { planId: plan.id, onDate: '2025-03-01' });
    assert.deepEqual([ended.accrued, ended.paid, ended.difference], ['90.00', '0.00', '90.00']);
    assert.equal((await debtInquiry(db.pool, accountId, '2025-03-01')).items.find((i) => i.itemId === itemIds[3])?.lateFee, '1.89');

    const young = await accountWithBills(db.pool, 'FIXED-3', []);
    await assert.rejects(createFixedPlan(db.pool, { accountId: young.accountId, yearStart: '2025-01-01' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED' });
    const byHand = await createFixedPlan(db.pool, { accountId: young.accountId, yearStart: '2025-01-01', monthlyAmount: '250.00' });
    assert.deepEqual([byHand.monthlyAmount, byHand.historyMonths], ['250.00', 0]);
    await assert.rejects(createFixedPlan(db.pool, { accountId: young.accountId, yearStart: '2025-13-01' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_INVALID' });
    await assert.rejects(createFixedPlan(db.pool, { accountId: young.accountId, yearStart: '2026-01-01', monthlyAmount: '-1' }), { code: 'ABONE_ERR_COLLECTIONS_PLAN_INVALID' });
  });
});
