/** Entries for tests: accruals with their tax lines and payments, written the way a bill run and a cashier would. */
import type pg from 'pg';
import { Money } from '../../platform/money.ts';
import type { EntryInput, LineInput } from './entry-rules.ts';

export interface AccrualAmounts {
  commodity?: 'gas' | 'water' | 'electricity';
  revenue: string;
  otv?: string;
  ctv?: string;
  kdv?: string;
}

/** An accrual: the receivable debited with the gross, revenue and each tax credited. */
export function accrualInput(accountId: number, key: string, amounts: AccrualAmounts, dates: { periodEnd: string; businessDate?: string }): EntryInput {
  const credits: LineInput[] = [{ gl: `revenue.${amounts.commodity ?? 'gas'}`, credit: amounts.revenue }];
  if (amounts.otv) credits.push({ gl: 'otv_payable', credit: amounts.otv });
  if (amounts.ctv) credits.push({ gl: 'ctv_payable', credit: amounts.ctv });
  if (amounts.kdv) credits.push({ gl: 'kdv_payable', credit: amounts.kdv });
  const gross = credits.reduce((s, l) => s.plus(l.credit as string), new Money(0)).toFixed(2);
  return {
    idempotencyKey: key,
    kind: 'accrual',
    accountId,
    businessDate: dates.businessDate ?? dates.periodEnd,
    description: `Tahakkuk ${dates.periodEnd.slice(0, 7)}`,
    lines: [{ gl: 'receivables', debit: gross }, ...credits],
    item: { periodEnd: dates.periodEnd },
  };
}

/** A bank payment: bank clearing debited, the receivable credited. */
export function paymentInput(accountId: number, key: string, amount: string, businessDate: string): EntryInput {
  return {
    idempotencyKey: key,
    kind: 'payment',
    accountId,
    businessDate,
    description: 'Banka tahsilatı',
    lines: [
      { gl: 'bank_clearing', debit: amount },
      { gl: 'receivables', credit: amount },
    ],
  };
}

/** Rows in every ledger table: "nothing written" is these counts unchanged. */
export async function ledgerRowCounts(db: pg.Pool | pg.PoolClient): Promise<Record<string, number>> {
  const tables = ['ledger_account', 'ledger_entry', 'ledger_line', 'ledger_item', 'ledger_allocation', 'ledger_invoice', 'ledger_invoice_item', 'ledger_invoice_counter'];
  const { rows } = await db.query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`);
  return rows[0];
}
