/** Reading stock and its history: both need warehouse.stock.read in scope of the warehouse asked about. */
import type pg from 'pg';
import { reachWarehouse, type CallContext } from './warehouses.ts';
import type { StockMove } from './stock-moves.ts';

export interface StockPage {
  code: string;
  total: number;
  items: Array<{ serial: string; since: Date }>;
}

export async function listStock(pool: pg.Pool, code: string, page: { limit: number; offset: number }, ctx: CallContext): Promise<StockPage> {
  await reachWarehouse(pool, ctx, 'warehouse.stock.read', code);
  const { rows } = await pool.query(
    'SELECT serial, since FROM warehouse_stock WHERE warehouse_code = $1 ORDER BY serial LIMIT $2 OFFSET $3',
    [code, page.limit, page.offset],
  );
  const { rows: total } = await pool.query('SELECT count(*) AS n FROM warehouse_stock WHERE warehouse_code = $1', [code]);
  return { code, total: total[0].n, items: rows };
}

/**
 * Moves into or out of warehouse `code`, newest first. `before` pages by move id (stable while new moves arrive,
 * unlike an offset).
 */
export async function listMoves(pool: pg.Pool, code: string, page: { limit: number; before?: number }, ctx: CallContext): Promise<StockMove[]> {
  await reachWarehouse(pool, ctx, 'warehouse.stock.read', code);
  const { rows } = await pool.query<StockMove>(
    `SELECT id, serial, from_code AS "from", to_code AS "to", at, actor, reason FROM stock_move
     WHERE (from_code = $1 OR to_code = $1) AND ($3::bigint IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $2`,
    [code, page.limit, page.before ?? null],
  );
  return rows;
}
