/** The plan routes on the real app: a billing clerk makes and cancels a plan (audited), a cashier reads but may not. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: plan routes', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let clerk: string;
  let cashier: string;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    clerk = (await sessionAs(app, db.pool, [{ role: 'billing_clerk' }])).cookie;
    cashier = (await sessionAs(app, db.pool, [{ role: 'cashier' }])).cookie;
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const post = (url: string, cookie: string, payload: unknown) => app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });

  it('makes an enforcement plan for a clerk, audited; a cashier may read it but not make or cancel one', async () => {
    const { itemIds } = await accountWithBills(db.pool, 'HTTP-PLAN-1', [{ amount: '900.00', dueDate: '2026-01-05' }]);
    const body = { subscriptionId: 'HTTP-PLAN-1', itemIds, instalments: 4, firstDueDate: '2026-12-15', kind: 'enforcement', enforcementFile: '2026/4711' };
    const before = await ledgerRowCounts(db.pool);
    assert.equal((await post('/api/v1/collections/instalment-plans', cashier, body)).statusCode, 403);
    const bad = await post('/api/v1/collections/instalment-plans', clerk, { ...body, kind: 'normal' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'ABONE_ERR_COLLECTIONS_PLAN_INVALID');

    const res = await post('/api/v1/collections/instalment-plans', clerk, body);
    assert.equal(res.statusCode, 201, res.body);
    const plan = res.json();
    assert.deepEqual(plan.instalments.map((i: { amount: string }) => i.amount), ['225.00', '225.00', '225.00', '225.00']);
    assert.deepEqual(await ledgerRowCounts(db.pool), before); // an overlay: nothing posted
    const { rows } = await db.pool.query(`SELECT entity_id, detail->>'enforcementFile' AS file FROM audit_log WHERE action = 'collections.instalment_plan.create'`);
    assert.deepEqual(rows, [{ entity_id: String(plan.id), file: '2026/4711' }]);

    const read = await app.inject({ method: 'GET', url: `/api/v1/collections/instalment-plans/${plan.id}`, headers: { cookie: cashier } });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().total, '900.00');
    assert.equal((await post(`/api/v1/collections/instalment-plans/${plan.id}/cancel`, cashier, { reason: 'x' })).statusCode, 403);
    const cancelled = await post(`/api/v1/collections/instalment-plans/${plan.id}/cancel`, clerk, { reason: 'Borçlu talebi' });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json().ended.outcome, 'cancelled');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/collections/instalment-plans/999999', headers: { cookie: cashier } })).statusCode, 404);
  });

  it('makes a fixed payment plan and sets deposit amounts for a clerk, audited', async () => {
    await accountWithBills(db.pool, 'HTTP-PLAN-3', []);
    const created = await post('/api/v1/collections/fixed-plans', clerk, { subscriptionId: 'HTTP-PLAN-3', yearStart: '2026-01-01', monthlyAmount: '410.00' });
    assert.equal(created.statusCode, 201, created.body);
    const read = await app.inject({ method: 'GET', url: `/api/v1/collections/fixed-plans/${created.json().id}?asOf=2026-03-15`, headers: { cookie: cashier } });
    assert.deepEqual(read.json().progress, { asOf: '2026-03-15', expected: '1230.00', paid: '0.00', accrued: '0.00' }); // 1 Jan, 1 Feb, 1 Mar
    const early = await post(`/api/v1/collections/fixed-plans/${created.json().id}/true-up`, clerk, { onDate: '2026-06-30' });
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().code, 'ABONE_ERR_COLLECTIONS_PLAN_REFUSED');

    const rate = await app.inject({ method: 'PUT', url: '/api/v1/collections/deposit-rates', headers: { cookie: clerk }, payload: { class: 'residential', commodity: 'water', effectiveFrom: '2026-01-01', amount: '400.00', note: 'örnek yapılandırma' } });
    assert.equal(rate.statusCode, 200, rate.body);
    const badRate = await app.inject({ method: 'PUT', url: '/api/v1/collections/deposit-rates', headers: { cookie: clerk }, payload: { class: 'Residential!', commodity: 'water', effectiveFrom: '2026-01-01', amount: '400.00', note: 'x' } });
    assert.equal(badRate.json().code, 'ABONE_ERR_COLLECTIONS_DEPOSIT_INVALID');
    const { rows } = await db.pool.query(`SELECT action, entity_id FROM audit_log WHERE action IN ('collections.fixed_plan.create', 'collections.deposit_rate.set') ORDER BY id`);
    assert.deepEqual(rows.map((r) => [r.action, r.entity_id]), [['collections.fixed_plan.create', String(created.json().id)], ['collections.deposit_rate.set', 'residential/water/2026-01-01']]);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/collections/deposits/999999', headers: { cookie: cashier } })).statusCode, 404);
  });

  it('runs the period-end late fees for a clerk and refuses a future date', async () => {
    await accountWithBills(db.pool, 'HTTP-PLAN-2', [{ amount: '1000.00', dueDate: '2026-01-05' }]);
    const run = await post('/api/v1/collections/late-fee-runs', clerk, { periodEnd: '2026-01-25' });
    assert.equal(run.statusCode, 200, run.body);
    // 1,000.00 × 0.037 × 20/30 = 24.67 (the first test's plan was cancelled, so its 900.00 is charged too:
    // 900.00 × 0.037 × 20/30 = 22.20).
    assert.deepEqual([run.json().posted, run.json().total], [2, '46.87']);
    const future = await post('/api/v1/collections/late-fee-runs', clerk, { periodEnd: '2999-01-31' });
    assert.equal(future.statusCode, 400);
    assert.equal(future.json().code, 'ABONE_ERR_COLLECTIONS_LATE_FEE_RUN_INVALID');
  });
});
