/**
 * What changes stock: receipts into a warehouse, moves between warehouses, issues to the field. Each one is a single
 * transaction that changes `warehouse_stock`, appends to `stock_move` and writes the audit row, so a failure leaves
 * nothing half-written. Scope: stock.move on every warehouse stock leaves (the source of a move or an issue) or is
 * received into (a receipt). The destination of a move needs to exist but not to be in scope: a keeper sends meters
 * on to another warehouse, and what arrives there takes nothing out of it.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { actorName, audit } from '../access/index.ts';
import type { DeviceRegistry } from '../../headend/index.ts';
import { findWarehouse, meta, reachWarehouse, type CallContext } from './warehouses.ts';

export interface StockMove {
  id: number;
  serial: string;
  from: string | null;
  to: string | null;
  at: Date;
  actor: string;
  reason: string | null;
}

/** The part of the head-end's device registry a receipt needs: which serials are registered meters. */
export type MeterDirectory = Pick<DeviceRegistry, 'resolve' | 'cached'>;

const MOVE_COLUMNS = 'id, serial, from_code AS "from", to_code AS "to", at, actor, reason';

/**
 * Receives registered meters into warehouse `code`: all of them or none. A serial already in any warehouse's stock
 * refuses the whole receipt (a meter sits in one warehouse at most; moving it is a move, not a receipt).
 */
export async function receiveMeters(pool: pg.Pool, meters: MeterDirectory, code: string, input: { serials: string[]; reason?: string }, ctx: CallContext): Promise<StockMove[]> {
  await reachWarehouse(pool, ctx, 'warehouse.stock.move', code, 'warehouse.stock.receive');
  // Sorted, so two receipts with overlapping serials insert in the same order and wait for each other instead of
  // deadlocking.
  const serials = [...new Set(input.serials)].sort();
  if (serials.length !== input.serials.length) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: 'serials: each serial once' });
  // The registry keeps serials it did not find as unknown for a short while: a meter registered seconds ago on
  // another process may be refused until then, which is safe (nothing is received) and tells the user why.
  await meters.resolve(serials);
  const unknown = serials.filter((s) => !meters.cached(s));
  if (unknown.length) throw new AboneError('ABONE_ERR_WAREHOUSE_METER_UNREGISTERED', { serials: unknown.slice(0, 10).join(', ') + (unknown.length > 10 ? ` and ${unknown.length - 10} more` : '') });
  return withTransaction(pool, async (c) => {
    // ON CONFLICT DO NOTHING waits for a concurrent transaction holding the same serial, then sees its outcome.
    const { rows: placed } = await c.query<{ serial: string }>(
      `INSERT INTO warehouse_stock (serial, warehouse_code) SELECT s, $2::text FROM unnest($1::text[]) WITH ORDINALITY AS x(s, n) ORDER BY n
       ON CONFLICT (serial) DO NOTHING RETURNING serial`,
      [serials, code],
    );
    if (placed.length !== serials.length) {
      const taken = new Set(placed.map((r) => r.serial));
      throw new AboneError('ABONE_ERR_WAREHOUSE_METER_IN_STOCK', { serial: serials.find((s) => !taken.has(s)) });
    }
    const { rows: moves } = await c.query<StockMove>(
      `INSERT INTO stock_move (serial, from_code, to_code, actor_user_id, actor, reason)
       SELECT s, NULL, $2::text, $3::int, $4::text, $5::text FROM unnest($1::text[]) WITH ORDINALITY AS x(s, n) ORDER BY n RETURNING ${MOVE_COLUMNS}`,
      [serials, code, ctx.actor.userId, actorName(ctx.actor), input.reason ?? null],
    );
    // One audit row per receipt: stock_move keeps the per-meter history, the audit trail the act and its actor.
    await audit(c, ctx.actor, {
      action: 'warehouse.stock.receive',
      entity: 'warehouse',
      entityId: code,
      detail: { count: serials.length, serials: serials.slice(0, 100), firstMoveId: moves[0].id, lastMoveId: moves[moves.length - 1].id },
      ...meta(ctx),
    });
    return moves;
  });
}

/** Moves a meter from warehouse `from` (in the actor's stock.move scope) to warehouse `to`. */
export async function moveMeter(pool: pg.Pool, from: string, input: { serial: string; to: string; reason?: string }, ctx: CallContext): Promise<StockMove> {
  await reachWarehouse(pool, ctx, 'warehouse.stock.move', from, 'warehouse.stock.move');
  if (input.to === from) throw new AboneError('ABONE_ERR_WAREHOUSE_SAME_PLACE', { code: from });
  return withTransaction(pool, async (c) => {
    if (!(await findWarehouse(c, input.to))) throw new AboneError('ABONE_ERR_WAREHOUSE_NOT_FOUND', { code: input.to });
    await lockInStock(c, input.serial, from);
    await c.query('UPDATE warehouse_stock SET warehouse_code = $2, since = now() WHERE serial = $1', [input.serial, input.to]);
    const move = await recordMove(c, { serial: input.serial, from, to: input.to, reason: input.reason }, ctx);
    await audit(c, ctx.actor, { action: 'warehouse.stock.move', entity: 'meter', entityId: input.serial, detail: { from, to: input.to, moveId: move.id }, ...meta(ctx) });
    return move;
  });
}

/** Issues a meter from warehouse `from` to a field crew: it leaves stock, the history says why. */
export async function issueMeter(pool: pg.Pool, from: string, input: { serial: string; reason: string }, ctx: CallContext): Promise<StockMove> {
  await reachWarehouse(pool, ctx, 'warehouse.stock.move', from, 'warehouse.stock.issue');
  return withTransaction(pool, async (c) => {
    await lockInStock(c, input.serial, from);
    await c.query('DELETE FROM warehouse_stock WHERE serial = $1', [input.serial]);
    const move = await recordMove(c, { serial: input.serial, from, to: null, reason: input.reason }, ctx);
    await audit(c, ctx.actor, { action: 'warehouse.stock.issue', entity: 'meter', entityId: input.serial, detail: { from, moveId: move.id, reason: input.reason }, ...meta(ctx) });
    return move;
  });
}

/**
 * Locks the meter's stock row and checks it sits in `code`. Two moves of one meter queue on this lock; the second
 * then reads where the first put it (or that it left stock) and is refused, so a meter never moves twice.
 */
async function lockInStock(c: pg.PoolClient, serial: string, code: string): Promise<void> {
  const { rows } = await c.query<{ warehouse_code: string }>('SELECT warehouse_code FROM warehouse_stock WHERE serial = $1 FOR UPDATE', [serial]);
  if (rows[0]?.warehouse_code !== code) throw new AboneError('ABONE_ERR_WAREHOUSE_METER_NOT_IN_STOCK', { serial, code });
}

async function recordMove(c: pg.PoolClient, m: { serial: string; from: string | null; to: string | null; reason?: string }, ctx: CallContext): Promise<StockMove> {
  const { rows } = await c.query<StockMove>(
    `INSERT INTO stock_move (serial, from_code, to_code, actor_user_id, actor, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${MOVE_COLUMNS}`,
    [m.serial, m.from, m.to, ctx.actor.userId, actorName(ctx.actor), m.reason ?? null],
  );
  return rows[0];
}
