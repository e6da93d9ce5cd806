/**
 * Tax lines, each its own line: per-unit taxes (ÖTV per Sm³ of gas, ÇTV per m³ of water) on the consumption of the
 * span, and percentage taxes (KDV) on the charge lines they list — all charges when `on` is omitted — plus the earlier
 * taxes they include (ÖTV is part of the KDV base). A subscriber's exemptions remove a tax's lines altogether.
 */
import type { Tax } from './tariff-schema.ts';
import type { RatingContext, Span } from './rating-context.ts';
import { share } from './rating-context.ts';
import type { RatedLine } from './bill-line.ts';
import { Dec, ZERO, roundAmount, sumOf } from './quantity.ts';
import { bySpan } from './adjustments.ts';

type PerUnit = Extract<Tax, { type: 'per-unit' }>;
type Percent = Extract<Tax, { type: 'percent' }>;

/** Tax codes in the order the versions of the period list them. */
export function taxCodes(ctx: RatingContext): string[] {
  const codes: string[] = [];
  for (const s of ctx.slices) for (const t of s.version.taxes) if (!codes.includes(t.code)) codes.push(t.code);
  return codes;
}

export function taxLines(ctx: RatingContext, charges: RatedLine[]): RatedLine[] {
  const out: RatedLine[] = [];
  for (const code of taxCodes(ctx)) {
    if (ctx.usage.exemptions.has(code)) continue;
    const defs = ctx.slices.flatMap((s) => s.version.taxes.filter((t) => t.code === code).map((def) => ({ span: ctx.spanOf(s), def })));
    const last = defs[defs.length - 1].def;
    if (last.type === 'per-unit') {
      const spans = last.prorate ? defs.filter((d) => d.def.type === 'per-unit') : [{ span: ctx.whole, def: last }];
      for (const { span, def } of spans) out.push(perUnitLine(ctx, def as PerUnit, span));
    } else out.push(...percentLines(ctx, code, charges, out));
  }
  return out;
}

function perUnitLine(ctx: RatingContext, t: PerUnit, span: Span): RatedLine {
  const { quantity, estimated } = ctx.consumption(span);
  const q = ctx.inUnit(quantity, t.unit, t.code);
  const rate = new Dec(t.rate);
  return { component: t.code, ...(t.name !== undefined && { name: t.name }), kind: 'tax', type: 'per-unit', span, quantity: q, unit: t.unit, unitPrice: rate, amount: roundAmount(q.times(rate)), taxBase: q, estimatedShare: share(estimated, quantity) };
}

function percentLines(ctx: RatingContext, code: string, charges: RatedLine[], taxesSoFar: RatedLine[]): RatedLine[] {
  const out: RatedLine[] = [];
  for (const group of bySpan([...charges, ...taxesSoFar])) {
    const def = ctx.versionAtEnd(group.span).taxes.find((t): t is Percent => t.code === code && t.type === 'percent');
    if (!def) continue;
    const inBase = group.lines.filter((l) => (l.kind === 'charge' ? !def.on || def.on.includes(l.component) : (def.includeTaxes ?? []).includes(l.component)));
    if (!inBase.length) continue;
    const base = sumOf(inBase.map((l) => l.amount));
    const rate = new Dec(def.rate).dividedBy(100);
    const estimatedShare = weightedShare(inBase);
    out.push({ component: code, ...(def.name !== undefined && { name: def.name }), kind: 'tax', type: 'percent', span: group.span, quantity: base, unit: 'TRY', unitPrice: rate, amount: roundAmount(base.times(rate)), taxBase: base, estimatedShare });
  }
  return out;
}

/** Share of an amount-based line that rests on estimated quantities: the lines' shares weighted by their amounts. */
function weightedShare(lines: RatedLine[]): Dec {
  const total = sumOf(lines.map((l) => l.amount));
  const estimated = sumOf(lines.map((l) => l.amount.times(l.estimatedShare)));
  return total.isZero() ? ZERO : share(estimated, total);
}
