import assert from 'node:assert/strict';
import { parseMqttMessage } from '../collectors/mqtt/index.ts';
import { billingPeriod } from '../platform/calendar.ts';
import { HOUR_MS, batteryPercent, consumptionLitres, hourReadings, initialRegister, pressureBar, rollover, temperatureC, type SimMeter } from './profiles.ts';

const LIMITS = { maxBytes: 262_144, maxItems: 10_000 };
const gas = (i: number): SimMeter => ({ serial: `G-${i}`, secret: 's', commodity: 'gas' });
const water = (i: number): SimMeter => ({ serial: `W-${i}`, secret: 's', commodity: 'water' });

/** m3 used over [start, end), summed hour by hour. */
function used(meter: SimMeter, start: Date, end: Date): number {
  let litres = 0;
  for (let t = +start; t < +end; t += HOUR_MS) litres += consumptionLitres(meter, t);
  return litres / 1000;
}

describe('simulators/profiles', () => {
  describe('residential gas', () => {
    it('uses 800-3000 m3 a year, January more than three times July', () => {
      const year = { start: billingPeriod(2025, 1).start, end: billingPeriod(2026, 1).start };
      for (let i = 0; i < 10; i++) {
        const m = gas(i);
        const total = used(m, year.start, year.end);
        assert.ok(total > 800 && total < 3000, `${m.serial}: ${total.toFixed(0)} m3/year`);
        const jan = used(m, billingPeriod(2025, 1).start, billingPeriod(2025, 1).end);
        const jul = used(m, billingPeriod(2025, 7).start, billingPeriod(2025, 7).end);
        assert.ok(jan > 3 * jul, `${m.serial}: January ${jan.toFixed(1)} m3 vs July ${jul.toFixed(1)} m3`);
        assert.ok(jul > 5, `${m.serial}: hot water and cooking keep July above zero (${jul.toFixed(1)} m3)`);
      }
    });

    it('peaks in the morning and evening of a winter day (Istanbul local time)', () => {
      const m = gas(1);
      const day = +billingPeriod(2025, 1).start + 14 * 24 * HOUR_MS; // 15 January, 00:00 local
      const perLocalHour = (h: number) => {
        let sum = 0;
        for (let d = 0; d < 28; d++) sum += consumptionLitres(m, day + (d * 24 + h) * HOUR_MS);
        return sum;
      };
      assert.ok(perLocalHour(7) > 1.5 * perLocalHour(3), 'morning over night');
      assert.ok(perLocalHour(19) > 1.5 * perLocalHour(3), 'evening over night');
    });

    it('reports ~21 mbar line pressure and a ground-following gas temperature', () => {
      const m = gas(2);
      const jan = +billingPeriod(2025, 1).start;
      const aug = +billingPeriod(2025, 8).start;
      for (let h = 0; h < 48; h++) {
        const p = pressureBar(m, jan + h * HOUR_MS);
        assert.ok(p >= 0.019 && p <= 0.023, `pressure ${p} bar`);
      }
      assert.ok(temperatureC(m, aug) > temperatureC(m, jan) + 8, 'the ground is warmer in August than in January');
    });
  });

  describe('residential water', () => {
    it('uses 5-25 m3 every month, almost nothing at night', () => {
      for (let i = 0; i < 10; i++) {
        const m = water(i);
        for (let month = 1; month <= 12; month++) {
          const p = billingPeriod(2025, month);
          const total = used(m, p.start, p.end);
          assert.ok(total >= 5 && total <= 25, `${m.serial} ${p.id}: ${total.toFixed(1)} m3`);
        }
      }
      const m = water(3);
      const start = +billingPeriod(2025, 3).start;
      let night = 0;
      let morning = 0;
      for (let d = 0; d < 31; d++) {
        night += consumptionLitres(m, start + (d * 24 + 3) * HOUR_MS);
        morning += consumptionLitres(m, start + (d * 24 + 7) * HOUR_MS);
      }
      assert.ok(night < morning / 20, `03:00 ${night} L vs 07:00 ${morning} L over a month`);
    });

    it('has ~3 bar pressure that rises at night', () => {
      const m = water(4);
      const start = +billingPeriod(2025, 5).start;
      let night = 0;
      let evening = 0;
      for (let d = 0; d < 30; d++) {
        night += pressureBar(m, start + (d * 24 + 2) * HOUR_MS); // sampled at 03:00
        evening += pressureBar(m, start + (d * 24 + 18) * HOUR_MS); // sampled at 19:00
      }
      assert.ok(night / 30 > evening / 30 + 0.3, `night ${(night / 30).toFixed(2)} bar vs evening ${(evening / 30).toFixed(2)} bar`);
      assert.ok(evening / 30 > 2.4 && night / 30 < 3.9);
    });
  });

  describe('register', () => {
    it('advances by exactly the sum of consumption, hour by hour', () => {
      for (const m of [gas(5), water(5)]) {
        const start = +billingPeriod(2025, 2).start;
        let register = initialRegister(m);
        let litres = 0;
        for (let h = 0; h < 24 * 30; h++) {
          const r = hourReadings(m, start + h * HOUR_MS, register);
          litres += Math.round(r.consumption * 1000);
          assert.equal(Math.round(r.register * 1000) - Math.round(register * 1000), Math.round(r.consumption * 1000));
          register = r.register;
        }
        assert.equal(Math.round((register - initialRegister(m)) * 1000), litres);
      }
    });

    it('wraps to zero at 10^digits m3', () => {
      assert.equal(rollover(99_999.999, 5), 99_999.999);
      assert.equal(rollover(100_000, 5), 0);
      assert.equal(rollover(100_000.25, 5), 0.25);
      assert.equal(rollover(12_345.678 + 99_999.5, 5), 12_345.178);
      assert.equal(rollover(-0.5, 4), 9999.5); // a register turning backwards passes zero the other way
      assert.equal(rollover(123_456_789.5), 23_456_789.5); // default 8 digits
      const m: SimMeter = { serial: 'W-ROLL', secret: 's', commodity: 'water', registerDigits: 4 };
      const r = hourReadings(m, +billingPeriod(2025, 6).start + 8 * HOUR_MS, 9999.99);
      assert.ok(r.consumption > 0.01, 'needs an hour with more than 10 L');
      assert.equal(r.register, Math.round((9999.99 + r.consumption - 10_000) * 1000) / 1000);
    });
  });

  it('battery drains slowly and is reported once a day, at local midnight', () => {
    const m = gas(6);
    const a = batteryPercent(m, Date.UTC(2026, 0, 1));
    const b = batteryPercent(m, Date.UTC(2027, 0, 1));
    assert.ok(a - b >= 4 && a - b <= 8, `${a}% -> ${b}% in a year`);
    const start = +billingPeriod(2025, 3).start;
    const batteries = [];
    for (let h = 0; h < 72; h++) batteries.push(...hourReadings(m, start + h * HOUR_MS, 0).readings.filter((r) => r.ch === 'battery'));
    assert.deepEqual(batteries.map((r) => r.ts), ['2025-03-01T21:00:00Z', '2025-03-02T21:00:00Z', '2025-03-03T21:00:00Z']);
  });

  it('is deterministic: the same meter and hour give the same readings', () => {
    const t = +billingPeriod(2025, 11).start + 17 * HOUR_MS;
    assert.deepEqual(hourReadings(gas(7), t, 100), hourReadings({ ...gas(7) }, t, 100));
    assert.notDeepEqual(hourReadings(gas(7), t, 100).readings, hourReadings(gas(8), t, 100).readings);
  });

  it('stamps consumption at the hour start, the rest at its end, and every reading passes the payload parser', () => {
    const t = Date.UTC(2025, 10, 28, 10);
    const { readings } = hourReadings(water(9), t, 42);
    assert.deepEqual(
      readings.map((r) => [r.ch, r.ts, r.u]),
      [
        ['consumption', '2025-11-28T10:00:00Z', 'm3'],
        ['volume', '2025-11-28T11:00:00Z', 'm3'],
        ['pressure', '2025-11-28T11:00:00Z', 'bar'],
        ['temperature', '2025-11-28T11:00:00Z', 'degC'],
      ],
    );
    for (const m of [gas(9), water(9)]) {
      const all = [];
      let register = initialRegister(m);
      for (let h = 0; h < 24 * 7; h++) {
        const r = hourReadings(m, t + h * HOUR_MS, register);
        register = r.register;
        all.push(...r.readings);
      }
      const parsed = parseMqttMessage(`abone/v1/meters/${m.serial}/readings`, Buffer.from(JSON.stringify({ readings: all })), LIMITS);
      assert.equal(parsed.rejection, undefined, parsed.rejection?.detail);
      assert.equal(parsed.envelopes.length, all.length);
      for (const e of parsed.envelopes) if (e.channel === 'consumption' || e.channel === 'volume') assert.equal(e.value, Math.round(e.value * 1000) / 1000);
    }
  });
});
