/**
 * Which PostgreSQL this process uses: `DATABASE_URL` when set; else the embedded one another process of ours already
 * runs on the data directory; else a new embedded one started here (and stopped with this process).
 */
import { loadSettings } from '../platform/config.ts';
import { dbSettings } from '../platform/db/settings.ts';
import { startEmbeddedPostgres, runningEmbeddedUrl } from '../platform/db/embedded.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { migrate } from '../platform/db/migrate.ts';

export interface Database {
  url: string;
  pool: Pool;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(opts: { startEmbedded: boolean; runMigrations: boolean }): Promise<Database> {
  const s = loadSettings(dbSettings);
  let url = s.url;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) url = await runningEmbeddedUrl(s.embeddedDir);
  if (!url) {
    if (!opts.startEmbedded) throw new Error('No database: set DATABASE_URL, or start the system (abone start) so its embedded PostgreSQL runs');
    const db = await startEmbeddedPostgres(s.embeddedDir, s.embeddedPort);
    url = db.url;
    stopEmbedded = db.stop;
  }
  const pool = createPool(url, s.poolSize);
  if (opts.runMigrations) await migrate(pool);
  return {
    url,
    pool,
    embedded: !s.url,
    close: async () => {
      await pool.end();
      await stopEmbedded?.();
    },
  };
}
