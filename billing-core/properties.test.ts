/**
 * Invariants of rating over random tariffs and usage (seeded: a failure names its seed). Slices add up to the
 * period; rating is deterministic (also when the points arrive in another order); the lines add up to the totals;
 * with a single slice, prorating components and not prorating them give the same bill.
 */
import assert from 'node:assert/strict';
import { buildPeriod, parseTariff, rate, sliceSchedule, type BillJson } from './index.ts';
import { Money } from '../platform/money.ts';
import { Random, addDays, randomScenario } from './test-random.ts';

const CASES = 200;

function sumAmounts(lines: BillJson['lines']): string {
  return lines.reduce((s, l) => s.plus(l.amount), new Money(0)).toFixed(2);
}

describe('billing-core properties', () => {
  it('slices are contiguous whole days, one version each, and add up to the period', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const r = new Random(seed);
      const { tariff, usage } = randomScenario(r);
      const t = parseTariff(tariff);
      const period = buildPeriod(usage.from, usage.to);
      const slices = sliceSchedule(t, period);
      assert.equal(slices.reduce((n, s) => n + s.days, 0), period.days, `seed ${seed}`);
      assert.equal(slices[0].from, usage.from, `seed ${seed}`);
      assert.equal(slices[slices.length - 1].to, usage.to, `seed ${seed}`);
      slices.forEach((s, i) => {
        if (i > 0) assert.equal(s.from, slices[i - 1].to, `seed ${seed}`);
        assert.equal(addDays(s.from, s.days), s.to, `seed ${seed}`);
        assert.ok(s.version.from <= s.from, `seed ${seed}: the slice's version is in force at its start`);
        const next = t.versions[s.versionIndex + 1];
        assert.ok(!next || next.from >= s.to, `seed ${seed}: and throughout`);
        if (i > 0) assert.notEqual(s.versionIndex, slices[i - 1].versionIndex, `seed ${seed}: cut only at version changes`);
      });
    }
  });

  it('is deterministic, also when interval points arrive shuffled', () => {
    for (let seed = 1; seed <= CASES / 3; seed++) {
      const r = new Random(seed);
      const { tariff, usage } = randomScenario(r);
      const t = parseTariff(tariff);
      const first = rate(t, usage);
      assert.deepEqual(rate(parseTariff(structuredClone(tariff)), structuredClone(usage)), first, `seed ${seed}`);
      if (usage.intervals) {
        const shuffled = [...usage.intervals];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = r.int(0, i);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        assert.deepEqual(rate(t, { ...usage, intervals: shuffled }), first, `seed ${seed}`);
      }
    }
  });

  it('lines add up to the totals, every amount is in kuruş, and gross = net + taxes', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const { tariff, usage } = randomScenario(new Random(seed));
      const bill = rate(parseTariff(tariff), usage);
      assert.equal(sumAmounts(bill.lines.filter((l) => l.kind === 'charge')), bill.totals.net, `seed ${seed}`);
      assert.equal(sumAmounts(bill.lines.filter((l) => l.kind === 'tax')), bill.totals.taxes, `seed ${seed}`);
      assert.equal(new Money(bill.totals.net).plus(bill.totals.taxes).toFixed(2), bill.totals.gross, `seed ${seed}`);
      for (const l of bill.lines) {
        assert.match(l.amount, /^-?\d+\.\d{2}$/, `seed ${seed}`);
        if (l.type !== 'fixed') assert.equal(new Money(l.quantity).times(l.unitPrice).toDecimalPlaces(2, Money.ROUND_HALF_UP).toFixed(2), l.amount, `seed ${seed}: amount = round₂(quantity × unit price) on ${l.component}`);
        if (l.kind === 'charge' && l.type !== 'discount') assert.ok(!l.amount.startsWith('-'), `seed ${seed}: no negative charge on ${l.component}`);
      }
    }
  });

  it('with one slice, prorating and not prorating give the same bill', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const prorated = randomScenario(new Random(seed), { versions: 1, prorate: true });
      const whole = randomScenario(new Random(seed), { versions: 1, prorate: false });
      const a = rate(parseTariff(prorated.tariff), prorated.usage);
      assert.equal(a.slices.length, 1);
      assert.deepEqual(rate(parseTariff(whole.tariff), whole.usage), a, `seed ${seed}`);
    }
  });
});
