/**
 * The ledger entry of an accrual: the receivable debited with the gross, the commodity's revenue credited with the
 * charges (net), each tax payable with its tax lines; one open item for the gross, due ABONE_LEDGER_DUE_DAYS after
 * the period's last day. The idempotency key names the accrual, which is how an accrual finds its entry.
 */
import { Decimal } from 'decimal.js';
import type { EntryInput, LineInput } from '../ledger/index.ts';
import type { BillJson } from '../../billing-core/index.ts';
import { revenueGl, taxGl } from './gl-map.ts';

export const accrualEntryKey = (accrualId: number) => `billing-accrual:${accrualId}`;
export const accrualReversalKey = (accrualId: number) => `billing-accrual-reversal:${accrualId}`;

type Accrual = { id: number; accountId: number; subscriptionId: number; period: string; lastDay: string; commodity: string; bill: Pick<BillJson, 'lines' | 'totals'>; actor: string };

export function accrualEntry(a: Accrual): EntryInput | undefined {
  const lines = linesInKurus(a) ?? linesInDecimal(a);
  if (!lines) return undefined;
  return {
    idempotencyKey: accrualEntryKey(a.id),
    kind: 'accrual',
    accountId: a.accountId,
    businessDate: a.lastDay,
    description: `Tahakkuk ${a.period}, abonelik ${a.subscriptionId}`,
    lines,
    item: { periodEnd: a.lastDay, period: a.period },
    actor: a.actor,
  };
}

const glOf = (kind: string, component: string, commodity: string) => (kind === 'tax' ? taxGl(component)! : revenueGl(commodity));

/**
 * The lines from amounts in whole kuruş (JavaScript integers): a bill's amounts are written with exactly two places
 * (billing-core's amountText), and up to 11 digits before the point a sum of 200 of them stays an exact integer.
 * Any other text (a bill stored by older code, an amount of hundreds of billions) gives undefined and the decimal
 * path below, which this path equals wherever it answers: no decimal object per line, same strings.
 */
const KURUS = /^(-?)(\d{1,11})\.(\d\d)$/;
function kurusOf(text: string): number | undefined {
  const m = KURUS.exec(text);
  if (!m) return undefined;
  const k = Number(m[2]) * 100 + Number(m[3]);
  return m[1] ? -k : k;
}
const kurusText = (k: number) => `${Math.floor(k / 100)}.${String(k % 100).padStart(2, '0')}`; // k > 0 here

/** undefined: no entry (gross not above zero) or not all in kuruş text; null: the decimal path must decide. */
function linesInKurus(a: Accrual): LineInput[] | undefined | null {
  const gross = kurusOf(a.bill.totals.gross);
  if (gross === undefined) return null;
  if (!(gross > 0)) return undefined;
  const credits = new Map<string, number>();
  for (const l of a.bill.lines) {
    const k = kurusOf(l.amount);
    if (k === undefined) return null;
    const gl = glOf(l.kind, l.component, a.commodity);
    credits.set(gl, (credits.get(gl) ?? 0) + k);
  }
  const lines: LineInput[] = [{ gl: 'receivables', debit: kurusText(gross) }];
  for (const [gl, k] of credits) if (k > 0) lines.push({ gl, credit: kurusText(k) });
  return lines;
}

function linesInDecimal(a: Accrual): LineInput[] | undefined {
  const gross = new Decimal(a.bill.totals.gross);
  if (!gross.greaterThan(0)) return undefined;
  const credits = new Map<string, Decimal>();
  const add = (gl: string, amount: string) => credits.set(gl, (credits.get(gl) ?? new Decimal(0)).plus(amount));
  for (const l of a.bill.lines) add(glOf(l.kind, l.component, a.commodity), l.amount);
  const lines: LineInput[] = [{ gl: 'receivables', debit: gross.toFixed(2) }];
  for (const [gl, amount] of credits) if (amount.greaterThan(0)) lines.push({ gl, credit: amount.toFixed(2) });
  return lines;
}
