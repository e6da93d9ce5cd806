/**
 * The first administrator. On a first start (no users at all) the system creates user `admin` with a random
 * password and writes that password to a file only the process owner can read; the log names the file, never the
 * password. Operators log in, create their own users, and delete the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { contextLogger } from '../../platform/logger.ts';
import { audit } from './audit.ts';
import { createUser, userCount } from './users.ts';

const log = contextLogger('access');

export async function ensureFirstAdmin(pool: pg.Pool, passwordFile: string): Promise<boolean> {
  if ((await userCount(pool)) > 0) return false;
  const password = randomBytes(18).toString('base64url');
  await mkdir(path.dirname(path.resolve(passwordFile)), { recursive: true });
  await writeFile(passwordFile, password + '\n', { mode: 0o600 });
  try {
    await createUser(pool, { username: 'admin', displayName: 'Administrator', password, roles: [{ role: 'admin' }] });
  } catch (err) {
    if ((err as { code?: string }).code === 'ABONE_ERR_AUTH_USER_EXISTS') return false; // another process was first
    throw err;
  }
  await audit(pool, 'system', { action: 'user.create', entity: 'user', entityId: 'admin', detail: { reason: 'first start' } });
  log.warn({ file: path.resolve(passwordFile) }, 'first start: user admin created; its password is in this file (read it, log in, delete the file)');
  return true;
}
