/** HTTP routes of access control: login/logout/me, users and roles, API tokens, the audit trail. */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { audit } from './audit.ts';
import { ROLES } from './catalogue.ts';
import { createSession, createToken, revokeSession, revokeToken } from './credentials.ts';
import { actorOf, AUTHENTICATED, SESSION_COOKIE } from './guard.ts';
import { login, type LoginThrottle } from './login.ts';
import { changePassword, createUser, endAllSessions, setRoles, userIdOf } from './users.ts';
import { verifyPassword } from './passwords.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

// Control characters (NUL above all) never reach the database: PostgreSQL text cannot hold NUL.
const Username = z.string().min(1).max(64).regex(/^[^\p{Cc}]+$/u, 'no control characters');
const Grant = z.object({ role: z.string().max(64), regions: z.array(z.string().max(64)).max(500).nullish(), warehouses: z.array(z.string().max(64)).max(500).nullish() });

export function accessRoutes(app: App, deps: { pool: pg.Pool; throttle: LoginThrottle; sessionHours: number; cookieSecure: boolean }): void {
  const { pool } = deps;
  const meta = (req: { id: string; ip: string }) => ({ correlationId: req.id, ip: req.ip });

  app.post(
    '/api/v1/auth/login',
    { config: { permission: 'public' }, schema: { summary: 'Log in; sets an HttpOnly session cookie', body: z.object({ username: Username, password: z.string().min(1).max(1024).regex(/^[^\u0000]+$/, 'no NUL') }) } },
    async (req, reply) => {
      const userId = await login(pool, deps.throttle, req.body.username, req.body.password, req.ip, req.id);
      const secret = await createSession(pool, userId, deps.sessionHours);
      reply.setCookie(SESSION_COOKIE, secret, { httpOnly: true, secure: deps.cookieSecure, sameSite: 'strict', path: '/', maxAge: deps.sessionHours * 3600 });
      return { username: req.body.username };
    },
  );

  app.post('/api/v1/auth/logout', { config: { permission: 'public' }, schema: { summary: 'Log out: revokes the session' } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) await revokeSession(pool, cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/v1/auth/me', { config: { permission: AUTHENTICATED }, schema: { summary: 'Who am I, and what may I do where' } }, async (req) => {
    const actor = actorOf(req);
    const permissions = Object.fromEntries(
      [...actor.permissions].map(([p, s]) => [p, { regions: s.regions && [...s.regions], warehouses: s.warehouses && [...s.warehouses] }]),
    );
    return { username: actor.username, via: actor.via, permissions };
  });

  app.post(
    '/api/v1/auth/password',
    { config: { permission: AUTHENTICATED }, schema: { summary: 'Change my password; my other sessions end', body: z.object({ current: z.string().min(1).max(1024), next: z.string().min(1).max(1024) }) } },
    async (req) => {
      const actor = actorOf(req);
      const { rows } = await pool.query('SELECT password_hash FROM app_user WHERE id = $1', [actor.userId]);
      if (!(await verifyPassword(rows[0]?.password_hash, req.body.current))) throw new AboneError('ABONE_ERR_AUTH_INVALID_CREDENTIALS');
      await changePassword(pool, actor.userId, actor.username, req.body.next, req.cookies[SESSION_COOKIE]);
      await audit(pool, actor, { action: 'user.password', entity: 'user', entityId: actor.username, ...meta(req) });
      return { ok: true };
    },
  );

  app.put(
    '/api/v1/users/:username/password',
    { config: { permission: 'users.manage' }, schema: { summary: 'Reset a user\'s password; all their sessions end', params: z.object({ username: Username }), body: z.object({ password: z.string().min(1).max(1024) }) } },
    async (req) => {
      const userId = await userIdOf(pool, req.params.username);
      await changePassword(pool, userId, req.params.username, req.body.password);
      await audit(pool, actorOf(req), { action: 'user.password.reset', entity: 'user', entityId: req.params.username, ...meta(req) });
      return { ok: true };
    },
  );

  app.put(
    '/api/v1/users/:username/status',
    { config: { permission: 'users.manage' }, schema: { summary: 'Disable or enable a user; disabling ends their sessions and tokens at once', params: z.object({ username: Username }), body: z.object({ status: z.enum(['active', 'disabled']) }) } },
    async (req) => {
      const userId = await userIdOf(pool, req.params.username);
      await pool.query('UPDATE app_user SET status = $2 WHERE id = $1', [userId, req.body.status]);
      if (req.body.status === 'disabled') await endAllSessions(pool, userId);
      await audit(pool, actorOf(req), { action: 'user.status', entity: 'user', entityId: req.params.username, detail: { status: req.body.status }, ...meta(req) });
      return { username: req.params.username, status: req.body.status };
    },
  );

  app.get('/api/v1/users', { config: { permission: 'users.manage' }, schema: { summary: 'Users with their roles and scopes' } }, async () => {
    const { rows } = await pool.query(
      `SELECT u.username, u.display_name AS "displayName", u.status,
              coalesce(json_agg(json_build_object('role', ur.role, 'regions', ur.regions, 'warehouses', ur.warehouses)) FILTER (WHERE ur.role IS NOT NULL), '[]') AS roles
       FROM app_user u LEFT JOIN user_role ur ON ur.user_id = u.id GROUP BY u.id ORDER BY u.username`,
    );
    return { items: rows, roles: Object.entries(ROLES).map(([code, r]) => ({ code, name: r.name, permissions: r.permissions })) };
  });

  app.post(
    '/api/v1/users',
    { config: { permission: 'users.manage' }, schema: { summary: 'Create a user', body: z.object({ username: Username, displayName: z.string().min(1).max(200), password: z.string().max(1024), roles: z.array(Grant).max(20) }) } },
    async (req, reply) => {
      await createUser(pool, req.body);
      await audit(pool, actorOf(req), { action: 'user.create', entity: 'user', entityId: req.body.username, detail: { roles: req.body.roles }, ...meta(req) });
      return reply.status(201).send({ username: req.body.username });
    },
  );

  app.put(
    '/api/v1/users/:username/roles',
    { config: { permission: 'users.manage' }, schema: { summary: 'Replace a user\'s roles and scopes', params: z.object({ username: Username }), body: z.object({ roles: z.array(Grant).max(20) }) } },
    async (req) => {
      const userId = await userIdOf(pool, req.params.username);
      await setRoles(pool, userId, req.body.roles);
      await audit(pool, actorOf(req), { action: 'user.roles', entity: 'user', entityId: req.params.username, detail: { roles: req.body.roles }, ...meta(req) });
      return { username: req.params.username, roles: req.body.roles };
    },
  );

  app.post(
    '/api/v1/tokens',
    { config: { permission: 'users.manage' }, schema: { summary: 'Issue an API token acting as a user; the secret is shown once', body: z.object({ username: Username, name: z.string().min(1).max(100), days: z.number().int().min(1).max(3650).optional() }) } },
    async (req, reply) => {
      const userId = await userIdOf(pool, req.body.username);
      const token = await createToken(pool, userId, req.body.name, req.body.days);
      await audit(pool, actorOf(req), { action: 'token.issue', entity: 'api_token', entityId: token.id, detail: { username: req.body.username, name: req.body.name }, ...meta(req) });
      return reply.status(201).send({ id: token.id, token: token.secret });
    },
  );

  app.delete('/api/v1/tokens/:id', { config: { permission: 'users.manage' }, schema: { summary: 'Revoke an API token', params: z.object({ id: z.coerce.number().int().positive() }) } }, async (req) => {
    const revoked = await revokeToken(pool, req.params.id);
    await audit(pool, actorOf(req), { action: 'token.revoke', entity: 'api_token', entityId: req.params.id, outcome: revoked ? 'ok' : 'failed', ...meta(req) });
    return { revoked };
  });

  app.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        summary: 'The audit trail, newest first: who did what to which record (e.g. who looked at this subscriber)',
        querystring: z.object({ entity: z.string().max(64).optional(), entityId: z.string().max(128).optional(), actor: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      },
    },
    async (req) => {
      const q = req.query;
      const { rows } = await pool.query(
        `SELECT id, at, actor, action, entity, entity_id AS "entityId", outcome, detail, correlation_id AS "correlationId", ip FROM audit_log
         WHERE ($1::text IS NULL OR entity = $1) AND ($2::text IS NULL OR entity_id = $2) AND ($3::text IS NULL OR actor = $3)
         ORDER BY id DESC LIMIT $4`,
        [q.entity ?? null, q.entityId ?? null, q.actor ?? null, q.limit],
      );
      return { items: rows };
    },
  );
}

