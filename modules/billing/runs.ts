/**
 * Bill runs: starting one (or finding the one already started for the same period and region, which is how a run
 * resumes), planning its shards, and reading its progress.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { billingMonth, type BillingMonth } from './billing-month.ts';
import { nextRange } from './billables.ts';

export const DEFAULT_SHARD_SIZE = 2000;

export interface RunProgress {
  id: number;
  period: string;
  region: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  shards: { total: number; done: number; claimed: number; pending: number };
  bills: number;
  posted: number;
  /** Bills the shards held for review when they rated them: the run's record, it does not change afterwards. */
  outsorted: number;
  /** Of the run's bills, those held for review now: a release or a re-rate that posts takes one off. */
  awaitingReview: number;
  errors: number;
}

interface RunInput {
  period: string;
  region?: string | null;
  actor: string;
  shardSize?: number;
}

/** Starts (or finds) the run and plans all its shards before returning. */
export async function startRun(pool: pg.Pool, input: RunInput): Promise<{ run: RunProgress; created: boolean }> {
  const { id, created } = await openRun(pool, input);
  await planRun(pool, id, input.shardSize ?? DEFAULT_SHARD_SIZE);
  return { run: await runProgress(pool, id), created };
}

/**
 * Creates the run row (or finds the one started before) and plans its first shard, so workers can start while
 * `planRun` plans the rest. Two starts racing meet at the unique index and get the same run.
 */
export async function openRun(pool: pg.Pool, input: RunInput): Promise<{ id: number; created: boolean }> {
  const month = billingMonth(input.period);
  const region = input.region ?? null;
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO billing_run (period, region, shard_count, created_by) VALUES ($1, $2, 0, $3)
     ON CONFLICT (period, coalesce(region, '')) DO NOTHING RETURNING id`,
    [month.period, region, input.actor],
  );
  const id = rows[0]?.id ?? (await pool.query<{ id: number }>(`SELECT id FROM billing_run WHERE period = $1 AND coalesce(region, '') = coalesce($2, '')`, [month.period, region])).rows[0].id;
  if (rows[0]) await planNextShard(pool, id, month, input.shardSize ?? DEFAULT_SHARD_SIZE);
  return { id: Number(id), created: !!rows[0] };
}

/**
 * Plans shards one by one (each a range of ids from the next billable subscription, see nextRange; committed at once
 * so workers take it while planning goes on), from the last planned subscription id to the end of the period's
 * billable ones. Run on
 * a finished run it covers subscriptions that appeared since, and the run is open again until those are done.
 * `shard_count` is written at the end: while it differs from the number of shard rows, workers know planning is
 * still going and wait for shards instead of leaving.
 */
export async function planRun(pool: pg.Pool, runId: number, size = DEFAULT_SHARD_SIZE): Promise<void> {
  const { rows } = await pool.query('SELECT period FROM billing_run WHERE id = $1', [runId]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_BILLRUN_NOT_FOUND', { id: runId });
  const month = billingMonth(rows[0].period);
  while (await planNextShard(pool, runId, month, size));
  await pool.query('UPDATE billing_run SET shard_count = (SELECT count(*) FROM billing_run_shard WHERE run_id = $1) WHERE id = $1', [runId]);
}

/** Plans one more shard after the last planned one; false when no billable subscription is left. */
async function planNextShard(pool: pg.Pool, runId: number, month: BillingMonth, size: number): Promise<boolean> {
  for (;;) {
    const last = await lastPlannedId(pool, runId);
    const range = await nextRange(pool, month, last, size);
    if (!range) return false;
    const added = await withTransaction(pool, async (c) => {
      await c.query('SELECT id FROM billing_run WHERE id = $1 FOR UPDATE', [runId]);
      // Another planner (a second start) got there first: page again from where it stopped.
      if ((await lastPlannedId(c, runId)) !== last) return false;
      await c.query(
        `INSERT INTO billing_run_shard (run_id, shard_no, first_id, last_id)
         VALUES ($1, (SELECT count(*) FROM billing_run_shard WHERE run_id = $1), $2, $3)`,
        [runId, range.firstId, range.lastId],
      );
      await c.query('UPDATE billing_run SET finished_at = NULL WHERE id = $1', [runId]);
      return true;
    });
    if (added) return true;
  }
}

async function lastPlannedId(db: pg.Pool | pg.PoolClient, runId: number): Promise<number> {
  const { rows } = await db.query<{ last: string | null }>('SELECT max(last_id)::text AS last FROM billing_run_shard WHERE run_id = $1', [runId]);
  return Number(rows[0].last ?? 0);
}

/** True while a planner is still adding shards (or died doing so: a new start resumes it). */
export async function isPlanning(db: pg.Pool | pg.PoolClient, runId: number): Promise<boolean> {
  const { rows } = await db.query<{ planning: boolean }>(
    'SELECT shard_count <> (SELECT count(*) FROM billing_run_shard WHERE run_id = $1) AS planning FROM billing_run WHERE id = $1',
    [runId],
  );
  return rows[0]?.planning ?? false;
}

export async function runProgress(db: pg.Pool | pg.PoolClient, id: number): Promise<RunProgress> {
  const { rows } = await db.query(
    `SELECT r.id, r.period, r.region, r.created_at, r.finished_at, count(s.*)::int AS total,
            count(*) FILTER (WHERE s.status = 'done')::int AS done, count(*) FILTER (WHERE s.status = 'claimed')::int AS claimed,
            count(*) FILTER (WHERE s.status = 'pending')::int AS pending,
            coalesce(sum(s.bills), 0)::int AS bills, coalesce(sum(s.posted), 0)::int AS posted,
            coalesce(sum(s.outsorted), 0)::int AS outsorted, coalesce(sum(s.errors), 0)::int AS errors,
            (SELECT count(*)::int FROM billing_accrual a WHERE a.run_id = r.id AND a.state = 'outsorted') AS awaiting_review
       FROM billing_run r LEFT JOIN billing_run_shard s ON s.run_id = r.id WHERE r.id = $1 GROUP BY r.id`,
    [id],
  );
  const r = rows[0];
  if (!r) throw new AboneError('ABONE_ERR_BILLRUN_NOT_FOUND', { id });
  return {
    id: Number(r.id), period: r.period, region: r.region, createdAt: r.created_at, finishedAt: r.finished_at,
    shards: { total: r.total, done: r.done, claimed: r.claimed, pending: r.pending },
    bills: r.bills, posted: r.posted, outsorted: r.outsorted, awaitingReview: r.awaiting_review, errors: r.errors,
  };
}

export async function listRuns(db: pg.Pool, limit = 50): Promise<RunProgress[]> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM billing_run ORDER BY id DESC LIMIT $1', [limit]);
  return Promise.all(rows.map((r) => runProgress(db, Number(r.id))));
}
