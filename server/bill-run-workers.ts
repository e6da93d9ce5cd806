/**
 * Worker processes (`ABONE_MODE=worker`, and the all-in-one process) work every unfinished bill run: a run started
 * from the console or `abone bill-run` is finished by whichever workers are up, each claiming shards with SKIP LOCKED
 * (modules/billing), and a run left half done by a crash is picked up again. Workers poll; a run takes seconds to
 * notice, which is nothing against its minutes of work.
 */
import type pg from 'pg';
import { contextLogger } from '../platform/logger.ts';
import { listRuns, runWorker } from '../modules/billing/index.ts';
import { startPeriodic } from './periodic.ts';

const log = contextLogger('bill-run-workers');
const POLL_MS = 5_000;

export function startBillRunWorkers(pool: pg.Pool): { stop(): Promise<void> } {
  let stopped = false;
  const periodic = startPeriodic('bill-run-workers', POLL_MS, async () => {
    const open = (await listRuns(pool)).filter((r) => r.finishedAt === null).reverse(); // oldest first
    for (const run of open) {
      if (stopped) return;
      const done = await runWorker(pool, run.id, { actor: 'worker' });
      if (done.bills) log.info({ runId: run.id, period: run.period, ...done }, 'bill run shards worked');
    }
  });
  return {
    async stop() {
      stopped = true;
      await periodic.stop();
    },
  };
}
