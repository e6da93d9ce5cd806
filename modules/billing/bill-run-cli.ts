/**
 * `abone bill-run --period YYYY-MM [--region IL] [--workers N] [--shard-size N]`: starts the run (or finds the one
 * started before, which resumes it), plans its shards while already working the first ones, works it with N worker processes (this one and N − 1 children running the same
 * command with --worker-only), prints progress every two seconds, and exits when every shard is done. A crash of any
 * process loses nothing: start the command again and it picks up the open shards (stale claims after --stale-seconds).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { openRun, planRun, runProgress, DEFAULT_SHARD_SIZE, type RunProgress } from './runs.ts';
import { runWorker } from './shard-worker.ts';

/** `since`: bills the run had when this command started (a resumed run's rate counts only this command's bills). */
export function progressLine(p: RunProgress, startedMs: number, since = 0): string {
  const s = (Date.now() - startedMs) / 1000;
  return `run ${p.id} ${p.period}${p.region ? ` ${p.region}` : ''}: shards ${p.shards.done}/${p.shards.total} (${p.shards.claimed} working), bills ${p.bills}, posted ${p.posted}, outsorted ${p.outsorted}, errors ${p.errors}, ${s.toFixed(1)} s, ${((p.bills - since) / Math.max(s, 0.001)).toFixed(0)} bills/s`;
}

export async function billRunCommand(pool: pg.Pool, args: string[], cliPath: string): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      period: { type: 'string' },
      region: { type: 'string' },
      workers: { type: 'string', default: '1' },
      'shard-size': { type: 'string', default: String(DEFAULT_SHARD_SIZE) },
      'stale-seconds': { type: 'string', default: '60' },
      'worker-only': { type: 'string' },
    },
  });
  const staleSeconds = Number(values['stale-seconds']);
  if (values['worker-only']) {
    await runWorker(pool, Number(values['worker-only']), { actor: 'cli', staleSeconds });
    return;
  }
  if (!values.period) throw new Error('usage: abone bill-run --period YYYY-MM [--region IL] [--workers N] [--shard-size N] [--stale-seconds S]');
  const workers = Number(values.workers);
  const shardSize = Number(values['shard-size']);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error('--workers must be a whole number from 1 to 64');
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error('--shard-size must be a positive whole number');
  const t0 = Date.now();
  const opened = await openRun(pool, { period: values.period, region: values.region ?? null, actor: 'cli', shardSize });
  const created = opened.created;
  const run = await runProgress(pool, opened.id);
  const since = run.bills;
  console.log(`${created ? 'started' : 'resuming'} ${progressLine(run, t0, since)}`);
  const children: ChildProcess[] = [];
  for (let i = 1; i < workers; i++) {
    children.push(fork(cliPath, ['bill-run', '--worker-only', String(run.id), '--stale-seconds', String(staleSeconds)], { execArgv: process.execArgv, stdio: 'inherit' }));
  }
  const timer = setInterval(() => runProgress(pool, run.id).then((p) => console.log(progressLine(p, t0, since))).catch(() => undefined), 2000);
  try {
    // Planning goes on while the workers already bill the shards planned so far.
    await Promise.all([planRun(pool, run.id, shardSize), runWorker(pool, run.id, { actor: 'cli', staleSeconds }), ...children.map(async (c) => {
      const [code] = await once(c, 'exit');
      if (code !== 0) console.error(`a worker process exited with ${code}; its shard is taken again when its claim goes stale (run the command again)`);
    })]);
  } finally {
    clearInterval(timer);
  }
  const done = await runProgress(pool, run.id);
  console.log(`${done.finishedAt ? 'finished' : 'stopped'} ${progressLine(done, t0, since)}`);
}
