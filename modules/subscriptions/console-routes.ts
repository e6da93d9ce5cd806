/**
 * Read routes the web console needs from this context (docs/web.md): meters on the map (grid cells far out, single
 * meters close in), the meters inside a polygon drawn on the map, and a party's contracts for the subscriber 360.
 * Registered by subscriptionRoutes; reads only.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { GeoPolygonSchema, Lat, Lon } from '../registry/index.ts';
import { meterMap, meterPoints, metersInPolygon } from './meter-map.ts';
import { partySubscriptions } from './party-subscriptions.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const Page = { offset: z.coerce.number().int().min(0).max(10_000_000).default(0), limit: z.coerce.number().int().min(1).max(500).default(50) };

export function consoleReadRoutes(app: App, deps: { pool: pg.Pool }): void {
  const { pool } = deps;

  app.get('/api/v1/meter-map', {
    config: { permission: 'meters.read' },
    schema: {
      summary: 'Fitted meters in a WGS84 box: summed into grid cells below zoom 14 ([lon, lat, count, active, inactive, removed, alarm]), single meters from zoom 14 ([lon, lat, serial, state], at most 5000)',
      querystring: z.object({ west: z.coerce.number().pipe(Lon), south: z.coerce.number().pipe(Lat), east: z.coerce.number().pipe(Lon), north: z.coerce.number().pipe(Lat), zoom: z.coerce.number().min(0).max(24) }),
    },
  }, async (req) => {
    const q = req.query;
    return meterMap(pool, [Math.min(q.west, q.east), Math.min(q.south, q.north), Math.max(q.west, q.east), Math.max(q.south, q.north)], q.zoom);
  });

  app.post('/api/v1/meter-map/within', {
    config: { permission: 'meters.read' },
    schema: { summary: 'Fitted meters inside a GeoJSON polygon (WGS84), by serial, a page at a time, with the total', body: z.object({ polygon: GeoPolygonSchema, ...Page }) },
  }, async (req) => metersInPolygon(pool, req.body.polygon, { offset: req.body.offset, limit: req.body.limit }));

  app.get('/api/v1/meter-map/points', {
    config: { permission: 'meters.read' },
    schema: { summary: 'Where the given meters (comma-separated serials, at most 100) are fitted now', querystring: z.object({ serials: z.string().regex(/^[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,99}$/, 'up to 100 serials, comma-separated') }) },
  }, async (req) => ({ items: await meterPoints(pool, req.query.serials.split(',')) }));

  app.get('/api/v1/parties/:id/subscriptions', {
    config: { permission: 'subscriptions.read' },
    schema: {
      summary: 'A party\'s contracts, newest first: installation address and point, the meter fitted now, the current account',
      params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
      querystring: z.object(Page),
    },
  }, async (req) => partySubscriptions(pool, req.params.id, req.query));
}
