/**
 * Overdue accrual items across all current accounts, for period-end work (the late-fee run of collections): each
 * accrual item posted by a date and due before it, with what was open on that date and what is open now (settlements
 * dated later count in the second only). Read in pages by item id, so a run over millions of items holds no long
 * snapshot and resumes where it stopped.
 */
import { AboneError } from '../../platform/errors.ts';
import { isLocalDate } from './entry-rules.ts';
import type { Db } from './db.ts';

export interface OverdueItem {
  id: number;
  accountId: number;
  kind: string;
  dueDate: string;
  businessDate: string;
  /** Open as of `asOf` (settlements dated on or before it). */
  openAtDate: string;
  /** Open counting every settlement, whatever its date. */
  openNow: string;
}

/** Items with ids after `afterItemId` (and through `throughItemId`, of `accountIds`, when given), at most `limit`, in id order. */
export async function overdueAccrualItems(db: Db, asOf: string, page: { afterItemId?: number; throughItemId?: number; accountIds?: number[]; limit?: number } = {}): Promise<OverdueItem[]> {
  if (!isLocalDate(asOf)) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_INVALID', { detail: 'dates are YYYY-MM-DD' });
  const { rows } = await db.query<OverdueItem>(
    `SELECT * FROM (
       SELECT i.id::int, i.account_id::int AS "accountId", e.kind, to_char(i.due_date, 'YYYY-MM-DD') AS "dueDate", to_char(e.business_date, 'YYYY-MM-DD') AS "businessDate",
              (i.amount - coalesce((SELECT sum(a.amount) FROM ledger_allocation a WHERE a.item_id = i.id AND a.on_date <= $1), 0))::text AS "openAtDate",
              (i.amount - coalesce((SELECT sum(a.amount) FROM ledger_allocation a WHERE a.item_id = i.id), 0))::text AS "openNow"
       FROM ledger_item i JOIN ledger_entry e ON e.id = i.entry_id
       WHERE e.kind = 'accrual' AND i.due_date < $1 AND e.business_date <= $1 AND i.id > $2 AND ($4::bigint IS NULL OR i.id <= $4)
         AND ($5::bigint[] IS NULL OR i.account_id = ANY($5::bigint[]))) x
     WHERE "openAtDate"::numeric > 0 ORDER BY id LIMIT $3`,
    [asOf, page.afterItemId ?? 0, page.limit ?? 1000, page.throughItemId ?? null, page.accountIds ?? null],
  );
  return rows;
}

/** Accounts with an overdue open accrual on `asOf`, after `afterAccountId`, at most `limit`, in id order, with their subscription. */
export async function overdueAccounts(db: Db, asOf: string, page: { afterAccountId?: number; limit?: number } = {}): Promise<Array<{ accountId: number; subscriptionId: string }>> {
  if (!isLocalDate(asOf)) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_INVALID', { detail: 'dates are YYYY-MM-DD' });
  const { rows } = await db.query<{ accountId: number; subscriptionId: string }>(
    `SELECT a.id::int AS "accountId", a.subscription_id AS "subscriptionId" FROM ledger_account a
     WHERE a.id > $2 AND EXISTS (
       SELECT 1 FROM ledger_item i JOIN ledger_entry e ON e.id = i.entry_id
       WHERE i.account_id = a.id AND e.kind = 'accrual' AND i.due_date < $1
         AND i.amount > coalesce((SELECT sum(x.amount) FROM ledger_allocation x WHERE x.item_id = i.id), 0))
     ORDER BY a.id LIMIT $3`,
    [asOf, page.afterAccountId ?? 0, page.limit ?? 1000],
  );
  return rows;
}
