/**
 * A bill-run worker: claims a shard, works it in one transaction, repeats until no shard is left. Any number of
 * workers, in any number of processes, share a run.
 *
 * - Claiming takes the first open shard with FOR UPDATE SKIP LOCKED, so two workers never wait on or take the same
 *   one; a shard claimed by a worker whose heartbeat is older than `staleSeconds` is open again (that worker crashed
 *   or hung; whatever it wrote rolled back with its transaction, or will fail at its end, see below).
 * - While working, a timer beats the shard's heartbeat on another connection.
 * - The shard's accruals, ledger entries and its status 'done' commit together. The status update names the worker,
 *   so a worker whose shard was taken from it (it was presumed dead) rolls back instead of finishing it; and the
 *   live-accrual unique index makes a second biller of the same subscription skip it, whatever the timing.
 */
import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { withTransaction } from '../../platform/db/pool.ts';
import { contextLogger } from '../../platform/logger.ts';
import { billingMonth } from './billing-month.ts';
import { loadBillables } from './billables.ts';
import { accrueBatch, type AccrueCounts } from './accrue.ts';
import type { StoredTariff } from './tariff-store.ts';
import { isPlanning } from './runs.ts';

const PLANNING_POLL_MS = 250;

const log = contextLogger('billing');

export interface WorkerOptions {
  worker?: string;
  staleSeconds?: number;
  heartbeatMs?: number;
  actor?: string;
  /** Called after each shard commits (progress printing, tests). */
  onShard?: (shardNo: number, counts: AccrueCounts) => void;
}

export interface Claim {
  shardNo: number;
  firstId: number;
  lastId: number;
}

export const newWorkerName = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

export async function claimShard(db: pg.Pool | pg.PoolClient, runId: number, worker: string, staleSeconds: number): Promise<Claim | undefined> {
  const { rows } = await db.query(
    `UPDATE billing_run_shard s SET status = 'claimed', worker = $2, heartbeat_at = now(), attempts = s.attempts + 1
      WHERE (s.run_id, s.shard_no) = (
        SELECT run_id, shard_no FROM billing_run_shard
         WHERE run_id = $1 AND (status = 'pending' OR (status = 'claimed' AND heartbeat_at < now() - make_interval(secs => $3)))
         ORDER BY shard_no LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING shard_no, first_id, last_id`,
    [runId, worker, staleSeconds],
  );
  return rows[0] && { shardNo: rows[0].shard_no, firstId: Number(rows[0].first_id), lastId: Number(rows[0].last_id) };
}

/** Works one claimed shard; false when the shard was taken from this worker meanwhile (nothing committed). */
export async function workShard(pool: pg.Pool, runId: number, claim: Claim, worker: string, opts: { actor: string; tariffs: Map<string, StoredTariff>; heartbeatMs: number }): Promise<AccrueCounts | undefined> {
  const { rows: runRows } = await pool.query('SELECT period, region FROM billing_run WHERE id = $1', [runId]);
  const month = billingMonth(runRows[0].period);
  const beat = setInterval(() => {
    pool.query(`UPDATE billing_run_shard SET heartbeat_at = now() WHERE run_id = $1 AND shard_no = $2 AND worker = $3 AND status = 'claimed'`, [runId, claim.shardNo, worker])
      .catch((err) => log.warn({ err: err.message, runId, shard: claim.shardNo }, 'heartbeat failed'));
  }, opts.heartbeatMs);
  beat.unref();
  try {
    const billables = await loadBillables(pool, month, runRows[0].region, claim.firstId, claim.lastId);
    return await withTransaction(pool, async (c) => {
      const counts = await accrueBatch(c, month, billables, { runId, actor: opts.actor, tariffs: opts.tariffs });
      const { rowCount } = await c.query(
        `UPDATE billing_run_shard SET status = 'done', done_at = now(), bills = $4, posted = $5, outsorted = $6, errors = $7
          WHERE run_id = $1 AND shard_no = $2 AND worker = $3 AND status = 'claimed'`,
        [runId, claim.shardNo, worker, counts.bills, counts.posted, counts.outsorted, counts.errors],
      );
      if (rowCount !== 1) throw new ShardLost();
      return counts;
    });
  } catch (err) {
    if (err instanceof ShardLost) {
      log.warn({ runId, shard: claim.shardNo, worker }, 'shard was reclaimed by another worker; rolled back');
      return undefined;
    }
    throw err;
  } finally {
    clearInterval(beat);
  }
}

class ShardLost extends Error {}

/** Works shards of the run until none is open; marks the run finished when every shard is done. */
export async function runWorker(pool: pg.Pool, runId: number, opts: WorkerOptions = {}): Promise<AccrueCounts> {
  const worker = opts.worker ?? newWorkerName();
  const staleSeconds = opts.staleSeconds ?? 60;
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const tariffs = new Map<string, StoredTariff>();
  const total: AccrueCounts = { bills: 0, posted: 0, outsorted: 0, errors: 0 };
  let waitedSince: number | undefined;
  for (;;) {
    const claim = await claimShard(pool, runId, worker, staleSeconds);
    if (!claim) {
      // Shards still being planned: wait for them, but not for a planner that died (a new start resumes it).
      if (!(await isPlanning(pool, runId))) break;
      waitedSince ??= Date.now();
      if (Date.now() - waitedSince > staleSeconds * 1000) break;
      await new Promise((r) => setTimeout(r, PLANNING_POLL_MS));
      continue;
    }
    waitedSince = undefined;
    const counts = await workShard(pool, runId, claim, worker, { actor: opts.actor ?? 'bill-run', tariffs, heartbeatMs });
    if (!counts) continue;
    for (const k of Object.keys(total) as Array<keyof AccrueCounts>) total[k] += counts[k];
    opts.onShard?.(claim.shardNo, counts);
  }
  await pool.query(
    `UPDATE billing_run SET finished_at = now() WHERE id = $1 AND finished_at IS NULL
        AND shard_count = (SELECT count(*) FROM billing_run_shard WHERE run_id = $1)
        AND NOT EXISTS (SELECT 1 FROM billing_run_shard WHERE run_id = $1 AND status <> 'done')`,
    [runId],
  );
  return total;
}
