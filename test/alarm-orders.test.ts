/**
 * Alarms into routed work orders and onto the live feed, end to end: meter events through the real pipeline, the
 * rules engine raising alarms, the composition opening one work order per alarm routed to the crew of the meter's
 * region, and the feed announcing both. A repeat of the same trouble adds to the alarm, not another order; an alarm
 * whose order was never opened (the process died in between) gets it from the sweep, once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { startHeadend, type Headend } from '../headend/index.ts';
import { parseMqttMessage, topicFor } from '../collectors/mqtt/index.ts';
import { saveRule, startRules, type Rules } from '../rules/index.ts';
import { createCrew } from '../modules/work-orders/index.ts';
import { dispatcher, ENGINE, LIMITS } from './support/alarm-wiring.ts';
import { LiveFeed, FEED_STREAMS, wireAlarmOrders, type AlarmOrders } from '../server/index.ts';
import type { FeedEvent } from '../platform/feed.ts';


describe('alarms open routed work orders and reach the live feed', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let headend: Headend;
  let rules: Rules;
  let feed: LiveFeed;
  let wiring: AlarmOrders;
  const events: FeedEvent[] = [];
  const prefix = `AO${randomBytes(2).toString('hex')}`;
  const serial = (n: number) => `${prefix}-${n}`;
  const count = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows[0].n as number;

  const sendEvent = async (meter: string, code: string, at: string) => {
    const payload = Buffer.from(JSON.stringify({ events: [{ ts: at, code }] }));
    await headend.pipeline.submit(parseMqttMessage(topicFor(meter, 'events'), payload, LIMITS));
    await rules.idle();
  };
  /** Waits for a condition that follows asynchronously from a commit (feed delivery, the order after the alarm). */
  const eventually = async (what: string, check: () => Promise<boolean> | boolean) => {
    for (let i = 0; i < 600; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`never happened: ${what}`);
  };

  before(async () => {
    db = await createTestDatabase();
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
    await headend.registry.upsertModel({ code: 'AO-GAS', manufacturer: 'Test', commodity: 'gas', registerDigits: 8, channels: [{ channel: 'consumption', intervalSeconds: 3600 }] });
    await headend.registry.addMeters([1, 2, 3].map((n) => ({ serial: serial(n), model: 'AO-GAS' })));
    await db.pool.query(`UPDATE meter SET region = 'ANKARA' WHERE serial LIKE $1`, [`${prefix}-%`]);
    await saveRule(db.pool, { code: 'leak', name: 'Leak reported by the meter', severity: 'major', condition: { kind: 'event', codes: ['leak'], clearAfterSeconds: 3600 } }, 'system');
    await saveRule(db.pool, { code: 'tamper', name: 'Tamper', severity: 'critical', condition: { kind: 'event', codes: ['tamper'], clearAfterSeconds: 3600 } }, 'system');
    const ctx = { actor: dispatcher };
    await createCrew(db.pool, { code: 'IZM-1', name: 'İzmir leaks', region: 'IZMIR', skills: ['leak', 'metering'], capacity: 10, members: [] }, ctx);
    await createCrew(db.pool, { code: 'ANK-LEAK', name: 'Ankara leaks', region: 'ANKARA', skills: ['leak'], capacity: 10, members: [] }, ctx);
    await createCrew(db.pool, { code: 'ANK-MTR', name: 'Ankara metering', region: 'ANKARA', skills: ['metering'], capacity: 10, members: [] }, ctx);
    feed = new LiveFeed(FEED_STREAMS);
    await feed.start(db.url);
    feed.subscribe((e) => events.push(e));
    wiring = wireAlarmOrders(db.pool, headend.registry);
    rules = await startRules(db.pool, headend.pipeline, ENGINE);
  });
  after(async () => {
    wiring.stop();
    await rules.stop();
    await feed.stop();
    await headend.stop();
    await db.drop();
  });

  it('opens exactly one order per alarm, routed by region and skill, and announces both', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    await sendEvent(serial(1), 'leak', at);
    await sendEvent(serial(2), 'tamper', at);
    await eventually('two alarm orders', async () => (await count(`SELECT count(*) AS n FROM work_order WHERE source = 'alarm'`)) === 2);
    const { rows } = await db.pool.query(
      `SELECT w.type, w.status, c.code AS crew, a.type AS alarm_type, m.serial
       FROM work_order w JOIN alarm a ON a.id::text = w.source_ref JOIN meter m ON m.id = a.meter_id LEFT JOIN crew c ON c.id = w.crew_id
       ORDER BY m.serial`,
    );
    assert.deepEqual(
      rows.map((r) => [r.serial, r.alarm_type, r.type, r.status, r.crew]),
      [
        [serial(1), 'leak', 'leak', 'assigned', 'ANK-LEAK'],
        [serial(2), 'tamper', 'tamper', 'assigned', 'ANK-MTR'],
      ],
    );
    await eventually('alarms.raised and work-order events on the feed', () =>
      events.filter((e) => e.stream === 'alarms' && e.kind === 'raised').length === 2 && events.filter((e) => e.stream === 'work-orders').length >= 2,
    );
  });

  it('counts a repeat on the alarm and opens no second order', async () => {
    await sendEvent(serial(1), 'leak', new Date(Date.now() - 30_000).toISOString());
    assert.equal(await count(`SELECT count(*) AS n FROM alarm a JOIN meter m ON m.id = a.meter_id WHERE m.serial = $1`, [serial(1)]), 1);
    assert.equal(await count(`SELECT repeat_count AS n FROM alarm a JOIN meter m ON m.id = a.meter_id WHERE m.serial = $1`, [serial(1)]), 1);
    assert.equal(await wiring.sweep(), 0);
    assert.equal(await count(`SELECT count(*) AS n FROM work_order WHERE source = 'alarm'`), 2);
  });

  it('opens the order of an alarm raised while nothing was listening, once, from the sweep', async () => {
    wiring.stop(); // as if the process died between the alarm's commit and its order
    await sendEvent(serial(3), 'leak', new Date(Date.now() - 10_000).toISOString());
    assert.equal(await count(`SELECT count(*) AS n FROM work_order WHERE source = 'alarm'`), 2);
    wiring = wireAlarmOrders(db.pool, headend.registry); // the next start sweeps at once
    await eventually('the swept order', async () => (await count(`SELECT count(*) AS n FROM work_order WHERE source = 'alarm'`)) === 3);
    assert.equal(await wiring.sweep(), 0);
    assert.equal(await count(`SELECT count(*) AS n FROM work_order WHERE source = 'alarm'`), 3);
  });
});
