/**
 * HTTP routes of alarms and rules. A rule is posted as JSON in the rule language (docs/rules.md); a post for an
 * existing code stores its next version. Validation errors name the field and store nothing.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorOf } from '../modules/access/index.ts';
import { acknowledgeAlarm, clearAlarm, listAlarms, type CallContext } from './alarm-store.ts';
import { listRules, saveRule } from './rule-store.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const AlarmId = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const Code = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/);

export function rulesRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  const ctx = (req: FastifyRequest): CallContext => ({ actor: actorOf(req), correlationId: req.id, ip: req.ip });

  app.get(
    '/api/v1/alarms',
    {
      config: { permission: 'alarms.read' },
      schema: {
        summary: 'Alarms, newest first; filter by state, meter serial and type (rule code); page with ?before=<id>',
        querystring: z.object({
          state: z.enum(['active', 'cleared', 'unacknowledged', 'acknowledged']).optional(),
          meter: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
          type: Code.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
        }),
      },
    },
    async (req) => ({ items: await listAlarms(pool, req.query) }),
  );

  app.post(
    '/api/v1/alarms/:id/acknowledge',
    { config: { permission: 'alarms.manage' }, schema: { summary: 'Acknowledge an alarm (active or cleared); acknowledging twice changes nothing', params: AlarmId } },
    async (req) => acknowledgeAlarm(pool, req.params.id, ctx(req)),
  );

  app.post(
    '/api/v1/alarms/:id/clear',
    { config: { permission: 'alarms.manage' }, schema: { summary: 'Clear an active alarm by hand', params: AlarmId } },
    async (req) => clearAlarm(pool, req.params.id, ctx(req)),
  );

  app.get(
    '/api/v1/rules',
    {
      config: { permission: 'alarms.read' },
      schema: { summary: 'Rules: the latest version of each, or every version of one code with ?code=..&versions=all', querystring: z.object({ code: Code.optional(), versions: z.enum(['latest', 'all']).default('latest') }) },
    },
    async (req) => ({ items: await listRules(pool, { code: req.query.code, allVersions: req.query.versions === 'all' }) }),
  );

  app.post(
    '/api/v1/rules',
    // The body is checked by the rule validator (field-named errors), not by a route schema.
    { config: { permission: 'rules.manage' }, schema: { summary: 'Save a rule: a new code, or the next version of an existing one (docs/rules.md)' } },
    async (req, reply) => reply.status(201).send(await saveRule(pool, req.body, actorOf(req), { correlationId: req.id, ip: req.ip })),
  );
}
