/**
 * HTTP routes of warehouses and their meter stock. The guard checks that the permission is held; the services check
 * that it reaches the warehouse in the URL (scope), so every route here is safe to call with any code.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { actorOf } from '../access/index.ts';
import { createWarehouse, listWarehouses, NewWarehouseSchema, WarehouseCode, type CallContext } from './warehouses.ts';
import { issueMeter, moveMeter, receiveMeters, type MeterDirectory } from './stock-moves.ts';
import { listMoves, listStock } from './stock-reads.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

const Serial = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
// Control characters never reach the database (PostgreSQL text cannot hold NUL).
const Reason = z.string().trim().min(1).max(500).regex(/^[^\u0000]+$/, 'no NUL');
const ByCode = z.object({ code: WarehouseCode });

export function warehouseRoutes(app: App, deps: { pool: pg.Pool; registry: MeterDirectory }): void {
  const { pool, registry } = deps;
  const ctx = (req: FastifyRequest): CallContext => ({ actor: actorOf(req), correlationId: req.id, ip: req.ip });

  app.post(
    '/api/v1/warehouses',
    { config: { permission: 'warehouse.manage' }, schema: { summary: 'Create a warehouse (code like ANK-01) in a region', body: NewWarehouseSchema } },
    async (req, reply) => reply.status(201).send(await createWarehouse(pool, req.body, ctx(req))),
  );

  app.get(
    '/api/v1/warehouses',
    { config: { permission: 'warehouse.stock.read' }, schema: { summary: 'The warehouses in my read scope, with how many meters each holds' } },
    async (req) => ({ items: await listWarehouses(pool, actorOf(req)) }),
  );

  app.get(
    '/api/v1/warehouses/:code/stock',
    {
      config: { permission: 'warehouse.stock.read' },
      schema: {
        summary: 'Meters in stock at a warehouse in my scope',
        params: ByCode,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).max(10_000_000).default(0) }),
      },
    },
    async (req) => listStock(pool, req.params.code, req.query, ctx(req)),
  );

  app.get(
    '/api/v1/warehouses/:code/moves',
    {
      config: { permission: 'warehouse.stock.read' },
      schema: {
        summary: 'Receipts, moves and issues of a warehouse in my scope, newest first (page with ?before=<id>)',
        params: ByCode,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() }),
      },
    },
    async (req) => ({ items: await listMoves(pool, req.params.code, req.query, ctx(req)) }),
  );

  app.post(
    '/api/v1/warehouses/:code/receipts',
    {
      config: { permission: 'warehouse.stock.move' },
      schema: {
        summary: 'Receive registered meters into a warehouse in my scope: all of them or none',
        params: ByCode,
        body: z.object({ serials: z.array(Serial).min(1).max(1000), reason: Reason.optional() }),
      },
    },
    async (req, reply) => reply.status(201).send({ items: await receiveMeters(pool, registry, req.params.code, req.body, ctx(req)) }),
  );

  app.post(
    '/api/v1/warehouses/:code/moves',
    {
      config: { permission: 'warehouse.stock.move' },
      schema: { summary: 'Move a meter out of a warehouse in my scope (the source) to another warehouse', params: ByCode, body: z.object({ serial: Serial, to: WarehouseCode, reason: Reason.optional() }) },
    },
    async (req, reply) => reply.status(201).send(await moveMeter(pool, req.params.code, req.body, ctx(req))),
  );

  app.post(
    '/api/v1/warehouses/:code/issues',
    {
      config: { permission: 'warehouse.stock.move' },
      schema: { summary: 'Issue a meter from a warehouse in my scope to a field crew', params: ByCode, body: z.object({ serial: Serial, reason: Reason }) },
    },
    async (req, reply) => reply.status(201).send(await issueMeter(pool, req.params.code, req.body, ctx(req))),
  );
}
