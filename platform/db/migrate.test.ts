import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { migrate } from './migrate.ts';

describe('migration runner', () => {
  let db: TestDatabase;
  let dir: string;
  before(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'abone-mig-'));
  });
  after(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies files in order, once, and refuses an edited one', async () => {
    await writeFile(path.join(dir, '0001_test_a.sql'), 'CREATE TABLE mig_a (x int);');
    await writeFile(path.join(dir, '0002_test_b.sql'), 'INSERT INTO mig_a VALUES (1);');
    assert.deepEqual(await migrate(db.pool, dir), ['0001_test_a.sql', '0002_test_b.sql']);
    assert.deepEqual(await migrate(db.pool, dir), []);
    assert.equal((await db.pool.query('SELECT count(*) AS n FROM mig_a')).rows[0].n, 1);
    await writeFile(path.join(dir, '0002_test_b.sql'), 'INSERT INTO mig_a VALUES (2);');
    await assert.rejects(migrate(db.pool, dir), /ABONE_ERR_PLATFORM_MIGRATION_CHANGED|edited after it was applied/);
  });

  it('leaves nothing half-applied when a migration fails', async () => {
    await writeFile(path.join(dir, '0003_test_c.sql'), 'CREATE TABLE mig_c (x int); SELECT 1/0;');
    await rm(path.join(dir, '0002_test_b.sql'));
    await assert.rejects(migrate(db.pool, dir), /0003_test_c.sql/);
    const { rows } = await db.pool.query(`SELECT to_regclass('mig_c') AS t`);
    assert.equal(rows[0].t, null);
  });
});
