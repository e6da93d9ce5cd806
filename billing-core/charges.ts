/**
 * Charge lines of one component over one span: fixed charges, flat unit prices, block and scale bands, time-of-use
 * buckets. Band limits and free allowances are prorated by the span's days (per `bandDays`, else per billing cycle)
 * and rounded to the litre; each line's amount is rounded to the kuruş.
 */
import type { BandedComponent, Component, ConsumptionComponent, TouComponent } from './tariff-schema.ts';
import { RatingContext, share, type Span } from './rating-context.ts';
import type { RatedLine } from './bill-line.ts';
import { Dec, ZERO, maxDec, minDec, roundAmount, roundQuantity } from './quantity.ts';
import { usageInvalid } from './errors.ts';
import { bucketMatches, seasonOfMonthDay } from './tariff-rules.ts';
import type { DayType } from './tariff-schema.ts';

interface Metered {
  quantity: Dec;
  free: Dec;
  estimatedShare: Dec;
}

/** The component's quantity before any free allowance: consumption converted to its unit, or the linked component's billed quantity × factor. */
function meteredQuantity(ctx: RatingContext, c: ConsumptionComponent, span: Span): Metered {
  if (c.linkedTo !== undefined) {
    const target = span.version.components.find((t) => t.code === c.linkedTo) as ConsumptionComponent;
    const billed = billedQuantity(ctx, target, span);
    return { quantity: roundQuantity(billed.quantity.times(c.factor ?? '1')), free: ZERO, estimatedShare: billed.estimatedShare };
  }
  const { quantity, estimated } = ctx.consumption(span);
  return { quantity: ctx.inUnit(quantity, c.unit, c.code), free: ZERO, estimatedShare: share(estimated, quantity) };
}

function billedQuantity(ctx: RatingContext, c: ConsumptionComponent, span: Span): Metered {
  const m = meteredQuantity(ctx, c, span);
  if (!('free' in c) || c.free === undefined) return m;
  const allowance = roundQuantity(new Dec(c.free).times(span.days).dividedBy(ctx.perPeriodDays(c.prorate)));
  const free = minDec(m.quantity, allowance);
  return { quantity: m.quantity.minus(free), free, estimatedShare: m.estimatedShare };
}

export function chargeLines(ctx: RatingContext, c: Component, span: Span): RatedLine[] {
  const line = (fields: Omit<RatedLine, 'component' | 'name' | 'kind' | 'type' | 'span'>): RatedLine => ({ component: c.code, ...(c.name !== undefined && { name: c.name }), kind: 'charge', type: c.type, span, ...fields });
  switch (c.type) {
    case 'fixed': {
      const price = new Dec(c.amount);
      if (c.per === 'day') return [line({ quantity: new Dec(span.days), unit: 'day', unitPrice: price, amount: roundAmount(price.times(span.days)), estimatedShare: ZERO })];
      const periodDays = ctx.perPeriodDays(c.prorate);
      return [line({ quantity: new Dec(span.days).dividedBy(periodDays), unit: 'period', unitPrice: price, amount: roundAmount(price.times(span.days).dividedBy(periodDays)), estimatedShare: ZERO })];
    }
    case 'flat': {
      const b = billedQuantity(ctx, c, span);
      const price = new Dec(c.price);
      return [line({ quantity: b.quantity, unit: c.unit, unitPrice: price, amount: roundAmount(b.quantity.times(price)), estimatedShare: b.estimatedShare, ...(c.free !== undefined && { free: b.free }) })];
    }
    case 'block':
    case 'scale':
      return bandLines(ctx, c, span).map(line);
    case 'tou':
      return touLines(ctx, c, span).map(line);
    default:
      return []; // minimum and discount act on other lines: adjustments.ts
  }
}

type LineFields = Omit<RatedLine, 'component' | 'name' | 'kind' | 'type' | 'span'>;

type ProratedBand = { from: Dec; to?: Dec; price: Dec };
/** Per component object (tariffs are parsed once and rate a whole bill run): its bands by span and period days. */
const bandCache = new WeakMap<BandedComponent, Map<string, ProratedBand[]>>();

/** Limits of each band for this span: [from, to) with to undefined for the open last band. */
export function proratedBands(c: BandedComponent, spanDays: number, periodDays: number): ProratedBand[] {
  let byDays = bandCache.get(c);
  if (!byDays) bandCache.set(c, (byDays = new Map()));
  const key = `${spanDays}/${periodDays}`;
  let bands = byDays.get(key);
  if (!bands) {
    const factor = new Dec(spanDays).dividedBy(c.bandDays ?? periodDays);
    bands = c.bands.map((b) => ({ from: roundQuantity(new Dec(b.from).times(factor)), ...(b.to !== undefined && { to: roundQuantity(new Dec(b.to).times(factor)) }), price: new Dec(b.price) }));
    byDays.set(key, bands);
  }
  return bands;
}

function bandLines(ctx: RatingContext, c: BandedComponent, span: Span): LineFields[] {
  const b = billedQuantity(ctx, c, span);
  const bands = proratedBands(c, span.days, ctx.perPeriodDays(c.prorate));
  const free = c.free !== undefined ? { free: b.free } : {};
  const q = b.quantity;
  if (c.type === 'scale') {
    const reached = Math.max(0, bands.findIndex((band) => band.to === undefined || q.lessThanOrEqualTo(band.to)));
    const price = bands[reached].price;
    return [{ quantity: q, unit: c.unit, unitPrice: price, amount: roundAmount(q.times(price)), estimatedShare: b.estimatedShare, band: reached, ...free }];
  }
  const out: LineFields[] = [];
  bands.forEach((band, i) => {
    const inBand = maxDec(ZERO, band.to === undefined ? q.minus(band.from) : minDec(q, band.to).minus(band.from));
    if (inBand.isZero() && !(i === 0 && q.isZero())) return;
    out.push({ quantity: inBand, unit: c.unit, unitPrice: band.price, amount: roundAmount(inBand.times(band.price)), estimatedShare: b.estimatedShare, band: i, ...(out.length === 0 ? free : {}) });
  });
  return out;
}

function touLines(ctx: RatingContext, c: TouComponent, span: Span): LineFields[] {
  if (ctx.usage.resolution !== 'hour') throw usageInvalid(['resolution'], `must be hour: ${c.code} prices time-of-use buckets`);
  const holidays = new Set(ctx.tariff.holidays);
  const sums = c.buckets.map(() => ({ quantity: ZERO, estimated: ZERO }));
  const dates = ctx.usage.period.dates;
  const bucketOf = new Map<string, number>(); // tariff-rules.ts proved every key has exactly one bucket
  for (const p of ctx.points(span)) {
    const date = dates[p.day];
    const dayType: DayType = holidays.has(date) ? 'holiday' : p.weekday === 7 ? 'sunday' : p.weekday === 6 ? 'saturday' : 'weekday';
    const season = c.seasons ? c.seasons[seasonOfMonthDay(c.seasons, date.slice(5))[0]].name : undefined;
    const key = `${season}|${dayType}|${p.hour}`;
    let i = bucketOf.get(key);
    if (i === undefined) {
      i = c.buckets.findIndex((b) => bucketMatches(b, season, dayType, p.hour));
      bucketOf.set(key, i);
    }
    sums[i].quantity = sums[i].quantity.plus(p.value);
    if (p.estimated) sums[i].estimated = sums[i].estimated.plus(p.value);
  }
  return c.buckets.map((b, i) => {
    const q = ctx.inUnit(sums[i].quantity, c.unit, c.code);
    const price = new Dec(b.price);
    return { quantity: q, unit: c.unit, unitPrice: price, amount: roundAmount(q.times(price)), estimatedShare: share(sums[i].estimated, sums[i].quantity), bucket: b.name };
  });
}
