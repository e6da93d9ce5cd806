/** A transaction in two round trips: statements with their values quoted into the text, committed or rolled back whole. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { escapeLiteral, jsonbLiteral, transactionInTwoTrips } from './pool.ts';

describe('transactionInTwoTrips', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    await db.pool.query('CREATE TABLE two_trips (note text)');
  });
  after(() => db.drop());
  const notes = async () => (await db.pool.query('SELECT note FROM two_trips ORDER BY note')).rows.map((r) => r.note);

  const awkward = `Gülşen's "meter" \\ 100% — line\nbreak; DROP TABLE two_trips; --`;

  it('hands the first trip\'s rows to the second, commits both, and returns the second trip\'s rows', async () => {
    const { result, rows } = await transactionInTwoTrips(db.pool, [`INSERT INTO two_trips VALUES (${escapeLiteral(awkward)}) RETURNING note`, `SELECT 2 AS two`], (first) => ({
      statements: [`INSERT INTO two_trips SELECT x FROM jsonb_array_elements_text(${jsonbLiteral(['second', awkward.toUpperCase()])}) AS x RETURNING note`],
      result: first,
    }));
    assert.deepEqual(result, [[{ note: awkward }], [{ two: 2 }]]);
    assert.deepEqual(rows, [[{ note: 'second' }, { note: awkward.toUpperCase() }]]);
    assert.deepEqual(await notes(), [awkward, awkward.toUpperCase(), 'second'].sort());
  });

  it('rolls the first trip back when the work between the trips fails, or a statement of the second does', async () => {
    await assert.rejects(
      transactionInTwoTrips(db.pool, [`INSERT INTO two_trips VALUES ('third')`], () => {
        throw new Error('refused');
      }),
      /refused/,
    );
    await assert.rejects(transactionInTwoTrips(db.pool, [`INSERT INTO two_trips VALUES ('fourth')`], () => ({ statements: [`INSERT INTO two_trips VALUES ('fifth')`, 'SELECT 1/0'], result: 0 })), /division by zero/);
    assert.deepEqual((await notes()).filter((n) => ['third', 'fourth', 'fifth'].includes(n)), []);
  });
});
