/**
 * Money is decimal, never a JavaScript float. Amounts are decimal.js values in TRY; a line is rounded once, to the
 * kuruş (2 places), half away from zero — the rule Turkish invoices use. Unit prices keep their own precision
 * (up to 6 places) and are only rounded when multiplied into a line.
 */
import { Decimal } from 'decimal.js';

export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = InstanceType<typeof Money>;

export const KURUS_PLACES = 2;
export const UNIT_PRICE_PLACES = 6;

export function money(value: string | number | Money): Money {
  if (typeof value === 'number' && !Number.isInteger(value)) {
    // A float literal has already lost precision; accept it only through its shortest decimal text.
    value = String(value);
  }
  const d = new Money(value);
  if (!d.isFinite()) throw new RangeError(`not a finite amount: ${String(value)}`);
  return d;
}

/** Round to the kuruş, half away from zero. */
export function toKurus(amount: Money): Money {
  return amount.toDecimalPlaces(KURUS_PLACES, Decimal.ROUND_HALF_UP);
}

/** quantity × unit price, rounded once to the kuruş: the amount of one invoice line. */
export function lineAmount(quantity: string | Money, unitPrice: string | Money): Money {
  return toKurus(money(quantity).times(money(unitPrice)));
}

/** Sum without intermediate rounding. */
export function sum(amounts: Iterable<Money>): Money {
  let total = new Money(0);
  for (const a of amounts) total = total.plus(a);
  return total;
}

/**
 * Split an amount into `parts` kuruş-exact shares that add up to the whole: the remainder kuruş go to the first
 * shares (used for instalments and proration of fixed charges).
 */
export function allocate(amount: Money, parts: number): Money[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError('parts must be a positive integer');
  const totalKurus = toKurus(amount).times(100);
  const base = totalKurus.dividedToIntegerBy(parts);
  let remainder = totalKurus.minus(base.times(parts)).toNumber();
  const step = remainder < 0 ? -1 : 1;
  const shares: Money[] = [];
  for (let i = 0; i < parts; i++) {
    let k = base;
    if (remainder !== 0) {
      k = k.plus(step);
      remainder -= step;
    }
    shares.push(k.dividedBy(100));
  }
  return shares;
}

/** Text for SQL `numeric` parameters and for JSON: never scientific notation. */
export function toSql(amount: Money): string {
  return amount.toFixed();
}
