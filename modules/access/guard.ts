/**
 * The guard on every route. A route declares `config: { permission }`: a permission code, `public` (no login) or
 * `authenticated` (any logged-in actor). Registering a route without one fails at start-up, so no route can be
 * forgotten. On each request the guard finds the actor (session cookie, or `Authorization: Bearer <token>`) and
 * refuses with 401 or 403 before the handler runs. Scope (which warehouse, which region) is checked by services.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { can, type Actor } from './actor.ts';
import type { Permission } from './catalogue.ts';
import { sessionUser, tokenUser } from './credentials.ts';
import { loadActor } from './users.ts';

export const SESSION_COOKIE = 'abone_session';
export const AUTHENTICATED = 'authenticated';
export type RouteAccess = Permission | 'public' | typeof AUTHENTICATED;

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RouteAccess;
  }
  interface FastifyRequest {
    actor?: Actor;
  }
}

export function installGuard(app: FastifyInstance<any, any, any, any, any>, pool: pg.Pool): void {
  app.addHook('onRoute', (route) => {
    // The OpenAPI pages come from a plugin: they are declared public here, in one place.
    if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), permission: 'public' };
    const permission = (route.config as { permission?: string } | undefined)?.permission;
    if (!permission) throw new Error(`route ${String(route.method)} ${route.url} declares no permission (config.permission)`);
  });
  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', async (req) => {
    const permission = req.routeOptions.config?.permission;
    if (!permission || permission === 'public') return; // no permission: the 404 handler
    const actor = await authenticate(pool, req);
    if (!actor) throw new AboneError('ABONE_ERR_AUTH_REQUIRED');
    if (permission !== AUTHENTICATED && !can(actor, permission)) throw new AboneError('ABONE_ERR_AUTH_FORBIDDEN', { permission });
    req.actor = actor;
  });
}

/** The actor behind an API token, for channels other than HTTP (MQTT feed subscribers); undefined if not valid. */
export async function actorForToken(pool: pg.Pool, secret: string): Promise<Actor | undefined> {
  const token = await tokenUser(pool, secret);
  return token && loadActor(pool, token.userId, 'token', token.name);
}

async function authenticate(pool: pg.Pool, req: FastifyRequest): Promise<Actor | undefined> {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return actorForToken(pool, header.slice(7).trim());
  const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.[SESSION_COOKIE];
  if (!cookie) return undefined;
  const userId = await sessionUser(pool, cookie);
  return userId === undefined ? undefined : loadActor(pool, userId, 'session');
}

/** The actor of a guarded route (the guard guarantees it is there). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AboneError('ABONE_ERR_AUTH_REQUIRED');
  return req.actor;
}
