/** What the billing tests check of the ledger after a run: counts, and that every entry and the whole book balance. */
import type pg from 'pg';

export interface BookSnapshot {
  accruals: number;
  live: number;
  entries: number;
  lines: number;
  items: number;
  debit: string;
  credit: string;
  unbalancedEntries: number;
}

export async function book(pool: pg.Pool): Promise<BookSnapshot> {
  const { rows } = await pool.query(`SELECT
      (SELECT count(*)::int FROM billing_accrual) AS accruals,
      (SELECT count(*)::int FROM billing_accrual WHERE state IN ('posted', 'outsorted')) AS live,
      (SELECT count(*)::int FROM ledger_entry) AS entries,
      (SELECT count(*)::int FROM ledger_line) AS lines,
      (SELECT count(*)::int FROM ledger_item) AS items,
      (SELECT coalesce(sum(debit), 0)::text FROM ledger_line) AS debit,
      (SELECT coalesce(sum(credit), 0)::text FROM ledger_line) AS credit,
      (SELECT count(*)::int FROM (SELECT entry_id FROM ledger_line GROUP BY entry_id HAVING sum(debit) <> sum(credit)) x) AS "unbalancedEntries"`);
  return rows[0];
}

/** Subscriptions with more than one live accrual for the period, or none (should be both empty). */
export async function accrualCounts(pool: pg.Pool, period: string, ids: number[]): Promise<{ twice: number[]; missing: number[] }> {
  const { rows } = await pool.query(
    `SELECT sid AS id, (SELECT count(*)::int FROM billing_accrual a WHERE a.subscription_id = sid AND a.period = $1 AND a.state IN ('posted', 'outsorted')) AS n
       FROM unnest($2::bigint[]) AS sid`,
    [period, ids],
  );
  return { twice: rows.filter((r) => r.n > 1).map((r) => Number(r.id)), missing: rows.filter((r) => r.n === 0).map((r) => Number(r.id)) };
}
