import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../test/support/db.ts';
import { ReadingStorage, monthsBetween } from './storage.ts';

describe('reading storage: monthly partitions and retention', () => {
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(() => db.drop());

  const partitions = async () =>
    (await db.pool.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reading'::regclass ORDER BY 1`)).rows.map((r) => r.relname);

  it('names UTC months across a year end', () => {
    assert.deepEqual(monthsBetween(Date.parse('2025-11-15T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z')).map((m) => m.name), ['202511', '202512', '202601']);
  });

  it('creates partitions ahead, on demand for late data, and drops whole months past retention', async () => {
    const storage = new ReadingStorage(db.pool);
    const now = Date.parse('2026-11-28T12:00:00Z');
    await storage.ensureAhead(2, now);
    assert.deepEqual(await partitions(), ['reading_p202611', 'reading_p202612', 'reading_p202701']);
    await storage.ensureRange(Date.parse('2026-03-10T00:00:00Z'), Date.parse('2026-03-10T05:00:00Z'));
    await db.pool.query(`INSERT INTO reading VALUES (1, 3, '2026-03-10T01:00:00Z', 1.5, 0, now()), (1, 3, '2026-11-01T01:00:00Z', 2.5, 0, now())`);
    // 200 days of retention on 2026-11-28 reaches back to 2026-05-12: March's partition is wholly older, November is not.
    const dropped = await storage.applyRetention(200, now);
    assert.deepEqual(dropped, ['reading_p202603']);
    assert.deepEqual((await db.pool.query('SELECT value FROM reading')).rows, [{ value: 2.5 }]);
    // A second head-end sharing the database finds the partitions already there.
    await new ReadingStorage(db.pool).ensureAhead(2, now);
    assert.deepEqual(await partitions(), ['reading_p202611', 'reading_p202612', 'reading_p202701']);
  });
});
