/**
 * Test databases on a real PostgreSQL. With `DATABASE_URL` (CI points it at the machine's PostgreSQL 15) tests use
 * that server; without it they start one embedded PostgreSQL for the whole run. Each test file gets a fresh database
 * cloned from a migrated template (fast, and no state leaks between files); it is dropped afterwards.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../platform/db/embedded.ts';
import { createPool, type Pool } from '../../platform/db/pool.ts';
import { migrate } from '../../platform/db/migrate.ts';

const EMBEDDED_DIR = `.data/test-pg-${process.pid}`;
let server: Promise<{ adminUrl: string; embedded?: EmbeddedDatabase }> | undefined;
let template: Promise<string> | undefined;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function startServer() {
  server ??= (async () => {
    if (process.env.DATABASE_URL) return { adminUrl: withDatabase(process.env.DATABASE_URL, 'postgres') };
    // One server per test run: runs in parallel (CI, several developers) must never share a data directory.
    const embedded = await startEmbeddedPostgres(EMBEDDED_DIR, 0);
    return { adminUrl: withDatabase(embedded.url, 'postgres'), embedded };
  })();
  return server;
}

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const { adminUrl } = await startServer();
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** A migrated template, built once per run (its name carries the run's pid so parallel runs never share it). */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `abone_test_tpl_${process.pid}`;
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.query(`CREATE DATABASE ${name}`);
    });
    const { adminUrl } = await startServer();
    const pool = createPool(withDatabase(adminUrl, name), 2);
    await migrate(pool);
    await pool.end();
    return name;
  })();
  return template;
}

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const tpl = await migratedTemplate();
  const name = `abone_test_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`));
  const { adminUrl } = await startServer();
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, 10);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** The admin URL of the test server, for tests that create their own databases or start processes. */
export async function testServerUrl(): Promise<string> {
  return (await startServer()).adminUrl;
}

export async function stopTestServer(): Promise<void> {
  if (!server) return;
  const s = await server;
  if (template) {
    const name = await template.catch(() => undefined);
    if (name) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
  }
  if (s.embedded) {
    await s.embedded.stop();
    for (const f of [EMBEDDED_DIR, `${EMBEDDED_DIR}.secret`, `${EMBEDDED_DIR}.port`]) await rm(f, { recursive: true, force: true });
  }
}
