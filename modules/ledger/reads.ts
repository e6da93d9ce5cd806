/**
 * What a current account says: its balance (receivable debits less credits: positive, the subscriber owes), its open
 * items, its unallocated credits and its statement. Every read can be taken as of a business date, counting the
 * entries and settlements dated on or before it.
 */
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
import { Money } from '../../platform/money.ts';
import { requireAccount } from './accounts.ts';
import { isLocalDate } from './entry-rules.ts';
import type { Db } from './db.ts';

export interface Balance {
  accountId: number;
  asOf: string;
  debit: string;
  credit: string;
  /** debit − credit: what the subscriber owes (negative: what the utility owes the subscriber). */
  balance: string;
}

export interface OpenItem {
  id: number;
  entryId: number;
  /** The kind of the entry that opened the item: accrual, fee, deposit or refund. */
  kind: string;
  period: string | null;
  businessDate: string;
  dueDate: string;
  amount: string;
  settled: string;
  open: string;
  invoiceNumber: string | null;
}

export interface UnallocatedCredit {
  entryId: number;
  kind: string;
  businessDate: string;
  amount: string;
  unallocated: string;
}

export interface StatementLine {
  entryId: number;
  kind: string;
  businessDate: string;
  description: string | null;
  reverses: number | null;
  debit: string;
  credit: string;
  balance: string;
}

export interface Statement {
  accountId: number;
  subscriptionId: string;
  from: string | null;
  to: string;
  openingBalance: string;
  lines: StatementLine[];
  closingBalance: string;
}

export function asOfDate(asOf: string | undefined): string {
  if (asOf === undefined) return localDate(Date.now());
  if (!isLocalDate(asOf)) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_INVALID', { detail: 'dates are YYYY-MM-DD' });
  return asOf;
}

export async function balance(db: Db, accountId: number, asOf?: string): Promise<Balance> {
  const date = asOfDate(asOf);
  await requireAccount(db, accountId);
  const { rows } = await db.query<{ debit: string; credit: string }>(
    `SELECT coalesce(sum(l.debit), 0)::text AS debit, coalesce(sum(l.credit), 0)::text AS credit
     FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id WHERE l.account_id = $1 AND e.business_date <= $2`,
    [accountId, date],
  );
  const { debit, credit } = rows[0];
  return { accountId, asOf: date, debit, credit, balance: new Money(debit).minus(credit).toFixed(2) };
}

/** Items with something left to pay as of the date, oldest due first. */
export async function openItems(db: Db, accountId: number, asOf?: string): Promise<OpenItem[]> {
  await requireAccount(db, accountId);
  return (await openItemsOf(db, [accountId], asOf)).get(accountId) ?? [];
}

/**
 * The open items of many accounts as of one date, in one query (a payment batch over a bank's file): the same rows
 * `openItems` gives per account, grouped by account id (accounts with nothing open are absent). The caller has
 * checked the accounts exist (`lockAccounts`).
 */
export async function openItemsOf(db: Db, accountIds: readonly number[], asOf?: string): Promise<Map<number, OpenItem[]>> {
  const date = asOfDate(asOf);
  const out = new Map<number, OpenItem[]>();
  if (!accountIds.length) return out;
  const { rows } = await db.query<OpenItem & { accountId: number }>(
    `SELECT * FROM (
       SELECT i.account_id AS "accountId", i.id, i.entry_id AS "entryId", e.kind, i.period, to_char(e.business_date, 'YYYY-MM-DD') AS "businessDate",
              to_char(i.due_date, 'YYYY-MM-DD') AS "dueDate", i.amount::text,
              coalesce(s.settled, 0.00)::numeric(18,2)::text AS settled, (i.amount - coalesce(s.settled, 0))::text AS open, ii.invoice_number AS "invoiceNumber"
       FROM ledger_item i
       JOIN ledger_entry e ON e.id = i.entry_id
       LEFT JOIN LATERAL (SELECT sum(a.amount) AS settled FROM ledger_allocation a WHERE a.item_id = i.id AND a.on_date <= $2) s ON true
       LEFT JOIN ledger_invoice_item ii ON ii.item_id = i.id
       WHERE i.account_id = ANY($1::bigint[]) AND e.business_date <= $2) x
     WHERE open::numeric > 0 ORDER BY "accountId", "dueDate", id`,
    [[...new Set(accountIds)], date],
  );
  for (const { accountId, ...item } of rows) {
    const list = out.get(accountId);
    if (list) list.push(item);
    else out.set(accountId, [item]);
  }
  return out;
}

/** Payments and credits with money not yet applied to items (an overpayment waiting for the next accrual). */
export async function unallocatedCredits(db: Db, accountId: number): Promise<UnallocatedCredit[]> {
  await requireAccount(db, accountId);
  const { rows } = await db.query<UnallocatedCredit>(
    `SELECT * FROM (
       SELECT e.id AS "entryId", e.kind, to_char(e.business_date, 'YYYY-MM-DD') AS "businessDate",
              (SELECT sum(credit - debit) FROM ledger_line WHERE entry_id = e.id AND account_id IS NOT NULL)::text AS amount,
              ((SELECT sum(credit - debit) FROM ledger_line WHERE entry_id = e.id AND account_id IS NOT NULL)
               - coalesce((SELECT sum(amount) FROM ledger_allocation WHERE source_entry_id = e.id), 0))::text AS unallocated
       FROM ledger_entry e
       WHERE e.account_id = $1 AND e.kind IN ('payment', 'credit') AND NOT EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses = e.id)) x
     WHERE unallocated::numeric > 0 ORDER BY "businessDate", "entryId"`,
    [accountId],
  );
  return rows;
}

/** The account's receivable movements between two dates (inclusive) with the running balance. */
export async function statement(db: Db, accountId: number, range: { from?: string; to?: string } = {}): Promise<Statement> {
  const to = asOfDate(range.to);
  const from = range.from === undefined ? null : asOfDate(range.from);
  const account = await requireAccount(db, accountId);
  const { rows: opening } = await db.query<{ b: string }>(
    `SELECT coalesce(sum(l.debit - l.credit), 0)::text AS b FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id
     WHERE l.account_id = $1 AND $2::date IS NOT NULL AND e.business_date < $2::date`,
    [accountId, from],
  );
  const { rows } = await db.query<Omit<StatementLine, 'balance'>>(
    `SELECT e.id AS "entryId", e.kind, to_char(e.business_date, 'YYYY-MM-DD') AS "businessDate", e.description, e.reverses,
            sum(l.debit)::text AS debit, sum(l.credit)::text AS credit
     FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id
     WHERE l.account_id = $1 AND ($2::date IS NULL OR e.business_date >= $2::date) AND e.business_date <= $3
     GROUP BY e.id ORDER BY e.business_date, e.id`,
    [accountId, from, to],
  );
  let running = new Money(opening[0].b);
  const lines = rows.map((r) => {
    running = running.plus(r.debit).minus(r.credit);
    return { ...r, balance: running.toFixed(2) };
  });
  return { accountId, subscriptionId: account.subscriptionId, from, to, openingBalance: new Money(opening[0].b).toFixed(2), lines, closingBalance: running.toFixed(2) };
}

export interface CreditSettlements {
  /** What the credit entry settled, in order, net of releases, with the kind of each item's entry. */
  allocations: Array<{ itemId: number; kind: string; amount: string }>;
  /** The entry's receivable credit not applied to items (0 once the entry is reversed). */
  unallocated: string;
}

export async function creditSettlements(db: Db, entryId: number): Promise<CreditSettlements> {
  const { rows: allocations } = await db.query<{ itemId: number; kind: string; amount: string }>(
    `SELECT a.item_id::int AS "itemId", e.kind, sum(a.amount)::text AS amount FROM ledger_allocation a
     JOIN ledger_item i ON i.id = a.item_id JOIN ledger_entry e ON e.id = i.entry_id
     WHERE a.source_entry_id = $1 GROUP BY a.item_id, e.kind HAVING sum(a.amount) > 0 ORDER BY min(a.id)`,
    [entryId],
  );
  const { rows } = await db.query<{ free: string }>(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM ledger_entry WHERE reverses = $1) THEN 0
                 ELSE coalesce((SELECT sum(credit - debit) FROM ledger_line WHERE entry_id = $1 AND account_id IS NOT NULL), 0)
                    - coalesce((SELECT sum(amount) FROM ledger_allocation WHERE source_entry_id = $1), 0) END::numeric(18,2)::text AS free`,
    [entryId],
  );
  return { allocations, unallocated: rows[0].free };
}
