/**
 * The late payment surcharge (gecikme zammı), law 6183 art. 51: a monthly rate applied per day (rate ÷ 30) from the
 * day after the due date through the day of payment. The rate is effective-dated; a span that crosses a change is
 * charged each day at the rate in force that day. The fee is rounded once, to the kuruş.
 *
 * Worked example (issue 7): 1,000.00 TL paid 20 days late at 3.7% a month: 1,000 × 0.037 × 20 / 30 = 24.666… → 24.67.
 */
import { DateTime } from 'luxon';
import { Money, toKurus } from '../../platform/money.ts';

export interface LateFeeRate {
  effectiveFrom: string;
  /** A fraction: 0.037 for 3.7% a month. */
  monthlyRate: string;
}

const DAYS_PER_MONTH = 30;

/** Days after `from` through `to` (0 when `to` is not later). */
export function daysLate(from: string, to: string): number {
  return Math.max(0, Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days));
}

/** The fee on `principal` for the days after `from` through `to`, each day at the rate in force that day. */
export function lateFee(principal: Money | string, from: string, to: string, rates: readonly LateFeeRate[]): Money {
  return toKurus(new Money(principal).times(lateFactor(from, to, rates)));
}

/**
 * Factors already worked out, per rate table as loaded (a payment batch asks for the same few spans a thousand
 * times, and each costs a walk over the days in luxon). A table loaded again is a new array: nothing goes stale.
 */
const known = new WeakMap<readonly LateFeeRate[], Map<string, Money>>();

/** Σ over the days after `from` through `to` of (monthly rate in force that day ÷ 30): fee = principal × factor. */
export function lateFactor(from: string, to: string, rates: readonly LateFeeRate[]): Money {
  let spans = known.get(rates);
  if (!spans) known.set(rates, (spans = new Map()));
  const key = `${from}|${to}`;
  let factor = spans.get(key);
  if (!factor) spans.set(key, (factor = walkFactor(from, to, rates)));
  return factor;
}

function walkFactor(from: string, to: string, rates: readonly LateFeeRate[]): Money {
  const sorted = [...rates].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  let factor = new Money(0);
  const end = DateTime.fromISO(to);
  let day = DateTime.fromISO(from).plus({ days: 1 });
  while (day <= end) {
    const iso = day.toISODate()!;
    const i = lastIndexAtOrBefore(sorted, iso);
    // Days before the first known rate carry none: the table starts where the utility's records do.
    const next = sorted[i + 1]?.effectiveFrom;
    const spanEnd = next === undefined ? end : DateTime.min(end, DateTime.fromISO(next).minus({ days: 1 }));
    const days = Math.round(spanEnd.diff(day, 'days').days) + 1;
    if (i >= 0) factor = factor.plus(new Money(sorted[i].monthlyRate).times(days).dividedBy(DAYS_PER_MONTH));
    day = spanEnd.plus({ days: 1 });
  }
  return factor;
}

function lastIndexAtOrBefore(sorted: readonly LateFeeRate[], iso: string): number {
  let found = -1;
  for (let i = 0; i < sorted.length && sorted[i].effectiveFrom <= iso; i++) found = i;
  return found;
}

/**
 * How much of `money` settles principal when each lira of principal drags `factor` of fee along with it: the largest
 * principal p (in kuruş, at most `open`) with p + fee(p) ≤ money. Used when a payment cannot cover an overdue item
 * and its fee in full.
 */
export function principalCovered(money: Money, open: Money, factor: Money): { principal: Money; fee: Money } {
  const feeOf = (p: Money) => toKurus(p.times(factor));
  if (open.plus(feeOf(open)).lessThanOrEqualTo(money)) return { principal: open, fee: feeOf(open) };
  let p = money.dividedBy(factor.plus(1)).toDecimalPlaces(2, Money.ROUND_DOWN);
  while (p.greaterThan(0) && p.plus(feeOf(p)).greaterThan(money)) p = p.minus('0.01');
  while (p.plus('0.01').lessThanOrEqualTo(open) && p.plus('0.01').plus(feeOf(p.plus('0.01'))).lessThanOrEqualTo(money)) p = p.plus('0.01');
  return { principal: p, fee: feeOf(p) };
}
