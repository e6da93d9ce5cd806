/**
 * A seeded generator for property and fuzz tests (mulberry32): the same seed gives the same cases, so a failure
 * names its seed and can be replayed. Plus random tariffs and usage files that are valid by construction.
 */
import type { TariffInput, UsageInput } from './index.ts';
import { daily, hourly } from './test-fixtures.ts';

export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** A decimal string with up to `places` places, in [0, max). */
  decimal(max: number, places: number): string {
    const scale = 10 ** places;
    return (Math.floor(this.next() * max * scale) / scale).toFixed(places);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function bands(r: Random): Array<{ from: string; to?: string; price: string }> {
  const n = r.int(1, 4);
  const out: Array<{ from: string; to?: string; price: string }> = [];
  let from = 0;
  for (let i = 0; i < n; i++) {
    const to = i === n - 1 ? undefined : from + r.int(1, 40);
    out.push({ from: String(from), ...(to !== undefined && { to: String(to) }), price: r.decimal(50, 4) });
    if (to !== undefined) from = to;
  }
  return out;
}

/** Components and taxes of one version; `prorate` forces every component's flag when given. */
function versionBody(r: Random, commodity: 'gas' | 'water' | 'electricity', hourlyData: boolean, prorate?: boolean) {
  const unit = commodity === 'gas' ? r.pick(['m3', 'Sm3', 'kWh'] as const) : commodity === 'water' ? 'm3' : 'kWh';
  const p = () => (prorate === undefined ? r.bool(0.8) : prorate);
  const components: any[] = [{ type: 'fixed', code: 'FIX', amount: r.decimal(100, 2), per: r.pick(['period', 'day']), prorate: p() }]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const kind = hourlyData && r.bool(0.3) ? 'tou' : r.pick(['flat', 'block', 'scale']);
  if (kind === 'flat') components.push({ type: 'flat', code: 'MAIN', unit, price: r.decimal(20, 6), prorate: p(), ...(r.bool(0.3) && { free: r.decimal(10, 1) }) });
  else if (kind === 'tou') {
    const [h1, h2] = [r.int(5, 8), r.int(17, 23)];
    const buckets = [
      { name: 'DAY', price: r.decimal(5, 4), hours: [[h1, h2]], dayTypes: ['weekday', 'saturday'] },
      { name: 'NIGHT', price: r.decimal(5, 4), hours: [[h2, h1]], dayTypes: ['weekday', 'saturday'] },
      { name: 'REST', price: r.decimal(5, 4), hours: [[0, 24]], dayTypes: ['sunday', 'holiday'] },
    ];
    components.push({ type: 'tou', code: 'MAIN', unit, prorate: p(), buckets });
  }
  else components.push({ type: kind, code: 'MAIN', unit, prorate: p(), bands: bands(r), ...(r.bool(0.5) && { bandDays: 30 }), ...(r.bool(0.2) && { free: r.decimal(5, 2) }) });
  if (r.bool(0.5)) components.push({ type: 'flat', code: 'LINKED', unit, price: r.decimal(10, 4), linkedTo: 'MAIN', factor: r.pick(['1', '0.5', '0.8']), prorate: p() });
  if (r.bool(0.3)) components.push({ type: 'minimum', code: 'MIN', amount: r.decimal(300, 2), prorate: p() });
  if (r.bool(0.3)) components.push({ type: 'discount', code: 'DISC', percent: r.decimal(60, 1), on: ['MAIN'] });
  const taxes: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (r.bool(0.5)) taxes.push({ type: 'per-unit', code: 'OTV', unit: commodity === 'gas' ? 'Sm3' : unit, rate: r.decimal(1, 4), prorate: p() });
  taxes.push({ type: 'percent', code: 'KDV', rate: r.pick(['1', '10', '20']), ...(taxes.length && r.bool() && { includeTaxes: ['OTV'] }) });
  return { components, taxes };
}

export interface Scenario {
  tariff: TariffInput;
  usage: UsageInput;
}

/** A tariff with 1–4 versions and a usage file over a period the versions cover. */
export function randomScenario(r: Random, opts: { versions?: number; prorate?: boolean } = {}): Scenario {
  const commodity = r.pick(['gas', 'water', 'electricity'] as const);
  const data = r.pick(['reads', 'hour', 'day'] as const);
  const start = addDays('2025-01-01', r.int(0, 300));
  const days = r.int(1, data === 'hour' ? 40 : 70);
  const n = opts.versions ?? r.int(1, 4);
  const versions = [];
  let from = addDays(start, -r.int(0, 30));
  for (let i = 0; i < n; i++) {
    versions.push({ from, ...versionBody(r, commodity, data === 'hour', opts.prorate) });
    from = addDays(from, r.int(1, Math.max(1, Math.ceil(days / 2))));
  }
  const unit = commodity === 'electricity' ? 'kWh' : 'm3';
  const tariff: TariffInput = { code: `T${r.seed}`, commodity, unit, holidays: [addDays(start, r.int(0, days))], versions };
  const to = addDays(start, days);
  const base: UsageInput = { unit, from: start, to, ...(commodity === 'gas' && { gas: { correctionFactor: `0.9${String(r.int(0, 999)).padStart(3, '0')}`, calorificValue: String(r.int(9000, 9500)) } }), ...(r.bool(0.3) && { discounts: ['DISC'] }), ...(r.bool(0.2) && { exemptions: ['OTV'] }) };
  if (data === 'reads') return { tariff, usage: { ...base, reads: { start: r.decimal(99999, 3), end: r.decimal(99999, 3), digits: 5, estimated: r.bool(0.2) } } };
  const gap = r.bool(0.5) ? r.int(0, days * 24) : -1;
  const gapLength = r.int(1, 30);
  let i = 0;
  const skip = () => {
    const k = i++;
    return gap >= 0 && k >= gap && k < gap + gapLength;
  };
  const intervals = data === 'hour' ? hourly(start, to, () => r.decimal(3, 3), skip) : daily(start, to, () => r.decimal(60, 3), skip);
  return { tariff, usage: { ...base, resolution: data, intervals: intervals!.length ? intervals : hourly(start, addDays(start, 1), () => '1') } };
}
