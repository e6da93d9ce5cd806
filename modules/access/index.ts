/**
 * Access control: users, roles and permissions as data, sessions and API tokens, the route guard, scopes, the
 * append-only audit trail. This file is the context's only door.
 */
import type pg from 'pg';
import { loadSettings } from '../../platform/config.ts';
import { ensureFirstAdmin } from './bootstrap.ts';
import { syncCatalogue } from './catalogue.ts';
import { LoginThrottle } from './login.ts';
import { accessSettings } from './settings.ts';

export { PERMISSIONS, ROLES, PUBLIC, syncCatalogue, type Permission } from './catalogue.ts';
export { can, assertScope, actorName, type Actor, type Scope } from './actor.ts';
export { audit, type AuditEntry } from './audit.ts';
export { installGuard, actorOf, actorForToken, AUTHENTICATED, SESSION_COOKIE, type RouteAccess } from './guard.ts';
export { createUser, setRoles, loadActor, userIdOf, type NewUser, type RoleGrant } from './users.ts';
export { createToken, revokeToken } from './credentials.ts';
export { accessRoutes } from './routes.ts';
export { LoginThrottle } from './login.ts';
export { accessSettings } from './settings.ts';

/** Prepares access control at start-up: catalogue in the database, the first administrator, the login throttle. */
export async function startAccess(pool: pg.Pool) {
  const settings = loadSettings(accessSettings);
  await syncCatalogue(pool);
  await ensureFirstAdmin(pool, settings.adminPasswordFile);
  const throttle = new LoginThrottle(settings);
  return { settings, throttle };
}
