/**
 * Warehouses (ambar) and who reaches them. Scope is checked here, in the service, for every warehouse an operation
 * reads, takes stock out of or receives stock into: the route guard only knows that a permission is held somewhere,
 * not where, so a screen that hides warehouse B is no protection on its own.
 */
import { z } from 'zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { assertScope, audit, type Actor, type Permission } from '../access/index.ts';

// Upper case only (the table enforces it too): scopes compare codes exactly, so 'ank-01' must not be a second name.
export const WarehouseCode = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'upper-case letters, digits and -, 2 to 32 characters');
export const Region = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, 1 to 64 characters');
export const NewWarehouseSchema = z.object({
  code: WarehouseCode,
  // Control characters (NUL above all) never reach the database: PostgreSQL text cannot hold NUL.
  name: z.string().trim().min(1).max(200).regex(/^[^\p{Cc}]+$/u, 'no control characters'),
  region: Region,
});
export type NewWarehouse = z.infer<typeof NewWarehouseSchema>;

export interface Warehouse {
  code: string;
  name: string;
  region: string;
}

export interface CallContext {
  actor: Actor;
  correlationId?: string;
  ip?: string;
}

type Db = pg.Pool | pg.PoolClient;

export const meta = (ctx: CallContext) => ({ correlationId: ctx.correlationId, ip: ctx.ip });

export async function createWarehouse(pool: pg.Pool, input: NewWarehouse, ctx: CallContext): Promise<Warehouse> {
  // A manager whose role is limited to regions creates warehouses only in those regions.
  assertScope(ctx.actor, 'warehouse.manage', { region: input.region });
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query<Warehouse>(
      'INSERT INTO warehouse (code, name, region) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING RETURNING code, name, region',
      [input.code, input.name, input.region],
    );
    if (!rows.length) throw new AboneError('ABONE_ERR_WAREHOUSE_EXISTS', { code: input.code });
    await audit(c, ctx.actor, { action: 'warehouse.create', entity: 'warehouse', entityId: input.code, detail: { name: input.name, region: input.region }, ...meta(ctx) });
    return rows[0];
  });
}

/** The warehouses the actor may read, with how many meters each holds; the others are not even named. */
export async function listWarehouses(pool: pg.Pool, actor: Actor): Promise<Array<Warehouse & { inStock: number }>> {
  assertScope(actor, 'warehouse.stock.read', {}); // refuses an actor who holds the permission nowhere
  const scope = actor.permissions.get('warehouse.stock.read')!;
  // Same rule as assertScope: a warehouse list and a region list both limit, null means everywhere.
  const { rows } = await pool.query(
    `SELECT w.code, w.name, w.region, (SELECT count(*) FROM warehouse_stock s WHERE s.warehouse_code = w.code) AS "inStock"
     FROM warehouse w
     WHERE ($1::text[] IS NULL OR w.code = ANY($1)) AND ($2::text[] IS NULL OR w.region = ANY($2))
     ORDER BY w.code`,
    [scope.warehouses && [...scope.warehouses], scope.regions && [...scope.regions]],
  );
  return rows;
}

/**
 * The warehouse `code`, if the actor's `permission` reaches it; else ABONE_ERR_AUTH_OUT_OF_SCOPE. The code is checked
 * before the database is asked, so someone outside the scope gets the same 403 whether or not the warehouse exists.
 * The region is checked after, because a role may be limited to regions rather than to named warehouses.
 * With `deniedAction`, a refusal is written to the audit trail: an attempt on someone else's stock is worth knowing.
 */
export async function reachWarehouse(db: Db, ctx: CallContext, permission: Permission, code: string, deniedAction?: string): Promise<Warehouse> {
  try {
    assertScope(ctx.actor, permission, { warehouse: code });
    const found = await findWarehouse(db, code);
    if (!found) throw new AboneError('ABONE_ERR_WAREHOUSE_NOT_FOUND', { code });
    assertScope(ctx.actor, permission, { warehouse: code, region: found.region });
    return found;
  } catch (err) {
    if (deniedAction && err instanceof AboneError && err.code === 'ABONE_ERR_AUTH_OUT_OF_SCOPE') {
      await audit(db, ctx.actor, { action: deniedAction, entity: 'warehouse', entityId: code, outcome: 'denied', detail: { permission }, ...meta(ctx) });
    }
    throw err;
  }
}

export async function findWarehouse(db: Db, code: string): Promise<Warehouse | undefined> {
  const { rows } = await db.query<Warehouse>('SELECT code, name, region FROM warehouse WHERE code = $1', [code]);
  return rows[0];
}
