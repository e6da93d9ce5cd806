/**
 * One line of a bill, and the bill. Inside billing-core amounts are decimals; `toJson` writes every number as a
 * decimal string. A line's amount is always round₂(quantity × unitPrice), except fixed charges per period, whose
 * amount is round₂(price × days ÷ period days) exactly (their quantity, the share of the period, is shown to 6 places).
 */
import { amountText, decimalOut, type Dec } from './quantity.ts';
import type { Span } from './rating-context.ts';

export interface RatedLine {
  component: string;
  name?: string;
  kind: 'charge' | 'tax';
  type: string;
  span: Span;
  quantity: Dec;
  unit: string;
  unitPrice: Dec;
  amount: Dec;
  /** For taxes: what the tax was computed on (an amount for KDV, a quantity for ÖTV/ÇTV). */
  taxBase?: Dec;
  estimatedShare: Dec;
  band?: number;
  bucket?: string;
  free?: Dec;
}

export interface BillLineJson {
  component: string;
  name?: string;
  kind: 'charge' | 'tax';
  type: string;
  from: string;
  to: string;
  days: number;
  quantity: string;
  unit: string;
  unitPrice: string;
  amount: string;
  taxBase: string | null;
  estimated: boolean;
  estimatedShare: string;
  band?: number;
  bucket?: string;
  free?: string;
}

export interface BillJson {
  tariff: string;
  commodity: string;
  from: string;
  to: string;
  days: number;
  consumption: { quantity: string; unit: string; estimated: string };
  /** `tariff` names the tariff of a slice when the subscriber's tariff code changed inside the period. */
  slices: Array<{ from: string; to: string; days: number; version: string; tariff?: string }>;
  lines: BillLineJson[];
  totals: { net: string; taxes: string; gross: string };
}

export function lineJson(l: RatedLine): BillLineJson {
  const out: BillLineJson = {
    component: l.component,
    ...(l.name !== undefined && { name: l.name }),
    kind: l.kind,
    type: l.type,
    from: l.span.from,
    to: l.span.to,
    days: l.span.days,
    quantity: l.type === 'fixed' && l.unit === 'period' ? decimalOut(l.quantity, 6) : decimalOut(l.quantity),
    unit: l.unit,
    unitPrice: decimalOut(l.unitPrice),
    amount: amountText(l.amount),
    taxBase: l.taxBase ? decimalOut(l.taxBase) : null,
    estimated: !l.estimatedShare.isZero(),
    estimatedShare: decimalOut(l.estimatedShare, 4),
  };
  if (l.band !== undefined) out.band = l.band;
  if (l.bucket !== undefined) out.bucket = l.bucket;
  if (l.free !== undefined) out.free = decimalOut(l.free);
  return out;
}
