/**
 * The hand-over to billing: a move-out or transfer leaves a final_bill_request (status pending). Billing claims a
 * batch (SKIP LOCKED, so several workers never take the same request), bills each at its closing reading, and marks
 * it done; a worker that fails to bill a request releases it back to pending. (Claims carry no time of their own:
 * the table keeps requested_at as the moment the contract asked, so a claim orphaned by a crashed worker is found by
 * status 'taken' and released by the operator or the bill-run's recovery.)
 */
import type pg from 'pg';

export interface FinalBillRequest {
  id: number;
  subscriptionId: number;
  partyId: number;
  installationId: number;
  meterId: number;
  closingReading: string;
  closedAt: Date;
}

export async function claimFinalBillRequests(pool: pg.Pool, limit = 100): Promise<FinalBillRequest[]> {
  const { rows } = await pool.query(
    `WITH picked AS (
       SELECT id FROM final_bill_request
        WHERE status = 'pending' ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
     UPDATE final_bill_request f SET status = 'taken' FROM picked, subscription s
      WHERE f.id = picked.id AND s.id = f.subscription_id
     RETURNING f.id, f.subscription_id, s.party_id, s.installation_id, f.meter_id, f.closing_reading, f.closed_at`,
    [limit],
  );
  return rows
    .map((r) => ({ id: Number(r.id), subscriptionId: Number(r.subscription_id), partyId: Number(r.party_id), installationId: Number(r.installation_id), meterId: r.meter_id, closingReading: r.closing_reading, closedAt: r.closed_at }))
    .sort((a, b) => a.id - b.id);
}

/** Marks claimed requests billed; returns how many were still 'taken' (a request already done is left alone). */
export async function completeFinalBillRequests(pool: pg.Pool, ids: number[]): Promise<number> {
  const { rowCount } = await pool.query(`UPDATE final_bill_request SET status = 'done' WHERE id = ANY($1::bigint[]) AND status = 'taken'`, [ids]);
  return rowCount ?? 0;
}

/** Puts claimed requests back to pending (a worker could not bill them). */
export async function releaseFinalBillRequests(pool: pg.Pool, ids: number[]): Promise<number> {
  const { rowCount } = await pool.query(`UPDATE final_bill_request SET status = 'pending' WHERE id = ANY($1::bigint[]) AND status = 'taken'`, [ids]);
  return rowCount ?? 0;
}
