/**
 * The bench's PostgreSQL: `DATABASE_URL` when set, else an embedded one on `.data/bench-pg`. Each run creates fresh
 * databases (migrated, with the reading partitions the run needs) and drops them at the end.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { totalmem } from 'node:os';
import { startEmbeddedPostgres } from '../platform/db/embedded.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { migrate } from '../platform/db/migrate.ts';
import { ReadingStorage } from '../headend/index.ts';
import { postmasterOf } from './proc.ts';

export interface BenchServer {
  adminUrl: string;
  embedded: boolean;
  version: string;
  settings: string;
  /** The postmaster pid when the server runs on this machine (for its CPU), else undefined. */
  postmaster: number | undefined;
  /** A fresh migrated database; or, with `template`, a copy of that kept one (e.g. a set-up kept by `--setup-only`). */
  createDatabase(label: string, template?: string): Promise<BenchDatabase>;
  checkpoint(): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchDatabase {
  name: string;
  url: string;
  pool: Pool;
  count(): Promise<number>;
  drop(): Promise<void>;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl, application_name: 'abone-bench' });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/**
 * Memory and checkpoint settings a production server of this machine's size would have, where the embedded server
 * keeps PostgreSQL's small defaults: shared buffers a quarter of memory (the usual guide, at most 8 GB), and WAL room
 * for a batch job's writes between checkpoints (default 2 GB here: a 1,000,000-bill run writes ~4 GB).
 */
export function productionServerSettings(): Record<string, string> {
  const quarterMb = Math.floor(totalmem() / 4 / 2 ** 20);
  return { shared_buffers: `${Math.min(quarterMb, 8192)}MB`, max_wal_size: '8GB' };
}

/** `settings` apply to the embedded server only; with `DATABASE_URL` the server's own settings hold (and are printed). */
export async function openBenchServer(settings: Record<string, string> = {}): Promise<BenchServer> {
  let adminUrl: string;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    const embedded = await startEmbeddedPostgres('.data/bench-pg', 0, settings);
    adminUrl = withDatabase(embedded.url, 'postgres');
    stopEmbedded = embedded.stop;
  }
  const info = await admin(adminUrl, async (c) => {
    const v = await c.query<{ v: string; pid: number; host: string | null }>(`SELECT current_setting('server_version') AS v, pg_backend_pid() AS pid, inet_server_addr()::text AS host`);
    const s = await c.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit', 'fsync', 'wal_level', 'full_page_writes') ORDER BY name`,
    );
    const local = v.rows[0].host === null || /^(127\.|::1)/.test(v.rows[0].host);
    // Asked while the backend lives: its parent is the postmaster.
    const postmaster = local ? postmasterOf(v.rows[0].pid) : undefined;
    return { ...v.rows[0], postmaster, settings: s.rows.map((r) => `${r.name}=${r.setting}`).join(' ') };
  });
  return {
    adminUrl,
    embedded: !!stopEmbedded,
    version: info.v,
    settings: info.settings,
    postmaster: info.postmaster,
    checkpoint: () => admin(adminUrl, (c) => c.query('CHECKPOINT')).then(() => undefined),
    createDatabase: async (label: string, template?: string) => {
      const name = `abone_bench_${label}_${randomBytes(4).toString('hex')}`;
      if (template !== undefined && !/^abone_bench_\w+$/.test(template)) throw new Error(`not a bench database: ${template}`);
      await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
      const url = withDatabase(adminUrl, name);
      const pool = createPool(url, 4);
      await migrate(pool);
      return {
        name,
        url,
        pool,
        count: async () => Number((await pool.query('SELECT count(*) AS n FROM reading')).rows[0].n),
        drop: async () => {
          await pool.end();
          await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        },
      };
    },
    stop: async () => {
      await stopEmbedded?.();
    },
  };
}

/** Creates the monthly reading partitions covering [fromMs, toMs], as the head-end does on demand. */
export async function ensurePartitions(pool: Pool, fromMs: number, toMs: number): Promise<void> {
  await new ReadingStorage(pool).ensureRange(fromMs, toMs);
}
