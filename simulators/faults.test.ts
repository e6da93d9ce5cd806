import assert from 'node:assert/strict';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { EVENT_CODES, headendSettings } from '../headend/index.ts';
import {
  FaultSchedule,
  MALFORMED_KINDS,
  SPIKE_FACTOR,
  faultPlan,
  malformedPayload,
  shiftTimestamps,
  spikeReadings,
  type FaultPlan,
} from './faults.ts';
import { MeterStream, simulateMessagesForBench, type OutMessage } from './meter-stream.ts';
import { HOUR_MS, hourReadings, type SimMeter } from './profiles.ts';

const LIMITS = { maxBytes: 262_144, maxItems: 10_000 };
const START = Date.UTC(2025, 0, 6, 0);
const meters: SimMeter[] = Array.from({ length: 20 }, (_, i) => ({ serial: `F-${i}`, secret: 's', commodity: i % 2 ? 'water' : 'gas' }));
const parse = (m: OutMessage) => parseMqttMessage(m.topic, m.payload, LIMITS);
const generate = (plan: Partial<FaultPlan>, hours = 48) => simulateMessagesForBench(meters, hours, { startAt: START, faults: faultPlan(plan) });

describe('simulators/faults', () => {
  it('injects nothing by default', () => {
    const msgs = generate({});
    assert.equal(msgs.length, meters.length * 48);
    assert.ok(msgs.every((m) => !m.malformed && !m.duplicate && m.topic.endsWith('/readings')));
  });

  it('refuses rates outside [0, 1]', () => {
    assert.throws(() => faultPlan({ gapRate: 1.5 }), /gapRate/);
    assert.throws(() => faultPlan({ lateHours: 0 }), /lateHours/);
  });

  it('is deterministic for a seed, and a different seed injects different faults', () => {
    const plan = { seed: 7, gapRate: 0.1, spikeRate: 0.05, duplicateRate: 0.05, outOfOrderRate: 0.05, lateRate: 0.05, malformedRate: 0.05, tamperRate: 0.02, leakRate: 0.02, reverseFlowRate: 0.02, driftRate: 0.2, driftMinutes: 7 };
    const a = generate(plan);
    const b = generate(plan);
    assert.deepEqual(a.map((m) => m.payload.toString()), b.map((m) => m.payload.toString()));
    const c = generate({ ...plan, seed: 8 });
    assert.notDeepEqual(a.map((m) => m.payload.toString()), c.map((m) => m.payload.toString()));
  });

  it('drops about gapRate of the hours, while the register keeps counting across the gap', () => {
    const msgs = generate({ seed: 1, gapRate: 0.25 }, 200);
    const sent = msgs.length / (meters.length * 200);
    assert.ok(sent > 0.68 && sent < 0.82, `${(sent * 100).toFixed(1)} % of hours sent`);
    // Across a gap the index jumps by the consumption of the hours not sent: the register is the truth.
    const stream = new MeterStream(meters[0], { startAt: START, faults: faultPlan({ seed: 1, gapRate: 0.5 }) });
    let register = stream.registerIndex;
    let litres = 0;
    for (let h = 0; h < 100; h++) {
      const r = hourReadings(meters[0], START + h * HOUR_MS, register);
      register = r.register;
      litres += Math.round(r.consumption * 1000);
      stream.next();
    }
    assert.equal(stream.registerIndex, register);
    assert.ok(litres > 0);
  });

  it('spikes multiply consumption by 50 and leave the register alone', () => {
    const { readings } = hourReadings(meters[0], START + 7 * HOUR_MS, 100);
    const spiked = spikeReadings(faultPlan({ spikeRate: 1 }), 1, START + 7 * HOUR_MS, readings);
    assert.equal(spiked[0].v, Math.round(readings[0].v * SPIKE_FACTOR * 1000) / 1000);
    assert.deepEqual(spiked.slice(1), readings.slice(1));
  });

  it('clock drift shifts every timestamp by exactly N minutes', () => {
    const { readings } = hourReadings(meters[1], START, 0);
    const shifted = shiftTimestamps(readings, 7);
    for (let i = 0; i < readings.length; i++) assert.equal(Date.parse(shifted[i].ts) - Date.parse(readings[i].ts), 7 * 60_000);
    assert.equal(shifted[0].ts, '2025-01-06T00:07:00Z');
    // Within a stream: a drifting meter stamps everything N minutes late, and waits N minutes longer to send.
    const plain = new MeterStream(meters[1], { startAt: START });
    const drifting = new MeterStream(meters[1], { startAt: START, faults: faultPlan({ driftRate: 1, driftMinutes: 7 }) });
    assert.equal(drifting.readyAt - plain.readyAt, 7 * 60_000);
    const p = parse(plain.next()[0]).envelopes;
    const d = parse(drifting.next()[0]).envelopes;
    assert.deepEqual(d.map((e) => e.ts - 7 * 60_000), p.map((e) => e.ts));
  });

  it('duplicates, reorders and delays messages on the schedule', () => {
    const always = (f: Partial<FaultPlan>) => new FaultSchedule<string>(faultPlan(f), 42);
    const dup = always({ duplicateRate: 1 });
    assert.deepEqual(dup.push('a', 1, 0), [{ msg: 'a', duplicate: false }, { msg: 'a', duplicate: true }]);
    const swap = new FaultSchedule<string>(faultPlan({ outOfOrderRate: 1 }), 42);
    assert.deepEqual(swap.push('a', 1, 0), []);
    assert.deepEqual(swap.push('b', 2, HOUR_MS).map((x) => x.msg), ['b', 'a']);
    const late = always({ lateRate: 1, lateHours: 3 });
    assert.deepEqual(late.push('a', 1, 0), []);
    assert.deepEqual(late.push('b', 2, 2 * HOUR_MS), []);
    assert.deepEqual(late.push('c', 3, 3 * HOUR_MS).map((x) => x.msg), ['a']);
    assert.deepEqual(late.drain().map((x) => x.msg), ['b', 'c']);
  });

  it('late and out-of-order messages arrive with their readings intact, just in another order', () => {
    const plain = generate({}).map((m) => m.payload.toString()).sort();
    const shuffled = generate({ seed: 3, lateRate: 0.1, lateHours: 5, outOfOrderRate: 0.1 });
    assert.deepEqual(shuffled.map((m) => m.payload.toString()).sort(), plain);
    const order = shuffled.filter((m) => m.serial === 'F-0').map((m) => m.periodStart);
    assert.notDeepEqual(order, [...order].sort((a, b) => a - b));
  });

  it('tamper, leak and reverse flow raise events on the events topic; reverse flow reads negative', () => {
    const msgs = generate({ seed: 5, tamperRate: 0.05, leakRate: 0.05, reverseFlowRate: 0.05 }, 100);
    const events = msgs.filter((m) => m.topic.endsWith('/events'));
    const codes = new Set<string>();
    for (const m of events) {
      const parsed = parse(m);
      assert.equal(parsed.rejection, undefined);
      for (const e of parsed.envelopes) {
        codes.add(e.channel);
        assert.ok((EVENT_CODES as readonly string[]).includes(e.channel));
      }
      assert.equal(m.events, parsed.envelopes.length);
    }
    assert.deepEqual([...codes].sort(), ['leak', 'reverse_flow', 'tamper']);
    // The hour of a reverse_flow event has negative consumption, and the register went down by as much.
    const reverse = events.map(parse).flatMap((p) => p.envelopes).filter((e) => e.channel === 'reverse_flow');
    for (const ev of reverse) {
      const hour = Math.floor(ev.ts / HOUR_MS) * HOUR_MS;
      const readings = msgs.filter((m) => m.serial === ev.meterSerial && m.topic.endsWith('/readings')).flatMap((m) => parse(m).envelopes);
      const consumption = readings.find((e) => e.channel === 'consumption' && e.ts === hour)!;
      assert.ok(consumption.value < 0, `consumption ${consumption.value}`);
      const before = readings.find((e) => e.channel === 'volume' && e.ts === hour);
      const after = readings.find((e) => e.channel === 'volume' && e.ts === hour + HOUR_MS)!;
      if (before) assert.equal(Math.round((after.value - before.value) * 1000), Math.round(consumption.value * 1000));
    }
  });

  it('every valid message passes the payload parser; every malformed one is refused', () => {
    const msgs = generate({ seed: 9, malformedRate: 0.2, duplicateRate: 0.05, spikeRate: 0.05, tamperRate: 0.02 }, 72);
    const kinds = new Set<string>();
    const maxFutureMs = headendSettings.maxFutureSeconds.default * 1000;
    for (const m of msgs) {
      const parsed = parse(m);
      if (!m.malformed) {
        assert.equal(parsed.rejection, undefined, parsed.rejection?.detail);
        assert.equal(parsed.envelopes.length, m.readings + m.events);
        continue;
      }
      kinds.add(m.malformed);
      if (m.malformed === 'far_future_ts') {
        // Well-formed, so the parser passes it; the head-end's validation refuses it as ts_future.
        assert.ok(parsed.envelopes.every((e) => e.ts > Date.now() + maxFutureMs));
      } else {
        assert.ok(parsed.rejection, `${m.malformed} should be refused`);
        assert.equal(parsed.envelopes.length, 0);
      }
    }
    assert.deepEqual([...kinds].sort(), [...MALFORMED_KINDS].sort());
  });

  it('builds each malformed kind from a real body', () => {
    const body = { msgId: 'x', readings: hourReadings(meters[0], START, 1).readings };
    const reasons = MALFORMED_KINDS.map((k) => parseMqttMessage('abone/v1/meters/F-0/readings', malformedPayload(k, body), LIMITS).rejection?.reason ?? 'parsed');
    assert.deepEqual(reasons, ['json_invalid', 'schema_invalid', 'json_invalid', 'parsed']);
  });
});
