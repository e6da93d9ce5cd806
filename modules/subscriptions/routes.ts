/** HTTP routes of subscriptions: contracts and their lifecycle, tariffs, meters on installations, map queries. */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorOf } from '../access/index.ts';
import type { DeviceRegistry } from '../../headend/index.ts';
import { COMMODITIES, GeoPolygonSchema, Lat, Lon, type CallContext } from '../registry/index.ts';
import { applyEvent, EventSchema, moveIn, MoveInSchema } from './contracts.ts';
import { CLASSES } from './lifecycle.ts';
import { countsByRegion, partiesByAddress, partiesNearPoint, subscriptionsInPolygon } from './map-queries.ts';
import { exchangeMeter, installationMeters, installMeter, meterHistory, removeMeter } from './meter-fittings.ts';
import { ReadingSchema } from './readings.ts';
import { readSubscription } from './subscription-view.ts';
import { assignTariff, TariffAssignmentSchema } from './tariffs.ts';
import { consoleReadRoutes } from './console-routes.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const Id = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const pathOnly = { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }) };
const Serial = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const MeterAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('install'), serial: Serial, reading: ReadingSchema, at: z.coerce.date().optional() }),
  z.object({ action: z.literal('exchange'), removedReading: ReadingSchema, serial: Serial, reading: ReadingSchema, at: z.coerce.date().optional() }),
  z.object({ action: z.literal('remove'), reading: ReadingSchema, at: z.coerce.date().optional() }),
]);

export function subscriptionRoutes(app: App, deps: { pool: pg.Pool; registry: DeviceRegistry }): void {
  const { pool, registry } = deps;
  const ctx = (req: FastifyRequest): CallContext => ({ actor: actorOf(req), correlationId: req.id, ip: req.ip });
  consoleReadRoutes(app, { pool }); // the web console's map and subscriber 360 reads

  app.post('/api/v1/subscriptions', { config: { permission: 'subscriptions.manage' }, schema: { summary: 'Move-in: a party takes an installation with a fitted meter, at an opening reading, on a tariff', body: MoveInSchema } },
    async (req, reply) => reply.status(201).send(await moveIn(pool, req.body, ctx(req))));

  app.get('/api/v1/subscriptions/:id', { config: { permission: 'subscriptions.read' }, schema: { summary: 'A subscription with its events, tariffs and final bill request', params: Id } },
    async (req) => readSubscription(pool, req.params.id));

  app.post('/api/v1/subscriptions/:id/events', {
    config: { permission: 'subscriptions.manage' },
    schema: { summary: 'A lifecycle event: move_out, transfer, freeze, unfreeze, cut_off, reconnect, cancel (see docs/registry.md)', params: Id, body: EventSchema },
  }, async (req) => applyEvent(pool, req.params.id, req.body, ctx(req)));

  app.post('/api/v1/subscriptions/:id/tariffs', { config: { permission: 'subscriptions.manage' }, schema: { summary: 'Assign a tariff code from a business day', params: Id, body: TariffAssignmentSchema } },
    async (req) => {
      await assignTariff(pool, req.params.id, req.body, ctx(req));
      return readSubscription(pool, req.params.id);
    });

  app.post('/api/v1/installations/:id/meters', { config: { permission: 'subscriptions.manage' }, schema: { summary: 'Install, exchange or remove the meter of an installation, with register readings', params: Id, body: MeterAction } },
    async (req) => {
      const b = req.body;
      if (b.action === 'install') return { items: await installMeter(pool, registry, req.params.id, b, ctx(req)) };
      if (b.action === 'exchange') return { items: await exchangeMeter(pool, registry, req.params.id, b, ctx(req)) };
      return { items: await removeMeter(pool, req.params.id, b, ctx(req)) };
    });

  app.get('/api/v1/installations/:id/meters', { config: { permission: 'subscriptions.read' }, schema: { summary: 'Every meter an installation has had', params: Id } },
    async (req) => ({ items: await installationMeters(pool, req.params.id) }));

  app.get('/api/v1/meter-history/:id', { config: { permission: 'subscriptions.read' }, schema: { summary: 'A meter\'s whole life on installations (meter id)', params: Id } },
    async (req) => ({ items: await meterHistory(pool, req.params.id) }));

  app.post('/api/v1/subscriptions/within', {
    config: { permission: 'subscriptions.read' },
    schema: { summary: 'Live subscriptions inside a GeoJSON polygon (WGS84)', body: z.object({ polygon: GeoPolygonSchema, commodity: z.enum(COMMODITIES).optional(), limit: z.number().int().min(1).max(100_000).default(1000) }) },
  }, async (req) => subscriptionsInPolygon(pool, req.body.polygon, { commodity: req.body.commodity, limit: req.body.limit }));

  app.get('/api/v1/subscriptions/counts', {
    config: { permission: 'subscriptions.read' },
    schema: { summary: 'Live subscriptions counted by il or ilçe', querystring: z.object({ by: z.enum(['il', 'ilce']).default('il'), commodity: z.enum(COMMODITIES).optional(), class: z.enum(CLASSES).optional() }) },
  }, async (req) => ({ items: await countsByRegion(pool, req.query.by, { commodity: req.query.commodity, class: req.query.class }) }));

  app.get('/api/v1/parties/by-address', {
    config: { permission: 'parties.read' },
    logSerializers: pathOnly,
    schema: { summary: 'Parties holding or having held a subscription at an address matching q; masked, audited', querystring: z.object({ q: z.string().min(1).max(200), limit: z.coerce.number().int().min(1).max(100).default(50) }) },
  }, async (req) => ({ items: await partiesByAddress(pool, req.query.q, req.query.limit, ctx(req)) }));

  app.get('/api/v1/parties/near', {
    config: { permission: 'parties.read' },
    logSerializers: pathOnly,
    schema: { summary: 'Current holders of the installations nearest a map point; masked, audited', querystring: z.object({ lon: z.coerce.number().pipe(Lon), lat: z.coerce.number().pipe(Lat), withinM: z.coerce.number().positive().max(5000).default(100), limit: z.coerce.number().int().min(1).max(100).default(20) }) },
  }, async (req) => ({ items: await partiesNearPoint(pool, [req.query.lon, req.query.lat], req.query.withinM, req.query.limit, ctx(req)) }));
}
