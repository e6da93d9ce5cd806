/** Accounts with open items for collections tests and benchmarks: bills due on chosen dates, posted as a bill run would. */
import { openAccount, postEntry, type Db } from '../ledger/index.ts';

export interface Bill {
  amount: string;
  dueDate: string;
  /** 'accrual' by default; 'fee' for a reconnection fee, 'deposit' for a deposit instalment. */
  kind?: 'accrual' | 'fee' | 'deposit';
  period?: string;
  /** The business date the bill was posted; 2025-12-31 by default, before every due date the tests use. */
  postedOn?: string;
}

const CREDIT_GL = { accrual: 'revenue.gas', fee: 'revenue.fees', deposit: 'deposits_held' } as const;

/** Opens the subscription's account and posts each bill as an item due on its date; returns the account and item ids. */
export async function accountWithBills(db: Db, subscriptionId: string, bills: Bill[]): Promise<{ accountId: number; itemIds: number[] }> {
  const account = await openAccount(db, subscriptionId);
  const itemIds: number[] = [];
  for (const [i, bill] of bills.entries()) {
    const kind = bill.kind ?? 'accrual';
    const entry = await postEntry(db, {
      idempotencyKey: `test-bill:${subscriptionId}:${i}`,
      kind,
      accountId: account.id,
      businessDate: bill.postedOn ?? '2025-12-31',
      description: `Test ${kind} ${bill.dueDate}`,
      lines: [
        { gl: 'receivables', debit: bill.amount },
        { gl: CREDIT_GL[kind], credit: bill.amount },
      ],
      item: { dueDate: bill.dueDate, period: bill.period },
    });
    itemIds.push(entry.item!.id);
  }
  return { accountId: account.id, itemIds };
}
