/** Alarm → work order: one order per alarm id however often or however concurrently it is asked; bad alarms refused. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { AboneError } from '../../platform/errors.ts';
import { listenFeed, type FeedEvent } from '../../platform/feed.ts';
import { openWorkOrderFromAlarm, orderTypeOfAlarm, type AlarmForOrder } from './alarms.ts';
import { openWorkOrdersFromAlarms } from './alarm-batch.ts';
import { onWorkOrderChange, type WorkOrderChange } from './events.ts';
import { count, crew, snapshot } from './test-fixtures.ts';

const code = (err: unknown) => (err as AboneError).code;
const alarm = (over: Partial<AlarmForOrder> = {}): AlarmForOrder => ({ alarmId: 'ALM-1', meterId: 'GAS-0001', alarmType: 'leak', severity: 'major', raisedAt: new Date(), region: 'ANK', ...over });

describe('work orders: opened from alarms', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await crew(db.pool, 'ANK-1', 'ANK', ['leak', 'metering'], 10);
  });
  after(() => db.drop());

  it('maps alarm types to order types', () => {
    assert.deepEqual(
      ['leak', 'tamper', 'reverse_flow', 'register_backwards', 'no_data', 'pressure', 'battery_low', 'some_new_rule'].map(orderTypeOfAlarm),
      ['leak', 'tamper', 'inspection', 'inspection', 'inspection', 'inspection', 'inspection', 'inspection'],
    );
  });

  it('opens and routes one order per alarm id, and gives that same order back on every repeat', async () => {
    const first = await openWorkOrderFromAlarm(db.pool, alarm());
    assert.deepEqual([first.created, first.type, first.status, first.crew, first.priority, first.meterSerial, first.source, first.sourceRef], [true, 'leak', 'assigned', 'ANK-1', 'high', 'GAS-0001', 'alarm', 'ALM-1']);
    const again = await openWorkOrderFromAlarm(db.pool, alarm({ severity: 'critical', raisedAt: new Date(0) })); // a repeat changes nothing
    assert.deepEqual([again.created, again.id, again.priority, again.slaDueAt.getTime()], [false, first.id, 'high', first.slaDueAt.getTime()]);
    assert.equal(await count(db.pool, `work_order WHERE source = 'alarm'`), 1);
    assert.equal(await count(db.pool, 'work_order_event WHERE order_id = $1', [first.id]), 2, 'created + routed, once');
  });

  it('opens a burst of alarms in one batch, spreading them over the region\'s crews by load, and repeats nothing', async () => {
    await crew(db.pool, 'IZM-1', 'IZM', ['leak', 'metering'], 10);
    await crew(db.pool, 'IZM-2', 'IZM', ['leak', 'metering'], 10);
    const burst = ['B-1', 'B-2', 'B-3', 'B-4'].map((id, i) => alarm({ alarmId: id, meterId: 100 + i, region: 'IZM' }));
    const told: WorkOrderChange[] = [];
    const unlisten = onWorkOrderChange((c) => told.push(c));
    const orders = await openWorkOrdersFromAlarms(db.pool, [...burst, alarm()]); // ALM-1 was opened before
    unlisten();
    assert.deepEqual(told.map((c) => c.kind).sort(), ['assigned', 'assigned', 'assigned', 'assigned', 'created', 'created', 'created', 'created']);
    assert.equal(await count(db.pool, 'work_order_event WHERE order_id = $1', [orders[0].id]), 2, 'created + routed on the trail');
    assert.deepEqual(orders.map((o) => [o.sourceRef, o.created]), [['B-1', true], ['B-2', true], ['B-3', true], ['B-4', true], ['ALM-1', false]]);
    // Each routing sees the load the previous ones added inside the same transaction: two orders per crew.
    const perCrew = orders.slice(0, 4).reduce((m, o) => m.set(o.crew!, (m.get(o.crew!) ?? 0) + 1), new Map<string, number>());
    assert.deepEqual([...perCrew.entries()].sort(), [['IZM-1', 2], ['IZM-2', 2]]);
    const again = await openWorkOrdersFromAlarms(db.pool, burst);
    assert.deepEqual(again.map((o) => [o.created, o.id]), orders.slice(0, 4).map((o) => [false, o.id]));
    await assert.rejects(openWorkOrdersFromAlarms(db.pool, [alarm({ alarmId: 'B-5', region: 'IZM' }), alarm({ alarmId: 'B-6', alarmType: 'Bad Type' })]), (e) => code(e) === 'ABONE_ERR_WORKORDER_ALARM_INVALID');
    assert.equal(await count(db.pool, `work_order WHERE source_ref IN ('B-5', 'B-6')`), 0, 'an invalid alarm refuses the whole batch');
  });

  it('settles twenty concurrent calls for one alarm on one order', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => openWorkOrderFromAlarm(db.pool, alarm({ alarmId: 'ALM-RACE', alarmType: 'tamper', meterId: 42 }))));
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(results[0].meterId, 42);
    assert.equal(await count(db.pool, `work_order WHERE source_ref = 'ALM-RACE'`), 1);
  });

  it('refuses a malformed alarm and writes nothing', async () => {
    const before = await snapshot(db.pool);
    const bad: Array<Partial<AlarmForOrder>> = [
      { alarmId: '' }, { alarmId: 'a b' }, { alarmType: 'Leak!' }, { raisedAt: 'yesterday' }, { meterId: -3 }, { meterId: 'has space' }, { meterId: 1.5 }, { region: "ANK'; DROP" },
    ];
    for (const over of bad) await assert.rejects(openWorkOrderFromAlarm(db.pool, alarm({ alarmId: 'ALM-BAD', ...over })), (e) => code(e) === 'ABONE_ERR_WORKORDER_ALARM_INVALID', JSON.stringify(over));
    assert.deepEqual(await snapshot(db.pool), before);
  });

  it('tells in-process listeners after the commit, and the live feed across processes', async () => {
    const seen: WorkOrderChange[] = [];
    const heard: FeedEvent[] = [];
    const off = onWorkOrderChange((c) => seen.push(c));
    const feed = listenFeed(db.url, (e) => heard.push(e));
    await feed.ready;
    try {
      const order = await openWorkOrderFromAlarm(db.pool, alarm({ alarmId: 'ALM-FEED', alarmType: 'no_data' }));
      assert.deepEqual(seen.map((c) => [c.kind, c.orderId, c.status, c.crew]), [['created', order.id, 'open', null], ['assigned', order.id, 'assigned', 'ANK-1']]);
      await openWorkOrderFromAlarm(db.pool, alarm({ alarmId: 'ALM-FEED', alarmType: 'no_data' }));
      assert.equal(seen.length, 2, 'a repeat announces nothing');
      for (let i = 0; i < 100 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(heard.map((e) => [e.stream, e.kind, e.id]), [['work-orders', 'created', String(order.id)], ['work-orders', 'assigned', String(order.id)]]);
    } finally {
      off();
      await feed.stop();
    }
  });
});
