/**
 * A bill run started and left (as the console does with work=false, or a process that died) is finished by the
 * worker processes' loop, and each subscription is billed once however many workers poll.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { runProgress, startRun, subscriptionAccruals } from '../modules/billing/index.ts';
import { dailyConsumption, repeat, storeWaterTariff, waterSubscriptions } from '../modules/billing/test-fixtures.ts';
import { startBillRunWorkers } from './bill-run-workers.ts';

describe('bill run workers', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(() => db.drop());

  it('finish a run nobody is working, once per subscription with two workers polling', async () => {
    await storeWaterTariff(db.pool);
    const subs = await waterSubscriptions(db.pool, 3);
    for (const s of subs) await dailyConsumption(db.pool, s.meterId, '2026-10-01', repeat(31, 0.5));
    const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test', shardSize: 1 });
    assert.equal(run.finishedAt, null);
    const workers = [startBillRunWorkers(db.pool), startBillRunWorkers(db.pool)];
    try {
      for (let i = 0; i < 600 && !(await runProgress(db.pool, run.id)).finishedAt; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const progress = await runProgress(db.pool, run.id);
    assert.ok(progress.finishedAt, 'the run finished');
    assert.deepEqual([progress.shards.total, progress.shards.done, progress.bills, progress.posted], [3, 3, 3, 3]);
    for (const s of subs) {
      const accruals = await subscriptionAccruals(db.pool, s.subscriptionId);
      assert.deepEqual(accruals.map((a) => [a.state, a.gross]), [['posted', '271.75']]); // SU-KONUT, 15.5 m³ (bill-run.test.ts)
    }
  });
});
