/**
 * What every pricing step asks of the period: the consumption inside a span of days (a slice, or the whole period
 * for components that do not prorate), converted to a unit and rounded once, with the share of it that was estimated.
 */
import type { Tariff, TariffVersion } from './tariff-schema.ts';
import type { MeteredUsage } from './usage.ts';
import type { Slice } from './slices.ts';
import type { Point } from './estimation.ts';
import type { MeteredUnit } from './fields.ts';
import { Dec, ZERO, roundQuantity } from './quantity.ts';
import { convert } from './units.ts';
import { usageInvalid } from './errors.ts';

export interface Span {
  from: string;
  to: string;
  days: number;
  dayFrom: number;
  dayTo: number;
  version: TariffVersion;
}

export interface SpanConsumption {
  quantity: Dec;
  estimated: Dec;
}

export class RatingContext {
  readonly periodDays: number;
  /** Days of the billing cycle (more than periodDays for a contract that started or ended inside it). */
  readonly cycleDays: number;
  readonly whole: Span;
  private readonly cache = new Map<string, SpanConsumption>();
  private readonly readsBySlice = new Map<number, SpanConsumption>();

  constructor(
    readonly tariff: Tariff,
    readonly usage: MeteredUsage,
    readonly slices: Slice[],
  ) {
    const p = usage.period;
    this.periodDays = p.days;
    this.cycleDays = usage.cycleDays;
    this.whole = { from: p.from, to: p.to, days: p.days, dayFrom: 0, dayTo: p.days, version: slices[slices.length - 1].version };
    if (usage.total) this.splitReadsByDays(usage.total);
  }

  /**
   * Register reads say nothing about when the quantity was used: it is shared by days, each slice rounded to the
   * litre and the last slice taking the remainder, so the slices add up to the read difference exactly.
   */
  private splitReadsByDays(total: { quantity: Dec; estimated: boolean }): void {
    let left = total.quantity;
    this.slices.forEach((s, i) => {
      const q = i === this.slices.length - 1 ? left : roundQuantity(total.quantity.times(s.days).dividedBy(this.periodDays));
      left = left.minus(q);
      this.readsBySlice.set(s.dayFrom, { quantity: q, estimated: total.estimated ? q : ZERO });
    });
  }

  /** Consumption in the metered unit, unrounded for interval data. */
  consumption(span: Span): SpanConsumption {
    const key = `${span.dayFrom}:${span.dayTo}`;
    let c = this.cache.get(key);
    if (!c) {
      c = this.computeConsumption(span);
      this.cache.set(key, c);
    }
    return c;
  }

  private computeConsumption(span: Span): SpanConsumption {
    const total = this.usage.total;
    if (total) {
      if (span.dayFrom === 0 && span.dayTo === this.periodDays) return { quantity: total.quantity, estimated: total.estimated ? total.quantity : ZERO };
      return this.readsBySlice.get(span.dayFrom)!;
    }
    let quantity = ZERO;
    let estimated = ZERO;
    for (const p of this.points(span)) {
      quantity = quantity.plus(p.value);
      if (p.estimated) estimated = estimated.plus(p.value);
    }
    return { quantity, estimated };
  }

  points(span: Span): Point[] {
    const pts = this.usage.points ?? [];
    return pts.filter((p) => p.day >= span.dayFrom && p.day < span.dayTo);
  }

  /** A quantity in the metered unit expressed in `unit`, rounded to the litre / watt-hour. */
  inUnit(quantity: Dec, unit: MeteredUnit, forCode: string): Dec {
    const from = this.tariff.unit;
    if (from !== unit && !this.usage.gas) throw usageInvalid(['gas'], `is required: ${forCode} is priced in ${unit} and the meter reads ${from} (give gas.correctionFactor and gas.calorificValue)`);
    return roundQuantity(convert(quantity, from, unit, this.usage.gas));
  }

  /** The version in force on the span's last day: what prices a whole-period or grouped line. */
  versionAtEnd(span: Span): TariffVersion {
    const last = span.dayTo - 1;
    return this.slices.find((s) => s.dayFrom <= last && last < s.dayTo)!.version;
  }

  /**
   * What a per-period amount (fixed charge, band limit, free allowance, minimum) is divided by: a prorating component
   * shares it over the cycle's days, so a contract billed for 16 days of a 31-day month pays 16/31 of it; one that
   * does not prorate is priced over the whole period (span = whole) and pays all of it.
   */
  perPeriodDays(prorate: boolean | undefined): number {
    return prorate === false ? this.periodDays : this.cycleDays;
  }

  spanOf(slice: Slice): Span {
    return { from: slice.from, to: slice.to, days: slice.days, dayFrom: slice.dayFrom, dayTo: slice.dayTo, version: slice.version };
  }
}

export function share(part: Dec, whole: Dec): Dec {
  return whole.isZero() ? ZERO : part.dividedBy(whole).toDecimalPlaces(4, Dec.ROUND_HALF_UP);
}
