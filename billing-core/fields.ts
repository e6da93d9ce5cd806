/**
 * Field schemas shared by tariff and usage files. Decimals travel as strings ("10.266442") so no JSON float ever
 * carries money; plain JSON numbers are accepted when their text is an ordinary decimal (no exponent).
 */
import { z } from 'zod';

const DECIMAL = /^-?\d{1,15}(\.\d{1,12})?$/;

/** The normalised text of a decimal given as a string or a plain JSON number, or undefined when it is not one. */
export function decimalText(v: unknown): string | undefined {
  const t = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : typeof v === 'string' ? v.trim() : '';
  return DECIMAL.test(t) ? t : undefined;
}

export const DECIMAL_MESSAGE = 'must be a decimal such as "12.345" (up to 15 digits before and 12 after the point)';

/** Any decimal, normalised to its text. */
export const decimalField = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const t = decimalText(v);
    if (t === undefined) {
      ctx.addIssue({ code: 'custom', message: DECIMAL_MESSAGE });
      return z.NEVER;
    }
    return t;
  });

export const nonNegativeField = decimalField.refine((t) => !t.startsWith('-'), 'must not be negative');
export const positiveField = decimalField.refine((t) => !t.startsWith('-') && /[1-9]/.test(t), 'must be greater than 0');
export const percentField = nonNegativeField.refine((t) => Number(t) <= 100, 'must be at most 100 (a percentage)');

export const codeField = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . and -, 1 to 64 characters');
export const nameField = z.string().max(200);

/** Whether Y-M-D names a day of the Gregorian calendar (no zone needed: a date is a date everywhere). */
const knownDates = new Map<string, boolean>(); // interval points repeat their date 24 times, bill runs a month's dates a million times

export function isCalendarDate(t: string): boolean {
  let ok = knownDates.get(t);
  if (ok === undefined) {
    ok = checkCalendarDate(t);
    if (knownDates.size > 10_000) knownDates.clear();
    knownDates.set(t, ok);
  }
  return ok;
}

function checkCalendarDate(t: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] && +m[1] >= 1900;
}

/** A business (Europe/Istanbul) calendar date, `2026-11-21`. */
export const localDateField = z.string().refine(isCalendarDate, 'must be a date written YYYY-MM-DD');

/** A month and day, `04-01`, for seasons that recur every year. */
export const monthDayField = z.string().refine((t) => isCalendarDate(`2024-${t}`), 'must be a month and day written MM-DD');

const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const INSTANT_MESSAGE = 'must be an ISO instant with an offset, such as 2026-11-01T00:00:00+03:00';

/** Whether `t` is an ISO instant with an explicit offset, `2026-11-01T00:00:00+03:00` or `...Z`. */
export function isInstant(t: unknown): t is string {
  if (typeof t !== 'string') return false;
  const m = INSTANT.exec(t);
  return !!m && isCalendarDate(m[1]) && Number.isFinite(Date.parse(t));
}

export const instantField = z.string().refine(isInstant, INSTANT_MESSAGE);

export const UNITS = ['m3', 'Sm3', 'kWh'] as const;
export type MeteredUnit = (typeof UNITS)[number];
export const unitField = z.enum(UNITS, { error: () => `must be one of ${UNITS.join(', ')}` });
