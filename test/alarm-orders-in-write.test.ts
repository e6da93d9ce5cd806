/**
 * The alarm and its work order in one transaction (`startRules`' `alongAlarmWrite` = the wiring's `inAlarmWrite`, as
 * server/alarm-work.ts starts them): the raised alarm's order is routed and committed with the alarm row, so no crash
 * can fall between them; a connection lost between the write's two round trips leaves neither, and the retry writes
 * each once; orders refused by a bug do not hold the alarm back, and the alarm still gets exactly one order.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { startHeadend, type Headend } from '../headend/index.ts';
import { parseMqttMessage, topicFor } from '../collectors/mqtt/index.ts';
import { onAlarmChange, saveRule, startRules, type AlarmWriteHook, type Rules } from '../rules/index.ts';
import { createCrew, onWorkOrderChange } from '../modules/work-orders/index.ts';
import { dispatcher, ENGINE, LIMITS } from './support/alarm-wiring.ts';
import { wireAlarmOrders, type AlarmOrders } from '../server/index.ts';


describe('alarm and work order written in one transaction', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let headend: Headend;
  let rules: Rules;
  let wiring: AlarmOrders;
  /** What the next alarm write does between its two trips, once the wiring has decided its orders (set per test). */
  let then: (() => Promise<void>) | undefined;
  const prefix = `AW${randomBytes(2).toString('hex')}`;
  const serial = (n: number) => `${prefix}-${n}`;
  const q = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;

  const sendEvent = async (meter: string, code: string) => {
    const payload = Buffer.from(JSON.stringify({ events: [{ ts: new Date(Date.now() - 60_000).toISOString(), code }] }));
    await headend.pipeline.submit(parseMqttMessage(topicFor(meter, 'events'), payload, LIMITS));
    await rules.idle();
  };
  const eventually = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 600; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`never happened: ${what}`);
  };
  /** The meter's alarms with their orders: the transaction that wrote each row (xmin) and the crew. */
  const alarmsOf = (n: number) =>
    q(
      `SELECT a.id, a.repeat_count, a.xmin::text AS alarm_tx, w.xmin::text AS order_tx, w.status, c.code AS crew,
              (SELECT count(*)::int FROM work_order WHERE source = 'alarm' AND source_ref = a.id::text) AS orders,
              (SELECT count(*)::int FROM work_order_event e WHERE e.order_id = w.id) AS trail
       FROM alarm a JOIN meter m ON m.id = a.meter_id
       LEFT JOIN work_order w ON w.source = 'alarm' AND w.source_ref = a.id::text LEFT JOIN crew c ON c.id = w.crew_id
       WHERE m.serial = $1 ORDER BY a.id`,
      [serial(n)],
    );

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
    await headend.registry.upsertModel({ code: 'AW-GAS', manufacturer: 'Test', commodity: 'gas', registerDigits: 8, channels: [{ channel: 'consumption', intervalSeconds: 3600 }] });
    await headend.registry.addMeters([1, 2, 3].map((n) => ({ serial: serial(n), model: 'AW-GAS' })));
    await db.pool.query(`UPDATE meter SET region = 'ANKARA' WHERE serial LIKE $1`, [`${prefix}-%`]);
    await saveRule(db.pool, { code: 'leak', name: 'Leak reported by the meter', severity: 'major', condition: { kind: 'event', codes: ['leak'], clearAfterSeconds: 3600 } }, 'system');
    const ctx = { actor: dispatcher };
    await createCrew(db.pool, { code: 'IZM-1', name: 'İzmir leaks', region: 'IZMIR', skills: ['leak'], capacity: 10, members: [] }, ctx);
    await createCrew(db.pool, { code: 'ANK-LEAK', name: 'Ankara leaks', region: 'ANKARA', skills: ['leak'], capacity: 10, members: [] }, ctx);
    wiring = wireAlarmOrders(db.pool, headend.registry, { sweep: false });
    const alongAlarmWrite: AlarmWriteHook = {
      before: (raises, meter) => wiring.inAlarmWrite.before(raises, meter),
      decide: async (changes, before, meter) => {
        const decision = await wiring.inAlarmWrite.decide(changes, before, meter);
        const step = then;
        then = undefined;
        await step?.();
        return decision;
      },
    };
    rules = await startRules(db.pool, headend.pipeline, ENGINE, { alongAlarmWrite });
  });
  after(async () => {
    wiring.stop();
    await rules.stop();
    await headend.stop();
    await db.drop();
  });

  it('commits the routed order with the alarm, and tells the order after the alarm', async () => {
    const told: string[] = [];
    const offAlarms = onAlarmChange((c) => told.push(`alarm ${c.change}`));
    const offOrders = onWorkOrderChange((c) => told.push(`order ${c.kind}`));
    await sendEvent(serial(1), 'leak');
    offAlarms();
    offOrders();
    const [a] = await alarmsOf(1);
    assert.deepEqual([a.orders, a.status, a.crew, a.trail], [1, 'assigned', 'ANK-LEAK', 2]);
    assert.equal(a.order_tx, a.alarm_tx, 'the alarm row and its order were written by the same transaction');
    assert.deepEqual(told, ['alarm raised', 'order created', 'order assigned']);
  });

  it('a connection lost between the two trips (alarm applied, crews locked, the orders decided) leaves neither; the retry writes one alarm and one order', async () => {
    let seenBeforeCommit: unknown[] = [];
    let killed = 0;
    then = async () => {
      seenBeforeCommit = await q(`SELECT a.id FROM alarm a JOIN meter m ON m.id = a.meter_id WHERE m.serial = $1`, [serial(2)]);
      const writers = await q(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%alarm_apply%'`,
      );
      killed = writers.length;
    };
    await sendEvent(serial(2), 'leak');
    assert.equal(killed, 1, 'the alarm write\'s connection was cut mid-transaction');
    assert.deepEqual(seenBeforeCommit, [], 'nothing was visible before the COMMIT');
    assert.ok(rules.backlog().writeFailures >= 1, 'the first write failed');
    const alarms = await alarmsOf(2);
    assert.equal(alarms.length, 1);
    assert.deepEqual([alarms[0].repeat_count, alarms[0].orders, alarms[0].crew, alarms[0].trail], [0, 1, 'ANK-LEAK', 2]);
    assert.equal(alarms[0].order_tx, alarms[0].alarm_tx);
    assert.equal((await q(`SELECT count(*)::int AS n FROM work_order WHERE source = 'alarm' AND meter_id = (SELECT id FROM meter WHERE serial = $1)`, [serial(2)]))[0].n, 1);
  });

  it('orders refused by a bug: the alarm is written alone, then gets exactly one order after its commit', async () => {
    then = async () => {
      throw new Error('a bug in the work along the alarm write');
    };
    await sendEvent(serial(3), 'leak');
    await eventually('the order opened after the alarm', async () => (await alarmsOf(3))[0]?.orders === 1);
    const [a] = await alarmsOf(3);
    assert.deepEqual([a.repeat_count, a.orders, a.crew, a.trail], [0, 1, 'ANK-LEAK', 2]);
    assert.notEqual(a.order_tx, a.alarm_tx, 'the order came in a transaction of its own');
    assert.equal(await wiring.sweep(), 0, 'nothing left for the sweep');
    assert.equal((await q(`SELECT count(*)::int AS n FROM work_order WHERE source = 'alarm'`))[0].n, 3);
  });
});
