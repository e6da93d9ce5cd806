/** The dunning routes on the real app: a clerk runs it (audited) and anyone reading collections lists the day's notices. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: dunning routes', function () {
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

  it('runs dunning for a clerk, audited; lists the notices; refuses a malformed day with a stable code', async () => {
    await accountWithBills(db.pool, 'HTTP-DUN-1', [{ amount: '75.50', dueDate: '2026-10-20' }]);
    const run = (cookie: string, payload: object) => app.inject({ method: 'POST', url: '/api/v1/collections/dunning-runs', headers: { cookie }, payload });
    assert.equal((await run(cashier, { asOf: '2026-11-01' })).statusCode, 403);
    const bad = await run(clerk, { asOf: '2099-01-01' });
    assert.deepEqual([bad.statusCode, bad.json().code], [400, 'ABONE_ERR_COLLECTIONS_DUNNING_INVALID']);
    const res = await run(clerk, { asOf: '2026-11-01' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().issued, { reminder: 1, final_notice: 0, disconnection: 0 });
    const audited = await db.pool.query(`SELECT entity_id FROM audit_log WHERE action = 'collections.dunning_run'`);
    assert.deepEqual(audited.rows, [{ entity_id: '2026-11-01' }]);

    const list = await app.inject({ method: 'GET', url: '/api/v1/collections/dunning-notices?asOf=2026-11-01', headers: { cookie: cashier } });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json().notices.map((n: Record<string, unknown>) => [n.subscriptionId, n.step, n.label, n.oldestDueDate, n.overdueAmount]), [['HTTP-DUN-1', 'reminder', 'Ödeme hatırlatması', '2026-10-20', '75.50']]);
    const none = await app.inject({ method: 'GET', url: '/api/v1/collections/dunning-notices?asOf=2026-11-01&step=final_notice', headers: { cookie: cashier } });
    assert.deepEqual(none.json().notices, []);
  });
});
