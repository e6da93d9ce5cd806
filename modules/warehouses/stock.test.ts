/**
 * Stock movements over HTTP: receipts all-or-nothing, moves and issues under a row lock, the history, the audit
 * trail, and bad input that changes nothing.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { caller, count, registerMeters, snapshot, type Who } from './test-fixtures.ts';

const A = 'ANK-01';
const B = 'ANK-02';
const C = 'IST-01';

describe('warehouses: receipts, moves, issues, history and audit', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let call: ReturnType<typeof caller>;
  let admin: Who;
  let keeper: Who & { username: string };
  const serials = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, '0')}`);

  const expect = (res: { statusCode: number; body: string }, status: number, code?: string, what = '') => {
    assert.equal(res.statusCode, status, `${what}: ${res.body}`);
    if (code) assert.equal(JSON.parse(res.body).code, code, what);
  };
  const whole = async () => ({ stock: await count(db.pool, 'warehouse_stock'), moves: await count(db.pool, 'stock_move'), a: await snapshot(db.pool, A), b: await snapshot(db.pool, B) });

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    call = caller(app);
    await registerMeters(db.pool, [...serials('G', 20), ...serials('R', 30)]);
    admin = await sessionAs(app, db.pool, [{ role: 'admin' }]);
    for (const [code, region] of [[A, 'ANK'], [B, 'ANK'], [C, 'IST']]) expect(await call(admin, 'POST', '/api/v1/warehouses', { code, name: `Depo ${code}`, region }), 201);
    keeper = await sessionAs(app, db.pool, [{ role: 'warehouse_keeper', warehouses: [A, B, C] }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('creates warehouses once, with codes in one spelling', async () => {
    expect(await call(admin, 'POST', '/api/v1/warehouses', { code: A, name: 'again', region: 'ANK' }), 409, 'ABONE_ERR_WAREHOUSE_EXISTS');
    for (const bad of [{ code: 'ank-03', name: 'x', region: 'ANK' }, { code: "A'; DROP TABLE warehouse; --", name: 'x', region: 'ANK' }, { code: 'ANK-03', name: '', region: 'ANK' }, { code: 'ANK-03', name: 'x\u0000', region: 'ANK' }, { code: 'ANK-03', name: 'x' }]) {
      expect(await call(admin, 'POST', '/api/v1/warehouses', bad), 400, 'ABONE_ERR_HTTP_VALIDATION', JSON.stringify(bad));
    }
    assert.equal(await count(db.pool, 'warehouse'), 3);
    expect(await call(keeper, 'GET', '/api/v1/warehouses/ank-01/stock'), 400, 'ABONE_ERR_HTTP_VALIDATION');
    expect(await call(keeper, 'GET', '/api/v1/warehouses/NONE-01/stock'), 403, 'ABONE_ERR_AUTH_OUT_OF_SCOPE', 'outside the keeper\'s scope');
    expect(await call(admin, 'GET', '/api/v1/warehouses/NONE-01/stock'), 404, 'ABONE_ERR_WAREHOUSE_NOT_FOUND');
  });

  it('receives registered meters all or nothing', async () => {
    const at = await whole();
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: ['G-001', 'NOT-REGISTERED'] }), 400, 'ABONE_ERR_WAREHOUSE_METER_UNREGISTERED');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: ['G-001', 'G-001'] }), 400, 'ABONE_ERR_HTTP_VALIDATION');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: [] }), 400, 'ABONE_ERR_HTTP_VALIDATION');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: serials('G', 1001) }), 400, 'ABONE_ERR_HTTP_VALIDATION');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: ["G-001'; DELETE FROM warehouse_stock; --"] }), 400, 'ABONE_ERR_HTTP_VALIDATION');
    assert.deepEqual(await whole(), at);

    const res = await call(keeper, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: serials('G', 10), reason: 'irsaliye 2026/118' });
    expect(res, 201);
    assert.equal(res.json().items.length, 10);
    assert.deepEqual(res.json().items[0], { ...res.json().items[0], serial: 'G-001', from: null, to: A, actor: keeper.username, reason: 'irsaliye 2026/118' });
    // G-010 is already in A: the whole second receipt is refused, G-011 included.
    const mid = await whole();
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${B}/receipts`, { serials: ['G-011', 'G-010'] }), 409, 'ABONE_ERR_WAREHOUSE_METER_IN_STOCK');
    assert.deepEqual(await whole(), mid);
    const page = (await call(keeper, 'GET', `/api/v1/warehouses/${A}/stock?limit=4&offset=8`)).json();
    assert.deepEqual([page.total, page.items.map((i: { serial: string }) => i.serial)], [10, ['G-009', 'G-010']]);
  });

  it('moves and issues only what sits in the source, and refuses the rest with stable codes, changing nothing', async () => {
    const at = await whole();
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'G-001', to: 'NONE-01' }), 404, 'ABONE_ERR_WAREHOUSE_NOT_FOUND');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'G-001', to: A }), 400, 'ABONE_ERR_WAREHOUSE_SAME_PLACE');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${B}/moves`, { serial: 'G-001', to: C }), 409, 'ABONE_ERR_WAREHOUSE_METER_NOT_IN_STOCK');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'G-015', to: B }), 409, 'ABONE_ERR_WAREHOUSE_METER_NOT_IN_STOCK', 'never received');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/issues`, { serial: 'G-001' }), 400, 'ABONE_ERR_HTTP_VALIDATION', 'issue without a reason');
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/issues`, { serial: 'G-001', reason: 'x'.repeat(501) }), 400, 'ABONE_ERR_HTTP_VALIDATION');
    assert.deepEqual(await whole(), at);

    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/moves`, { serial: 'G-001', to: B, reason: 'rebalance' }), 201);
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${A}/issues`, { serial: 'G-002', reason: 'crew 4, work order 9912' }), 201);
    const { rows } = await db.pool.query(`SELECT serial, warehouse_code FROM warehouse_stock WHERE serial IN ('G-001', 'G-002')`);
    assert.deepEqual(rows, [{ serial: 'G-001', warehouse_code: B }]);
    // A meter back from the field is received again; its history keeps every step.
    expect(await call(keeper, 'POST', `/api/v1/warehouses/${C}/receipts`, { serials: ['G-002'], reason: 'returned by crew 4' }), 201);
    const steps = await db.pool.query(`SELECT from_code, to_code FROM stock_move WHERE serial = 'G-002' ORDER BY id`);
    assert.deepEqual(steps.rows.map((r) => [r.from_code, r.to_code]), [[null, A], [A, null], [null, C]]);
  });

  it('moves a meter exactly once when moves, issues and receipts of it race', async () => {
    const racing = serials('R', 30);
    expect(await call(admin, 'POST', `/api/v1/warehouses/${A}/receipts`, { serials: racing }), 201);
    const movesBefore = await count(db.pool, 'stock_move');
    const results = await Promise.all(
      racing.flatMap((serial) => [
        call(keeper, 'POST', `/api/v1/warehouses/${A}/moves`, { serial, to: B }),
        call(keeper, 'POST', `/api/v1/warehouses/${A}/moves`, { serial, to: C }),
        call(admin, 'POST', `/api/v1/warehouses/${A}/moves`, { serial, to: B }),
        call(keeper, 'POST', `/api/v1/warehouses/${A}/issues`, { serial, reason: 'race' }),
      ]),
    );
    for (let i = 0; i < racing.length; i++) {
      const mine = results.slice(i * 4, i * 4 + 4);
      assert.equal(mine.filter((r) => r.statusCode === 201).length, 1, racing[i]);
      for (const r of mine.filter((r) => r.statusCode !== 201)) expect(r, 409, 'ABONE_ERR_WAREHOUSE_METER_NOT_IN_STOCK', racing[i]);
    }
    assert.equal(await count(db.pool, 'stock_move'), movesBefore + racing.length);
    assert.equal(await count(db.pool, `(SELECT serial FROM stock_move WHERE serial = ANY($1) GROUP BY serial HAVING count(*) <> 2) twice`, [racing]), 0);
    assert.equal(await count(db.pool, `warehouse_stock WHERE serial = ANY($1) AND warehouse_code = $2`, [racing, A]), 0);
    // Two receipts of overlapping meters in opposite orders: one wins whole, the other is refused, neither deadlocks.
    const pair = ['G-016', 'G-017', 'G-018'];
    const [r1, r2] = await Promise.all([call(keeper, 'POST', `/api/v1/warehouses/${B}/receipts`, { serials: pair }), call(admin, 'POST', `/api/v1/warehouses/${C}/receipts`, { serials: [...pair].reverse() })]);
    assert.deepEqual([r1.statusCode, r2.statusCode].sort(), [201, 409]);
    assert.equal(await count(db.pool, `warehouse_stock WHERE serial = ANY($1)`, [pair]), 3);
    assert.equal(await count(db.pool, `(SELECT DISTINCT warehouse_code FROM warehouse_stock WHERE serial = ANY($1)) w`, [pair]), 1);
  });

  it('writes an audit row for each successful operation', async () => {
    const audited = async (action: string) => count(db.pool, `audit_log WHERE action = $1 AND outcome = 'ok'`, [action]);
    const moves = async (where: string) => count(db.pool, `stock_move WHERE ${where}`);
    assert.equal(await audited('warehouse.create'), 3);
    assert.equal(await audited('warehouse.stock.receive'), 4, 'one per receipt: G-001..010, G-002 back, R-*, the winning G-016..018');
    assert.equal(await audited('warehouse.stock.move'), await moves('from_code IS NOT NULL AND to_code IS NOT NULL'));
    assert.equal(await audited('warehouse.stock.issue'), await moves('to_code IS NULL'));
    const trail = (await call(admin, 'GET', '/api/v1/audit?entity=meter&entityId=G-001')).json().items;
    assert.deepEqual(trail.map((e: { actor: string; action: string; detail: { from: string; to: string } }) => [e.actor, e.action, e.detail.from, e.detail.to]), [[keeper.username, 'warehouse.stock.move', A, B]]);
    assert.ok(trail[0].correlationId);
  });

  it('serves the history newest first, pages by id, and keeps it append-only', async () => {
    const all = (await call(keeper, 'GET', `/api/v1/warehouses/${A}/moves?limit=1000`)).json().items;
    assert.ok(all.every((m: { from: string; to: string }) => m.from === A || m.to === A));
    assert.ok(all.every((m: { id: number }, i: number) => i === 0 || m.id < all[i - 1].id));
    const next = (await call(keeper, 'GET', `/api/v1/warehouses/${A}/moves?limit=5&before=${all[4].id}`)).json().items;
    assert.deepEqual(next, all.slice(5, 10));
    await assert.rejects(db.pool.query(`UPDATE stock_move SET to_code = NULL WHERE serial = 'G-001'`), /append-only/);
    await assert.rejects(db.pool.query(`DELETE FROM stock_move`), /append-only/);
  });
});
