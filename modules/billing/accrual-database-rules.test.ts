/**
 * What the database guarantees about accruals and runs (migration 0030): an accrual names a run that exists, checked
 * once per statement with the foreign key's SQLSTATE and constraint name; a run is never deleted nor renumbered; and a
 * subscription's history still lists every state, reversed and superseded bills included, from the indexes left.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { openRun } from './index.ts';
import { subscriptionAccruals } from './accrual-reads.ts';

describe('billing database rules: runs and accruals', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let runId: number;
  before(async () => {
    db = await createTestDatabase();
    ({ id: runId } = await openRun(db.pool, { period: '2026-10', actor: 'test' }));
  });
  after(() => db.drop());

  const insert = (rows: Array<{ sub: number; run: number | null; state?: string }>) =>
    db.pool.query(
      `INSERT INTO billing_accrual (subscription_id, period, run_id, account_id, commodity, from_date, to_date, source, state, outsort_reason)
       SELECT s, '2026-10', r, 1, 'water', '2026-10-01', '2026-11-01', 'none', st, CASE st WHEN 'outsorted' THEN 'no_usage' END
         FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS x(s, r, st) RETURNING id`,
      [rows.map((r) => r.sub), rows.map((r) => r.run), rows.map((r) => r.state ?? 'outsorted')],
    );
  const fkRefusal = (err: any) => err.code === '23503' && err.constraint === 'billing_accrual_run_id_fkey' && /run_id\)=\(999999\)/.test(err.detail);

  it('takes accruals of an existing run, or of none, in one statement', async () => {
    const { rowCount } = await insert([{ sub: 1, run: runId }, { sub: 2, run: runId }, { sub: 3, run: null }]);
    assert.equal(rowCount, 3);
  });

  it('refuses a statement with one accrual naming a run that does not exist, writing none of it', async () => {
    await assert.rejects(insert([{ sub: 10, run: runId }, { sub: 11, run: 999999 }]), fkRefusal);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM billing_accrual WHERE subscription_id IN (10, 11)');
    assert.equal(rows[0].n, 0);
  });

  it('refuses moving an accrual to a run that does not exist, and takes a state change', async () => {
    const { rows } = await insert([{ sub: 20, run: runId }]);
    await assert.rejects(db.pool.query('UPDATE billing_accrual SET run_id = 999999 WHERE id = $1', [rows[0].id]), fkRefusal);
    await db.pool.query(`UPDATE billing_accrual SET state = 'superseded' WHERE id = $1`, [rows[0].id]);
  });

  it('keeps every run: DELETE, TRUNCATE and a new id are refused', async () => {
    for (const sql of [`DELETE FROM billing_run WHERE id = ${runId}`, 'TRUNCATE billing_run CASCADE', `UPDATE billing_run SET id = DEFAULT WHERE id = ${runId}`]) {
      await assert.rejects(db.pool.query(sql), (err: any) => err.code === '23001' && /a bill run is kept/.test(err.message), sql);
    }
    await db.pool.query(`UPDATE billing_run SET finished_at = now() WHERE id = $1`, [runId]);
  });

  it('lists a subscription\'s accruals in every state, period by period', async () => {
    const { rows } = await insert([{ sub: 30, run: runId, state: 'outsorted' }]);
    await db.pool.query(`UPDATE billing_accrual SET state = 'superseded' WHERE id = $1`, [rows[0].id]);
    await insert([{ sub: 30, run: runId, state: 'outsorted' }]);
    const history = await subscriptionAccruals(db.pool, 30);
    assert.deepEqual(history.map((a) => a.state), ['superseded', 'outsorted']);
  });
});
