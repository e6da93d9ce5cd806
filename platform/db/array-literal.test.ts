/** Array literals read back by PostgreSQL exactly as pg's own array parameters are. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { arrayLiteral } from './array-literal.ts';

describe('arrayLiteral', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  const awkward = ['Gülşen\'s "meter"', 'back\\slash', 'NULL', '', 'a,b', '{brace}', ' spaced ', 'line\nbreak', 'ÇTV'];

  it('gives the same text values as pg\'s array parameter, awkward ones included', async () => {
    const values = [...awkward, null, 'plain'];
    const { rows } = await db.pool.query('SELECT $1::text[] AS ours, $2::text[] AS pgs', [arrayLiteral(values), values]);
    assert.deepEqual(rows[0].ours, values);
    assert.deepEqual(rows[0].pgs, values);
  });

  it('gives numbers, bigints, decimal text, dates and NULLs their SQL values', async () => {
    const { rows } = await db.pool.query(
      'SELECT $1::bigint[]::text[] AS ids, $2::numeric[]::text[] AS amounts, $3::date[]::text[] AS dates, $4::smallint[] AS nos, $5::bool[] AS flags',
      [arrayLiteral([1, 9007199254740993n, null]), arrayLiteral(['1234.50', '-0.01', null]), arrayLiteral(['2026-10-31', null]), arrayLiteral([1, 2, 3]), arrayLiteral([true, false, null])],
    );
    assert.deepEqual(rows[0], { ids: ['1', '9007199254740993', null], amounts: ['1234.50', '-0.01', null], dates: ['2026-10-31', null], nos: [1, 2, 3], flags: [true, false, null] });
  });

  it('gives a Date the same instant as pg does', async () => {
    const instants = [new Date('2026-09-30T21:00:00Z'), new Date(Date.UTC(2026, 9, 31, 20, 59, 59, 123)), null];
    const { rows } = await db.pool.query('SELECT $1::timestamptz[] AS ours, $2::timestamptz[] AS pgs', [arrayLiteral(instants), instants]);
    assert.deepEqual(rows[0].ours, instants);
    assert.deepEqual(rows[0].pgs, instants);
  });

  it('gives an empty array for no elements, and refuses a number that is not finite', async () => {
    const { rows } = await db.pool.query('SELECT cardinality($1::int[]) AS n', [arrayLiteral([])]);
    assert.equal(rows[0].n, 0);
    assert.throws(() => arrayLiteral([1, Number.NaN]), /element 1 is NaN/);
  });
});
