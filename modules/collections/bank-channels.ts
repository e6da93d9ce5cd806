/**
 * Banks and the PTT as data. Registering a channel creates its access user (role `bank_channel`, a random password
 * nobody learns: the channel only ever calls with its API token) and issues the token, returned once. On each call
 * the bank API finds the channel from the calling user, so the payment's source ('bank:<code>' or 'ptt') comes from
 * the credentials, never from the request body.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { createToken, createUser, type Actor } from '../access/index.ts';
import type { Channel } from './payment-input.ts';

export interface BankChannel {
  code: string;
  name: string;
  userId: number;
  username: string;
  active: boolean;
  /** The payments' source: 'bank:<code>' for a bank, 'ptt' for the post office. */
  source: string;
  channel: Extract<Channel, 'bank' | 'ptt'>;
}

export const BANK_CODE = /^([0-9]{4}|PTT)$/;

const usernameOf = (code: string) => (code === 'PTT' ? 'ptt' : `bank.${code}`);

function view(row: { code: string; name: string; userId: number; active: boolean }): BankChannel {
  const ptt = row.code === 'PTT';
  return { ...row, username: usernameOf(row.code), source: ptt ? 'ptt' : `bank:${row.code}`, channel: ptt ? 'ptt' : 'bank' };
}

const COLUMNS = 'code, name, user_id AS "userId", active';

/** Creates the channel, its user and its first API token; the token's secret is in the answer and nowhere else. */
export async function registerBankChannel(pool: pg.Pool, input: { code: string; name: string; actor: string }): Promise<{ channel: BankChannel; token: string }> {
  if (!BANK_CODE.test(input.code)) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: "code: the bank's four-digit EFT code, or PTT" });
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: 'name: 1 to 100 characters' });
  const username = usernameOf(input.code);
  const taken = await pool.query('SELECT 1 FROM collections_bank_channel WHERE code = $1', [input.code]);
  if (taken.rowCount) throw new AboneError('ABONE_ERR_COLLECTIONS_BANK_CHANNEL_EXISTS', { code: input.code, username });
  let userId: number;
  try {
    userId = await createUser(pool, { username, displayName: name, password: randomBytes(24).toString('base64url'), roles: [{ role: 'bank_channel' }] });
  } catch (err) {
    if (err instanceof AboneError && err.code === 'ABONE_ERR_AUTH_USER_EXISTS') throw new AboneError('ABONE_ERR_COLLECTIONS_BANK_CHANNEL_EXISTS', { code: input.code, username });
    throw err;
  }
  const { rows } = await pool.query(
    `INSERT INTO collections_bank_channel (code, name, user_id, created_by) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [input.code, name, userId, input.actor],
  );
  const token = await createToken(pool, userId, `bank-channel:${input.code}`);
  return { channel: view(rows[0]), token: token.secret };
}

export async function listBankChannels(db: pg.Pool | pg.PoolClient): Promise<BankChannel[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM collections_bank_channel ORDER BY code`);
  return rows.map(view);
}

/** The active channel the calling user is; anyone else (a cashier with a stray grant, a revoked bank) is refused. */
export async function channelOfActor(db: pg.Pool | pg.PoolClient, actor: Actor): Promise<BankChannel> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM collections_bank_channel WHERE user_id = $1 AND active`, [actor.userId]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_BANK_CHANNEL_UNKNOWN', { username: actor.username });
  return view(rows[0]);
}
