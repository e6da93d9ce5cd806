/**
 * The promise of access control for warehouses: a user acts only on the warehouses (or regions) they are authorised
 * for, checked by the service whatever route is used. Above all, a keeper of A cannot take stock out of B.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { createToken } from '../access/index.ts';
import { caller, count, registerMeters, snapshot, type Who } from './test-fixtures.ts';

const A = 'ANK-01';
const B = 'IZM-01';
const C = 'ANK-02';

describe('warehouses: scope is checked by the service on every route', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let call: ReturnType<typeof caller>;
  let admin: Who;
  let keeperA: Who & { username: string };

  const codes = async (who: Who) => (await call(who, 'GET', '/api/v1/warehouses')).json().items.map((w: { code: string }) => w.code);
  const expect = (res: { statusCode: number; body: string }, status: number, code?: string, what = '') => {
    assert.equal(res.statusCode, status, `${what}: ${res.body}`);
    if (code) assert.equal(JSON.parse(res.body).code, code, what);
  };

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    call = caller(app);
    await registerMeters(db.pool, [...[1, 2, 3, 4, 5, 6, 7, 8].flatMap((n) => [`A-${n}`, `B-${n}`, `C-${n}`]), 'X-1', 'X-2', 'X-3', 'X-4']);
    admin = await sessionAs(app, db.pool, [{ role: 'admin' }]);
    for (const [code, region] of [[A, 'ANK'], [B, 'IZM'], [C, 'ANK']]) {
      expect(await call(admin, 'POST', '/api/v1/warehouses', { code, name: `Depo ${code}`, region }), 201);
    }
    for (const [code, prefix] of [[A, 'A'], [B, 'B'], [C, 'C']]) {
      expect(await call(admin, 'POST', `/api/v1/warehouses/${code}/receipts`, { serials: [1, 2, 3, 4, 5, 6].map((n) => `${prefix}-${n}`) }), 201);
    }
    keeperA = await sessionAs(app, db.pool, [{ role: 'warehouse_keeper', warehouses: [A] }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('refuses a keeper of A every way of taking stock out of B, putting stock into it, or reading it, and B is untouched', async () => {
    const { rows } = await db.pool.query('SELECT id FROM app_user WHERE username = $1', [keeperA.username]);
    const tokenA: Who = { token: (await createToken(db.pool, rows[0].id, 'keeper-a-scanner')).secret };
    const beforeB = await snapshot(db.pool, B);
    const allStock = await count(db.pool, 'warehouse_stock');
    const allMoves = await count(db.pool, 'stock_move');
    const denied = await count(db.pool, `audit_log WHERE outcome = 'denied' AND entity_id = $1`, [B]);

    // B's own routes: refused by scope before anything is read or written.
    for (const who of [keeperA, tokenA]) {
      expect(await call(who, 'POST', `/api/v1/warehouses/${B}/moves`, { serial: 'B-1', to: A }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE', 'move from B');
      expect(await call(who, 'POST', `/api/v1/warehouses/${B}/moves`, { serial: 'B-1', to: C, reason: 'x' }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE', 'move from B to C');
      expect(await call(who, 'POST', `/api/v1/warehouses/${B}/issues`, { serial: 'B-2', reason: 'crew 7' }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE', 'issue from B');
      expect(await call(who, 'POST', `/api/v1/warehouses/${B}/receipts`, { serials: ['X-1'] }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE', 'receipt into B');
      expect(await call(who, 'GET', `/api/v1/warehouses/${B}/stock`), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE', 'B stock');
      expect(await call(who, 'GET', `/api/v1/warehouses/${B}/moves`), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE', 'B history');
    }
    // A warehouse that does not exist answers the same 403, so scope does not leak which codes exist.
    expect(await call(keeperA, 'POST', '/api/v1/warehouses/NOPE-99/moves', { serial: 'B-1', to: A }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE', 'unknown warehouse');
    // Through A's own door, naming B's meters: a move or an issue from A of a meter that sits in B, and a receipt
    // into A of a meter B holds (which would take it from B), are all refused.
    expect(await call(keeperA, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'B-1', to: C }), 409, 'ABONE_ERR_WAREHOUSE_METER_NOT_IN_STOCK', 'B meter via A move');
    expect(await call(keeperA, 'POST', `/api/v1/warehouses/${A}/issues`, { serial: 'B-2', reason: 'crew 7' }), 409, 'ABONE_ERR_WAREHOUSE_METER_NOT_IN_STOCK', 'B meter via A issue');
    expect(await call(keeperA, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: ['B-3'] }), 409, 'ABONE_ERR_WAREHOUSE_METER_IN_STOCK', 'B meter received into A');
    expect(await call(keeperA, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: ['X-1', 'B-3'] }), 409, 'ABONE_ERR_WAREHOUSE_METER_IN_STOCK', 'B meter hidden in a batch');

    assert.deepEqual(await snapshot(db.pool, B), beforeB);
    assert.equal(await count(db.pool, 'warehouse_stock'), allStock, 'no stock row anywhere changed (X-1 was not received either)');
    assert.equal(await count(db.pool, 'stock_move'), allMoves);
    // Each attempt to change B's stock is on the audit trail as denied (two moves, an issue, a receipt per caller).
    assert.equal(await count(db.pool, `audit_log WHERE outcome = 'denied' AND entity_id = $1`, [B]), denied + 8);
    assert.deepEqual(await codes(keeperA), [A], 'the list names only A');
  });

  it('lets the keeper of A do the same on A', async () => {
    expect(await call(keeperA, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: ['X-1'], reason: 'delivery note 118' }), 201);
    expect(await call(keeperA, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'A-1', to: C }), 201);
    // Sending on to B is allowed: stock leaves A (in scope) and arrives in B without taking anything out of it.
    expect(await call(keeperA, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'A-2', to: B }), 201);
    expect(await call(keeperA, 'POST', `/api/v1/warehouses/${A}/issues`, { serial: 'A-3', reason: 'crew 7, work order 55' }), 201);
    const stock = (await call(keeperA, 'GET', `/api/v1/warehouses/${A}/stock`)).json();
    assert.deepEqual(stock.items.map((s: { serial: string }) => s.serial), ['A-4', 'A-5', 'A-6', 'X-1']);
    const history = (await call(keeperA, 'GET', `/api/v1/warehouses/${A}/moves`)).json().items;
    assert.deepEqual(history.slice(0, 4).map((m: { serial: string; from: string; to: string }) => [m.serial, m.from, m.to]), [['A-3', A, null], ['A-2', A, B], ['A-1', A, C], ['X-1', null, A]]);
    assert.equal(history[0].actor, keeperA.username);
  });

  it('lets a keeper scoped to A and B act on both, and nowhere else', async () => {
    const keeperAB = await sessionAs(app, db.pool, [{ role: 'warehouse_keeper', warehouses: [A, B] }]);
    expect(await call(keeperAB, 'POST', `/api/v1/warehouses/${B}/moves`, { serial: 'B-4', to: A }), 201);
    expect(await call(keeperAB, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'A-4', to: B }), 201);
    expect(await call(keeperAB, 'POST', `/api/v1/warehouses/${B}/issues`, { serial: 'B-5', reason: 'crew 2' }), 201);
    expect(await call(keeperAB, 'POST', `/api/v1/warehouses/${B}/receipts`, { serials: ['X-2'] }), 201);
    expect(await call(keeperAB, 'GET', `/api/v1/warehouses/${B}/stock`), 200);
    expect(await call(keeperAB, 'POST', `/api/v1/warehouses/${C}/issues`, { serial: 'C-2', reason: 'crew 2' }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE');
    assert.deepEqual(await codes(keeperAB), [A, B]);
  });

  it('lets an unscoped administrator act everywhere', async () => {
    for (const code of [A, B, C]) expect(await call(admin, 'GET', `/api/v1/warehouses/${code}/moves`), 200);
    expect(await call(admin, 'POST', `/api/v1/warehouses/${C}/moves`, { serial: 'C-3', to: B }), 201);
    expect(await call(admin, 'POST', `/api/v1/warehouses/${B}/issues`, { serial: 'B-6', reason: 'meter change' }), 201);
    assert.deepEqual(await codes(admin), [A, C, B]); // ordered by code
  });

  it('limits a keeper granted a region to that region\'s warehouses', async () => {
    const ank = await sessionAs(app, db.pool, [{ role: 'warehouse_keeper', regions: ['ANK'] }]);
    assert.deepEqual(await codes(ank), [A, C]);
    expect(await call(ank, 'POST', `/api/v1/warehouses/${C}/moves`, { serial: 'C-4', to: A }), 201);
    const beforeB = await snapshot(db.pool, B);
    expect(await call(ank, 'POST', `/api/v1/warehouses/${B}/moves`, { serial: 'B-1', to: A }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE');
    expect(await call(ank, 'POST', `/api/v1/warehouses/${B}/issues`, { serial: 'B-1', reason: 'x' }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE');
    expect(await call(ank, 'POST', `/api/v1/warehouses/${B}/receipts`, { serials: ['X-3'] }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE');
    expect(await call(ank, 'GET', `/api/v1/warehouses/${B}/stock`), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE');
    assert.deepEqual(await snapshot(db.pool, B), beforeB);
  });

  it('lets a field crew read stock but move nothing, and a scoped crew read only its own warehouse', async () => {
    const crew = await sessionAs(app, db.pool, [{ role: 'field_crew' }]);
    const moves = await count(db.pool, 'stock_move');
    for (const code of [A, B]) expect(await call(crew, 'GET', `/api/v1/warehouses/${code}/stock`), 200);
    expect(await call(crew, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'A-5', to: B }), 403, 'ABONE_ERR_AUTH_FORBIDDEN');
    expect(await call(crew, 'POST', `/api/v1/warehouses/${A}/issues`, { serial: 'A-5', reason: 'x' }), 403, 'ABONE_ERR_AUTH_FORBIDDEN');
    expect(await call(crew, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: ['X-4'] }), 403, 'ABONE_ERR_AUTH_FORBIDDEN');
    expect(await call(crew, 'POST', '/api/v1/warehouses', { code: 'ANK-09', name: 'x', region: 'ANK' }), 403, 'ABONE_ERR_AUTH_FORBIDDEN');
    assert.equal(await count(db.pool, 'stock_move'), moves);
    const crewA = await sessionAs(app, db.pool, [{ role: 'field_crew', warehouses: [A] }]);
    expect(await call(crewA, 'GET', `/api/v1/warehouses/${A}/stock`), 200);
    expect(await call(crewA, 'GET', `/api/v1/warehouses/${B}/stock`), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE');
    assert.deepEqual(await codes(crewA), [A]);
  });

  it('lets only warehouse.manage create warehouses, and only in its regions', async () => {
    expect(await call(keeperA, 'POST', '/api/v1/warehouses', { code: 'ANK-09', name: 'x', region: 'ANK' }), 403, 'ABONE_ERR_AUTH_FORBIDDEN');
    const ankAdmin = await sessionAs(app, db.pool, [{ role: 'admin', regions: ['ANK'] }]);
    expect(await call(ankAdmin, 'POST', '/api/v1/warehouses', { code: 'IZM-09', name: 'x', region: 'IZM' }), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE');
    expect(await call(ankAdmin, 'POST', '/api/v1/warehouses', { code: 'ANK-09', name: 'Yenimahalle', region: 'ANK' }), 201);
    assert.equal(await count(db.pool, `warehouse WHERE code = 'IZM-09'`), 0);
  });
});
