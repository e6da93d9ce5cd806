/**
 * Cutting a billing period at every version change. A slice is a run of whole local days under one version; the
 * slices of a period follow each other without gap and their days add up to the period's.
 */
import type { Tariff, TariffVersion } from './tariff-schema.ts';
import type { Period } from './period.ts';
import { usageInvalid } from './errors.ts';

export interface Slice {
  from: string;
  to: string;
  days: number;
  /** Index into period.dates of the slice's first day, and one past its last. */
  dayFrom: number;
  dayTo: number;
  versionIndex: number;
  version: TariffVersion;
}

export function sliceSchedule(tariff: Tariff, period: Period): Slice[] {
  const slices: Slice[] = [];
  const vs = tariff.versions;
  let day = 0;
  while (day < period.days) {
    const date = period.dates[day];
    const vi = versionIndexOn(tariff, date);
    if (vi < 0) throw usageInvalid([day === 0 ? 'from' : 'to'], `no version of tariff ${tariff.code} is in force on ${date}`);
    const end = versionEnd(vs, vi);
    let dayTo = day + 1;
    while (dayTo < period.days && (end === undefined || period.dates[dayTo] < end)) dayTo++;
    slices.push({ from: date, to: dayTo < period.days ? period.dates[dayTo] : period.to, days: dayTo - day, dayFrom: day, dayTo, versionIndex: vi, version: vs[vi] });
    day = dayTo;
  }
  return slices;
}

/** The version in force on a local date, or -1. */
export function versionIndexOn(tariff: Tariff, date: string): number {
  const vs = tariff.versions;
  for (let i = vs.length - 1; i >= 0; i--) {
    if (vs[i].from > date) continue;
    const end = versionEnd(vs, i);
    return end === undefined || date < end ? i : -1;
  }
  return -1;
}

function versionEnd(vs: TariffVersion[], i: number): string | undefined {
  return vs[i].to ?? vs[i + 1]?.from;
}

/**
 * Whether one version of the tariff is in force over every day of [from, to): the period is one slice. What a caller
 * asks before rating a period from its total (dayTotalUsage) instead of its days.
 */
export function oneVersionOver(tariff: Tariff, from: string, to: string): boolean {
  const vi = versionIndexOn(tariff, from);
  if (vi < 0) return false;
  const end = versionEnd(tariff.versions, vi);
  return end === undefined || end >= to;
}
