/**
 * Alarm orders written in another context's transaction, in its two round trips (as the rules' alarm write carries
 * them): crews locked and ids reserved in the first, the orders inserted already routed in the second with COMMIT.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { transactionInTwoTrips } from '../../platform/db/pool.ts';
import { listenFeed, type FeedEvent } from '../../platform/feed.ts';
import type { AboneError } from '../../platform/errors.ts';
import { alarmOrderCrews, alarmOrdersStatement } from './alarm-write-orders.ts';
import type { AlarmForOrder } from './alarms.ts';
import { onWorkOrderChange, type WorkOrderChange } from './events.ts';
import { count, crew, snapshot } from './test-fixtures.ts';

const alarm = (id: string, over: Partial<AlarmForOrder> = {}): AlarmForOrder => ({ alarmId: id, meterId: 7, alarmType: 'leak', severity: 'critical', raisedAt: '2026-12-07T08:00:00Z', region: 'ANK', ...over });

describe('work orders: opened inside the alarm write', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await crew(db.pool, 'ANK-1', 'ANK', ['leak'], 10);
    await crew(db.pool, 'ANK-2', 'ANK', ['leak'], 10);
    await crew(db.pool, 'ANK-MTR', 'ANK', ['metering'], 10);
    await crew(db.pool, 'IZM-1', 'IZM', ['leak', 'metering'], 10);
  });
  after(() => db.drop());

  /** As the alarm write runs it: `reserve` raises may turn out fewer alarms. */
  const write = (alarms: AlarmForOrder[], reserve = alarms.length) =>
    transactionInTwoTrips(db.pool, [alarmOrderCrews(alarms.map((a) => a.region), reserve)], ([rows]) => {
      const { statement, committed } = alarmOrdersStatement(alarms, rows[0]);
      return { statements: statement ? [statement] : [], result: committed };
    });

  it('routes a burst by load in id order, writes the trail and the feed, and tells listeners only after the COMMIT', async () => {
    const heard: FeedEvent[] = [];
    const feed = listenFeed(db.url, (e) => heard.push(e));
    await feed.ready;
    const told: WorkOrderChange[] = [];
    const off = onWorkOrderChange((c) => told.push(c));
    const burst = [alarm('W-1'), alarm('W-2'), alarm('W-3'), alarm('W-4'), alarm('W-5', { alarmType: 'reverse_flow', severity: 'minor' })];
    const { result: committed, rows } = await write(burst, 7);
    assert.equal(told.length, 0, 'nothing told before the caller says the COMMIT is through');
    committed(rows[0]);
    off();
    const { rows: orders } = await db.pool.query(
      `SELECT o.source_ref, o.type, o.status, o.priority, c.code AS crew, o.sla_due_at, (SELECT array_agg(e.kind ORDER BY e.id) FROM work_order_event e WHERE e.order_id = o.id) AS trail
       FROM work_order o LEFT JOIN crew c ON c.id = o.crew_id WHERE o.source = 'alarm' ORDER BY o.id`,
    );
    assert.deepEqual(
      orders.map((o) => [o.source_ref, o.type, o.status, o.priority, o.crew, o.trail]),
      [
        ['W-1', 'leak', 'assigned', 'critical', 'ANK-1', ['created', 'assignment']],
        ['W-2', 'leak', 'assigned', 'critical', 'ANK-2', ['created', 'assignment']],
        ['W-3', 'leak', 'assigned', 'critical', 'ANK-1', ['created', 'assignment']],
        ['W-4', 'leak', 'assigned', 'critical', 'ANK-2', ['created', 'assignment']],
        ['W-5', 'inspection', 'assigned', 'normal', 'ANK-MTR', ['created', 'assignment']],
      ],
    );
    assert.equal(orders[0].sla_due_at.toISOString(), '2026-12-07T12:00:00.000Z', 'a leak is due 4 hours after the alarm was raised');
    assert.deepEqual(told.map((c) => `${c.kind} ${c.crew ?? '-'}`), ['created -', 'created -', 'created -', 'created -', 'created -', 'assigned ANK-1', 'assigned ANK-2', 'assigned ANK-1', 'assigned ANK-2', 'assigned ANK-MTR']);
    for (let i = 0; i < 100 && heard.length < 10; i++) await new Promise((r) => setTimeout(r, 20));
    await feed.stop();
    assert.deepEqual(heard.map((e) => `${e.stream} ${e.kind} ${e.id}`), told.map((c) => `work-orders ${c.kind} ${c.orderId}`));
  });

  it('opens nothing twice: an alarm that already has its order is skipped with its trail, feed and listeners', async () => {
    const before = await count(db.pool, 'work_order_event');
    const told: WorkOrderChange[] = [];
    const off = onWorkOrderChange((c) => told.push(c));
    const { result: committed, rows } = await write([alarm('W-1'), alarm('W-6')]);
    committed(rows[0]);
    off();
    assert.equal(await count(db.pool, `work_order WHERE source_ref = 'W-1'`), 1);
    assert.equal(await count(db.pool, 'work_order_event') - before, 2, 'created + routed for W-6 only');
    assert.deepEqual(new Set(told.map((c) => c.orderId)).size, 1);
  });

  it('refuses a malformed alarm before anything is written', async () => {
    const before = await snapshot(db.pool);
    await assert.rejects(write([alarm('W-7'), alarm('W-8', { alarmType: 'Bad Type' })]), (e) => (e as AboneError).code === 'ABONE_ERR_WORKORDER_ALARM_INVALID');
    assert.deepEqual(await snapshot(db.pool), before);
  });
});
