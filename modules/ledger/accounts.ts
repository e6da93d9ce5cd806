/**
 * Current accounts: one per subscription. The subscription is another context's row, known here by its id only;
 * opening is idempotent, so whoever first needs the account (the subscription's creation, a bill run) opens it.
 */
import { AboneError } from '../../platform/errors.ts';
import type { Db } from './db.ts';

export interface Account {
  id: number;
  subscriptionId: string;
  openedAt: Date;
}

const COLUMNS = 'id, subscription_id AS "subscriptionId", opened_at AS "openedAt"';
const SUBSCRIPTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function openAccount(db: Db, subscriptionId: string | number): Promise<Account> {
  const sid = String(subscriptionId);
  if (!SUBSCRIPTION_ID.test(sid)) throw new AboneError('ABONE_ERR_LEDGER_ENTRY_INVALID', { detail: 'subscriptionId: letters, digits, _ and -, 1 to 64 characters' });
  const { rows } = await db.query<Account>(
    `WITH ins AS (INSERT INTO ledger_account (subscription_id) VALUES ($1) ON CONFLICT (subscription_id) DO NOTHING RETURNING ${COLUMNS})
     SELECT * FROM ins UNION ALL SELECT ${COLUMNS} FROM ledger_account WHERE subscription_id = $1`,
    [sid],
  );
  // A concurrent first opening commits between our snapshot and our insert: then neither half saw the row.
  return rows[0] ?? accountForSubscription(db, sid);
}

export async function accountForSubscription(db: Db, subscriptionId: string | number): Promise<Account> {
  const { rows } = await db.query<Account>(`SELECT ${COLUMNS} FROM ledger_account WHERE subscription_id = $1`, [String(subscriptionId)]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND', { id: `for subscription ${String(subscriptionId)}` });
  return rows[0];
}

export async function requireAccount(db: Db, accountId: number): Promise<Account> {
  if (!Number.isSafeInteger(accountId) || accountId < 1) throw new AboneError('ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND', { id: accountId });
  const { rows } = await db.query<Account>(`SELECT ${COLUMNS} FROM ledger_account WHERE id = $1`, [accountId]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND', { id: accountId });
  return rows[0];
}
