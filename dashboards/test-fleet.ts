/**
 * A database filled the way production fills it, for the dashboard test: simulated meters publish over MQTT to the
 * embedded broker, the head-end validates and stores, the rollup worker rolls up. Six meters:
 *  - four publish ten days of hourly profile (a day per message) up to the last whole hour, with malformed payloads
 *    and tamper/leak events injected;
 *  - one published one day of readings that ended three days ago (late), a tamper event, and three payloads that
 *    are refused;
 *  - one never published (missing).
 * The rules engine watches the stream with two rules (tamper and leak events raise alarms), and each alarm opens its
 * work order through the work-orders door, as the composition root does.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { startHeadend, type Headend } from '../headend/index.ts';
import { startEmbeddedBroker, topicFor, type EmbeddedBroker } from '../collectors/mqtt/index.ts';
import { alignToHour, HOUR_MS, provisionDemoFleet, startFleet, type FleetStats, type ProvisionedMeter } from '../simulators/index.ts';
import { saveRule, startRules, type Rules } from '../rules/index.ts';
import { openWorkOrderFromAlarm } from '../modules/work-orders/index.ts';

export const FLEET_DAYS = 10;
export const LATE_ENDED_HOURS_AGO = 73;

export interface FilledDatabase {
  db: TestDatabase;
  meters: ProvisionedMeter[]; // [0..3] publishing, [4] late, [5] missing
  fleet: FleetStats;
  lastHour: number; // epoch ms of the last whole hour when the fleet caught up
  stop(): Promise<void>;
}

async function until(check: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One day of hourly readings from the late meter, the last one LATE_ENDED_HOURS_AGO before `lastHour`. */
async function publishLateDay(url: string, m: ProvisionedMeter, lastHour: number): Promise<void> {
  const end = lastHour - LATE_ENDED_HOURS_AGO * HOUR_MS;
  const readings = Array.from({ length: 24 }, (_, i) => {
    const ts = new Date(end - (23 - i) * HOUR_MS).toISOString();
    return [
      { ts, ch: 'consumption', v: 0.05, u: 'm3' },
      { ts, ch: 'volume', v: 100 + 0.05 * (i + 1), u: 'm3' },
      { ts, ch: 'pressure', v: 0.021, u: 'bar' },
      { ts, ch: 'temperature', v: 11.5, u: 'degC' },
    ];
  }).flat();
  const c = await mqtt.connectAsync(url, { clientId: m.serial, username: m.serial, password: m.secret, reconnectPeriod: 0 });
  await c.publishAsync(topicFor(m.serial, 'readings'), JSON.stringify({ readings }), { qos: 1 }); // PUBACK = committed
  // A tamper event at the end of its day: an alarm still active at the end of the dashboards' range (30-day clear).
  await c.publishAsync(topicFor(m.serial, 'events'), JSON.stringify({ events: [{ ts: new Date(end).toISOString(), code: 'tamper' }] }), { qos: 1 });
  // Refused payloads with known reasons, whatever the fleet's random faults produced: two json_invalid and one
  // channel_not_on_model (a gas meter sending electrical energy).
  await c.publishAsync(topicFor(m.serial, 'readings'), '{"readings": [', { qos: 1 });
  await c.publishAsync(topicFor(m.serial, 'readings'), 'not json at all', { qos: 1 });
  await c.publishAsync(topicFor(m.serial, 'readings'), JSON.stringify({ readings: [{ ts: new Date(end).toISOString(), ch: 'energy', v: 1, u: 'kWh' }] }), { qos: 1 });
  await c.endAsync();
}

export async function fillDatabase(): Promise<FilledDatabase> {
  const db = await createTestDatabase();
  let headend: Headend | undefined;
  let broker: EmbeddedBroker | undefined;
  let rules: Rules | undefined;
  try {
    headend = await startHeadend(db.pool, db.url, { batchDelayMs: 10 });
    rules = await startRules(db.pool, headend.pipeline);
    await saveRule(db.pool, { code: 'tamper', name: 'Tamper reported by the meter', severity: 'critical', condition: { kind: 'event', codes: ['tamper'], clearAfterSeconds: 30 * 86_400 } }, 'system');
    await saveRule(db.pool, { code: 'leak', name: 'Leak reported by the meter', severity: 'major', condition: { kind: 'event', codes: ['leak'] } }, 'system');
    broker = await startEmbeddedBroker({ registry: headend.registry, pipeline: headend.pipeline, limits: { maxBytes: 262_144, maxItems: 10_000 }, port: 0, host: '127.0.0.1' });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const meters = await provisionDemoFleet(headend.registry, 6, `D${randomBytes(3).toString('hex')}`);
    // Three meters in a region, three without one (the registry sets regions; the demo provisioning does not).
    await db.pool.query(`UPDATE meter SET region = 'IST-KADIKOY' WHERE serial = ANY($1)`, [meters.slice(0, 3).map((m) => m.serial)]);
    await rules.reload(); // the two rules and the new meters, now rather than at the next tick
    const lastHour = alignToHour(Date.now());
    const fleet = await startFleet({
      url,
      meters: meters.slice(0, 4),
      intervalMs: 20,
      hoursPerMessage: 24,
      startAt: lastHour - FLEET_DAYS * 24 * HOUR_MS,
      faults: { seed: 20261128, malformedRate: 0.1, tamperRate: 0.01, leakRate: 0.01 },
    });
    await until(() => fleet.stats().simulatedUntil !== null && Date.parse(fleet.stats().simulatedUntil!) >= lastHour, 'the fleet to catch up');
    fleet.stopPublishing();
    await fleet.flushed();
    const stats = fleet.stats();
    await fleet.stop();
    await publishLateDay(url, meters[4], lastHour);
    await headend.runRollupsNow();
    await rules.idle();
    const { rows: alarms } = await db.pool.query('SELECT id, meter_id, type, severity, raised_at FROM alarm ORDER BY id');
    for (const a of alarms) await openWorkOrderFromAlarm(db.pool, { alarmId: a.id, meterId: a.meter_id, alarmType: a.type, severity: a.severity, raisedAt: a.raised_at });
    const h = headend;
    const b = broker;
    const r = rules;
    return {
      db,
      meters,
      fleet: stats,
      lastHour,
      stop: async () => {
        await b.close();
        await r.stop();
        await h.stop();
        await db.drop();
      },
    };
  } catch (err) {
    await broker?.close();
    await rules?.stop();
    await headend?.stop();
    await db.drop();
    throw err;
  }
}

/**
 * Accruals as a bill run leaves them, for the billing dashboard: two Istanbul months back and one back. Inserted as
 * rows (the bill run's own path needs subscriptions and tariffs, which the billing tests cover); the dashboard only
 * reads them. Numbers to check by hand:
 *   two months back: water 10.000 + 14.500 m3 posted (estimated 0 and 25 %), gas 100.000 posted (10 % estimated),
 *                    one water accrual of 99.000 outsorted (above_average);
 *   one month back:  water 12.000 posted (50 % estimated), one zero_on_active outsorted.
 */
export async function insertAccruals(pool: import('pg').Pool, now = new Date()): Promise<{ older: string; newer: string }> {
  const ym = (monthsBack: number) => {
    const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul', year: 'numeric', month: '2-digit' }).format(now).split('-').map(Number);
    const d = new Date(Date.UTC(y, m - 1 - monthsBack, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const older = ym(2);
  const newer = ym(1);
  const rows: Array<[string, string, string | null, string | null, string, string | null]> = [
    [older, 'water', '10.000', '0', 'posted', null],
    [older, 'water', '14.500', '0.25', 'posted', null],
    [older, 'gas', '100.000', '0.1', 'posted', null],
    [older, 'water', '99.000', '0', 'outsorted', 'above_average'],
    [newer, 'water', '12.000', '0.5', 'posted', null],
    [newer, 'water', '0', '0', 'outsorted', 'zero_on_active'],
  ];
  for (const [i, [period, commodity, consumption, share, state, reason]] of rows.entries()) {
    await pool.query(
      `INSERT INTO billing_accrual (subscription_id, period, account_id, commodity, from_date, to_date, source, consumption, estimated_share, net, taxes, gross, state, outsort_reason)
       VALUES ($1, $2, $1, $3, ($2 || '-01')::date, (($2 || '-01')::date + interval '1 month' - interval '1 day')::date, 'interval', $4, $5, $4::numeric * 20, 0, $4::numeric * 24, $6, $7)`,
      [i + 1, period, commodity, consumption, share, state, reason],
    );
  }
  return { older, newer };
}
