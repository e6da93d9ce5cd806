/** A transaction begun together with its first statement: that statement's values travel as quoted literals. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { escapeLiteral, withTransactionBegunBy } from './pool.ts';

describe('withTransactionBegunBy', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await db.pool.query('CREATE TABLE begun_by (note text)');
  });
  after(() => db.drop());

  const awkward = `Gülşen's "meter" \\ 100% — line\nbreak; DROP TABLE begun_by; --`;

  it('hands the first statement\'s rows to the work and commits both', async () => {
    const got = await withTransactionBegunBy(db.pool, `INSERT INTO begun_by VALUES (${escapeLiteral(awkward)}) RETURNING note`, async (c, rows) => {
      await c.query('INSERT INTO begun_by VALUES ($1)', ['second']);
      return rows;
    });
    assert.deepEqual(got, [{ note: awkward }]);
    assert.deepEqual((await db.pool.query('SELECT note FROM begun_by ORDER BY note')).rows.map((r) => r.note).sort(), [awkward, 'second'].sort());
  });

  it('rolls the first statement back when the work fails', async () => {
    await assert.rejects(
      withTransactionBegunBy(db.pool, `INSERT INTO begun_by VALUES ('third')`, async () => {
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.equal((await db.pool.query(`SELECT count(*)::int AS n FROM begun_by WHERE note = 'third'`)).rows[0].n, 0);
  });
});
