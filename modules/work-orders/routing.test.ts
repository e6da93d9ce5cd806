/**
 * Routing against the database: orders land on the crew the rule names, load counts what crews carry, and
 * reassignment is by hand or by rule, with a reason, on the trail. Refused assignments change nothing.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { AboneError } from '../../platform/errors.ts';
import { assignOrder } from './assignment.ts';
import { createOrder } from './orders.ts';
import { readTrail } from './trail.ts';
import { transition } from './lifecycle.ts';
import { listCrews, updateCrew } from './crews.ts';
import { crew, dispatcher, snapshot } from './test-fixtures.ts';

const ctx = { actor: dispatcher };
const open = (pool: TestDatabase['pool'], type: 'leak' | 'inspection' | 'reconnection', region: string) =>
  createOrder(pool, { type, priority: 'normal', address: `Atatürk Cd. ${region}`, region, route: true }, ctx);
const code = (err: unknown) => (err as AboneError).code;

describe('work orders: routing in the database', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await crew(db.pool, 'ANK-B', 'ANK', ['leak', 'metering'], 3);
    await crew(db.pool, 'ANK-A', 'ANK', ['leak'], 2);
    await crew(db.pool, 'ANK-M', 'ANK', ['metering'], 4);
    await crew(db.pool, 'IZM-A', 'IZM', ['leak', 'metering', 'connection'], 5);
  });
  after(() => db.drop());

  it('spreads Ankara leaks over the two leak crews by load, ties to the lower code, and leaves the overflow open', async () => {
    // Loads start 0/0: ANK-A (code first), then ANK-B (0 < 1), then ANK-A (1 = 1, code), then ANK-B (A is full at
    // 2 of 2; B has 1), then ANK-B (2 of 3), then nobody: ANK-A 2/2 and ANK-B 3/3 are full.
    const crews = [];
    for (let i = 0; i < 6; i++) crews.push((await open(db.pool, 'leak', 'ANK')).crew);
    assert.deepEqual(crews, ['ANK-A', 'ANK-B', 'ANK-A', 'ANK-B', 'ANK-B', null]);
    const loads = Object.fromEntries((await listCrews(db.pool, dispatcher)).map((c) => [c.code, c.load]));
    assert.deepEqual(loads, { 'ANK-A': 2, 'ANK-B': 3, 'ANK-M': 0, 'IZM-A': 0 });
  });

  it('routes by skill and region: an inspection goes to the metering crew, a reconnection in Ankara to nobody', async () => {
    assert.equal((await open(db.pool, 'inspection', 'ANK')).crew, 'ANK-M'); // ANK-B has metering but carries 3 of 3
    const reconnect = await open(db.pool, 'reconnection', 'ANK'); // only IZM-A holds 'connection'
    assert.equal(reconnect.crew, null);
    assert.equal(reconnect.status, 'open');
    assert.equal((await open(db.pool, 'reconnection', 'IZM')).crew, 'IZM-A');
  });

  it('frees capacity when an order closes: the next leak goes to ANK-A again', async () => {
    const { rows } = await db.pool.query(`SELECT o.id FROM work_order o JOIN crew c ON c.id = o.crew_id WHERE c.code = 'ANK-A' ORDER BY o.id LIMIT 1`);
    await transition(db.pool, rows[0].id, { to: 'cancelled', note: 'duplicate call' }, ctx, 'manage');
    assert.equal((await open(db.pool, 'leak', 'ANK')).crew, 'ANK-A');
  });

  it('reassigns with a reason, by rule (leaving out the current crew) or by hand, and writes both to the trail', async () => {
    const order = await createOrder(db.pool, { type: 'leak', priority: 'high', address: 'Kızılay', region: 'IZM', route: true }, ctx);
    assert.equal(order.crew, 'IZM-A');
    await assert.rejects(assignOrder(db.pool, order.id, {}, ctx), (e) => code(e) === 'ABONE_ERR_HTTP_VALIDATION'); // no reason
    await assert.rejects(assignOrder(db.pool, order.id, { reason: 'crew sick' }, ctx), (e) => code(e) === 'ABONE_ERR_WORKORDER_NO_CREW'); // IZM has one crew
    await assert.rejects(assignOrder(db.pool, order.id, { crew: 'ANK-M', reason: 'x' }, ctx), (e) => code(e) === 'ABONE_ERR_WORKORDER_CREW_UNFIT');
    await assert.rejects(assignOrder(db.pool, order.id, { crew: 'NOPE-1', reason: 'x' }, ctx), (e) => code(e) === 'ABONE_ERR_WORKORDER_CREW_NOT_FOUND');
    await assert.rejects(assignOrder(db.pool, order.id, { crew: 'IZM-A', reason: 'x' }, ctx), (e) => code(e) === 'ABONE_ERR_WORKORDER_CREW_UNFIT');
    await crew(db.pool, 'IZM-B', 'IZM', ['leak'], 1);
    const before = await snapshot(db.pool);
    await assert.rejects(assignOrder(db.pool, order.id, { crew: 'IZM-B' }, ctx), (e) => code(e) === 'ABONE_ERR_HTTP_VALIDATION');
    assert.deepEqual(await snapshot(db.pool), before, 'a refused reassignment changes nothing');
    const moved = await assignOrder(db.pool, order.id, { reason: 'IZM-A stuck in traffic' }, ctx);
    assert.equal(moved.crew, 'IZM-B');
    await transition(db.pool, order.id, { to: 'in_progress' }, ctx, 'manage');
    const back = await assignOrder(db.pool, order.id, { crew: 'IZM-A', reason: 'IZM-B needs a welder' }, ctx);
    assert.deepEqual([back.crew, back.status], ['IZM-A', 'assigned'], 'the new crew has not started it');
    const trail = (await readTrail(db.pool, order.id)).map((t) => [t.kind, t.fromStatus, t.toStatus, t.crew, t.text]);
    assert.deepEqual(trail, [
      ['created', null, 'open', null, 'api'],
      ['assignment', 'open', 'assigned', 'IZM-A', 'routed'],
      ['assignment', 'assigned', 'assigned', 'IZM-B', 'IZM-A stuck in traffic'],
      ['status', 'assigned', 'in_progress', null, null],
      ['assignment', 'in_progress', 'assigned', 'IZM-A', 'IZM-B needs a welder'],
    ]);
  });

  it('routes an open order by hand once a crew exists, and refuses to reassign a closed one', async () => {
    const { rows } = await db.pool.query(`SELECT id FROM work_order WHERE type = 'reconnection' AND region = 'ANK'`);
    await crew(db.pool, 'ANK-C', 'ANK', ['connection'], 2);
    const routed = await assignOrder(db.pool, rows[0].id, {}, ctx);
    assert.deepEqual([routed.crew, routed.status], ['ANK-C', 'assigned']);
    await transition(db.pool, rows[0].id, { to: 'cancelled' }, ctx, 'manage');
    await assert.rejects(assignOrder(db.pool, rows[0].id, { reason: 'again' }, ctx), (e) => code(e) === 'ABONE_ERR_WORKORDER_TRANSITION_ILLEGAL');
  });

  it('stops routing to a crew made inactive or given less capacity, without taking its orders away', async () => {
    await crew(db.pool, 'KON-1', 'KON', ['metering'], 3);
    await crew(db.pool, 'KON-2', 'KON', ['metering'], 3);
    const first = await open(db.pool, 'inspection', 'KON');
    assert.equal(first.crew, 'KON-1');
    await updateCrew(db.pool, 'KON-1', { active: false }, ctx);
    assert.deepEqual([(await open(db.pool, 'inspection', 'KON')).crew, (await open(db.pool, 'inspection', 'KON')).crew], ['KON-2', 'KON-2']);
    const changed = await updateCrew(db.pool, 'KON-2', { capacity: 2, members: [7, 8] }, ctx);
    assert.deepEqual([changed.capacity, changed.load, changed.members], [2, 2, [7, 8]]);
    assert.equal((await open(db.pool, 'inspection', 'KON')).crew, null, 'KON-1 inactive, KON-2 full');
    assert.equal((await listCrews(db.pool, dispatcher, 'KON')).find((c) => c.code === 'KON-1')!.load, 1, 'KON-1 keeps its order');
    await assert.rejects(updateCrew(db.pool, 'KON-2', { skills: ['plumbing'] }, ctx), (e) => code(e) === 'ABONE_ERR_HTTP_VALIDATION');
    await assert.rejects(updateCrew(db.pool, 'KON-9', { capacity: 9 }, ctx), (e) => code(e) === 'ABONE_ERR_WORKORDER_CREW_NOT_FOUND');
  });
});
