/**
 * A period's complete days given as their sum (dayTotalUsage, what a bill run reads from a monthly rollup) price
 * exactly as the days themselves, whenever the period is one slice; over more slices the total is refused, since
 * only the days say how much fell into each. Random tariffs and usage, seeded: a failure names its seed.
 */
import assert from 'node:assert/strict';
import { buildPeriod, dayTotalUsage, oneVersionOver, parseTariff, rate, rateUsage, sliceSchedule } from './index.ts';
import { Money } from '../platform/money.ts';
import { Random, randomScenario } from './test-random.ts';
import { daily } from './test-fixtures.ts';
import { parseUsage } from './usage.ts';

const CASES = 400;

describe('billing-core: a total of complete days', () => {
  it('gives the same bill as the days over one slice, and is refused over more', () => {
    let same = 0;
    let refused = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const r = new Random(seed);
      const { tariff, usage } = randomScenario(r);
      if (usage.resolution !== 'day' && !usage.reads) continue;
      const t = parseTariff(tariff);
      // Every day present (the scenario may have left a gap): a monthly rollup is trusted only when complete.
      const days = daily(usage.from, usage.to, () => r.decimal(60, 3))!;
      const byDays = { ...usage, reads: undefined, resolution: 'day' as const, intervals: days };
      const total = days.reduce((s, d) => s.plus(d.value), new Money(0)).toFixed(3);
      const asTotal = dayTotalUsage({ unit: usage.unit, from: usage.from, to: usage.to, gas: usage.gas && { correctionFactor: String(usage.gas.correctionFactor), calorificValue: String(usage.gas.calorificValue) }, discounts: usage.discounts, exemptions: usage.exemptions, quantity: total });
      const oneSlice = sliceSchedule(t, buildPeriod(usage.from, usage.to)).length === 1;
      assert.equal(oneVersionOver(t, usage.from, usage.to), oneSlice, `seed ${seed}: oneVersionOver says whether the period is one slice`);
      if (oneSlice) {
        assert.deepEqual(rateUsage(t, asTotal), rate(t, byDays), `seed ${seed}`);
        same++;
      } else {
        assert.throws(() => rateUsage(t, asTotal), (err: any) => err.code === 'ABONE_ERR_BILLING_USAGE_INVALID' && /version changes: give the days/.test(err.message), `seed ${seed}`);
        refused++;
      }
    }
    assert.ok(same > 30 && refused > 30, `both cases were tried (${same} same, ${refused} refused)`);
  });

  it('keeps the tariff\'s refusal of time-of-use for data that is not hourly, and refuses a negative total', () => {
    const t = parseTariff({
      code: 'TOU', commodity: 'electricity', unit: 'kWh',
      versions: [{ from: '2026-01-01', components: [{ type: 'tou', code: 'E', unit: 'kWh', buckets: [{ name: 'ALL', price: '2', hours: [[0, 24]], dayTypes: ['weekday', 'saturday', 'sunday', 'holiday'] }] }], taxes: [] }],
    });
    const head = { unit: 'kWh' as const, from: '2026-10-01', to: '2026-11-01' };
    const byDays = parseUsage({ ...head, resolution: 'day', intervals: daily(head.from, head.to, () => '1.000') });
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };
    assert.match(message(() => rateUsage(t, byDays)), /must be hour/);
    assert.equal(message(() => rateUsage(t, dayTotalUsage({ ...head, quantity: '31.000' }))), message(() => rateUsage(t, byDays)));
    assert.throws(() => dayTotalUsage({ ...head, quantity: '-1.000' }), /must not be negative/);
  });
});
