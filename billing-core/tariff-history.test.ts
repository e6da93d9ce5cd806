/**
 * A tariff code change inside a period, and a contract billed for part of a month, on numbers checked by hand.
 *
 * Code change: October 2026 (31 days), subscriber moved from KONUT to TICARI from 21 October. 1 m³ every day.
 *   KONUT, 1–20 October (20 days): fixed 31.00 per period × 20/31 = 20.00; 20 m³ × 10 = 200.00; KDV 10 % = 22.00
 *   TICARI, 21–31 October (11 days): fixed 62.00 × 11/31 = 22.00; 11 m³ × 20 = 220.00; KDV 20 % = 48.40
 *   net 462.00, taxes 70.40, gross 532.40. Billed wholly at the end code it would have been 62 + 31 × 20 = 682.00 net.
 *
 * Part of a month: a move-in on 16 October bills 16–31 October, 16 days of the 31-day cycle. A fixed 31.00 per period
 * that prorates is 31 × 16/31 = 16.00; one declared `prorate: false` stays 31.00. Band limits per period (0–31 m³ at
 * 1, above at 2) become 0–16 over the 16 days: 20 m³ = 16 × 1 + 4 × 2 = 24.00.
 */
import assert from 'node:assert/strict';
import { combineTariffs, dailyUsage, parseTariff, rate, rateUsage, type BillJson, type TariffInput } from './index.ts';
import { daily } from './test-fixtures.ts';
import { startOfLocalDay } from '../platform/calendar.ts';
import { Money } from '../platform/money.ts';
import { Random, addDays, randomScenario } from './test-random.ts';

const tariff = (code: string, fixed: string, price: string, kdv: string, from = '2026-01-01'): TariffInput =>
  ({
    code, commodity: 'water', unit: 'm3',
    versions: [{ from, components: [{ type: 'fixed', code: 'SABIT', amount: fixed, per: 'period' }, { type: 'flat', code: 'SU', unit: 'm3', price }], taxes: [{ type: 'percent', code: 'KDV', rate: kdv }] }],
  }) as TariffInput;
const KONUT = parseTariff(tariff('KONUT', '31.00', '10', '10'));
const TICARI = parseTariff(tariff('TICARI', '62.00', '20', '20'));
const rows = (bill: BillJson) => bill.lines.map((l) => [l.component, l.from, l.to, l.quantity, l.amount]);
const october = (from = '2026-10-01', to = '2026-11-01') => ({ unit: 'm3', from, to, resolution: 'day', intervals: daily(from, to, () => '1') }) as const;

describe('billing-core: tariff code change inside a period', () => {
  it('prices the days before the change at the old tariff and the days from it at the new one, each slice with its own KDV', () => {
    const combined = combineTariffs([{ tariff: KONUT, from: '2026-10-01', to: '2026-10-21' }, { tariff: TICARI, from: '2026-10-21' }]);
    const bill = rate(combined, october());
    assert.deepEqual(rows(bill), [
      ['SABIT', '2026-10-01', '2026-10-21', '0.645161', '20.00'],
      ['SABIT', '2026-10-21', '2026-11-01', '0.354839', '22.00'],
      ['SU', '2026-10-01', '2026-10-21', '20', '200.00'],
      ['SU', '2026-10-21', '2026-11-01', '11', '220.00'],
      ['KDV', '2026-10-01', '2026-10-21', '220', '22.00'],
      ['KDV', '2026-10-21', '2026-11-01', '242', '48.40'],
    ]);
    assert.deepEqual(bill.totals, { net: '462.00', taxes: '70.40', gross: '532.40' });
    assert.deepEqual(bill.slices, [
      { from: '2026-10-01', to: '2026-10-21', days: 20, version: '2026-10-01', tariff: 'KONUT' },
      { from: '2026-10-21', to: '2026-11-01', days: 11, version: '2026-10-21', tariff: 'TICARI' },
    ]);
    assert.equal(bill.tariff, 'TICARI');
  });

  it('keeps each tariff\'s own version changes inside its days', () => {
    // KONUT raises its price from 11 October: 1–10 at 10, 11–20 at 12, then TICARI.
    const raised = parseTariff({ ...tariff('KONUT', '31.00', '10', '10'), versions: [
      { ...tariff('KONUT', '31.00', '10', '10').versions[0] },
      { ...tariff('KONUT', '31.00', '12', '10', '2026-10-11').versions[0] },
    ] } as TariffInput);
    const bill = rate(combineTariffs([{ tariff: raised, from: '2026-10-01', to: '2026-10-21' }, { tariff: TICARI, from: '2026-10-21' }]), october());
    assert.deepEqual(bill.lines.filter((l) => l.component === 'SU').map((l) => [l.from, l.quantity, l.amount]), [
      ['2026-10-01', '10', '100.00'], ['2026-10-11', '10', '120.00'], ['2026-10-21', '11', '220.00'],
    ]);
    assert.deepEqual(bill.lines.filter((l) => l.component === 'SABIT').map((l) => l.amount), ['10.00', '10.00', '22.00']);
  });

  it('one part is the tariff itself', () => {
    assert.equal(combineTariffs([{ tariff: KONUT, from: '2026-10-01' }]), KONUT);
  });

  it('refuses parts of another commodity or unit, gaps, and a missing version, naming the part', () => {
    const gas = parseTariff({ code: 'GAZ', commodity: 'gas', unit: 'm3', versions: [{ from: '2026-01-01', components: [{ type: 'flat', code: 'G', unit: 'm3', price: '1' }] }] });
    assert.throws(() => combineTariffs([{ tariff: KONUT, from: '2026-10-01', to: '2026-10-21' }, { tariff: gas, from: '2026-10-21' }]), { code: 'ABONE_ERR_BILLING_TARIFF_INVALID', params: { path: 'parts[1].commodity', detail: 'must be water like KONUT: GAZ is gas' } });
    assert.throws(() => combineTariffs([{ tariff: KONUT, from: '2026-10-01', to: '2026-10-20' }, { tariff: TICARI, from: '2026-10-21' }]), { params: { path: 'parts[0].to', detail: 'must be the next part\'s from (2026-10-21): parts follow each other without gap' } });
    assert.throws(() => combineTariffs([]), { params: { path: 'parts', detail: 'must name at least one tariff' } });
    // TICARI starting only in 2027 has no version in force on 21 October 2026: rating says so.
    const later = parseTariff(tariff('TICARI', '62.00', '20', '20', '2027-01-01'));
    assert.throws(() => rate(combineTariffs([{ tariff: KONUT, from: '2026-10-01', to: '2026-10-21' }, { tariff: later, from: '2026-10-21' }]), october()), { code: 'ABONE_ERR_BILLING_USAGE_INVALID' });
  });
});

describe('billing-core: tariff code change, properties (seeded)', () => {
  it('slices add up to the period, the days before the change carry the old code and the rest the new, lines add up to totals', () => {
    let ran = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const r = new Random(seed);
      const { tariff, usage } = randomScenario(r);
      const days = Math.round((Date.parse(`${usage.to}T00:00:00Z`) - Date.parse(`${usage.from}T00:00:00Z`)) / 86_400_000);
      if (days < 2) continue;
      // The second tariff: another random tariff of the same commodity and unit, from the same version start.
      const other = { ...randomScenario(new Random(seed + 10_000)).tariff, code: 'NEW', commodity: tariff.commodity, unit: tariff.unit };
      let b;
      try {
        b = parseTariff({ ...other, versions: other.versions.map((v) => ({ ...v, components: tariff.versions[0].components, taxes: v.taxes })) });
      } catch {
        continue; // a component set that does not fit the other version's taxes: not a case for this property
      }
      const a = parseTariff(tariff);
      const change = addDays(usage.from, r.int(1, days - 1));
      let bill;
      try {
        bill = rate(combineTariffs([{ tariff: { ...a, versions: a.versions.map((v, i) => (i === 0 ? { ...v, from: '2000-01-01' } : v)) }, from: usage.from, to: change }, { tariff: { ...b, versions: [{ ...b.versions[0], from: '2000-01-01', to: undefined }] }, from: change }]), usage);
      } catch (err) {
        assert.equal((err as { code?: string }).code?.startsWith('ABONE_ERR_BILLING_'), true, `seed ${seed}: ${err}`);
        continue;
      }
      assert.equal(bill.slices.reduce((n, x) => n + x.days, 0), days, `seed ${seed}`);
      for (const x of bill.slices) assert.equal(x.tariff, x.from < change ? a.code : 'NEW', `seed ${seed}: slice from ${x.from}`);
      assert.ok(bill.slices.some((x) => x.from === change), `seed ${seed}: a slice starts on the change`);
      const sum = (kind: string) => bill.lines.filter((l) => l.kind === kind).reduce((t, l) => t.plus(l.amount), new Money(0)).toFixed(2);
      assert.equal(sum('charge'), bill.totals.net, `seed ${seed}`);
      assert.equal(sum('tax'), bill.totals.taxes, `seed ${seed}`);
      ran++;
    }
    assert.ok(ran >= 75, `only ${ran} of 150 seeds made a case`);
  });
});

describe('billing-core: a contract billed for part of the cycle', () => {
  const partial = { ...october('2026-10-16'), cycle: { from: '2026-10-01', to: '2026-11-01' } };

  it('prorates a fixed charge per period by the days billed over the cycle\'s days, unless it does not prorate', () => {
    const t = parseTariff({ ...tariff('KONUT', '31.00', '10', '10'), versions: [{ ...tariff('KONUT', '31.00', '10', '10').versions[0], components: [
      { type: 'fixed', code: 'SABIT', amount: '31.00', per: 'period' },
      { type: 'fixed', code: 'ABONELIK', amount: '31.00', per: 'period', prorate: false },
    ] }] } as TariffInput);
    const bill = rate(t, partial);
    assert.deepEqual(bill.lines.map((l) => [l.component, l.quantity, l.amount]), [['SABIT', '0.516129', '16.00'], ['ABONELIK', '1.000000', '31.00'], ['KDV', '47', '4.70']]);
    // Without the cycle the 16 days are the whole period: the full 31.00 (what a bill run did before).
    assert.equal(rate(t, october('2026-10-16')).lines[0].amount, '31.00');
  });

  it('shares band limits per period over the cycle too: 0–31 m³ becomes 0–16 over 16 days', () => {
    const t = parseTariff({ code: 'B', commodity: 'water', unit: 'm3', versions: [{ from: '2026-01-01', components: [{ type: 'block', code: 'SU', unit: 'm3', bands: [{ from: '0', to: '31', price: '1' }, { from: '31', price: '2' }] }] }] });
    const usage = { unit: 'm3', from: '2026-10-16', to: '2026-11-01', reads: { start: '0', end: '20' }, cycle: { from: '2026-10-01', to: '2026-11-01' } };
    assert.deepEqual(rate(t, usage).lines.map((l) => [l.quantity, l.amount]), [['16', '16.00'], ['4', '8.00']]);
  });

  it('refuses a cycle that does not hold the period', () => {
    assert.throws(() => rate(KONUT, { ...october('2026-10-16'), cycle: { from: '2026-10-20', to: '2026-11-01' } }), { params: { path: 'cycle.from', detail: 'must not be after from (2026-10-16): the cycle holds the period' } });
    assert.throws(() => rate(KONUT, { ...october('2026-10-16'), cycle: { from: '2026-10-01', to: '2026-10-31' } }), { params: { path: 'cycle.to', detail: 'must not be before to (2026-11-01): the cycle holds the period' } });
  });
});

describe('billing-core: the trusted daily path', () => {
  const start = startOfLocalDay('2026-10-01').getTime();
  const days = (values: Array<string | null>) => values.flatMap((value, d) => (value === null ? [] : [{ ms: start + d * 86_400_000, value }]));

  it('rates a daily series exactly as the same usage given as a file, estimated days included', () => {
    const values = Array.from({ length: 31 }, (_, d) => (d === 9 || d === 10 ? null : ((d % 7) * 0.125 + 0.25).toFixed(3)));
    const file = { unit: 'm3', from: '2026-10-01', to: '2026-11-01', cycle: { from: '2026-10-01', to: '2026-11-01' }, resolution: 'day', intervals: days(values).map((d) => ({ ts: new Date(d.ms).toISOString(), value: d.value })) } as const;
    const trusted = rateUsage(TICARI, dailyUsage({ unit: 'm3', from: '2026-10-01', to: '2026-11-01', cycle: { from: '2026-10-01', to: '2026-11-01' }, days: days(values) }));
    assert.deepEqual(trusted, rate(TICARI, file));
    // Saturday 10 and Sunday 11 October are estimated from the other Saturdays (0.5) and Sundays (0.625): 1.125 of
    // 18.625 m³ (87 × 0.125 + 31 × 0.25) = 0.0604.
    assert.equal(trusted.consumption.estimated, '0.0604');
  });

  it('still refuses what a wrong caller could send: an instant off midnight or outside the period, a repeated day, a negative value', () => {
    const base = { unit: 'm3' as const, from: '2026-10-01', to: '2026-11-01' };
    assert.throws(() => dailyUsage({ ...base, days: [{ ms: start + 3_600_000, value: '1' }] }), { params: { path: 'days[0].ms', detail: 'is not a local midnight (Europe/Istanbul) of the period 2026-10-01 – 2026-11-01' } });
    assert.throws(() => dailyUsage({ ...base, days: [{ ms: start - 86_400_000, value: '1' }] }), { params: { path: 'days[0].ms', detail: 'is not a local midnight (Europe/Istanbul) of the period 2026-10-01 – 2026-11-01' } });
    assert.throws(() => dailyUsage({ ...base, days: [{ ms: start, value: '1' }, { ms: start, value: '2' }] }), { params: { path: 'days[1].ms', detail: 'repeats an earlier day' } });
    assert.throws(() => dailyUsage({ ...base, days: [{ ms: start, value: '-1' }] }), { params: { path: 'days[0].value', detail: 'must not be negative' } });
    assert.throws(() => dailyUsage({ ...base, days: [] }), { code: 'ABONE_ERR_BILLING_USAGE_INVALID' });
  });
});
