/** The rollup worker gives way to ingest: under back-pressure it waits, but never past its deferral limit. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { startRollupWorker } from './rollups.ts';

describe('rollup worker under ingest pressure', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  const pending = async () => (await db.pool.query('SELECT count(*)::int AS n FROM rollup_pending')).rows[0].n as number;
  const mark = () => db.pool.query(`INSERT INTO rollup_pending (meter_id, hour) VALUES (1, '2026-11-01T10:00:00Z')`);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  before(async () => {
    db = await createTestDatabase();
    await db.pool.query(`INSERT INTO meter_model (code, manufacturer, commodity, register_digits) VALUES ('RW', 'Test', 'gas', 8)`);
    await db.pool.query(`INSERT INTO meter (id, serial, model_id, commodity) SELECT 1, 'RW-1', id, 'gas' FROM meter_model WHERE code = 'RW'`);
  });
  after(() => db.drop());

  /** Waits for a condition; the bound only stops a hung run (rollups on a busy machine take their time). */
  const eventually = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 400 && !(await check()); i++) await sleep(50);
    assert.ok(await check());
  };

  it('leaves marks pending while ingest is busy, and runs when asked', async () => {
    let busy = true;
    const worker = startRollupWorker(db.pool, 20, () => busy, 60_000);
    try {
      await mark();
      await sleep(300); // many intervals, all busy, far within the limit
      assert.equal(await pending(), 1);
      await worker.runNow(); // tests and operators can force it
      assert.equal(await pending(), 0);
      busy = false;
      await mark();
      await eventually(async () => (await pending()) === 0); // not busy: the next interval takes it
    } finally {
      await worker.stop();
    }
  });

  it('runs anyway once the deferral limit has passed, however long ingest stays busy', async () => {
    const worker = startRollupWorker(db.pool, 20, () => true, 300);
    try {
      await mark();
      await eventually(async () => (await pending()) === 0);
    } finally {
      await worker.stop();
    }
  });
});
