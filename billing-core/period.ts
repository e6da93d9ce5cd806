/**
 * A billing period as rating sees it: local dates [from, to), each day's start instant, and a fast way to find the
 * day and local hour of an instant (Europe/Istanbul has had no DST since 2016, but older days of 23 or 25 hours are
 * still handled, through luxon).
 */
import { DateTime } from 'luxon';
import { BUSINESS_ZONE, type LocalDate } from '../platform/calendar.ts';

export const MAX_PERIOD_DAYS = 400;
const HOUR = 3_600_000;

export interface Period {
  from: LocalDate;
  to: LocalDate;
  days: number;
  dates: LocalDate[];
  /** ISO weekday (1 = Monday … 7 = Sunday) of each date. */
  weekdays: number[];
  /** dayStarts[i] is the instant local day i starts; dayStarts[days] is the period's end. */
  dayStarts: number[];
}

export function localDay(date: LocalDate): DateTime {
  return DateTime.fromISO(date, { zone: BUSINESS_ZONE });
}

/** Calendar days from `from` to `to` (negative or 0 when to is not after from); zone-free, as dates are. */
export function daysFromTo(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Periods are cached: a bill run rates a million subscriptions over the same month, and turning local dates into
 * instants through the zone rules is the costliest step of rating.
 */
const periods = new Map<string, Period>();
const MAX_CACHED_PERIODS = 256;

export function buildPeriod(from: LocalDate, to: LocalDate): Period {
  const key = `${from}/${to}`;
  let p = periods.get(key);
  if (!p) {
    p = computePeriod(from, to);
    if (periods.size >= MAX_CACHED_PERIODS) periods.delete(periods.keys().next().value!);
    periods.set(key, p);
  }
  return p;
}

function computePeriod(from: LocalDate, to: LocalDate): Period {
  const dates: LocalDate[] = [];
  const weekdays: number[] = [];
  const dayStarts: number[] = [];
  let d = localDay(from);
  const end = localDay(to).toMillis();
  while (d.toMillis() < end) {
    dates.push(d.toISODate()!);
    weekdays.push(d.weekday);
    dayStarts.push(d.toMillis());
    d = d.plus({ days: 1 });
  }
  dayStarts.push(end);
  return Object.freeze({ from, to, days: dates.length, dates, weekdays, dayStarts });
}

/** Index of the local day holding instant `ms`, or -1 outside the period. */
export function dayIndex(p: Period, ms: number): number {
  if (!Number.isFinite(ms) || ms < p.dayStarts[0] || ms >= p.dayStarts[p.days]) return -1;
  let lo = 0;
  let hi = p.days - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.dayStarts[mid] <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Local hour of `ms` within day `day` (whole hours since midnight on ordinary days). */
export function localHour(p: Period, day: number, ms: number): number {
  if (p.dayStarts[day + 1] - p.dayStarts[day] === 24 * HOUR) return Math.floor((ms - p.dayStarts[day]) / HOUR);
  return DateTime.fromMillis(ms, { zone: BUSINESS_ZONE }).hour;
}

/** Every hour start of the period, in order. */
export function hourSlots(p: Period): Array<{ ms: number; day: number }> {
  const out: Array<{ ms: number; day: number }> = [];
  for (let day = 0; day < p.days; day++) for (let ms = p.dayStarts[day]; ms < p.dayStarts[day + 1]; ms += HOUR) out.push({ ms, day });
  return out;
}

export function daySlots(p: Period): Array<{ ms: number; day: number }> {
  return p.dates.map((_, day) => ({ ms: p.dayStarts[day], day }));
}

/** Weekday and local hour of an instant anywhere in time (history before the period). */
export function weekdayHour(ms: number): { weekday: number; hour: number } {
  const dt = DateTime.fromMillis(ms, { zone: BUSINESS_ZONE });
  return { weekday: dt.weekday, hour: dt.hour };
}

/** Whether `ms` starts a local hour of day `day` (Istanbul's offsets have always been whole hours). */
export function alignedToHour(p: Period, day: number, ms: number): boolean {
  if (p.dayStarts[day + 1] - p.dayStarts[day] === 24 * HOUR) return (ms - p.dayStarts[day]) % HOUR === 0;
  return isWholeHour(ms);
}

export function isLocalMidnight(ms: number): boolean {
  return DateTime.fromMillis(ms, { zone: BUSINESS_ZONE }).startOf('day').toMillis() === ms;
}

export function isWholeHour(ms: number): boolean {
  const dt = DateTime.fromMillis(ms, { zone: BUSINESS_ZONE });
  return dt.minute === 0 && dt.second === 0 && dt.millisecond === 0;
}
