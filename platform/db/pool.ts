/**
 * The database pool. One `pg.Pool` per process; contexts take it from here and never open their own connections
 * (except the COPY writer, which holds a few dedicated ones). `withTransaction` is the only way to run work that
 * must commit whole.
 */
import pg from 'pg';
import { contextLogger } from '../logger.ts';

const log = contextLogger('db');

// timestamptz as JS Date (default); bigint counts (int8) as number: counts in this system stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// numeric stays a string so money is never parsed into a float.

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** `applicationName` names the connections in pg_stat_activity (a test finds a killed child's by it). */
export function createPool(connectionString: string, max = 10, applicationName = 'abone'): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000, application_name: applicationName } as pg.PoolConfig);
  // An idle client losing its connection (database restart) must not crash the process; the pool replaces it.
  pool.on('error', (err) => log.warn({ err: err.message }, 'idle database connection lost'));
  // A checked-out client whose connection drops between two queries (a database restart in the middle of a
  // transaction) emits 'error' with nobody listening, which would kill the process. The query in progress or the
  // next one fails and its caller retries; this listener only keeps the process alive.
  pool.on('connect', (client) => client.on('error', (err) => log.warn({ err: err.message }, 'database connection lost')));
  return pool;
}

export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * A transaction in two round trips: `BEGIN` and the `first` statements in one, then what `second` makes of their
 * rows together with `COMMIT`; returns `second`'s result and the rows of its statements. For work on a latency path
 * whose replies wait behind a busy event loop, where each round trip costs that wait. Several statements travel in
 * one simple query, which takes no parameters: their values must be in the text, quoted with `escapeLiteral`. Any
 * error (in a statement or in `second`) rolls everything back.
 */
export async function transactionInTwoTrips<T>(
  pool: pg.Pool,
  first: string[],
  second: (rows: any[][]) => Promise<{ statements: string[]; result: T }> | { statements: string[]; result: T },
): Promise<{ result: T; rows: any[][] }> {
  const client = await pool.connect();
  try {
    const begun = (await client.query(['BEGIN', ...first].join(';\n'))) as unknown as pg.QueryResult[];
    const { statements, result } = await second(begun.slice(1).map((r) => r.rows));
    const ended = (await client.query([...statements, 'COMMIT'].join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
    return { result, rows: Array.isArray(ended) ? ended.slice(0, -1).map((r) => r.rows) : [] };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A string as an SQL literal (PostgreSQL's quoting rules, as pg's client applies them to its parameters). */
export const escapeLiteral = (s: string): string => pg.escapeLiteral(s);

/** Any JSON-able value as a `jsonb` literal: how a statement sent in a simple query carries structured values. */
export const jsonbLiteral = (v: unknown): string => `${escapeLiteral(JSON.stringify(v))}::jsonb`;
