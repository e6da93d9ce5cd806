/** The billing routes over HTTP on the real app: tariffs as data, a run started and followed, review, refusals. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { dailyConsumption, repeat, WATER_TARIFF, waterSubscriptions } from './test-fixtures.ts';
import { runWorker } from './index.ts';

describe('billing routes', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let app: App;
  let clerk: string;
  let auditor: string;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    clerk = (await sessionAs(app, db.pool, [{ role: 'billing_clerk' }])).cookie;
    auditor = (await sessionAs(app, db.pool, [{ role: 'auditor' }])).cookie;
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const call = (cookie: string, method: 'GET' | 'POST', url: string, payload?: unknown) => app.inject({ method, url, headers: { cookie }, payload: payload as object });

  it('stores a tariff, adds a version that ends the previous one, and refuses bad ones naming the field', async () => {
    const created = await call(clerk, 'POST', '/api/v1/tariffs', WATER_TARIFF);
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().revision, 1);
    assert.equal((await call(clerk, 'POST', '/api/v1/tariffs', WATER_TARIFF)).json().code, 'ABONE_ERR_TARIFF_EXISTS');

    const v2 = { ...WATER_TARIFF.versions[0], from: '2026-12-01' };
    const added = await call(clerk, 'POST', '/api/v1/tariffs/SU-KONUT/versions', v2);
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json().revision, 2);
    const listed = await call(auditor, 'GET', '/api/v1/tariffs');
    assert.deepEqual(listed.json().items[0].versions, [{ from: '2026-01-01', to: '2026-12-01' }, { from: '2026-12-01' }]);

    const negative = structuredClone(WATER_TARIFF);
    (negative.versions[0].components[1] as { bands: Array<{ price: string }> }).bands[1].price = '-20';
    const bad = await call(clerk, 'POST', '/api/v1/tariffs', { ...negative, code: 'SU-BAD' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'ABONE_ERR_BILLING_TARIFF_INVALID');
    assert.match(bad.json().message, /versions\[0\]\.components\[1\]\.bands\[1\]\.price/);

    const oddTax = structuredClone(WATER_TARIFF);
    oddTax.versions[0].taxes[0].code = 'FEE';
    assert.equal((await call(clerk, 'POST', '/api/v1/tariffs', { ...oddTax, code: 'SU-ODD' })).json().code, 'ABONE_ERR_TARIFF_TAX_UNMAPPED');
    assert.equal((await call(clerk, 'POST', '/api/v1/tariffs/NOPE/versions', v2)).json().code, 'ABONE_ERR_TARIFF_NOT_FOUND');
    assert.equal((await db.pool.query(`SELECT count(*)::int AS n FROM billing_tariff_revision`)).rows[0].n, 2, 'refusals stored nothing');
  });

  it('starts a run (again: the same run), follows it, lists held bills and releases one', async () => {
    const [a, b] = await waterSubscriptions(db.pool, 2);
    await dailyConsumption(db.pool, a.meterId, '2026-10-01', repeat(31, 0.5));
    await dailyConsumption(db.pool, b.meterId, '2026-10-01', repeat(31, 0));
    assert.equal((await call(clerk, 'POST', '/api/v1/bill-runs', { period: '2026-13' })).statusCode, 400);
    const started = await call(clerk, 'POST', '/api/v1/bill-runs', { period: '2026-10', work: false });
    assert.equal(started.statusCode, 201, started.body);
    const again = await call(clerk, 'POST', '/api/v1/bill-runs', { period: '2026-10', work: false });
    assert.deepEqual([again.statusCode, again.json().id], [200, started.json().id]);
    await runWorker(db.pool, started.json().id);
    const progress = (await call(auditor, 'GET', `/api/v1/bill-runs/${started.json().id}`)).json();
    assert.deepEqual([progress.bills, progress.posted, progress.outsorted], [2, 1, 1]);

    const held = (await call(auditor, 'GET', '/api/v1/accruals/outsorted?period=2026-10')).json().items;
    assert.deepEqual(held.map((h: { subscriptionId: number; outsortReason: string }) => [h.subscriptionId, h.outsortReason]), [[b.subscriptionId, 'zero_on_active']]);
    assert.equal((await call(auditor, 'POST', `/api/v1/accruals/${held[0].id}/release`)).statusCode, 403);
    const released = await call(clerk, 'POST', `/api/v1/accruals/${held[0].id}/release`);
    assert.deepEqual([released.statusCode, released.json().state, released.json().gross], [200, 'posted', '33.00']);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('billrun.start', 'billrun.resume', 'accrual.release', 'tariff.create', 'tariff.version')`);
    assert.equal(rows[0].n, 5);
  });
});
