/**
 * Rating: a tariff and a period's usage in, bill lines and totals out. The period is cut into slices at every
 * version change; a component that prorates is priced slice by slice with that slice's version, one that does not is
 * priced once over the whole period with the last version of the period that has it. Then minimum charges,
 * discounts, and taxes. Totals are sums of the rounded lines, so lines always add up to the totals.
 */
import type { Component, Tariff } from './tariff-schema.ts';
import { parseUsage, type MeteredUsage } from './usage.ts';
import { sliceSchedule } from './slices.ts';
import { RatingContext, share, type Span } from './rating-context.ts';
import { chargeLines } from './charges.ts';
import { discountLines, minimumLine } from './adjustments.ts';
import { taxLines } from './taxes.ts';
import { lineJson, type BillJson, type RatedLine } from './bill-line.ts';
import { amountText, decimalOut, sumOf } from './quantity.ts';
import { usageInvalid } from './errors.ts';
import { tariffOfVersion } from './tariff-history.ts';

type Minimum = Extract<Component, { type: 'minimum' }>;

/** Rates untrusted usage JSON (validated here) against a tariff from parseTariff. */
export function rate(tariff: Tariff, usageJson: unknown): BillJson {
  return rateUsage(tariff, parseUsage(usageJson));
}

export function rateUsage(tariff: Tariff, usage: MeteredUsage): BillJson {
  if (usage.unit !== tariff.unit) throw usageInvalid(['unit'], `must be ${tariff.unit}, the unit tariff ${tariff.code} is metered in`);
  const slices = sliceSchedule(tariff, usage.period);
  if (usage.total?.ofDays && slices.length > 1) throw usageInvalid(['quantity'], `a total of days cannot be cut at tariff ${tariff.code}'s version changes: give the days`);
  const ctx = new RatingContext(tariff, usage, slices);
  const charges: RatedLine[] = [];
  const codes = componentCodes(ctx);
  for (const code of codes) {
    const defs = definitions(ctx, code);
    const last = defs[defs.length - 1].def;
    if (last.type === 'minimum' || last.type === 'discount') continue;
    const spans = last.prorate ? defs : [{ span: { ...ctx.whole, version: defs[defs.length - 1].span.version }, def: last }];
    for (const { span, def } of spans) charges.push(...chargeLines(ctx, def, span));
  }
  for (const code of codes) {
    const defs = definitions(ctx, code).filter((d): d is { span: Span; def: Minimum } => d.def.type === 'minimum');
    const line = defs.length ? minimumLine(ctx, code, defs, charges) : undefined;
    if (line) charges.push(line);
  }
  for (const code of codes) if (usage.discounts.has(code)) charges.push(...discountLines(ctx, code, charges));
  const taxes = taxLines(ctx, charges);
  const net = sumOf(charges.map((l) => l.amount));
  const taxTotal = sumOf(taxes.map((l) => l.amount));
  const whole = ctx.consumption(ctx.whole);
  return {
    tariff: tariff.code,
    commodity: tariff.commodity,
    from: usage.period.from,
    to: usage.period.to,
    days: usage.period.days,
    consumption: { quantity: decimalOut(whole.quantity), unit: tariff.unit, estimated: decimalOut(share(whole.estimated, whole.quantity), 4) },
    slices: slices.map((s) => {
      const code = tariffOfVersion(s.version);
      return { from: s.from, to: s.to, days: s.days, version: s.version.from, ...(code !== undefined && { tariff: code }) };
    }),
    lines: [...charges, ...taxes].map(lineJson),
    totals: { net: amountText(net), taxes: amountText(taxTotal), gross: amountText(net.plus(taxTotal)) },
  };
}

/** Component codes in the order the period's versions list them. */
function componentCodes(ctx: RatingContext): string[] {
  const codes: string[] = [];
  for (const s of ctx.slices) for (const c of s.version.components) if (!codes.includes(c.code)) codes.push(c.code);
  return codes;
}

function definitions(ctx: RatingContext, code: string): Array<{ span: Span; def: Component }> {
  return ctx.slices.flatMap((s) => s.version.components.filter((c) => c.code === code).map((def) => ({ span: ctx.spanOf(s), def })));
}
