/**
 * Browser sessions and API tokens. Both are 256-bit random secrets handed out once; the database keeps only their
 * SHA-256, so a copy of the database opens no session. Sessions expire; tokens may; both can be revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';

const sha256 = (secret: string) => createHash('sha256').update(secret).digest();
const newSecret = () => randomBytes(32).toString('base64url');
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export async function createSession(pool: pg.Pool, userId: number, hours: number): Promise<string> {
  const secret = newSecret();
  await pool.query(`INSERT INTO user_session (id_sha256, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`, [sha256(secret), userId, hours]);
  return secret;
}

export async function sessionUser(pool: pg.Pool, secret: string): Promise<number | undefined> {
  if (!SECRET_SHAPE.test(secret)) return undefined;
  const { rows } = await pool.query(`SELECT user_id FROM user_session WHERE id_sha256 = $1 AND revoked_at IS NULL AND expires_at > now()`, [sha256(secret)]);
  return rows[0]?.user_id;
}

export async function revokeSession(pool: pg.Pool, secret: string): Promise<void> {
  if (!SECRET_SHAPE.test(secret)) return;
  await pool.query('UPDATE user_session SET revoked_at = now() WHERE id_sha256 = $1 AND revoked_at IS NULL', [sha256(secret)]);
}

export async function createToken(pool: pg.Pool, userId: number, name: string, days?: number): Promise<{ id: number; secret: string }> {
  const secret = newSecret();
  const { rows } = await pool.query(
    `INSERT INTO api_token (user_id, name, token_sha256, expires_at) VALUES ($1, $2, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(days => $4::int) END) RETURNING id`,
    [userId, name, sha256(secret), days ?? null],
  );
  return { id: rows[0].id, secret };
}

export async function tokenUser(pool: pg.Pool, secret: string): Promise<{ userId: number; name: string } | undefined> {
  if (!SECRET_SHAPE.test(secret)) return undefined;
  const { rows } = await pool.query(
    `UPDATE api_token SET last_used_at = now() WHERE token_sha256 = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
     RETURNING user_id, name`,
    [sha256(secret)],
  );
  return rows[0] && { userId: rows[0].user_id, name: rows[0].name };
}

export async function revokeToken(pool: pg.Pool, id: number): Promise<boolean> {
  const { rowCount } = await pool.query('UPDATE api_token SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return (rowCount ?? 0) > 0;
}
