/**
 * Bad tariffs and bad usage files are refused with ABONE_ERR_BILLING_* naming the field. Each row mutates a good
 * file in one place and says which path the error must name.
 */
import assert from 'node:assert/strict';
import { AboneError } from '../platform/errors.ts';
import { appendVersion, parseTariff, rate } from './index.ts';
import { hourly, timeOfUsePriceChange } from './test-fixtures.ts';
import waterTariff from './examples/water-block.tariff.json' with { type: 'json' };
import waterUsage from './examples/water-block.usage.json' with { type: 'json' };

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(v: T): T => structuredClone(v);

function refusal(fn: () => unknown): { code: string; path: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AboneError, `expected an AboneError, got ${String(err)}`);
    return { code: err.code, path: String(err.params.path), message: err.message };
  }
  assert.fail('expected a refusal');
}

const tariffCases: Array<[string, (t: Json) => void, string]> = [
  ['negative price', (t) => (t.versions[0].components[0].bands[1].price = '-19.80'), 'versions[0].components[0].bands[1].price'],
  ['gap between bands', (t) => (t.versions[0].components[0].bands[2].from = '31'), 'versions[0].components[0].bands[2].from'],
  ['overlapping bands', (t) => (t.versions[0].components[1].bands[1].from = '10'), 'versions[0].components[1].bands[1].from'],
  ['first band not at 0', (t) => (t.versions[0].components[0].bands[0].from = '1'), 'versions[0].components[0].bands[0].from'],
  ['closed last band', (t) => (t.versions[0].components[0].bands[2].to = '100'), 'versions[0].components[0].bands[2].to'],
  ['unknown unit', (t) => (t.versions[0].components[0].unit = 'litre'), 'versions[0].components[0].unit'],
  ['unit not derivable', (t) => (t.versions[0].components[0].unit = 'kWh'), 'versions[0].components[0].unit'],
  ['unknown component type', (t) => (t.versions[0].components[1].type = 'sliding'), 'versions[0].components[1].type'],
  ['misspelt field', (t) => (t.versions[0].components[0].bandz = []), 'versions[0].components[0].bandz'],
  ['price as a word', (t) => (t.versions[0].components[0].bands[0].price = 'ten'), 'versions[0].components[0].bands[0].price'],
  ['price as a float in exponent notation', (t) => (t.versions[0].components[0].bands[0].price = 1e21), 'versions[0].components[0].bands[0].price'],
  ['missing commodity', (t) => delete t.commodity, 'commodity'],
  ['water in kWh', (t) => (t.unit = 'kWh'), 'unit'],
  ['bad date', (t) => (t.versions[0].from = '2023-02-30'), 'versions[0].from'],
  ['link to nothing', (t) => (t.versions[0].components[1].linkedTo = 'GAZ'), 'versions[0].components[1].linkedTo'],
  ['duplicate code', (t) => (t.versions[0].components[1].code = 'SU'), 'versions[0].components[1].code'],
  ['KDV on an unknown component', (t) => (t.versions[0].taxes[1].on = ['SU', 'ELEKTRIK']), 'versions[0].taxes[1].on[1]'],
  ['KDV over 100%', (t) => (t.versions[0].taxes[1].rate = '120'), 'versions[0].taxes[1].rate'],
  ['no versions', (t) => (t.versions = []), 'versions'],
  [
    'overlapping versions',
    (t) => {
      t.versions[0].to = '2024-03-01';
      t.versions.push({ ...clone(t.versions[0]), from: '2024-02-01', to: undefined });
    },
    'versions[1].from',
  ],
  [
    'gap between versions',
    (t) => {
      t.versions[0].to = '2024-01-01';
      t.versions.push({ ...clone(t.versions[0]), from: '2024-02-01', to: undefined });
    },
    'versions[1].from',
  ],
  ['versions out of order', (t) => t.versions.push({ ...clone(t.versions[0]), from: '2020-01-01' }), 'versions[1].from'],
];

const usageCases: Array<[string, (u: Json) => void, string]> = [
  ['negative read', (u) => (u.reads.end = '-5'), 'reads.end'],
  ['read below start without rollover digits', (u) => delete u.reads.digits, 'reads.end'],
  ['start wider than the register', (u) => (u.reads.start = '123456'), 'reads.start'],
  ['wrong unit for the tariff', (u) => (u.unit = 'Sm3'), 'unit'],
  ['unknown unit', (u) => (u.unit = 'gallon'), 'unit'],
  ['empty period', (u) => (u.to = u.from), 'to'],
  ['period before the tariff', (u) => Object.assign(u, { from: '2023-01-01', to: '2023-02-01' }), 'from'],
  ['neither reads nor intervals', (u) => delete u.reads, 'intervals'],
  ['both reads and intervals', (u) => Object.assign(u, { resolution: 'day', intervals: [] }), 'reads'],
  ['intervals without resolution', (u) => Object.assign(u, { reads: undefined, intervals: [{ ts: '2023-11-01T00:00:00+03:00', value: '1' }] }), 'resolution'],
  ['interval outside the period', (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: [{ ts: '2023-12-01T00:00:00+03:00', value: '1' }] }), 'intervals[0].ts'],
  ['interval not at midnight', (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: [{ ts: '2023-11-02T00:00:00Z', value: '1' }] }), 'intervals[0].ts'],
  ['interval without offset', (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: [{ ts: '2023-11-02T00:00:00', value: '1' }] }), 'intervals[0].ts'],
  ['negative interval', (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: [{ ts: '2023-11-02T00:00:00+03:00', value: '-1' }] }), 'intervals[0].value'],
  [
    'repeated interval',
    (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: [{ ts: '2023-11-02T00:00:00+03:00', value: '1' }, { ts: '2023-11-01T21:00:00Z', value: '2' }] }),
    'intervals[1].ts',
  ],
  ['unknown field', (u) => (u.subscriber = 'x'), 'subscriber'],
  ['interval not an object', (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: ['x'] }), 'intervals[0]'],
  ['interval value a word', (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: [{ ts: '2023-11-02T00:00:00+03:00', value: 'ten' }] }), 'intervals[0].value'],
  ['unknown field in a point', (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: [{ ts: '2023-11-02T00:00:00+03:00', value: '1', quality: 'good' }] }), 'intervals[0].quality'],
  ['impossible date in a point', (u) => Object.assign(u, { reads: undefined, resolution: 'day', intervals: [{ ts: '2023-02-30T00:00:00+03:00', value: '1' }] }), 'intervals[0].ts'],
];

describe('billing-core refuses bad files, naming the field', () => {
  for (const [what, mutate, path] of tariffCases) {
    it(`tariff: ${what} → ${path}`, () => {
      const t = clone(waterTariff) as Json;
      mutate(t);
      const r = refusal(() => parseTariff(t));
      assert.equal(r.code, 'ABONE_ERR_BILLING_TARIFF_INVALID');
      assert.equal(r.path, path, r.message);
    });
  }

  for (const [what, mutate, path] of usageCases) {
    it(`usage: ${what} → ${path}`, () => {
      const u = clone(waterUsage) as Json;
      mutate(u);
      const r = refusal(() => rate(parseTariff(waterTariff), u));
      assert.equal(r.code, 'ABONE_ERR_BILLING_USAGE_INVALID');
      assert.equal(r.path, path, r.message);
    });
  }

  it('says why in words a tariff author understands', () => {
    const t = clone(waterTariff) as Json;
    t.versions[0].components[0].bands[2].from = '31';
    assert.equal(refusal(() => parseTariff(t)).message, 'Invalid tariff at versions[0].components[0].bands[2].from: must equal bands[1].to (30): bands may neither leave gaps nor overlap');
  });

  it('refuses a time-of-use tariff whose buckets leave an hour out, and hourly pricing of daily data', () => {
    const t = clone(timeOfUsePriceChange) as Json;
    t.versions[0].components[0].buckets[2].hours = [[23, 6]];
    const r = refusal(() => parseTariff(t));
    assert.equal(r.path, 'versions[0].components[0].buckets');
    assert.match(r.message, /hour 22 on a weekday falls in no bucket/);
    const daily = { unit: 'kWh', from: '2026-03-01', to: '2026-03-03', resolution: 'day', intervals: [{ ts: '2026-03-01T00:00:00+03:00', value: '5' }] };
    assert.equal(refusal(() => rate(parseTariff(timeOfUsePriceChange), daily)).path, 'resolution');
  });

  it('refuses a gas bill in kWh without the period’s K and calorific value', () => {
    const gas = { code: 'G', commodity: 'gas', unit: 'm3', versions: [{ from: '2025-01-01', components: [{ type: 'flat', code: 'GAS', unit: 'kWh', price: '1' }] }] };
    const r = refusal(() => rate(parseTariff(gas), { unit: 'm3', from: '2025-02-01', to: '2025-03-01', reads: { start: '0', end: '10' } }));
    assert.equal(r.path, 'gas');
  });

  it('appending a version ends the previous one; appending into the past is refused', () => {
    const t = parseTariff(waterTariff);
    const next = appendVersion(t, { ...clone(waterTariff.versions[0] as Json), from: '2024-06-01' });
    assert.equal(next.versions[0].to, '2024-06-01');
    assert.equal(next.versions[1].to, undefined);
    const third = appendVersion(next, { ...clone(waterTariff.versions[0] as Json), from: '2025-01-01' });
    assert.deepEqual(third.versions.map((v) => [v.from, v.to]), [['2023-09-13', '2024-06-01'], ['2024-06-01', '2025-01-01'], ['2025-01-01', undefined]]);
    assert.equal(refusal(() => appendVersion(next, { ...clone(waterTariff.versions[0] as Json), from: '2024-01-01' })).path, 'versions[2].from');
    assert.equal(t.versions[0].to, undefined, 'the original history is not changed');
  });

  it('a usage file that fits no tariff unit is refused before any pricing (hourly data, TOU tariff, m3)', () => {
    const intervals = hourly('2026-03-01', '2026-03-02', () => '1');
    assert.equal(refusal(() => rate(parseTariff(timeOfUsePriceChange), { unit: 'm3', from: '2026-03-01', to: '2026-03-02', resolution: 'hour', intervals })).path, 'unit');
  });
});
