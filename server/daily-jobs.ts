/**
 * The back office's daily work, run by the workers once the business day's hour has come (ABONE_DAILY_JOBS_HOUR,
 * Istanbul time): instalment plans reviewed (a plan in default revives its debt), then dunning over what is still
 * unpaid, and, once per month, the period-end late fees of the month that ended.
 *
 * Each job is claimed for its day in `platform_daily_job`, so of several worker processes one runs it. The jobs are
 * idempotent themselves: a claim a crashed process left unfinished is taken again after an hour, and running a job
 * twice writes nothing new. A failed job releases its claim and is tried again on the next check.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { BUSINESS_ZONE } from '../platform/calendar.ts';
import { contextLogger } from '../platform/logger.ts';
import { reviewInstalmentPlans, runDunning, runPeriodEndLateFees } from '../modules/collections/index.ts';
import { startPeriodic } from './periodic.ts';

const log = contextLogger('daily-jobs');
const CHECK_MS = 5 * 60_000;

interface DailyJob {
  name: string;
  /** The day the job's run is known by: today, or for the monthly one the period end it charges. */
  runDate(today: DateTime): string;
  run(pool: pg.Pool, runDate: string): Promise<unknown>;
}

export const DAILY_JOBS: readonly DailyJob[] = [
  { name: 'instalment-review', runDate: (t) => t.toISODate()!, run: async (pool, d) => ({ ended: (await reviewInstalmentPlans(pool, d, { actor: 'system:daily' })).length }) },
  { name: 'dunning', runDate: (t) => t.toISODate()!, run: (pool, d) => runDunning(pool, { asOf: d, actor: 'system:daily' }) },
  { name: 'period-end-late-fees', runDate: (t) => t.startOf('month').minus({ days: 1 }).toISODate()!, run: (pool, d) => runPeriodEndLateFees(pool, { periodEnd: d, actor: 'system:daily' }) },
];

/** Runs every job whose run for its day is not done; returns the names run now. */
export async function runDueJobs(pool: pg.Pool, now: DateTime, jobs: readonly DailyJob[] = DAILY_JOBS): Promise<string[]> {
  const ran: string[] = [];
  for (const job of jobs) {
    const runDate = job.runDate(now);
    const { rowCount } = await pool.query(
      `INSERT INTO platform_daily_job (job, run_date) VALUES ($1, $2)
       ON CONFLICT (job, run_date) DO UPDATE SET claimed_at = now()
         WHERE platform_daily_job.finished_at IS NULL AND platform_daily_job.claimed_at < now() - interval '1 hour'`,
      [job.name, runDate],
    );
    if (!rowCount) continue;
    try {
      const outcome = await job.run(pool, runDate);
      await pool.query(`UPDATE platform_daily_job SET finished_at = now(), outcome = $3 WHERE job = $1 AND run_date = $2`, [job.name, runDate, JSON.stringify(outcome ?? null)]);
      log.info({ job: job.name, runDate, outcome }, 'daily job done');
      ran.push(job.name);
    } catch (err) {
      await pool.query(`DELETE FROM platform_daily_job WHERE job = $1 AND run_date = $2 AND finished_at IS NULL`, [job.name, runDate]);
      throw err;
    }
  }
  return ran;
}

export function startDailyJobs(pool: pg.Pool, hour: number): { stop(): Promise<void> } {
  return startPeriodic('daily-jobs', CHECK_MS, async () => {
    const now = DateTime.now().setZone(BUSINESS_ZONE);
    if (now.hour >= hour) await runDueJobs(pool, now);
  });
}
