/**
 * Checks a schema cannot express: versions that follow each other without overlap or gap, bands that start at 0 and
 * meet end to start, references (linkedTo, on, includeTaxes) that name components of the same version, units that
 * can be derived from the metered unit, and time-of-use buckets that place every hour exactly once.
 */
import { DateTime } from 'luxon';
import { canConvert } from './units.ts';
import type { MeteredUnit } from './fields.ts';
import { Dec } from './quantity.ts';
import { tariffInvalid, type PathPart } from './errors.ts';
import { DAY_TYPES, type Component, type Tariff, type TariffVersion, type TouComponent } from './tariff-schema.ts';

const COMMODITY_UNITS: Record<Tariff['commodity'], string[]> = { gas: ['m3', 'Sm3'], water: ['m3'], electricity: ['kWh'] };
const METERED_TYPES = new Set(['flat', 'block', 'scale', 'tou']);

export function checkTariffRules(t: Tariff): void {
  if (!COMMODITY_UNITS[t.commodity].includes(t.unit)) throw tariffInvalid(['unit'], `a ${t.commodity} tariff is metered in ${COMMODITY_UNITS[t.commodity].join(' or ')}`);
  checkVersionOrder(t.versions);
  t.versions.forEach((v, i) => checkVersion(t, v, ['versions', i]));
}

/** Only gas converts between units (m³ → Sm³ → kWh); water and electricity are priced in what the meter reads. */
function derivable(t: Tariff, unit: MeteredUnit): boolean {
  return t.unit === unit || (t.commodity === 'gas' && canConvert(t.unit, unit));
}

function checkVersionOrder(versions: TariffVersion[]): void {
  versions.forEach((v, i) => {
    if (v.to !== undefined && v.to <= v.from) throw tariffInvalid(['versions', i, 'to'], `must be after from (${v.from})`);
    if (i === 0) return;
    const prev = versions[i - 1];
    if (v.from <= prev.from) throw tariffInvalid(['versions', i, 'from'], `must be after versions[${i - 1}].from (${prev.from}): versions are listed in order`);
    if (prev.to !== undefined && prev.to > v.from) throw tariffInvalid(['versions', i, 'from'], `overlaps versions[${i - 1}], which runs to ${prev.to}`);
    if (prev.to !== undefined && prev.to < v.from) throw tariffInvalid(['versions', i, 'from'], `leaves a gap after versions[${i - 1}], which ends ${prev.to}`);
  });
}

function checkVersion(t: Tariff, v: TariffVersion, at: PathPart[]): void {
  const byCode = new Map<string, Component>();
  v.components.forEach((c, i) => {
    if (byCode.has(c.code)) throw tariffInvalid([...at, 'components', i, 'code'], `${c.code} appears twice in this version`);
    byCode.set(c.code, c);
  });
  v.components.forEach((c, i) => checkComponent(t, c, byCode, [...at, 'components', i]));
  const taxCodes: string[] = [];
  v.taxes.forEach((tax, i) => {
    const p = [...at, 'taxes', i];
    if (byCode.has(tax.code) || taxCodes.includes(tax.code)) throw tariffInvalid([...p, 'code'], `${tax.code} is already used in this version`);
    if (tax.type === 'per-unit' && !derivable(t, tax.unit)) throw tariffInvalid([...p, 'unit'], `cannot be derived from the metered unit ${t.unit}`);
    if (tax.type === 'percent') {
      tax.on?.forEach((code, j) => {
        if (!byCode.has(code)) throw tariffInvalid([...p, 'on', j], `names no component of this version (${code})`);
      });
      tax.includeTaxes?.forEach((code, j) => {
        if (!taxCodes.includes(code)) throw tariffInvalid([...p, 'includeTaxes', j], `names no earlier tax of this version (${code})`);
      });
    }
    taxCodes.push(tax.code);
  });
}

function checkComponent(t: Tariff, c: Component, byCode: Map<string, Component>, at: PathPart[]): void {
  if ('unit' in c && !derivable(t, c.unit)) throw tariffInvalid([...at, 'unit'], `cannot be derived from the metered unit ${t.unit}`);
  if ('linkedTo' in c && c.linkedTo !== undefined) {
    const target = byCode.get(c.linkedTo);
    if (!target || c.linkedTo === c.code) throw tariffInvalid([...at, 'linkedTo'], `names no other component of this version (${c.linkedTo})`);
    if (!('unit' in target) || target.linkedTo !== undefined) throw tariffInvalid([...at, 'linkedTo'], `must name a metered component that is not itself linked (${c.linkedTo})`);
    if (target.unit !== c.unit) throw tariffInvalid([...at, 'unit'], `must equal the unit of ${c.linkedTo} (${target.unit})`);
  }
  if (c.type === 'tou' && c.linkedTo !== undefined) throw tariffInvalid([...at, 'linkedTo'], 'a time-of-use component is priced on its own hours, not linked');
  if ('factor' in c && c.factor !== undefined && c.linkedTo === undefined) throw tariffInvalid([...at, 'factor'], 'only a linked component has a factor');
  if (c.type === 'minimum' || c.type === 'discount') {
    c.on?.forEach((code, j) => {
      const target = byCode.get(code);
      if (!target || target.type === 'discount' || target.type === 'minimum') throw tariffInvalid([...at, 'on', j], `names no charge component of this version (${code})`);
    });
  }
  if (c.type === 'block' || c.type === 'scale') checkBands(c.bands, [...at, 'bands']);
  if (c.type === 'tou') checkTimeOfUse(c, at);
}

function checkBands(bands: Array<{ from: string; to?: string }>, at: PathPart[]): void {
  bands.forEach((b, i) => {
    if (i === 0 && !new Dec(b.from).isZero()) throw tariffInvalid([...at, 0, 'from'], 'must be 0: the first band starts at nothing consumed');
    if (i > 0) {
      const prevTo = bands[i - 1].to;
      if (prevTo === undefined) throw tariffInvalid([...at, i - 1, 'to'], 'only the last band may be open-ended');
      if (!new Dec(b.from).equals(prevTo)) throw tariffInvalid([...at, i, 'from'], `must equal bands[${i - 1}].to (${prevTo}): bands may neither leave gaps nor overlap`);
    }
    if (b.to !== undefined && !new Dec(b.to).greaterThan(b.from)) throw tariffInvalid([...at, i, 'to'], `must be greater than from (${b.from})`);
  });
  const last = bands.length - 1;
  if (bands[last].to !== undefined) throw tariffInvalid([...at, last, 'to'], 'the last band must be open-ended (no to), or consumption beyond it has no price');
}

/** Hours a [from, to) range covers; from > to wraps past midnight. */
export function hoursOf([from, to]: [number, number]): number[] {
  const out: number[] = [];
  if (from < to) for (let h = from; h < to; h++) out.push(h);
  else {
    for (let h = from; h < 24; h++) out.push(h);
    for (let h = 0; h < to; h++) out.push(h);
  }
  return out;
}

/** Index of the season each day of a leap year (month-day) falls in. */
export function seasonOfMonthDay(seasons: Array<{ from: string; to: string }>, md: string): number[] {
  const hits: number[] = [];
  seasons.forEach((s, i) => {
    const inside = s.from === s.to ? true : s.from < s.to ? md >= s.from && md < s.to : md >= s.from || md < s.to;
    if (inside) hits.push(i);
  });
  return hits;
}

function checkTimeOfUse(c: TouComponent, at: PathPart[]): void {
  const seasons = c.seasons ?? [];
  const names = seasons.map((s) => s.name);
  if (seasons.length) {
    for (let d = DateTime.fromISO('2024-01-01'); d.year === 2024; d = d.plus({ days: 1 })) {
      const md = d.toFormat('MM-dd');
      const hits = seasonOfMonthDay(seasons, md);
      if (hits.length !== 1) throw tariffInvalid([...at, 'seasons'], hits.length ? `${md} falls in seasons ${hits.map((h) => names[h]).join(' and ')}` : `${md} falls in no season`);
    }
  }
  c.buckets.forEach((b, i) => {
    b.hours.forEach((r, j) => {
      if (r[0] === r[1]) throw tariffInvalid([...at, 'buckets', i, 'hours', j], 'an hour range [from, to) must not be empty');
    });
    b.seasons?.forEach((s, j) => {
      if (!names.includes(s)) throw tariffInvalid([...at, 'buckets', i, 'seasons', j], `names no season of this component (${s})`);
    });
  });
  for (const season of names.length ? names : [undefined]) {
    for (const dayType of DAY_TYPES) {
      for (let hour = 0; hour < 24; hour++) {
        const hits = c.buckets.flatMap((b, i) => (bucketMatches(b, season, dayType, hour) ? [i] : []));
        const where = `hour ${hour} on a ${dayType}${season ? ` in ${season}` : ''}`;
        if (hits.length === 0) throw tariffInvalid([...at, 'buckets'], `${where} falls in no bucket`);
        if (hits.length > 1) throw tariffInvalid([...at, 'buckets', hits[1]], `${where} falls in buckets[${hits[0]}] too`);
      }
    }
  }
}

export function bucketMatches(b: TouComponent['buckets'][number], season: string | undefined, dayType: string, hour: number): boolean {
  if (b.dayTypes && !b.dayTypes.includes(dayType as never)) return false;
  if (season !== undefined && b.seasons && !b.seasons.includes(season)) return false;
  return b.hours.some((r) => hoursOf(r).includes(hour));
}
