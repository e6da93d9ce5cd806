/**
 * Lines that act on other lines: a minimum charge tops the listed components up to its amount, and a discount takes a
 * percentage off them for subscribers entitled to it. Both group the lines they act on by span (slice or whole
 * period) and use the version in force on that span's last day.
 */
import type { Component } from './tariff-schema.ts';
import type { RatingContext, Span } from './rating-context.ts';
import type { RatedLine } from './bill-line.ts';
import { Dec, ZERO, roundAmount, sumOf } from './quantity.ts';

type Minimum = Extract<Component, { type: 'minimum' }>;
type Discount = Extract<Component, { type: 'discount' }>;

const CHARGE_TYPES = new Set(['fixed', 'flat', 'block', 'scale', 'tou']);

/**
 * What the minimum requires over the period: each slice's amount × its days ÷ the cycle's days when prorated, else
 * the amount of the last version that has it. The top-up is one line over the whole period.
 */
export function minimumLine(ctx: RatingContext, code: string, defs: Array<{ span: Span; def: Minimum }>, lines: RatedLine[]): RatedLine | undefined {
  const last = defs[defs.length - 1].def;
  const required = last.prorate ? sumOf(defs.map(({ span, def }) => new Dec(def.amount).times(span.days).dividedBy(ctx.cycleDays))) : new Dec(last.amount);
  const applies = (l: RatedLine) => (last.on ? last.on.includes(l.component) : CHARGE_TYPES.has(l.type));
  const base = sumOf(lines.filter((l) => l.kind === 'charge' && applies(l)).map((l) => l.amount));
  const topUp = roundAmount(required.minus(base));
  if (!topUp.greaterThan(0)) return undefined;
  return { component: code, ...(last.name !== undefined && { name: last.name }), kind: 'charge', type: 'minimum', span: ctx.whole, quantity: new Dec(1), unit: 'period', unitPrice: topUp, amount: topUp, estimatedShare: ZERO };
}

export function discountLines(ctx: RatingContext, code: string, lines: RatedLine[]): RatedLine[] {
  const out: RatedLine[] = [];
  for (const group of bySpan(lines.filter((l) => l.kind === 'charge'))) {
    const def = ctx.versionAtEnd(group.span).components.find((c): c is Discount => c.code === code && c.type === 'discount');
    if (!def) continue;
    const targets = group.lines.filter((l) => def.on.includes(l.component));
    if (!targets.length) continue;
    const base = sumOf(targets.map((l) => l.amount));
    const rate = new Dec(def.percent).dividedBy(100).negated();
    out.push({ component: code, ...(def.name !== undefined && { name: def.name }), kind: 'charge', type: 'discount', span: group.span, quantity: base, unit: 'TRY', unitPrice: rate, amount: roundAmount(base.times(rate)), estimatedShare: ZERO });
  }
  return out;
}

/** Lines grouped by the days they cover, in order of first appearance. */
export function bySpan(lines: RatedLine[]): Array<{ span: Span; lines: RatedLine[] }> {
  const groups = new Map<string, { span: Span; lines: RatedLine[] }>();
  for (const l of lines) {
    const key = `${l.span.dayFrom}:${l.span.dayTo}`;
    const g = groups.get(key);
    if (g) g.lines.push(l);
    else groups.set(key, { span: l.span, lines: [l] });
  }
  return [...groups.values()];
}
