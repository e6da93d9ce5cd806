/** Shared set-up of the work order tests: actors without HTTP, crews, and what the tables hold. */
import type pg from 'pg';
import type { Actor, Permission } from '../access/index.ts';
import type { App } from '../../server/index.ts';
import { DeviceRegistry } from '../../headend/index.ts';
import { createCrew } from './crews.ts';

const EVERYWHERE = { regions: null, warehouses: null };

/** An actor holding `permissions` everywhere (or in `regions`), as the guard would hand it to a service. */
export function actor(permissions: Permission[], userId = 1, regions?: string[]): Actor {
  const scope = regions ? { regions: new Set(regions), warehouses: null } : EVERYWHERE;
  return { userId, username: `user${userId}`, via: 'session', permissions: new Map(permissions.map((p) => [p, scope])) };
}

export const dispatcher = actor(['workorders.read', 'workorders.manage', 'calibration.record'], 1);

export async function crew(pool: pg.Pool, code: string, region: string, skills: string[], capacity: number, members: number[] = []) {
  return createCrew(pool, { code, name: `Ekip ${code}`, region, skills, capacity, members }, { actor: dispatcher });
}

export async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  return (await pool.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n;
}

/** Everything work orders own: equal before and after means nothing changed. */
export async function snapshot(pool: pg.Pool) {
  const q = async (sql: string) => (await pool.query(sql)).rows;
  return {
    orders: await q('SELECT id, status, crew_id, closing_code, sla_due_at, hold_started_at, closed_at FROM work_order ORDER BY id'),
    trail: await q('SELECT count(*)::int AS n, max(id) AS last FROM work_order_event'),
    photos: await q('SELECT count(*)::int AS n FROM work_order_photo'),
    notices: await q('SELECT count(*)::int AS n FROM notice'),
    calibrations: await q('SELECT count(*)::int AS n FROM calibration'),
    crews: await q('SELECT id, code, capacity FROM crew ORDER BY id'),
  };
}

export async function registerMeter(pool: pg.Pool, serial: string, commodity: 'gas' | 'water', model = commodity === 'gas' ? 'WO-G4' : 'WO-W25'): Promise<DeviceRegistry> {
  const registry = new DeviceRegistry(pool);
  await registry.upsertModel({ code: model, manufacturer: 'Test', commodity, channels: [{ channel: 'volume' }] });
  await registry.addMeters([{ serial, model }]);
  return registry;
}

export type Who = { cookie: string };
export function caller(app: App) {
  return (who: Who | undefined, method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, payload, headers: who ? { cookie: who.cookie } : {} });
}
