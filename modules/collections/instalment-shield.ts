/**
 * Which overdue items a plan shields from late fees on a day, and from when a fee counts on items a plan shielded
 * before. The payment service, the debt inquiry and the period-end late-fee run ask this before charging, so a plan
 * is an overlay: the ledger items keep their amounts and due dates, the plan only decides whether a fee grows.
 *
 * - An item of an active instalment plan is shielded. When the plan defaults or is cancelled it is no longer
 *   shielded and its fee counts from its original due date (the debt revives on its own terms).
 * - An accrual posted within the year of a fixed payment plan is shielded through the plan year and, after the
 *   true-up, until the true-up's due date; from then on its fee counts from that date. A fixed plan cancelled before
 *   its true-up shields nothing any more.
 * Dunning (dunning.ts) asks the same question: a shielded item is in no dunning case.
 */
import type { Db } from '../ledger/index.ts';

export interface HeldItem {
  id: number;
  kind: string;
  /** The business date of the entry that opened the item (a fixed plan covers accruals posted in its year). */
  businessDate: string;
}

/** Per item under a plan: null when shielded on `onDate`, else the earliest day its late fee may count from. */
export type Holds = Map<number, string | null>;

export async function lateFeeHolds(db: Db, accountId: number, items: readonly HeldItem[], onDate: string): Promise<Holds> {
  return lateFeeHoldsMany(db, items.map((i) => ({ ...i, accountId })), onDate);
}

/** The same for items of many accounts at once (the period-end run): two queries, whatever the number of accounts. */
export async function lateFeeHoldsMany(db: Db, items: ReadonlyArray<HeldItem & { accountId: number }>, onDate: string): Promise<Holds> {
  const holds: Holds = new Map();
  if (!items.length) return holds;
  const { rows } = await db.query<{ itemId: number | null; accountId: number | null; yearStart: string | null; yearEnd: string | null; trueUp: boolean | null; dueDate: string | null }>(
    `SELECT pi.item_id::int AS "itemId", NULL::int AS "accountId", NULL AS "yearStart", NULL AS "yearEnd", NULL::boolean AS "trueUp", NULL AS "dueDate"
     FROM collections_instalment_plan_item pi
     WHERE pi.item_id = ANY($2::bigint[]) AND NOT EXISTS (SELECT 1 FROM collections_instalment_plan_end e WHERE e.plan_id = pi.plan_id)
     UNION ALL
     SELECT NULL, f.account_id::int, to_char(f.year_start, 'YYYY-MM-DD'), to_char(f.year_end, 'YYYY-MM-DD'), e.true_up, to_char(e.due_date, 'YYYY-MM-DD')
     FROM collections_fixed_plan f LEFT JOIN collections_fixed_plan_end e ON e.plan_id = f.id
     WHERE f.account_id = ANY($1::bigint[]) AND (e.plan_id IS NULL OR e.true_up)`,
    [[...new Set(items.map((i) => i.accountId))], items.map((i) => i.id)],
  );
  for (const r of rows) {
    if (r.itemId !== null) {
      holds.set(r.itemId, null);
      continue;
    }
    for (const item of items) {
      if (item.accountId !== r.accountId) continue;
      if (item.kind !== 'accrual' || item.businessDate < r.yearStart! || item.businessDate > r.yearEnd! || holds.get(item.id) === null) continue;
      if (r.trueUp === null || onDate <= r.dueDate!) holds.set(item.id, null);
      else holds.set(item.id, r.dueDate);
    }
  }
  return holds;
}

/**
 * The day an item's late fee counts from (its due date, the last period-end fee on it, or a plan's true-up due date,
 * whichever is latest), or null when a plan shields it.
 */
export function feeStart(item: { id: number; dueDate: string }, through: Map<number, string>, holds: Holds): string | null {
  const hold = holds.get(item.id);
  if (hold === null) return null;
  const from = through.get(item.id) ?? item.dueDate;
  return hold !== undefined && hold > from ? hold : from;
}
