/**
 * The business calendar runs on Europe/Istanbul: billing periods, due dates, days of a daily rollup. Instants are
 * stored as `timestamptz` (UTC inside); these helpers turn them into local business dates and back.
 */
import { DateTime, Interval } from 'luxon';

export const BUSINESS_ZONE = 'Europe/Istanbul';

/** An ISO local date, `2026-11-28`. */
export type LocalDate = string;

export function localDate(instant: Date | number): LocalDate {
  return DateTime.fromMillis(+instant, { zone: BUSINESS_ZONE }).toISODate()!;
}

/**
 * Start of the local day as an instant. Remembered per date (a bill run asks for the same few dates a million times,
 * and a luxon zone lookup costs ~5 µs); a fresh Date each call, so a caller changing it changes nothing here.
 */
export function startOfLocalDay(date: LocalDate): Date {
  let ms = dayStarts.get(date);
  if (ms === undefined) {
    const dt = DateTime.fromISO(date, { zone: BUSINESS_ZONE });
    if (!dt.isValid) throw new RangeError(`not a date: ${date}`);
    ms = dt.startOf('day').toMillis();
    if (dayStarts.size >= 20_000) dayStarts.clear();
    dayStarts.set(date, ms);
  }
  return new Date(ms);
}
const dayStarts = new Map<string, number>();

/** A billing period: a local calendar month, [start, end) as instants, with its number of days. */
export interface BillingPeriod {
  id: string; // '2026-11'
  start: Date;
  end: Date;
  days: number;
}

export function billingPeriod(year: number, month: number): BillingPeriod {
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone: BUSINESS_ZONE });
  if (!start.isValid) throw new RangeError(`not a month: ${year}-${month}`);
  const end = start.plus({ months: 1 });
  return { id: start.toFormat('yyyy-MM'), start: start.toJSDate(), end: end.toJSDate(), days: Math.round(end.diff(start, 'days').days) };
}

export function billingPeriodOf(instant: Date | number): BillingPeriod {
  const dt = DateTime.fromMillis(+instant, { zone: BUSINESS_ZONE });
  return billingPeriod(dt.year, dt.month);
}

/** Whole local days between two local dates, end exclusive. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round(DateTime.fromISO(to, { zone: BUSINESS_ZONE }).diff(DateTime.fromISO(from, { zone: BUSINESS_ZONE }), 'days').days);
}

/** Fixed-date public holidays of Türkiye (religious holidays move with the lunar calendar and come from a table). */
const FIXED_HOLIDAYS = ['01-01', '04-23', '05-01', '05-19', '07-15', '08-30', '10-29'];

export function isWeekend(date: LocalDate): boolean {
  const weekday = DateTime.fromISO(date, { zone: BUSINESS_ZONE }).weekday;
  return weekday === 6 || weekday === 7;
}

export function isBusinessDay(date: LocalDate, extraHolidays: ReadonlySet<LocalDate> = new Set()): boolean {
  return !isWeekend(date) && !FIXED_HOLIDAYS.includes(date.slice(5)) && !extraHolidays.has(date);
}

/** The first business day on or after `date + days`: due dates move past weekends and holidays. */
export function dueDate(from: LocalDate, days: number, extraHolidays: ReadonlySet<LocalDate> = new Set()): LocalDate {
  let dt = DateTime.fromISO(from, { zone: BUSINESS_ZONE }).plus({ days });
  while (!isBusinessDay(dt.toISODate()!, extraHolidays)) dt = dt.plus({ days: 1 });
  return dt.toISODate()!;
}

export function splitByLocalDays(start: Date, end: Date): Array<{ date: LocalDate; start: Date; end: Date }> {
  const out: Array<{ date: LocalDate; start: Date; end: Date }> = [];
  const interval = Interval.fromDateTimes(DateTime.fromJSDate(start, { zone: BUSINESS_ZONE }), DateTime.fromJSDate(end, { zone: BUSINESS_ZONE }));
  for (const part of interval.splitAt(...dayStartsWithin(start, end))) {
    out.push({ date: part.start!.toISODate()!, start: part.start!.toJSDate(), end: part.end!.toJSDate() });
  }
  return out;
}

function dayStartsWithin(start: Date, end: Date): DateTime[] {
  const cuts: DateTime[] = [];
  let dt = DateTime.fromJSDate(start, { zone: BUSINESS_ZONE }).startOf('day').plus({ days: 1 });
  while (dt.toMillis() < +end) {
    cuts.push(dt);
    dt = dt.plus({ days: 1 });
  }
  return cuts;
}
