/** Users, their roles and scopes, and turning a user into an Actor with the permissions its roles grant. */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { mergeGrants, type Actor } from './actor.ts';
import { ROLES } from './catalogue.ts';
import { checkStrength, hashPassword } from './passwords.ts';
import { createHash } from 'node:crypto';

export interface RoleGrant {
  role: string;
  regions?: string[] | null;
  warehouses?: string[] | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: RoleGrant[];
}

const USERNAME = /^[a-z0-9._-]{3,64}$/;

export async function createUser(pool: pg.Pool, u: NewUser): Promise<number> {
  if (!USERNAME.test(u.username)) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: 'username: 3-64 of a-z 0-9 . _ -' });
  checkStrength(u.password, u.username);
  for (const g of u.roles) if (!(g.role in ROLES)) throw new AboneError('ABONE_ERR_AUTH_ROLE_UNKNOWN', { role: g.role });
  const passwordHash = await hashPassword(u.password);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: number }>(
      'INSERT INTO app_user (username, display_name, password_hash) VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING RETURNING id',
      [u.username, u.displayName, passwordHash],
    );
    if (!rows.length) throw new AboneError('ABONE_ERR_AUTH_USER_EXISTS', { username: u.username });
    await setRoles(client, rows[0].id, u.roles);
    await client.query('COMMIT');
    return rows[0].id;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function setRoles(db: pg.Pool | pg.PoolClient, userId: number, roles: RoleGrant[]): Promise<void> {
  for (const g of roles) if (!(g.role in ROLES)) throw new AboneError('ABONE_ERR_AUTH_ROLE_UNKNOWN', { role: g.role });
  await db.query('DELETE FROM user_role WHERE user_id = $1', [userId]);
  for (const g of roles) {
    await db.query('INSERT INTO user_role (user_id, role, regions, warehouses) VALUES ($1, $2, $3, $4)', [userId, g.role, g.regions ?? null, g.warehouses ?? null]);
  }
}

export async function userCount(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query('SELECT count(*) AS n FROM app_user');
  return rows[0].n;
}

export async function loadActor(pool: pg.Pool, userId: number, via: Actor['via'], tokenName?: string): Promise<Actor | undefined> {
  const { rows } = await pool.query(
    `SELECT u.username, rp.permission, ur.regions, ur.warehouses
     FROM app_user u JOIN user_role ur ON ur.user_id = u.id JOIN role_permission rp ON rp.role = ur.role
     WHERE u.id = $1 AND u.status = 'active'`,
    [userId],
  );
  const { rows: user } = await pool.query(`SELECT username FROM app_user WHERE id = $1 AND status = 'active'`, [userId]);
  if (!user.length) return undefined;
  return { userId, username: user[0].username, via, tokenName, permissions: mergeGrants(rows) };
}

/** Sets a new password and ends the user's sessions (all but `keepSession`, the one making the change). */
export async function changePassword(pool: pg.Pool, userId: number, username: string, password: string, keepSession?: string): Promise<void> {
  checkStrength(password, username);
  await pool.query('UPDATE app_user SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE id = $1', [userId, await hashPassword(password)]);
  const keep = keepSession ? createHash('sha256').update(keepSession).digest() : null;
  await pool.query('UPDATE user_session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND ($2::bytea IS NULL OR id_sha256 <> $2)', [userId, keep]);
}

/** Ends every session and revokes every API token of a user. */
export async function endAllSessions(pool: pg.Pool, userId: number): Promise<void> {
  await pool.query('UPDATE user_session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  await pool.query('UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}

/** The user's id by username; ABONE_ERR_AUTH_USER_NOT_FOUND when there is none. */
export async function userIdOf(db: pg.Pool | pg.PoolClient, username: string): Promise<number> {
  const { rows } = await db.query('SELECT id FROM app_user WHERE username = $1', [username]);
  if (!rows.length) throw new AboneError('ABONE_ERR_AUTH_USER_NOT_FOUND', { username });
  return rows[0].id;
}
