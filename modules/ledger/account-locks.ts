/**
 * Locking many current accounts in one round trip, for work that settles on many accounts in one transaction (a
 * bank's statement file, a payment batch). The locks are the same transaction-scoped advisory locks `lockAccount`
 * takes, acquired in ascending account id order, so two batches, or a batch and any other ascending locker, wait for
 * each other instead of deadlocking. Each lock is one entry in PostgreSQL's shared lock table (max_locks_per_transaction
 * × max_connections slots for the whole server): a batch of a few thousand accounts is fine, a million is not.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import type { Account } from './accounts.ts';
import { LOCK_SPACE } from './db.ts';

/** Locks the accounts (ascending id) and returns them in that order; any id that is not an account is refused first. */
export async function lockAccounts(c: pg.PoolClient, accountIds: readonly number[]): Promise<Account[]> {
  const ids = [...new Set(accountIds)].sort((a, b) => a - b);
  if (!ids.length) return [];
  const bad = ids.find((id) => !Number.isSafeInteger(id) || id < 1);
  if (bad !== undefined) throw new AboneError('ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND', { id: bad });
  // The ordered subquery is not flattened, so the lock function runs on its rows in id order (EXPLAIN: a Subquery
  // Scan over the Sort); the locks are only taken on rows that exist.
  const { rows } = await c.query<Account>(
    `SELECT a.id, a.subscription_id AS "subscriptionId", a.opened_at AS "openedAt", pg_advisory_xact_lock($1, (a.id % 2147483647)::int)::text AS locked
     FROM (SELECT id, subscription_id, opened_at FROM ledger_account WHERE id = ANY($2::bigint[]) ORDER BY id) a`,
    [LOCK_SPACE, ids],
  );
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id));
    throw new AboneError('ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND', { id: ids.find((id) => !found.has(id))! });
  }
  return rows.map(({ id, subscriptionId, openedAt }) => ({ id, subscriptionId, openedAt }));
}
