/** HTTP routes for addresses, premises and installations, and the registry's spatial questions. GeoJSON in and out. */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorOf } from '../access/index.ts';
import { AddressSchema, COMMODITIES, InstallationSchema, PremiseSchema } from './address-fields.ts';
import { Lat, Lon } from './geo.ts';
import type { CallContext } from './parties.ts';
import { createAddress, createInstallation, createPremise, readAddress, readInstallation, searchAddresses } from './places.ts';
import { nearestInstallations } from './spatial.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const Id = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
// Addresses are personal once tied to a subscriber: the query string (an address being searched) stays out of logs.
const pathOnly = { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }) };

export function placeRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;
  const ctx = (req: FastifyRequest): CallContext => ({ actor: actorOf(req), correlationId: req.id, ip: req.ip });

  app.post('/api/v1/addresses', { config: { permission: 'registry.manage' }, schema: { summary: 'Create an address (il, ilçe, mahalle, street, building and door no, UAVT code) with a GeoJSON Point location', body: AddressSchema } },
    async (req, reply) => reply.status(201).send(await createAddress(pool, req.body, ctx(req))));

  app.get('/api/v1/addresses/:id', { config: { permission: 'registry.read' }, schema: { summary: 'An address', params: Id } },
    async (req) => readAddress(pool, req.params.id));

  app.get('/api/v1/addresses', {
    config: { permission: 'registry.read' },
    logSerializers: pathOnly,
    schema: { summary: 'Search addresses: every word of q, in order, case- and Turkish-diacritic-insensitive', querystring: z.object({ q: z.string().min(1).max(200), limit: z.coerce.number().int().min(1).max(100).default(50) }) },
  }, async (req) => ({ items: await searchAddresses(pool, req.query.q, req.query.limit) }));

  app.post('/api/v1/premises', { config: { permission: 'registry.manage' }, schema: { summary: 'Create a premise at an address', body: PremiseSchema } },
    async (req, reply) => reply.status(201).send(await createPremise(pool, req.body, ctx(req))));

  app.post('/api/v1/installations', { config: { permission: 'registry.manage' }, schema: { summary: 'Create an installation (supply point) at a premise, with service line facts', body: InstallationSchema } },
    async (req, reply) => reply.status(201).send(await createInstallation(pool, req.body, ctx(req))));

  app.get('/api/v1/installations/:id', { config: { permission: 'registry.read' }, schema: { summary: 'An installation with its premise and address', params: Id } },
    async (req) => readInstallation(pool, req.params.id));

  app.get('/api/v1/installations/nearest', {
    config: { permission: 'registry.read' },
    schema: {
      summary: 'The installations nearest to a WGS84 point, with great-circle distances in metres',
      querystring: z.object({ lon: z.coerce.number().pipe(Lon), lat: z.coerce.number().pipe(Lat), limit: z.coerce.number().int().min(1).max(500).default(10), commodity: z.enum(COMMODITIES).optional(), withinM: z.coerce.number().positive().max(100_000).optional() }),
    },
  }, async (req) => ({ items: await nearestInstallations(pool, [req.query.lon, req.query.lat], req.query.limit, { commodity: req.query.commodity, withinM: req.query.withinM }) }));
}
