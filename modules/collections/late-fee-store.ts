/** The late-fee rate table and the fees already charged on items, as the payment service reads them. */
import type { Db } from '../ledger/index.ts';
import type { LateFeeRate } from './late-fees.ts';

export async function loadRates(db: Db): Promise<LateFeeRate[]> {
  const { rows } = await db.query<LateFeeRate>(
    `SELECT to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom", monthly_rate::text AS "monthlyRate" FROM collections_late_fee_rate ORDER BY effective_from`,
  );
  return rows;
}

/**
 * For each item, the last day a period-end fee already covered: the next fee on it counts from there. Fees a payment
 * charged cover only the principal that payment settled, so they do not move the date, unless cancelled with it.
 */
export async function lastFeeThrough(db: Db, itemIds: number[]): Promise<Map<number, string>> {
  const { rows } = await db.query<{ itemId: number; through: string }>(
    `SELECT item_id::int AS "itemId", to_char(max(to_date), 'YYYY-MM-DD') AS through FROM collections_late_fee
     WHERE item_id = ANY($1::bigint[]) AND payment_id IS NULL GROUP BY item_id`,
    [itemIds],
  );
  return new Map(rows.map((r) => [r.itemId, r.through]));
}
