/**
 * The registry's places and subscriptions over HTTP: GeoJSON in and out, a whole move-in → polygon → counts → party
 * search by address and by point, masked personal data, and bad input refused with its code and nothing changed.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { makeTckn, meters } from './test-fixtures.ts';

describe('subscriptions and places over HTTP', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let agent: { cookie: string };
  let cashier: { cookie: string };
  const call = (who: { cookie: string }, method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, payload, headers: { cookie: who.cookie } });
  const ok = async (p: Promise<{ statusCode: number; body: string }>, status = 200) => {
    const res = await p;
    assert.equal(res.statusCode, status, res.body);
    return JSON.parse(res.body);
  };

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    agent = await sessionAs(app, db.pool, [{ role: 'call_centre_agent' }]);
    cashier = await sessionAs(app, db.pool, [{ role: 'cashier' }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('takes a subscriber from address to contract and finds them on the map', async () => {
    const tckn = makeTckn();
    const party = await ok(call(agent, 'POST', '/api/v1/parties', { kind: 'person', name: 'Şükrü Güneş', nationalId: tckn }), 201);
    const address = await ok(call(agent, 'POST', '/api/v1/addresses', { il: 'İzmir', ilce: 'Karşıyaka', mahalle: 'Bostanlı', street: 'Cemal Gürsel Caddesi', buildingNo: '220', doorNo: '5', uavtCode: '3000000001', location: { type: 'Point', coordinates: [27.0956, 38.4563] } }), 201);
    assert.deepEqual(address.location, { type: 'Point', coordinates: [27.0956, 38.4563] });
    const premise = await ok(call(agent, 'POST', '/api/v1/premises', { addressId: address.id, kind: 'dwelling' }), 201);
    const inst = await ok(call(agent, 'POST', '/api/v1/installations', { premiseId: premise.id, commodity: 'gas', serviceLine: { material: 'pe', diameterMm: '32', lengthM: '12.5', builtOn: '2019-05-02', pressureClass: '21 mbar' } }), 201);
    assert.deepEqual(inst.serviceLine, { material: 'pe', diameterMm: '32.0', lengthM: '12.5', builtOn: '2019-05-02', pressureClass: '21 mbar' });
    const m = await meters(db.pool);
    await ok(call(agent, 'POST', `/api/v1/installations/${inst.id}/meters`, { action: 'install', serial: m.serials[0], reading: '0' }));
    const sub = await ok(call(agent, 'POST', '/api/v1/subscriptions', { partyId: party.id, installationId: inst.id, class: 'residential', tariffCode: 'GAS-RES', openingReading: '0.5' }), 201);
    assert.equal(sub.status, 'active');

    const square = { type: 'Polygon', coordinates: [[[27.09, 38.45], [27.10, 38.45], [27.10, 38.46], [27.09, 38.46], [27.09, 38.45]]] };
    const within = await ok(call(cashier, 'POST', '/api/v1/subscriptions/within', { polygon: square }));
    assert.deepEqual(within.items.map((s: { id: number }) => s.id), [sub.id]);
    assert.deepEqual((await ok(call(cashier, 'GET', '/api/v1/subscriptions/counts?by=ilce'))).items, [{ il: 'izmir', ilce: 'karsiyaka', count: 1 }]);
    const near = await ok(call(cashier, 'GET', '/api/v1/installations/nearest?lon=27.0957&lat=38.4563&limit=1'));
    assert.equal(near.items[0].installationId, inst.id);
    assert.ok(near.items[0].distanceM > 8 && near.items[0].distanceM < 9, String(near.items[0].distanceM)); // 0.0001° lon × 87.1 km/° = 8.71 m

    const byAddress = await ok(call(cashier, 'GET', `/api/v1/parties/by-address?q=${encodeURIComponent('cemal gursel 220 karsiyaka')}`));
    assert.deepEqual(byAddress.items.map((p: { id: number; nationalId: string; masked: boolean }) => [p.id, p.masked, p.nationalId === tckn]), [[party.id, true, false]]);
    const byPoint = await ok(call(cashier, 'GET', '/api/v1/parties/near?lon=27.0956&lat=38.4563&withinM=20'));
    assert.deepEqual(byPoint.items.map((p: { id: number }) => p.id), [party.id]);
    assert.deepEqual((await ok(call(cashier, 'GET', '/api/v1/parties/near?lon=27.2&lat=38.4563&withinM=20'))).items, []);
  });

  it('refuses bad places and shapes with a code, changing nothing', async () => {
    const count = async () => (await db.pool.query('SELECT (SELECT count(*) FROM address) a, (SELECT count(*) FROM subscription) s')).rows[0];
    const before = await count();
    const bad = async (url: string, payload: object, code = 'ABONE_ERR_HTTP_VALIDATION', status = 400) => {
      const res = await call(agent, 'POST', url, payload);
      assert.equal(res.statusCode, status, `${url} ${JSON.stringify(payload).slice(0, 80)}: ${res.body}`);
      assert.equal(JSON.parse(res.body).code, code);
    };
    const addr = { il: 'İzmir', ilce: 'Bornova', mahalle: 'Kazımdirik', street: 'Sokak', buildingNo: '1', location: { type: 'Point', coordinates: [27.2, 38.46] } };
    await bad('/api/v1/addresses', { ...addr, location: { type: 'Point', coordinates: [27.2, 91] } });
    await bad('/api/v1/addresses', { ...addr, location: { type: 'Point', coordinates: ['27.2', 38.46] } });
    await bad('/api/v1/addresses', { ...addr, street: "'; DELETE FROM address; --" });
    await bad('/api/v1/addresses', { ...addr, uavtCode: '3000000001' }, 'ABONE_ERR_REGISTRY_ADDRESS_EXISTS', 409);
    await bad('/api/v1/premises', { addressId: 999999, kind: 'dwelling' }, 'ABONE_ERR_REGISTRY_ADDRESS_NOT_FOUND', 404);
    const open = { type: 'Polygon', coordinates: [[[27.09, 38.45], [27.1, 38.45], [27.1, 38.46], [27.09, 38.46]]] };
    await bad('/api/v1/subscriptions/within', { polygon: open });
    await bad('/api/v1/subscriptions/within', { polygon: { type: 'MultiPolygon', coordinates: [] } });
    await bad('/api/v1/subscriptions', { partyId: 1, installationId: 1, class: 'royal', tariffCode: 'X', openingReading: '1' });
    await bad('/api/v1/subscriptions', { partyId: 1, installationId: 1, class: 'residential', tariffCode: 'X', openingReading: '-1' });
    await bad('/api/v1/subscriptions/999999/events', { event: 'move_out', reading: '1' }, 'ABONE_ERR_SUBSCRIPTION_NOT_FOUND', 404);
    await bad('/api/v1/subscriptions/999999/events', { event: 'teleport' });
    assert.deepEqual(await count(), before);
  });
});
