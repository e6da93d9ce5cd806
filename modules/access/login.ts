/**
 * Login with throttling. A user is locked for `lockMinutes` after `maxFailures` wrong passwords in a row; an address
 * is refused after `maxFailuresPerIp` failures within the window, whatever usernames it tries (password spraying).
 * Every attempt is audited. The answer to a failure never says whether the user exists.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { audit } from './audit.ts';
import { verifyPassword } from './passwords.ts';

export interface LoginPolicy {
  maxFailures: number;
  lockMinutes: number;
  maxFailuresPerIp: number;
  ipWindowMinutes: number;
}

export class LoginThrottle {
  private readonly byIp = new Map<string, { count: number; since: number }>();
  constructor(readonly policy: LoginPolicy) {}

  check(ip: string, now = Date.now()): void {
    const seen = this.byIp.get(ip);
    if (!seen) return;
    const windowMs = this.policy.ipWindowMinutes * 60_000;
    if (now - seen.since > windowMs) this.byIp.delete(ip);
    else if (seen.count >= this.policy.maxFailuresPerIp) throw new AboneError('ABONE_ERR_AUTH_THROTTLED', { seconds: Math.ceil((seen.since + windowMs - now) / 1000) });
  }

  fail(ip: string, now = Date.now()): void {
    const seen = this.byIp.get(ip);
    if (seen && now - seen.since <= this.policy.ipWindowMinutes * 60_000) seen.count++;
    else this.byIp.set(ip, { count: 1, since: now });
    if (this.byIp.size > 100_000) this.byIp.clear(); // bounded: addresses are unlimited
  }
}

export async function login(pool: pg.Pool, throttle: LoginThrottle, username: string, password: string, ip: string, correlationId?: string): Promise<number> {
  throttle.check(ip);
  const { rows } = await pool.query(
    `SELECT id, password_hash, status, extract(epoch FROM locked_until - now()) AS locked_for FROM app_user WHERE username = $1`,
    [username],
  );
  const user = rows[0];
  const base = { entity: 'user', entityId: username, ip, correlationId };
  if (user && user.locked_for > 0) {
    await audit(pool, 'system', { ...base, action: 'auth.login', outcome: 'denied', detail: { reason: 'locked' } });
    throw new AboneError('ABONE_ERR_AUTH_THROTTLED', { seconds: Math.ceil(user.locked_for) });
  }
  const ok = (await verifyPassword(user?.password_hash, password)) && user.status === 'active';
  if (!ok) {
    throttle.fail(ip);
    if (user) {
      await pool.query(
        `UPDATE app_user SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
         WHERE id = $1`,
        [user.id, throttle.policy.maxFailures, throttle.policy.lockMinutes],
      );
    }
    await audit(pool, 'system', { ...base, action: 'auth.login', outcome: 'failed' });
    throw new AboneError('ABONE_ERR_AUTH_INVALID_CREDENTIALS');
  }
  await pool.query('UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);
  await audit(pool, 'system', { ...base, action: 'auth.login' });
  return user.id;
}
