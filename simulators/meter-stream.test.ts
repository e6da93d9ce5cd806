import assert from 'node:assert/strict';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { MeterStream, simulateMessagesForBench } from './meter-stream.ts';
import { alignToHour, HOUR_MS, rollover, type SimMeter } from './profiles.ts';

const LIMITS = { maxBytes: 262_144, maxItems: 10_000 };
const gas: SimMeter = { serial: 'MS-G', secret: 's', commodity: 'gas' };
const water: SimMeter = { serial: 'MS-W', secret: 's', commodity: 'water', registerDigits: 5 };

describe('simulators/meter-stream', () => {
  it('carries a day of load profile per message when hoursPerMessage is 24, and the register chains across messages', () => {
    const start = Date.UTC(2025, 0, 5, 21); // local midnight in Istanbul
    const stream = new MeterStream(water, { startAt: start, hoursPerMessage: 24 });
    let previousIndex = stream.registerIndex;
    for (let day = 0; day < 10; day++) {
      const [msg] = stream.next();
      assert.equal(msg.topic, 'abone/v1/meters/MS-W/readings');
      const parsed = parseMqttMessage(msg.topic, msg.payload, LIMITS);
      assert.equal(parsed.rejection, undefined);
      assert.equal(JSON.parse(msg.payload.toString()).msgId, `MS-W-${start / HOUR_MS + day * 24}`);
      const consumption = parsed.envelopes.filter((e) => e.channel === 'consumption');
      const volume = parsed.envelopes.filter((e) => e.channel === 'volume');
      assert.equal(consumption.length, 24);
      assert.equal(volume.length, 24);
      assert.equal(parsed.envelopes.filter((e) => e.channel === 'battery').length, 1);
      assert.equal(msg.readings, 24 * 4 + 1);
      assert.equal(consumption[0].ts, start + day * 24 * HOUR_MS);
      const litres = consumption.reduce((sum, e) => sum + Math.round(e.value * 1000), 0);
      assert.equal(volume[23].value, rollover(previousIndex + litres / 1000, 5));
      previousIndex = volume[23].value;
    }
    assert.equal(stream.simulatedUntil, start + 10 * 24 * HOUR_MS);
  });

  it('pre-generates a bench workload without a broker, every stamp in the past', () => {
    const meters = Array.from({ length: 50 }, (_, i) => (i % 2 ? { ...gas, serial: `B-${i}` } : { ...water, serial: `B-${i}` }));
    const msgs = simulateMessagesForBench(meters, 48, { hoursPerMessage: 6 });
    assert.equal(msgs.length, 50 * 8);
    const now = Date.now();
    let readings = 0;
    for (const m of msgs) {
      const parsed = parseMqttMessage(m.topic, m.payload, LIMITS);
      assert.equal(parsed.rejection, undefined);
      assert.equal(parsed.envelopes.length, m.readings);
      readings += m.readings;
      for (const e of parsed.envelopes) assert.ok(e.ts <= alignToHour(now));
    }
    assert.ok(readings >= 50 * 48 * 4);
    // Period by period across meters: the first 50 messages are every meter's first period.
    assert.deepEqual(new Set(msgs.slice(0, 50).map((m) => m.serial)).size, 50);
  });
});
