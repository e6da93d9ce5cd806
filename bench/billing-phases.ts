/**
 * Where the time of a bill run goes, shard by shard, in one process (no child processes, no heartbeats):
 *
 *   npm run bench:billing -- --subscriptions 20000 --setup-only        # prints the kept database's URL
 *   node --import tsx [--cpu-prof --cpu-prof-dir .tmp] bench/billing-phases.ts <that url> [--shard-size 2000]
 *
 * Each run works on a fresh copy of the set-up database (CREATE DATABASE … TEMPLATE), dropped at the end, and bills
 * October (a first run) then November (an ordinary month, after a VACUUM as bench:billing does); prints, for each, the
 * CPU per bill and the milliseconds per shard of each phase of `accrueBatch` (its `timings`) and the shard's reads. Then
 * `node --import tsx bench/cpuprofile-summary.ts .tmp/<file>.cpuprofile` says which functions took the CPU.
 */
import './quiet.ts';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, withTransaction } from '../platform/db/pool.ts';
import { withDatabase } from './db.ts';
import { PostgresCpu, postmasterOf } from './proc.ts';
import { billingMonth, planRun, openRun } from '../modules/billing/index.ts';
import { accrueBatch, loadBillables, type StoredTariff } from '../modules/billing/test-fixtures.ts';

const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: { 'shard-size': { type: 'string', default: '2000' } } });
const template = positionals[0];
if (!template) throw new Error('usage: bench/billing-phases.ts <set-up database url> [--shard-size N]');

const name = `abone_bench_phases_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: withDatabase(template, 'postgres') });
await admin.connect();
await admin.query(`CREATE DATABASE ${name} TEMPLATE ${new URL(template).pathname.slice(1)}`);
const pool = createPool(withDatabase(template, name), 4);
try {
  const shardSize = Number(opt['shard-size']);
  const { rows: pidRows } = await pool.query('SELECT pg_backend_pid() AS pid');
  const postmaster = postmasterOf(pidRows[0].pid);
  const tariffs = new Map<string, StoredTariff>();
  // October first (every bill opens its account: a first run), then November over the same subscriptions (accounts
  // open, October's bills the outsorting average: an ordinary month, on which issue 5's goal is judged).
  for (const [period, label] of [['2026-10', 'first run'], ['2026-11', 'ordinary month']] as const) {
    if (period !== '2026-10') await pool.query('VACUUM (ANALYZE)'); // as bench:billing does between its two runs
    await runMonth(period, label);
  }

  async function runMonth(period: string, label: string) {
    const { id } = await openRun(pool, { period, actor: 'bench', shardSize });
    await planRun(pool, id, shardSize);
    const { rows: shards } = await pool.query('SELECT shard_no, first_id, last_id FROM billing_run_shard WHERE run_id = $1 ORDER BY shard_no', [id]);
    const month = billingMonth(period);
    const timings: Record<string, number> = {};
    let bills = 0;
    const pgCpu = postmaster ? new PostgresCpu(postmaster, [name]) : undefined;
    pgCpu?.start();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const s of shards) {
      let t = performance.now();
      const billables = await loadBillables(pool, month, null, Number(s.first_id), Number(s.last_id));
      timings.billables = (timings.billables ?? 0) + performance.now() - t;
      await withTransaction(pool, async (c) => {
        const counts = await accrueBatch(c, month, billables, { runId: id, actor: 'bench', tariffs, timings });
        bills += counts.bills;
        t = performance.now();
      });
      timings.commit = (timings.commit ?? 0) + performance.now() - t;
    }
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const nodeS = (cpu.user + cpu.system) / 1e6;
    const pgS = pgCpu?.stop();
    console.log(`${period} (${label}): ${bills} bills in ${shards.length} shards, ${s.toFixed(1)} s, ${(bills / s).toFixed(0)} bills/s (one process)`);
    console.log(`CPU per bill: node ${((nodeS / bills) * 1e6).toFixed(0)} µs, PostgreSQL ${pgS === undefined ? '?' : ((pgS / bills) * 1e6).toFixed(0)} µs (backends, checkpointer, WAL writer)`);
    for (const [phase, ms] of Object.entries(timings)) console.log(`  ${phase.padEnd(22)} ${(ms / shards.length).toFixed(0).padStart(6)} ms per shard  ${((ms / 1000 / s) * 100).toFixed(0).padStart(3)} %`);
  }
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
