/**
 * Bill runs: starting one (or finding the one already started for the same period and region, which is how a run
 * resumes) and reading its progress. Starting plans the shards in the same transaction as the run row, so a run
 * never exists without its shards; two starts racing meet at the unique index and both get the same run.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { billingMonth } from './billing-month.ts';
import { planRanges } from './billables.ts';

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
  outsorted: number;
  errors: number;
}

export async function startRun(pool: pg.Pool, input: { period: string; region?: string | null; actor: string; shardSize?: number }): Promise<{ run: RunProgress; created: boolean }> {
  const month = billingMonth(input.period);
  const region = input.region ?? null;
  const size = input.shardSize ?? DEFAULT_SHARD_SIZE;
  // Planned before the run row exists: the subscriptions door reads on the pool, outside this transaction.
  const ranges = await planRanges(pool, month, size);
  const created = await withTransaction(pool, async (c) => {
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO billing_run (period, region, shard_count, created_by) VALUES ($1, $2, 0, $3)
       ON CONFLICT (period, coalesce(region, '')) DO NOTHING RETURNING id`,
      [month.period, region, input.actor],
    );
    if (!rows[0]) return undefined;
    await c.query(
      `INSERT INTO billing_run_shard (run_id, shard_no, first_id, last_id)
       SELECT $1, n - 1, f, l FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS x(f, l, n)`,
      [rows[0].id, ranges.map((r) => r.firstId), ranges.map((r) => r.lastId)],
    );
    // Written here, before anyone can see the run; only a later start that adds tail shards raises it.
    await c.query('UPDATE billing_run SET shard_count = $2 WHERE id = $1', [rows[0].id, ranges.length]);
    return rows[0].id;
  });
  const id = created ?? (await pool.query<{ id: number }>(`SELECT id FROM billing_run WHERE period = $1 AND coalesce(region, '') = coalesce($2, '')`, [month.period, region])).rows[0].id;
  if (created === undefined) await addTailShards(pool, id, month, size);
  return { run: await runProgress(pool, id), created: created !== undefined };
}

/**
 * Starting a run again also covers subscriptions that appeared since (ids above the last shard's): they get new
 * shards at the end, and a finished run is open again until those are done.
 */
async function addTailShards(pool: pg.Pool, runId: number, month: ReturnType<typeof billingMonth>, size: number): Promise<void> {
  const { rows } = await pool.query<{ last: number | null }>('SELECT max(last_id)::bigint AS last FROM billing_run_shard WHERE run_id = $1', [runId]);
  const tail = await planRanges(pool, month, size, Number(rows[0].last ?? 0));
  if (!tail.length) return;
  await withTransaction(pool, async (c) => {
    await c.query('SELECT id FROM billing_run WHERE id = $1 FOR UPDATE', [runId]);
    const { rows: now } = await c.query<{ last: number | null; n: number }>('SELECT max(last_id)::bigint AS last, count(*)::int AS n FROM billing_run_shard WHERE run_id = $1', [runId]);
    // A concurrent start added them first.
    if (Number(now[0].last ?? 0) !== Number(rows[0].last ?? 0)) return;
    await c.query(
      `INSERT INTO billing_run_shard (run_id, shard_no, first_id, last_id)
       SELECT $1, $4 + n - 1, f, l FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS x(f, l, n)`,
      [runId, tail.map((r) => r.firstId), tail.map((r) => r.lastId), now[0].n],
    );
    await c.query('UPDATE billing_run SET shard_count = shard_count + $2, finished_at = NULL WHERE id = $1', [runId, tail.length]);
  });
}

export async function runProgress(db: pg.Pool | pg.PoolClient, id: number): Promise<RunProgress> {
  const { rows } = await db.query(
    `SELECT r.id, r.period, r.region, r.created_at, r.finished_at, count(s.*)::int AS total,
            count(*) FILTER (WHERE s.status = 'done')::int AS done, count(*) FILTER (WHERE s.status = 'claimed')::int AS claimed,
            count(*) FILTER (WHERE s.status = 'pending')::int AS pending,
            coalesce(sum(s.bills), 0)::int AS bills, coalesce(sum(s.posted), 0)::int AS posted,
            coalesce(sum(s.outsorted), 0)::int AS outsorted, coalesce(sum(s.errors), 0)::int AS errors
       FROM billing_run r LEFT JOIN billing_run_shard s ON s.run_id = r.id WHERE r.id = $1 GROUP BY r.id`,
    [id],
  );
  const r = rows[0];
  if (!r) throw new AboneError('ABONE_ERR_BILLRUN_NOT_FOUND', { id });
  return {
    id: Number(r.id), period: r.period, region: r.region, createdAt: r.created_at, finishedAt: r.finished_at,
    shards: { total: r.total, done: r.done, claimed: r.claimed, pending: r.pending },
    bills: r.bills, posted: r.posted, outsorted: r.outsorted, errors: r.errors,
  };
}

export async function listRuns(db: pg.Pool, limit = 50): Promise<RunProgress[]> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM billing_run ORDER BY id DESC LIMIT $1', [limit]);
  return Promise.all(rows.map((r) => runProgress(db, Number(r.id))));
}
