/** HTTP routes of the registry: parties (sicil). Personal data leaves masked unless revealed with pii.reveal. */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorOf } from '../access/index.ts';
import { closeParty, createParty, NewPartySchema, readParty, searchParties, type CallContext } from './parties.ts';
import { placeRoutes } from './place-routes.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const PartyId = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

// The request log line would carry the query string, and `?q=` holds a name or a national id: log the path only.
const pathOnly = { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }) };

export function registryRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  const ctx = (req: FastifyRequest): CallContext => ({ actor: actorOf(req), correlationId: req.id, ip: req.ip });
  placeRoutes(app, deps);

  app.post(
    '/api/v1/parties',
    { config: { permission: 'parties.manage' }, logSerializers: pathOnly, schema: { summary: 'Register a party (person with TCKN, organisation with VKN); answered masked', body: NewPartySchema } },
    async (req, reply) => reply.status(201).send(await createParty(pool, req.body, ctx(req))),
  );

  app.get(
    '/api/v1/parties/:id',
    {
      config: { permission: 'parties.read' },
      logSerializers: pathOnly,
      schema: {
        summary: 'A party, personal data masked; ?reveal=true shows it in full (needs pii.reveal). Every read is audited',
        params: PartyId,
        querystring: z.object({ reveal: z.enum(['true', 'false']).default('false') }),
      },
    },
    async (req) => readParty(pool, req.params.id, req.query.reveal === 'true', ctx(req)),
  );

  app.get(
    '/api/v1/parties',
    {
      config: { permission: 'parties.read' },
      logSerializers: pathOnly,
      schema: {
        summary: 'Search parties by name (case- and Turkish-diacritic-insensitive) or exact TCKN/VKN; masked, audited',
        querystring: z.object({ q: z.string().min(1).max(200), limit: z.coerce.number().int().min(1).max(100).default(50) }),
      },
    },
    async (req) => ({ items: await searchParties(pool, req.query.q, req.query.limit, ctx(req)) }),
  );

  app.post(
    '/api/v1/parties/:id/close',
    { config: { permission: 'parties.manage' }, logSerializers: pathOnly, schema: { summary: 'Close a party; its personal data is anonymised after ABONE_PII_RETENTION_DAYS', params: PartyId } },
    async (req) => closeParty(pool, req.params.id, ctx(req)),
  );
}
