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

export function accrualEntry(a: { id: number; accountId: number; subscriptionId: number; period: string; lastDay: string; commodity: string; bill: Pick<BillJson, 'lines' | 'totals'>; actor: string }): EntryInput | undefined {
  const gross = new Decimal(a.bill.totals.gross);
  if (!gross.greaterThan(0)) return undefined;
  const credits = new Map<string, Decimal>();
  const add = (gl: string, amount: string) => credits.set(gl, (credits.get(gl) ?? new Decimal(0)).plus(amount));
  for (const l of a.bill.lines) add(l.kind === 'tax' ? taxGl(l.component)! : revenueGl(a.commodity), l.amount);
  const lines: LineInput[] = [{ gl: 'receivables', debit: gross.toFixed(2) }];
  for (const [gl, amount] of credits) if (amount.greaterThan(0)) lines.push({ gl, credit: amount.toFixed(2) });
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
