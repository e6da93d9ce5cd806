/**
 * The fast path of rating a one-slice period from its total (total-rating.ts) gives exactly the reference's bill —
 * the same strings in the same order, and its lines' JSON text (billLinesJson) is JSON.stringify's — or the reference's error, over random tariffs (test-random.ts: fixed, flat,
 * block and scale components, linked ones, allowances, minimums, discounts, per-unit and percent taxes, gas units),
 * random periods, partial months of a longer cycle, and random quantities, including band limits and zero.
 * Seeded: a failure names its seed.
 */
import assert from 'node:assert/strict';
import { dayTotalUsage, parseTariff, rateUsage, type BillJson } from './index.ts';
import { Random, addDays, randomScenario } from './test-random.ts';
import { billLinesJson, fastPathCovers, rateDayTotal } from './total-rating.ts';
import type { DayTotal } from './usage.ts';

const CASES = 1000;

function outcome(fn: () => BillJson): { bill?: string; error?: string } {
  try {
    return { bill: JSON.stringify(fn()) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** Quantities worth trying against a tariff: zero, random ones of 0–3 places, and each band limit and a litre either side. */
function quantities(r: Random, tariff: ReturnType<typeof randomScenario>['tariff']): string[] {
  const out = ['0', '0.000', r.decimal(5, 3), r.decimal(80, 3), r.decimal(400, 2), String(r.int(0, 200)), r.decimal(99_999_999, 3)];
  for (const v of tariff.versions) for (const c of v.components as Array<{ bands?: Array<{ from: string }> }>) {
    for (const b of c.bands ?? []) for (const d of [-0.001, 0, 0.001]) if (Number(b.from) + d >= 0) out.push((Number(b.from) + d).toFixed(3));
  }
  return out;
}

describe('billing-core: rating a total, fast path', () => {
  it('gives the reference bill, string for string, or its error, over random tariffs and quantities', () => {
    let fast = 0;
    let reference = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const r = new Random(seed);
      const { tariff, usage } = randomScenario(r, { versions: r.bool(0.8) ? 1 : 2 });
      const t = parseTariff(tariff);
      // A partial month now and then: per-period amounts are shared over the cycle's days.
      const cycle = r.bool(0.3) ? { from: addDays(usage.from, -r.int(0, 5)), to: addDays(usage.to, r.int(0, 5)) } : undefined;
      const gas = usage.gas && { correctionFactor: String(usage.gas.correctionFactor), calorificValue: String(usage.gas.calorificValue) };
      for (const quantity of quantities(r, tariff)) {
        const u: DayTotal = { unit: usage.unit, from: usage.from, to: usage.to, ...(cycle && { cycle }), ...(gas && { gas }), ...(r.bool(0.1) && { exemptions: ['OTV'] }), quantity };
        const want = outcome(() => rateUsage(t, dayTotalUsage(u)));
        assert.deepEqual(outcome(() => rateDayTotal(t, u)), want, `seed ${seed}, quantity ${quantity}`);
        if (want.bill) {
          const lines = rateDayTotal(t, u).lines;
          assert.equal(billLinesJson(lines), JSON.stringify(lines), `seed ${seed}, quantity ${quantity}: the lines' text`);
        }
        if (fastPathCovers(t, u)) fast++;
        else reference++;
      }
    }
    assert.ok(fast > 1000 && reference > 1000, `both paths were taken (${fast} fast, ${reference} reference)`);
  });

  it('refuses what the reference refuses: a negative total, a unit the tariff is not metered in', () => {
    const t = parseTariff(randomScenario(new Random(7), { versions: 1 }).tariff);
    const head = { unit: t.unit, from: '2025-03-01', to: '2025-04-01' } as const;
    for (const u of [{ ...head, quantity: '-1.000' }, { ...head, unit: t.unit === 'kWh' ? 'm3' : 'kWh', quantity: '1' } as const]) {
      const want = outcome(() => rateUsage(t, dayTotalUsage(u)));
      assert.ok(want.error, 'the reference refuses it');
      assert.deepEqual(outcome(() => rateDayTotal(t, u)), want);
    }
  });
});
