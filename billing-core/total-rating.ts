/**
 * Rating a period of one slice from its total (what a bill run reads from a complete monthly rollup), fast:
 * `rateDayTotal(tariff, u)` returns exactly `rateUsage(tariff, dayTotalUsage(u))`, string for string.
 *
 * Why: a bill run rates a million such totals against a handful of tariffs, and decimal.js objects for every
 * quantity, price and line were the largest part of its Node time. Everything that does not depend on the quantity —
 * the slice, fixed charges, prorated band limits, prices, tax rates, the texts of unit prices — is worked out once per
 * tariff and period by the reference code itself (a plan); per bill only the quantity's lines, taxes and totals are
 * computed, as scaled integers (scaled.ts), which are exact where decimal.js is.
 *
 * The plan covers fixed, flat, block and scale components (linked ones too, such as wastewater on water) and per-unit
 * and percent taxes, all in the tariff's own unit, without exemptions or discounts asked for. Anything else — free
 * allowances, minimums, time-of-use, unit conversion (gas priced in kWh), a period of more slices, a quantity not
 * plain decimal text with at most 3 places, a product beyond decimal.js's 40 digits, any head the reference refuses —
 * takes the reference path, which also throws the reference's errors. `total-rating.test.ts` compares both paths over random tariffs and quantities.
 */
import type { Component, Tariff, Tax } from './tariff-schema.ts';
import type { BillJson, BillLineJson } from './bill-line.ts';
import { lineJson } from './bill-line.ts';
import { rateUsage } from './rate.ts';
import { dayTotalUsage, type DayTotal } from './usage.ts';
import { sliceSchedule } from './slices.ts';
import { RatingContext, type Span } from './rating-context.ts';
import { chargeLines, proratedBands } from './charges.ts';
import { decimalOut } from './quantity.ts';
import { tariffOfVersion } from './tariff-history.ts';
import { kurusText, parseScaled, plainText, roundTo, times, type Scaled } from './scaled.ts';

/** The fields of a line that do not depend on the quantity, in lineJson's order; `json` is their JSON text. */
type Head = Pick<BillLineJson, 'component' | 'name' | 'kind' | 'type' | 'from' | 'to' | 'days' | 'unit'> & { json: { start: string; unit: string } };
interface Priced {
  price: Scaled;
  priceText: string;
}
type ChargePlan =
  | { type: 'fixed'; line: BillLineJson; json: string; kurus: bigint }
  | ({ type: 'flat'; head: Head; factor?: Scaled } & Priced)
  | { type: 'block' | 'scale'; head: Head; factor?: Scaled; bands: Array<{ from: bigint; to?: bigint } & Priced> };
type TaxPlan = ({ type: 'per-unit'; head: Head } & Priced) | ({ type: 'percent'; head: Head; on?: string[]; includeTaxes: string[] } & Priced);

interface Plan {
  head: Omit<BillJson, 'consumption' | 'lines' | 'totals'>;
  unit: string;
  charges: ChargePlan[];
  taxes: TaxPlan[];
}

const plans = new WeakMap<Tariff, Map<string, Plan | null>>();
const MAX_PLANS_PER_TARIFF = 256;
const QUANTITY = /^\d{1,15}(\.\d{1,3})?$/;

export function rateDayTotal(tariff: Tariff, u: DayTotal): BillJson {
  const plan = QUANTITY.test(u.quantity) && !u.exemptions?.length && !u.discounts?.length ? planOf(tariff, u) : null;
  return (plan && billOf(plan, parseScaled(u.quantity)!)) ?? rateUsage(tariff, dayTotalUsage(u));
}

/** Whether the fast path rates this tariff and head (the tests count how often it was taken). */
export function fastPathCovers(tariff: Tariff, u: DayTotal): boolean {
  return !u.exemptions?.length && !u.discounts?.length && planOf(tariff, u) !== null;
}

/** Unambiguous: the first letter says whether a cycle follows, dates are 10 characters, the unit is the rest. */
function keyOf(u: DayTotal): string | undefined {
  if (typeof u.from !== 'string' || typeof u.to !== 'string' || u.from.length !== 10 || u.to.length !== 10) return undefined;
  if (!u.cycle) return `N${u.from}${u.to}${u.unit}`;
  if (typeof u.cycle.from !== 'string' || typeof u.cycle.to !== 'string' || u.cycle.from.length !== 10 || u.cycle.to.length !== 10) return undefined;
  return `C${u.from}${u.to}${u.cycle.from}${u.cycle.to}${u.unit}`;
}

function planOf(tariff: Tariff, u: DayTotal): Plan | null {
  const key = keyOf(u);
  if (key === undefined) return null;
  let byKey = plans.get(tariff);
  if (!byKey) plans.set(tariff, (byKey = new Map()));
  let plan = byKey.get(key);
  if (plan === undefined) {
    plan = buildPlan(tariff, u);
    if (byKey.size >= MAX_PLANS_PER_TARIFF) byKey.clear();
    byKey.set(key, plan);
  }
  return plan;
}

/** null when the reference path must rate this tariff and head (see the file's comment), or refuses them. */
function buildPlan(tariff: Tariff, u: DayTotal): Plan | null {
  let ctx: RatingContext;
  try {
    const usage = dayTotalUsage({ unit: u.unit, from: u.from, to: u.to, ...(u.cycle && { cycle: { from: u.cycle.from, to: u.cycle.to } }), quantity: '0' });
    if (usage.unit !== tariff.unit) return null;
    const slices = sliceSchedule(tariff, usage.period);
    if (slices.length !== 1) return null;
    ctx = new RatingContext(tariff, usage, slices);
  } catch {
    return null; // the reference throws the same error for every quantity
  }
  const slice = ctx.slices[0];
  const v = slice.version;
  const span: Span = ctx.whole;
  const codes = [...v.components.map((c) => c.code), ...v.taxes.map((t) => t.code)];
  if (new Set(codes).size !== codes.length) return null;
  const head = (d: Component | Tax, kind: 'charge' | 'tax', unit: string): Head => {
    const h = { component: d.code, ...(d.name !== undefined && { name: d.name }), kind, type: d.type, from: span.from, to: span.to, days: span.days };
    return { ...h, unit, json: { start: JSON.stringify(h).slice(0, -1), unit: JSON.stringify(unit) } };
  };
  // A metered component in the tariff's unit without allowance; a linked one (wastewater on water) prices its
  // target's quantity × factor, rounded to the litre (charges.ts), its target being metered and not linked itself.
  const linkOf = (c: Extract<Component, { type: 'flat' | 'block' | 'scale' }>): { factor?: Scaled } | undefined => {
    if (c.free !== undefined || c.unit !== tariff.unit) return undefined;
    if (c.linkedTo === undefined) return {};
    const target = v.components.find((t) => t.code === c.linkedTo);
    const factor = parseScaled(c.factor ?? '1');
    if (!target || !factor || !('unit' in target) || target.linkedTo !== undefined || ('free' in target && target.free !== undefined)) return undefined;
    return { factor };
  };
  const charges: ChargePlan[] = [];
  for (const c of v.components) {
    if (c.type === 'discount') continue; // no discount asked for: it prices nothing
    if (c.type === 'fixed') {
      const line = Object.freeze(lineJson(chargeLines(ctx, c, span)[0])); // shared by every bill of the plan
      const kurus = parseScaled(line.amount);
      if (!kurus) return null;
      charges.push({ type: 'fixed', line, json: JSON.stringify(line), kurus: kurus.units });
    } else if (c.type === 'flat') {
      const link = linkOf(c);
      const p = pricedOf(c.price);
      if (!link || !p) return null;
      charges.push({ type: 'flat', head: head(c, 'charge', c.unit), ...link, ...p });
    } else if (c.type === 'block' || c.type === 'scale') {
      const link = linkOf(c);
      if (!link) return null;
      const bands = [];
      for (const b of proratedBands(c, span.days, ctx.perPeriodDays(c.prorate))) {
        const p = pricedOf(b.price.toFixed());
        const from = parseScaled(b.from.toFixed(3));
        const to = b.to && parseScaled(b.to.toFixed(3));
        if (!p || !from || (b.to && !to)) return null;
        bands.push({ from: from.units, ...(to && { to: to.units }), ...p });
      }
      charges.push({ type: c.type, head: head(c, 'charge', c.unit), ...link, bands });
    } else return null; // minimum, time-of-use
  }
  const taxes: TaxPlan[] = [];
  for (const t of v.taxes) {
    if (t.type === 'per-unit') {
      if (t.unit !== tariff.unit) return null;
      const p = pricedOf(t.rate);
      if (!p) return null;
      taxes.push({ type: 'per-unit', head: head(t, 'tax', t.unit), ...p });
    } else {
      // rate.ts: new Dec(rate).dividedBy(100), exact; shown with decimalOut.
      const r = parseScaled(t.rate);
      if (!r) return null;
      const price = { units: r.units, scale: r.scale + 2 };
      taxes.push({ type: 'percent', head: head(t, 'tax', 'TRY'), price, priceText: plainText(price.units, price.scale), ...(t.on && { on: t.on }), includeTaxes: t.includeTaxes ?? [] });
    }
  }
  const code = tariffOfVersion(v);
  return {
    head: { tariff: tariff.code, commodity: tariff.commodity, from: ctx.usage.period.from, to: ctx.usage.period.to, days: ctx.usage.period.days, slices: [{ from: slice.from, to: slice.to, days: slice.days, version: v.from, ...(code !== undefined && { tariff: code }) }] },
    unit: tariff.unit,
    charges,
    taxes,
  };
}

/** A price, rate or amount of the tariff as a scaled integer and as decimalOut writes it. */
function pricedOf(text: string): Priced | undefined {
  const price = parseScaled(text);
  return price && price.units >= 0n ? { price, priceText: plainText(price.units, price.scale) } : undefined;
}

/**
 * The lines' JSON text of a bill this path rated, written as the lines were built (a bill run stores every bill's
 * lines as JSON, and JSON.stringify of them was the costliest step left per bill); JSON.stringify for any other. The
 * fast path's lines are frozen, so the text cannot fall out of step with them.
 */
const linesText = new WeakMap<readonly BillLineJson[], string>();
export function billLinesJson(lines: readonly BillLineJson[]): string {
  return linesText.get(lines) ?? JSON.stringify(lines);
}

/** Line texts hold only the head's JSON, decimal texts (digits, point, sign: nothing to escape) and a band number. */
function lineText(h: Head, quantity: string, unitPrice: string, amount: string, taxBase: string | null, band?: number): string {
  return `${h.json.start},"quantity":"${quantity}","unit":${h.json.unit},"unitPrice":"${unitPrice}","amount":"${amount}","taxBase":${taxBase === null ? 'null' : `"${taxBase}"`},"estimated":false,"estimatedShare":"0.0000"${band === undefined ? '' : `,"band":${band}`}}`;
}

/** One line of the bill and its JSON text, both from the same values. */
function addLine(out: { lines: BillLineJson[]; texts: string[] }, h: Head, quantity: string, unitPrice: string, kurus: bigint, taxBase: string | null, band?: number): void {
  const amount = kurusText(kurus);
  const l: BillLineJson = {
    component: h.component,
    ...(h.name !== undefined && { name: h.name }),
    kind: h.kind,
    type: h.type,
    from: h.from,
    to: h.to,
    days: h.days,
    quantity,
    unit: h.unit,
    unitPrice,
    amount,
    taxBase,
    estimated: false,
    estimatedShare: '0.0000',
  };
  if (band !== undefined) l.band = band;
  out.lines.push(Object.freeze(l));
  out.texts.push(lineText(h, quantity, unitPrice, amount, taxBase, band));
}

/** The bill of one quantity, or undefined when a product is too long to be sure of decimal.js's rounding. */
function billOf(plan: Plan, total: Scaled): BillJson | undefined {
  const q = total.units * 10n ** BigInt(3 - total.scale); // litres: roundQuantity leaves 3 places as they are
  const qText = plainText(q, 3);
  const out = { lines: [] as BillLineJson[], texts: [] as string[] };
  const lines = out.lines;
  const kurus: bigint[] = [];
  const amountOf = (quantity: bigint, scale: number, price: Scaled): bigint | undefined => {
    const p = times({ units: quantity, scale }, price);
    return p && roundTo(p, 2);
  };
  let net = 0n;
  for (const c of plan.charges) {
    if (c.type === 'fixed') {
      lines.push(c.line);
      out.texts.push(c.json);
      kurus.push(c.kurus);
      continue;
    }
    const linked = c.factor && times({ units: q, scale: 3 }, c.factor);
    if (c.factor && !linked) return undefined;
    const cq = linked ? roundTo(linked, 3) : q;
    const cqText = linked ? plainText(cq, 3) : qText;
    if (c.type === 'flat') {
      const a = amountOf(cq, 3, c.price);
      if (a === undefined) return undefined;
      addLine(out, c.head, cqText, c.priceText, a, null);
      kurus.push(a);
    } else if (c.type === 'scale') {
      const reached = Math.max(0, c.bands.findIndex((b) => b.to === undefined || cq <= b.to));
      const b = c.bands[reached];
      const a = amountOf(cq, 3, b.price);
      if (a === undefined) return undefined;
      addLine(out, c.head, cqText, b.priceText, a, null, reached);
      kurus.push(a);
    } else {
      for (let i = 0; i < c.bands.length; i++) {
        const b = c.bands[i];
        const upTo = b.to === undefined || cq < b.to ? cq : b.to;
        const inBand = upTo > b.from ? upTo - b.from : 0n;
        if (inBand === 0n && !(i === 0 && cq === 0n)) continue;
        const a = amountOf(inBand, 3, b.price);
        if (a === undefined) return undefined;
        addLine(out, c.head, plainText(inBand, 3), b.priceText, a, null, i);
        kurus.push(a);
      }
    }
  }
  for (const a of kurus) net += a;
  const charges = lines.length;
  let taxTotal = 0n;
  for (const t of plan.taxes) {
    if (t.type === 'per-unit') {
      const a = amountOf(q, 3, t.price);
      if (a === undefined) return undefined;
      addLine(out, t.head, qText, t.priceText, a, qText);
      kurus.push(a);
      taxTotal += a;
      continue;
    }
    let base = 0n;
    let any = false;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (i < charges ? !t.on || t.on.includes(l.component) : t.includeTaxes.includes(l.component)) {
        base += kurus[i];
        any = true;
      }
    }
    if (!any) continue;
    const a = amountOf(base, 2, t.price);
    if (a === undefined) return undefined;
    const baseText = plainText(base, 2);
    addLine(out, t.head, baseText, t.priceText, a, baseText);
    kurus.push(a);
    taxTotal += a;
  }
  Object.freeze(lines);
  linesText.set(lines, `[${out.texts.join(',')}]`);
  const h = plan.head;
  return {
    tariff: h.tariff,
    commodity: h.commodity,
    from: h.from,
    to: h.to,
    days: h.days,
    consumption: { quantity: plainText(total.units, total.scale), unit: plan.unit, estimated: '0.0000' },
    slices: h.slices.map((s) => ({ ...s })),
    lines,
    totals: { net: kurusText(net), taxes: kurusText(taxTotal), gross: kurusText(net + taxTotal) },
  };
}
