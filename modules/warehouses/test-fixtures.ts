/** Shared set-up of the warehouse tests: registered meters, HTTP calls as a session, what a warehouse holds. */
import type pg from 'pg';
import { DeviceRegistry } from '../../headend/index.ts';
import type { App } from '../../server/index.ts';

export type Who = { cookie?: string; token?: string };

export async function registerMeters(pool: pg.Pool, serials: string[]): Promise<void> {
  const registry = new DeviceRegistry(pool);
  await registry.upsertModel({ code: 'WH-G4', manufacturer: 'Test', commodity: 'gas', channels: [{ channel: 'volume' }] });
  await registry.addMeters(serials.map((serial) => ({ serial, model: 'WH-G4' })));
}

export function caller(app: App) {
  return (who: Who, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: who.token ? { authorization: `Bearer ${who.token}` } : { cookie: who.cookie! } });
}

/** Everything that says what a warehouse holds and how it got there: equal before and after means untouched. */
export async function snapshot(pool: pg.Pool, code: string) {
  const { rows: stock } = await pool.query('SELECT serial, since FROM warehouse_stock WHERE warehouse_code = $1 ORDER BY serial', [code]);
  const { rows: moves } = await pool.query('SELECT count(*) AS n, max(id) AS last FROM stock_move WHERE from_code = $1 OR to_code = $1', [code]);
  return { stock, moves: moves[0] };
}

export async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  return (await pool.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n;
}
