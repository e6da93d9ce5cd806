/**
 * End to end against the real head-end pipeline on a real PostgreSQL: simulated meters' MQTT payloads are parsed and
 * submitted to the pipeline; the rules engine listens to its commits and writes alarms.
 * 1. Each fault the simulator injects (tamper, leak, reverse flow, gap, pressure drop) gives exactly one alarm of
 *    its type on exactly the meter it was injected on, and each clears when the fault is over.
 * 2. 10,000 clean meters over 4 hours raise nothing.
 */
import assert from 'node:assert/strict';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { startHeadend, type Headend, type MeterModelInput } from '../headend/index.ts';
import {
  alignToHour,
  faultPlan,
  hourIncidents,
  HOUR_MS,
  isGapHour,
  isPressureDropHour,
  seedFrom,
  simulateMessagesForBench,
  type FaultPlan,
  type OutMessage,
  type SimMeter,
} from '../simulators/index.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { onAlarmChange, saveRule, startRules, type AlarmChange, type Rules } from './index.ts';

const LIMITS = { maxBytes: 262_144, maxItems: 10_000 };
const CHANNELS = ['volume', 'consumption', 'pressure', 'temperature', 'battery'].map((channel) => ({ channel, intervalSeconds: 3600 }));
const GAS: MeterModelInput = { code: 'T-GAS-G4', manufacturer: 'Test', commodity: 'gas', registerDigits: 8, channels: CHANNELS };
const WATER: MeterModelInput = { code: 'T-WATER-DN20', manufacturer: 'Test', commodity: 'water', registerDigits: 5, channels: CHANNELS };

/** The rule set an operator would start with; one rule per kind of fault. */
const RULES = [
  { code: 'tamper', name: 'Tamper or magnet', severity: 'critical', condition: { kind: 'event', codes: ['tamper', 'magnetic_field'], clearAfterSeconds: 3600 } },
  { code: 'leak', name: 'Leak reported by the meter', severity: 'major', condition: { kind: 'event', codes: ['leak'], clearAfterSeconds: 3600 } },
  { code: 'reverse-flow', name: 'Reverse flow', severity: 'major', condition: { kind: 'any', of: [{ kind: 'event', codes: ['reverse_flow'], clearAfterSeconds: 3600 }, { kind: 'reverse_flow' }] } },
  { code: 'no-data', name: 'Hourly data missing', severity: 'minor', condition: { kind: 'no_data', graceSeconds: 5400 } },
  { code: 'gas-pressure', name: 'Gas pressure out of band', severity: 'critical', attach: { models: ['T-GAS-G4'] }, condition: { kind: 'out_of_band', channel: 'pressure', low: 0.015, high: 0.03 } },
  { code: 'water-pressure', name: 'Water pressure out of band', severity: 'major', attach: { models: ['T-WATER-DN20'] }, condition: { kind: 'out_of_band', channel: 'pressure', low: 1.2, high: 6 } },
];

async function setUp(): Promise<{ db: TestDatabase; headend: Headend }> {
  const db = await createTestDatabase();
  const headend = await startHeadend(db.pool, db.url, { batchDelayMs: 5, rollupIntervalMs: 3_600_000 });
  for (const m of [GAS, WATER]) await headend.registry.upsertModel(m);
  for (const r of RULES) await saveRule(db.pool, r, 'system');
  return { db, headend };
}

/** Submits messages period by period, a period's messages concurrently (as a broker would deliver them). */
async function submitAll(headend: Headend, messages: OutMessage[]): Promise<void> {
  let i = 0;
  while (i < messages.length) {
    const period = messages[i].periodStart;
    const chunk: OutMessage[] = [];
    while (i < messages.length && messages[i].periodStart === period && chunk.length < 2000) chunk.push(messages[i++]);
    await Promise.all(chunk.map((m) => headend.pipeline.submit(parseMqttMessage(m.topic, m.payload, LIMITS))));
  }
}

const ENGINE = { flushMs: 10, reloadMs: 600_000, sweepMs: 3_600_000, rebuildHours: 0, escalateEveryMs: 3_600_000 };

describe('rules on the real pipeline', function () {
  this.timeout(300_000);

  describe('injected faults', () => {
    const HOURS = 8;
    const startAt = alignToHour(Date.now()) - HOURS * HOUR_MS;
    const plan: FaultPlan = faultPlan({ seed: 7, tamperRate: 0.05, leakRate: 0.05, reverseFlowRate: 0.05, gapRate: 0.05, pressureDropRate: 0.05 });
    type Fault = 'tamper' | 'leak' | 'reverse' | 'gap' | 'pressure';
    const faultsOf = (serial: string): Array<{ fault: Fault; hour: number }> => {
      const seed = seedFrom(serial);
      const out: Array<{ fault: Fault; hour: number }> = [];
      for (let h = 0; h < HOURS; h++) {
        const at = startAt + h * HOUR_MS;
        const inc = hourIncidents(plan, seed, at);
        if (inc.tamper) out.push({ fault: 'tamper', hour: h });
        if (inc.leak) out.push({ fault: 'leak', hour: h });
        if (inc.reverseFlow) out.push({ fault: 'reverse', hour: h });
        if (isGapHour(plan, seed, at)) out.push({ fault: 'gap', hour: h });
        if (isPressureDropHour(plan, seed, at)) out.push({ fault: 'pressure', hour: h });
      }
      return out;
    };
    // For each fault, a meter on which the simulator's own draws inject exactly that fault, once, in hours 1-5 (so
    // there is data before it and enough after it to clear); and meters on which it injects nothing.
    const pick = (want: Fault | null, commodity: 'gas' | 'water', prefix: string, n = 1): SimMeter[] => {
      const found: SimMeter[] = [];
      for (let i = 0; found.length < n; i++) {
        const serial = `${prefix}-${i}`;
        const f = faultsOf(serial);
        const ok = want === null ? f.length === 0 : f.length === 1 && f[0].fault === want && f[0].hour >= 1 && f[0].hour <= 5;
        if (ok) found.push({ serial, secret: 'x', commodity, registerDigits: commodity === 'gas' ? 8 : 5 });
      }
      return found;
    };
    const faulty: Array<{ meter: SimMeter; type: string }> = [
      { meter: pick('tamper', 'gas', 'FT')[0], type: 'tamper' },
      { meter: pick('leak', 'water', 'FL')[0], type: 'leak' },
      { meter: pick('reverse', 'water', 'FR')[0], type: 'reverse-flow' },
      { meter: pick('gap', 'gas', 'FG')[0], type: 'no-data' },
      { meter: pick('pressure', 'gas', 'FP')[0], type: 'gas-pressure' },
      { meter: pick('pressure', 'water', 'FW')[0], type: 'water-pressure' },
    ];
    const clean = [...pick(null, 'gas', 'CG', 20), ...pick(null, 'water', 'CW', 20)];
    let db: TestDatabase;
    let headend: Headend;
    let rules: Rules;
    const changes: AlarmChange[] = [];
    let off: () => void;

    before(async () => {
      ({ db, headend } = await setUp());
      const meters = [...faulty.map((f) => f.meter), ...clean];
      await headend.registry.addMeters(meters.map((m) => ({ serial: m.serial, model: m.commodity === 'gas' ? GAS.code : WATER.code })));
      rules = await startRules(db.pool, headend.pipeline, ENGINE);
      off = onAlarmChange((c) => changes.push(c));
      await submitAll(headend, simulateMessagesForBench(meters, HOURS, { startAt, faults: plan }));
      await rules.idle();
    });
    after(async () => {
      off();
      await rules.stop();
      await headend.stop();
      await db.drop();
    });

    it('raises exactly one alarm per injected fault, of its type, on its meter, and nothing on clean meters', async () => {
      const { rows } = await db.pool.query(`SELECT m.serial, a.type, a.active, a.repeat_count FROM alarm a JOIN meter m ON m.id = a.meter_id ORDER BY m.serial`);
      const expected = faulty.map((f) => ({ serial: f.meter.serial, type: f.type })).sort((a, b) => a.serial.localeCompare(b.serial));
      assert.deepEqual(rows.map((r) => ({ serial: r.serial, type: r.type })), expected);
    });

    it('names each alarm\'s category in the work-order vocabulary (what order it should open)', () => {
      const raised = new Map(changes.filter((c) => c.change === 'raised').map((c) => [c.alarm.type, c.alarm.category]));
      assert.deepEqual(Object.fromEntries(raised), {
        tamper: 'tamper',
        leak: 'leak',
        'reverse-flow': 'reverse_flow',
        'no-data': 'no_data',
        'gas-pressure': 'pressure',
        'water-pressure': 'pressure',
      });
    });

    it('clears each alarm once its fault is over, and published raised then cleared for each', async () => {
      const { rows } = await db.pool.query(`SELECT type, active, cleared_at > raised_at AS later, cleared_by FROM alarm ORDER BY type`);
      for (const r of rows) assert.deepEqual({ type: r.type, active: r.active, later: r.later, by: r.cleared_by }, { type: r.type, active: false, later: true, by: null });
      const byType = new Map<string, string[]>();
      for (const c of changes) byType.set(c.alarm.type, [...(byType.get(c.alarm.type) ?? []), c.change]);
      for (const f of faulty) assert.deepEqual(byType.get(f.type), ['raised', 'cleared'], f.type);
    });

    it('the pressure-drop alarm holds the reading that raised it (a fifth of normal pressure)', async () => {
      const { rows } = await db.pool.query(`SELECT detail FROM alarm WHERE type = 'gas-pressure'`);
      assert.ok(rows[0].detail.value < 0.005 && rows[0].detail.value > 0.003, JSON.stringify(rows[0].detail));
      assert.equal(rows[0].detail.low, 0.015);
    });
  });

  describe('10,000 clean meters over 4 hours', () => {
    let db: TestDatabase;
    let headend: Headend;
    let rules: Rules;
    let expectedReadings = 0;

    before(async () => {
      ({ db, headend } = await setUp());
      const meters: SimMeter[] = Array.from({ length: 10_000 }, (_, i) => {
        const commodity = i % 2 ? 'water' : 'gas';
        return { serial: `CLEAN-${i}`, secret: 'x', commodity, registerDigits: commodity === 'gas' ? 8 : 5 };
      });
      await headend.registry.addMeters(meters.map((m) => ({ serial: m.serial, model: m.commodity === 'gas' ? GAS.code : WATER.code })));
      rules = await startRules(db.pool, headend.pipeline, ENGINE);
      const messages = simulateMessagesForBench(meters, 4);
      expectedReadings = messages.reduce((n, m) => n + m.readings, 0);
      await submitAll(headend, messages);
      await rules.idle();
    });
    after(async () => {
      await rules.stop();
      await headend.stop();
      await db.drop();
    });

    it('evaluates every reading and raises nothing', async () => {
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM alarm`);
      assert.equal(rows[0].n, 0);
      const s = rules.engine.stats;
      assert.equal(expectedReadings, 10_000 * 4 * 4 + 10_000 * battery(4)); // 4 channels an hour, battery once a day
      assert.equal(s.observations, expectedReadings);
      assert.deepEqual({ stale: s.stale, unknownMeter: s.unknownMeter, errors: s.evaluationErrors, raised: s.raised }, { stale: 0, unknownMeter: 0, errors: 0, raised: 0 });
    });
  });
});

/** How many of the last `hours` whole hours end at 23:00-24:00 Istanbul time (the hour a battery reading is sent). */
function battery(hours: number): number {
  const end = alignToHour(Date.now());
  let n = 0;
  for (let h = 1; h <= hours; h++) if (new Date(end - h * HOUR_MS).getUTCHours() === 20) n++; // 23:00 in UTC+3
  return n;
}
