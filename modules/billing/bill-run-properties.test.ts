/**
 * Properties of bill runs on a real database: running again changes nothing; concurrent workers never bill a
 * subscription twice; a worker that dies mid-shard (abandoned claim, or a child process SIGKILLed) leaves a run that
 * completes on resume with exactly one accrual each; reversal and re-accrual leave a consistent, balanced ledger.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { createPool } from '../../platform/db/pool.ts';
import { balance } from '../ledger/index.ts';
import { billingMonth, claimShard, openRun, planRun, reverseAndReaccrue, runProgress, runWorker, startRun, subscriptionAccruals } from './index.ts';
import { accrueBatch } from './accrue.ts';
import { loadBillables } from './billables.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { dailyConsumption, repeat, storeWaterTariff, waterSubscriptions, type Metered } from './test-fixtures.ts';
import { accrualCounts, book } from './book-check.ts';
import { CHILD_APPLICATION_NAME } from './worker-child-name.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

async function world(n: number): Promise<{ db: TestDatabase; subs: Metered[] }> {
  const db = await createTestDatabase();
  await storeWaterTariff(db.pool);
  const subs = await waterSubscriptions(db.pool, n);
  // Subscription i uses 0.1 × (i + 1) m³ a day, so no two bills are alike.
  for (const [i, s] of subs.entries()) await dailyConsumption(db.pool, s.meterId, '2026-10-01', repeat(31, 0.1 * (i + 1)));
  return { db, subs };
}

async function settleChildSessions(db: TestDatabase): Promise<void> {
  for (;;) {
    const { rows } = await db.pool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
      [CHILD_APPLICATION_NAME],
    );
    if (!rows.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('bill run properties', function () {
  this.timeout(300_000);

  it('re-running a run (and starting it again, and a regional run over the same subscriptions) changes nothing', async () => {
    const { db, subs } = await world(12);
    try {
      const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test', shardSize: 5 });
      assert.equal(run.shards.total, 3);
      assert.equal((await runWorker(db.pool, run.id)).bills, 12);
      const first = await book(db.pool);
      assert.equal(first.accruals, 12);
      assert.equal(first.entries, 12);
      assert.equal(first.debit, first.credit);

      const again = await startRun(db.pool, { period: '2026-10', actor: 'test' });
      assert.equal(again.created, false);
      assert.equal(again.run.id, run.id);
      assert.equal((await runWorker(db.pool, run.id)).bills, 0);
      const { rows: keys } = await db.pool.query('SELECT DISTINCT il_key FROM subscription');
      assert.equal(keys.length, 1);
      const regional = await startRun(db.pool, { period: '2026-10', region: keys[0].il_key, actor: 'test', shardSize: 4 });
      assert.equal(regional.created, true);
      const r = await runWorker(db.pool, regional.run.id);
      assert.equal(r.bills, 0, 'the regional run found every subscription already accrued');
      assert.deepEqual(await book(db.pool), first);
    } finally {
      await db.drop();
    }
  });

  it('two workers (separate pools) on one run, and two batches racing on the same subscriptions, bill each subscription once', async () => {
    const { db, subs } = await world(20);
    const other = createPool(db.url, 4);
    try {
      const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test', shardSize: 3 });
      const [a, b] = await Promise.all([runWorker(db.pool, run.id, { worker: 'w1' }), runWorker(other, run.id, { worker: 'w2' })]);
      assert.equal(a.bills + b.bills, 20);
      const { rows } = await db.pool.query(`SELECT worker, count(*)::int AS n FROM billing_run_shard WHERE run_id = $1 GROUP BY worker`, [run.id]);
      assert.equal(rows.reduce((s, r) => s + r.n, 0), 7);
      assert.deepEqual(await accrualCounts(db.pool, '2026-10', subs.map((s) => s.subscriptionId)), { twice: [], missing: [] });

      // Same subscriptions, November, two transactions at once: the live-accrual index lets exactly one through.
      await Promise.all(subs.map((s) => dailyConsumption(db.pool, s.meterId, '2026-11-01', repeat(30, 0.2))));
      const nov = billingMonth('2026-11');
      const billables = await loadBillables(db.pool, nov, null, 1, Number.MAX_SAFE_INTEGER);
      const counts = await Promise.all([db.pool, other].map((p) => withTransaction(p, (c) => accrueBatch(c, nov, billables, { runId: null, actor: 'race' }))));
      assert.equal(counts[0].bills + counts[1].bills, 20);
      assert.deepEqual(await accrualCounts(db.pool, '2026-11', subs.map((s) => s.subscriptionId)), { twice: [], missing: [] });
      const snap = await book(db.pool);
      assert.deepEqual([snap.entries, snap.items, snap.unbalancedEntries], [40, 40, 0]);
    } finally {
      await other.end();
      await db.drop();
    }
  });

  it('a shard abandoned by a dead worker is claimed again after its heartbeat goes stale, and the run completes', async () => {
    const { db, subs } = await world(9);
    try {
      const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test', shardSize: 3 });
      const ghost = await claimShard(db.pool, run.id, 'ghost', 60);
      assert.equal(ghost!.shardNo, 0);
      // A live heartbeat keeps the shard its owner's: a second worker leaves it alone.
      await runWorker(db.pool, run.id, { worker: 'w1', staleSeconds: 60 });
      let p = await runProgress(db.pool, run.id);
      assert.deepEqual([p.shards.done, p.shards.claimed, p.bills], [2, 1, 6]);
      assert.equal(p.finishedAt, null);
      // The ghost never beats again.
      await db.pool.query(`UPDATE billing_run_shard SET heartbeat_at = now() - interval '2 minutes' WHERE run_id = $1 AND shard_no = 0`, [run.id]);
      await runWorker(db.pool, run.id, { worker: 'w2', staleSeconds: 60 });
      p = await runProgress(db.pool, run.id);
      assert.deepEqual([p.shards.done, p.bills, p.posted], [3, 9, 9]);
      assert.ok(p.finishedAt);
      const { rows } = await db.pool.query('SELECT worker, attempts FROM billing_run_shard WHERE run_id = $1 AND shard_no = 0', [run.id]);
      assert.deepEqual(rows[0], { worker: 'w2', attempts: 2 });
      assert.deepEqual(await accrualCounts(db.pool, '2026-10', subs.map((s) => s.subscriptionId)), { twice: [], missing: [] });
    } finally {
      await db.drop();
    }
  });

  it('a worker process SIGKILLed in the middle of a run: the run completes on resume with exactly one accrual each', async () => {
    const { db, subs } = await world(16);
    try {
      const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test', shardSize: 2 });
      const child = fork(path.join(HERE, 'worker-child.fixture.ts'), [db.url, String(run.id)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      // Killed as soon as it has committed its first shard: it is then inside (or claiming) the next one.
      await once(child, 'message');
      child.kill('SIGKILL');
      await once(child, 'exit');
      // The server may still run what the child sent last (a shard claim) and commit it after the kill: end the
      // child's sessions and wait until they are gone, so the claim is either rolled back or visible below.
      await settleChildSessions(db);
      const mid = await runProgress(db.pool, run.id);
      assert.ok(mid.shards.done >= 1 && mid.shards.done < 8, `done ${mid.shards.done}`);
      await db.pool.query(`UPDATE billing_run_shard SET heartbeat_at = now() - interval '2 minutes' WHERE run_id = $1 AND status = 'claimed'`, [run.id]);
      await runWorker(db.pool, run.id, { worker: 'resume', staleSeconds: 60 });
      const p = await runProgress(db.pool, run.id);
      assert.deepEqual([p.shards.done, p.bills], [8, 16]);
      assert.deepEqual(await accrualCounts(db.pool, '2026-10', subs.map((s) => s.subscriptionId)), { twice: [], missing: [] });
      const snap = await book(db.pool);
      assert.deepEqual([snap.accruals, snap.entries, snap.items, snap.unbalancedEntries], [16, 16, 16, 0]);
    } finally {
      await db.drop();
    }
  });

  it('reversal + re-accrual: the old entry is mirrored, its item closed, the new bill posted; the book balances', async () => {
    const { db, subs } = await world(3);
    try {
      const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test' });
      await runWorker(db.pool, run.id);
      const s = subs[1]; // 0.2 m³ a day: 6.2 m³ → 62 + 30 = 92.00 net, ÇTV 3.10, KDV 9.20, gross 104.30
      const [old] = await subscriptionAccruals(db.pool, s.subscriptionId);
      assert.equal(old.gross, '104.30');
      // The meter's data was wrong: it used 0.5 m³ a day (271.75, as in the end-to-end test).
      await db.pool.query(`UPDATE rollup_daily SET sum = 0.5 WHERE meter_id = $1`, [s.meterId]);
      const before = await book(db.pool);
      const { reversed, accrual } = await reverseAndReaccrue(db.pool, old.id, 'test', 'meter data corrected');
      assert.equal(reversed.state, 'reversed');
      assert.deepEqual([accrual.state, accrual.gross, accrual.supersedes], ['posted', '271.75', old.id]);
      const after = await book(db.pool);
      assert.equal(after.entries, before.entries + 2, 'a reversal and a new accrual');
      assert.equal(after.unbalancedEntries, 0);
      assert.equal(after.debit, after.credit);
      const bal = await balance(db.pool, accrual.accountId);
      assert.equal(bal.balance, '271.75');
      await assert.rejects(reverseAndReaccrue(db.pool, old.id, 'test'), { code: 'ABONE_ERR_BILLRUN_ACCRUAL_STATE' });
      assert.deepEqual(await accrualCounts(db.pool, '2026-10', subs.map((x) => x.subscriptionId)), { twice: [], missing: [] });
    } finally {
      await db.drop();
    }
  });

  it('workers bill while shards are still being planned; a planner that dies is resumed by the next start', async () => {
    const { db, subs } = await world(10);
    const other = createPool(db.url, 4);
    try {
      // A planner that died after the first shard: the worker bills it, waits for more, gives up after staleSeconds.
      const opened = await openRun(db.pool, { period: '2026-10', actor: 'test', shardSize: 2 });
      assert.equal((await runWorker(db.pool, opened.id, { staleSeconds: 1 })).bills, 2);
      assert.equal((await runProgress(db.pool, opened.id)).finishedAt, null);
      // The next start finds the run, plans the rest while two workers are already at it.
      const again = await openRun(db.pool, { period: '2026-10', actor: 'test', shardSize: 2 });
      assert.deepEqual(again, { id: opened.id, created: false });
      const [, a, b] = await Promise.all([planRun(db.pool, opened.id, 2), runWorker(db.pool, opened.id), runWorker(other, opened.id)]);
      assert.equal(a.bills + b.bills, 8);
      const p = await runProgress(db.pool, opened.id);
      assert.deepEqual([p.shards.total, p.shards.done, p.bills], [5, 5, 10]);
      assert.ok(p.finishedAt);
      assert.deepEqual(await accrualCounts(db.pool, '2026-10', subs.map((s) => s.subscriptionId)), { twice: [], missing: [] });
    } finally {
      await other.end();
      await db.drop();
    }
  });
});
