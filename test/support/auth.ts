/** Users for tests: created through the real access module, logged in through the real login route. */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createUser, syncCatalogue, SESSION_COOKIE, type RoleGrant } from '../../modules/access/index.ts';

interface Injector {
  inject(opts: { method: string; url: string; payload?: unknown }): Promise<{ statusCode: number; cookies: Array<{ name: string; value: string }>; body: string }>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** Creates a user holding `roles` and returns the cookie header of a fresh session. */
export async function sessionAs(app: Injector, pool: pg.Pool, roles: RoleGrant[]): Promise<{ cookie: string; username: string }> {
  await syncCatalogue(pool);
  const username = `t-${roles.map((r) => r.role).join('-').slice(0, 40)}-${randomBytes(3).toString('hex')}`.replace(/_/g, '.');
  await createUser(pool, { username, displayName: username, password: TEST_PASSWORD, roles });
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const session = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
  return { cookie: `${SESSION_COOKIE}=${session.value}`, username };
}
