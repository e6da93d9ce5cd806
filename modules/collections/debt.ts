/**
 * Debt inquiry (borç sorgulama): what a bank teller, the PTT counter or the cashier desk shows before taking money —
 * each open item with its amount, due date and the late fee it would carry if paid on the given day, and the total.
 */
import { Money } from '../../platform/money.ts';
import { openItems, type Db } from '../ledger/index.ts';
import { orderItems } from './allocation-rules.ts';
import { collectionsConfig } from './settings.ts';
import { lastFeeThrough, loadRates } from './late-fee-store.ts';
import { lateFee } from './late-fees.ts';
import { feeStart, lateFeeHolds } from './instalment-shield.ts';

export interface DebtLine {
  itemId: number;
  kind: string;
  period: string | null;
  dueDate: string;
  invoiceNumber: string | null;
  open: string;
  /** The late fee if paid in full on the inquiry day (0 when not yet due). */
  lateFee: string;
  /** open + lateFee: what paying this item on the inquiry day costs. */
  payable: string;
}

export interface Debt {
  accountId: number;
  asOf: string;
  items: DebtLine[];
  totalOpen: string;
  totalLateFee: string;
  totalPayable: string;
}

export async function debtInquiry(db: Db, accountId: number, asOf: string): Promise<Debt> {
  const items = orderItems(await openItems(db, accountId, asOf), collectionsConfig().allocationOrder);
  const overdue = items.filter((i) => i.kind === 'accrual' && i.dueDate < asOf).map((i) => i.id);
  const rates = overdue.length ? await loadRates(db) : [];
  const through = overdue.length ? await lastFeeThrough(db, overdue) : new Map<number, string>();
  // Items an instalment or fixed plan shields carry no fee (instalment-shield.ts).
  const holds = overdue.length ? await lateFeeHolds(db, accountId, items.filter((i) => overdue.includes(i.id)), asOf) : new Map<number, string | null>();
  const lines = items.map((i): DebtLine => {
    const from = feeStart(i, through, holds);
    const fee = overdue.includes(i.id) && from !== null && from < asOf ? lateFee(i.open, from, asOf, rates) : new Money(0);
    return { itemId: i.id, kind: i.kind, period: i.period, dueDate: i.dueDate, invoiceNumber: i.invoiceNumber, open: i.open, lateFee: fee.toFixed(2), payable: fee.plus(i.open).toFixed(2) };
  });
  const total = (pick: (l: DebtLine) => string) => lines.reduce((s, l) => s.plus(pick(l)), new Money(0)).toFixed(2);
  return { accountId, asOf, items: lines, totalOpen: total((l) => l.open), totalLateFee: total((l) => l.lateFee), totalPayable: total((l) => l.payable) };
}
