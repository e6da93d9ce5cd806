/**
 * The daily jobs against the real database: each job runs once per day however many workers check, the monthly one
 * once per period end, a failed job is tried again, and a claim a crashed worker left behind is taken over after an hour.
 */
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { BUSINESS_ZONE } from '../platform/calendar.ts';
import { accountWithBills } from '../modules/collections/test-fixtures.ts';
import { runDueJobs } from './daily-jobs.ts';

describe('daily jobs', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());
  const at = (iso: string) => DateTime.fromISO(iso, { zone: BUSINESS_ZONE });
  const runs = async () => (await db.pool.query(`SELECT job, to_char(run_date, 'YYYY-MM-DD') AS d, finished_at IS NOT NULL AS done FROM platform_daily_job ORDER BY job, run_date`)).rows.map((r) => [r.job, r.d, r.done]);

  it('runs review, dunning and the month\'s late fees once, whichever of two workers checks', async () => {
    const { accountId } = await accountWithBills(db.pool, 'DJ-1', [{ amount: '300.00', dueDate: '2026-10-01' }]);
    const [a, b] = await Promise.all([runDueJobs(db.pool, at('2026-11-10T03:00')), runDueJobs(db.pool, at('2026-11-10T03:00'))]);
    assert.deepEqual([...a, ...b].sort(), ['dunning', 'instalment-review', 'period-end-late-fees']);
    assert.deepEqual(await runs(), [['dunning', '2026-11-10', true], ['instalment-review', '2026-11-10', true], ['period-end-late-fees', '2026-10-31', true]]);
    // The October period-end fee on 300 TL from 1 to 31 October: 30 days at 3.7 % a month = 11.10 TL; the reminder, once.
    const fee = await db.pool.query(`SELECT amount::text FROM collections_late_fee WHERE payment_id IS NULL`);
    assert.deepEqual(fee.rows, [{ amount: '11.10' }]);
    const notices = await db.pool.query(`SELECT step FROM collections_dunning_notice WHERE account_id = $1`, [accountId]);
    assert.deepEqual(notices.rows, [{ step: 'reminder' }]);
    // Later the same day: nothing. The next day: the daily ones again, the monthly one not.
    assert.deepEqual(await runDueJobs(db.pool, at('2026-11-10T18:00')), []);
    assert.deepEqual((await runDueJobs(db.pool, at('2026-11-11T02:30'))).sort(), ['dunning', 'instalment-review']);
  });

  it('releases a failed job\'s claim so the next check tries again, and takes over a claim left unfinished for an hour', async () => {
    let calls = 0;
    const flaky = [{ name: 'flaky', runDate: (t: DateTime) => t.toISODate()!, run: async () => { if (++calls === 1) throw new Error('database went away'); return { calls }; } }];
    await assert.rejects(runDueJobs(db.pool, at('2026-11-12T03:00'), flaky), /database went away/);
    assert.deepEqual(await runDueJobs(db.pool, at('2026-11-12T03:00'), flaky), ['flaky']);
    assert.equal(calls, 2);

    // A worker that died mid-job: its claim stands for an hour, then another worker runs the job.
    await db.pool.query(`INSERT INTO platform_daily_job (job, run_date, claimed_at) VALUES ('flaky', '2026-11-13', now() - interval '50 minutes')`);
    assert.deepEqual(await runDueJobs(db.pool, at('2026-11-13T03:00'), flaky), []);
    await db.pool.query(`UPDATE platform_daily_job SET claimed_at = now() - interval '61 minutes' WHERE job = 'flaky' AND run_date = '2026-11-13'`);
    assert.deepEqual(await runDueJobs(db.pool, at('2026-11-13T03:00'), flaky), ['flaky']);
    assert.equal(calls, 3);
  });
});
