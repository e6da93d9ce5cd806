/**
 * Opening work orders and reading them. Every source (alarm, notice, calibration, API) goes through `insertOrder`,
 * which starts the SLA clock from the type's target hours, writes the first line of the trail and tries to route the
 * order to a crew, all in the caller's transaction.
 */
import { z } from 'zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { assertScope, type Actor } from '../access/index.ts';
import type { CallContext, Doer } from './doer.ts';
import { changeTransaction, type Changes } from './events.ts';
import { ORDER_COLUMNS, ORDER_TYPES, PRIORITIES, STATUSES, type OrderType, type Priority, type WorkOrder } from './order-view.ts';
import { routeOrder } from './routing.ts';
import { appendEvent, type Trail, readTrail } from './trail.ts';


export const Serial = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const Region = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, 1 to 64 characters');
// PostgreSQL text cannot hold NUL; other control characters have no business in an address or a note either.
export const FreeText = (max: number) => z.string().trim().min(1).max(max).regex(/^[^\p{Cc}]*$/u, 'no control characters');

export const NewOrderSchema = z
  .object({
    type: z.enum(ORDER_TYPES),
    priority: z.enum(PRIORITIES).default('normal'),
    meterSerial: Serial.optional(),
    address: FreeText(500).optional(),
    region: Region.optional(),
    description: FreeText(2000).optional(),
    /** false: leave the order open for a dispatcher instead of routing it at once. */
    route: z.boolean().default(true),
  })
  .refine((o) => o.meterSerial || o.address, { message: 'a work order needs a meter serial or an address' });
export type NewOrder = z.input<typeof NewOrderSchema>;

export interface OrderInput {
  type: OrderType;
  priority: Priority;
  source: WorkOrder['source'];
  sourceRef?: string;
  meterSerial?: string;
  meterId?: number;
  address?: string;
  region?: string;
  description?: string;
  /** When the SLA clock starts (an alarm's raise time); default now. */
  clockFrom?: Date;
  route: boolean;
}

/**
 * Inserts an order and routes it. With a sourceRef already used by the same source, nothing is inserted and
 * undefined comes back: the caller reads the existing order (idempotent sources).
 */
export async function insertOrder(c: pg.PoolClient, input: OrderInput, doer: Doer, changes: Changes): Promise<WorkOrder | undefined> {
  const { rows } = await c.query<{ id: number }>(
    `INSERT INTO work_order (type, priority, source, source_ref, meter_serial, meter_id, address, region, description, sla_due_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()) + t.sla_hours * interval '1 hour'
     FROM work_order_type t WHERE t.code = $1
     ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING RETURNING id`,
    [input.type, input.priority, input.source, input.sourceRef ?? null, input.meterSerial ?? null, input.meterId ?? null, input.address ?? null, input.region ?? null, input.description ?? null, input.clockFrom ?? null],
  );
  if (!rows.length) return undefined;
  const id = rows[0].id;
  await appendEvent(c, { orderId: id, kind: 'created', doer, toStatus: 'open', text: `${input.source}${input.sourceRef ? ` ${input.sourceRef}` : ''}` });
  let order = await lockOrder(c, id);
  await changes.add(c, { kind: 'created', orderId: id, type: order.type, status: order.status, region: order.region, crew: null });
  if (input.route) {
    const crew = await routeOrder(c, order);
    if (crew) {
      await c.query(`UPDATE work_order SET crew_id = $2, status = 'assigned' WHERE id = $1`, [id, crew.id]);
      await appendEvent(c, { orderId: id, kind: 'assignment', doer, fromStatus: 'open', toStatus: 'assigned', crewId: crew.id, text: 'routed' });
      order = await lockOrder(c, id);
      await changes.add(c, { kind: 'assigned', orderId: id, type: order.type, status: order.status, region: order.region, crew: crew.code });
    }
  }
  return order;
}

export async function createOrder(pool: pg.Pool, input: z.output<typeof NewOrderSchema>, ctx: CallContext): Promise<WorkOrder> {
  if (input.region) assertScope(ctx.actor, 'workorders.manage', { region: input.region });
  return changeTransaction(pool, async (c, changes) => (await insertOrder(c, { ...input, source: 'api' }, ctx.actor, changes))!);
}

/** The order, locked for the rest of the transaction; ABONE_ERR_WORKORDER_NOT_FOUND when there is none. */
export async function lockOrder(c: pg.PoolClient, id: number): Promise<WorkOrder> {
  const { rows } = await c.query<WorkOrder>(`SELECT ${ORDER_COLUMNS} FROM work_order o WHERE o.id = $1 FOR UPDATE OF o`, [id]);
  if (!rows.length) throw new AboneError('ABONE_ERR_WORKORDER_NOT_FOUND', { id });
  return rows[0];
}

export async function findOrder(db: pg.Pool | pg.PoolClient, id: number): Promise<WorkOrder | undefined> {
  const { rows } = await db.query<WorkOrder>(`SELECT ${ORDER_COLUMNS} FROM work_order o WHERE o.id = $1`, [id]);
  return rows[0];
}

/** One order with its whole trail, if the actor's read scope reaches its region. */
export async function readOrder(pool: pg.Pool, id: number, actor: Actor): Promise<WorkOrder & { trail: Trail[] }> {
  const order = await findOrder(pool, id);
  if (!order) throw new AboneError('ABONE_ERR_WORKORDER_NOT_FOUND', { id });
  assertScope(actor, 'workorders.read', order.region ? { region: order.region } : {});
  return { ...order, trail: await readTrail(pool, id) };
}

export const OrderFilterSchema = z.object({
  region: Region.optional(),
  status: z.enum(STATUSES).optional(),
  type: z.enum(ORDER_TYPES).optional(),
  crew: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/).optional(),
  breached: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

/** Orders newest first, filtered; an actor whose read is limited to regions sees only those regions' orders. */
export async function listOrders(pool: pg.Pool, f: z.output<typeof OrderFilterSchema>, actor: Actor): Promise<WorkOrder[]> {
  assertScope(actor, 'workorders.read', {});
  const regions = actor.permissions.get('workorders.read')!.regions;
  const { rows } = await pool.query<WorkOrder>(
    `SELECT * FROM (SELECT ${ORDER_COLUMNS} FROM work_order o
       WHERE ($1::text IS NULL OR o.region = $1) AND ($2::text IS NULL OR o.status = $2) AND ($3::text IS NULL OR o.type = $3)
         AND ($4::text IS NULL OR o.crew_id = (SELECT id FROM crew WHERE code = $4)) AND ($5::bigint IS NULL OR o.id < $5)
         AND ($6::text[] IS NULL OR o.region = ANY($6))) x
     WHERE ($7::boolean IS NULL OR x.breached = $7)
     ORDER BY x.id DESC LIMIT $8`,
    [f.region ?? null, f.status ?? null, f.type ?? null, f.crew ?? null, f.before ?? null, regions && [...regions], f.breached === undefined ? null : f.breached === 'true', f.limit],
  );
  return rows;
}
