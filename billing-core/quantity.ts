/**
 * Decimal helpers for rating. Amounts are platform/money.ts values (decimal.js, 40 digits, half away from zero).
 * Quantities (m³, Sm³, kWh, prorated band limits, free allowances) are rounded to QUANTITY_PLACES once, where they are
 * derived, so every bill line can be checked by hand: amount = round₂(quantity × unit price).
 */
import { Money, money, toKurus } from '../platform/money.ts';

export type Dec = Money;
export const Dec = Money;

/** Litres of water and gas, watt-hours of electricity: finer than any meter in the fleet reads. */
export const QUANTITY_PLACES = 3;

export const ZERO = new Money(0);

export function dec(value: string | number | Dec): Dec {
  return money(value);
}

/** A derived quantity, rounded half away from zero to the litre / watt-hour. */
export function roundQuantity(q: Dec): Dec {
  return q.toDecimalPlaces(QUANTITY_PLACES, Money.ROUND_HALF_UP);
}

/** A line amount: rounded once, to the kuruş, half away from zero. */
export function roundAmount(a: Dec): Dec {
  return toKurus(a);
}

export function sumOf(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

export function minDec(a: Dec, b: Dec): Dec {
  return a.lessThan(b) ? a : b;
}

export function maxDec(a: Dec, b: Dec): Dec {
  return a.greaterThan(b) ? a : b;
}

/** Amount text with exactly two places (kuruş), as on an invoice; a zero is never written "-0.00". */
export function amountText(d: Dec): string {
  return d.isZero() ? '0.00' : d.toFixed(2);
}

/** Decimal text without exponent; a zero is never written "-0". */
export function decimalOut(d: Dec, places?: number): string {
  if (d.isZero()) return places === undefined ? '0' : (0).toFixed(places);
  return places === undefined ? d.toFixed() : d.toFixed(places);
}
