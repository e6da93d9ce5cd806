/**
 * How ledger services meet the database. Every service takes either the pool (it then runs in its own transaction) or
 * a client inside the caller's transaction (a bill run posting accruals, a payment and its allocation committed
 * together). Work on one current account is serialised by a transaction-scoped advisory lock: the checks that
 * guard settlement (open amount, unallocated money, reversed or not) read sums, and two writers must not both pass
 * them. A row lock would need UPDATE privilege on append-only tables, which the ledger role does not have.
 */
import pg from 'pg';
import { withTransaction } from '../../platform/db/pool.ts';

export type Db = pg.Pool | pg.PoolClient;

export const LOCK_SPACE = 0x4c_45_44_47; // 'LEDG'

export async function inTransaction<T>(db: Db, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  if (db instanceof pg.Pool) return withTransaction(db, work);
  return work(db as pg.PoolClient);
}

export async function lockAccount(c: pg.PoolClient, accountId: number): Promise<void> {
  await c.query('SELECT pg_advisory_xact_lock($1, ($2::bigint % 2147483647)::int)', [LOCK_SPACE, accountId]);
}

export const isUniqueViolation = (err: unknown, constraint: string) =>
  (err as { code?: string; constraint?: string })?.code === '23505' && (err as { constraint?: string }).constraint === constraint;
