/**
 * Subscriptions on the map: the contracts inside a polygon, counts by region, and parties found by address or by a
 * point. The places come from the registry's spatial questions (by installation id); contracts are this context's.
 */
import type pg from 'pg';
import { installationsAtAddress, installationsInPolygon, nearestInstallations, partiesByIds, type CallContext, type GeoPolygon, type PartyView } from '../registry/index.ts';
import { LIVE } from './lifecycle.ts';

export interface MapSubscription { id: number; partyId: number; installationId: number; class: string; status: string; commodity: string }

/** Live contracts (active, frozen, cut-off) whose installation lies inside the polygon. */
export async function subscriptionsInPolygon(pool: pg.Pool, polygon: GeoPolygon, opts: { commodity?: string; limit?: number } = {}): Promise<{ count: number; items: MapSubscription[] }> {
  const installations = await installationsInPolygon(pool, polygon, opts.commodity);
  if (!installations.length) return { count: 0, items: [] };
  const { rows } = await pool.query(
    `SELECT id, party_id, installation_id, class, status, commodity FROM subscription WHERE installation_id = ANY($1::bigint[]) AND status = ANY($2::text[]) ORDER BY id`,
    [installations, LIVE],
  );
  const items = rows.map((r) => ({ id: Number(r.id), partyId: Number(r.party_id), installationId: Number(r.installation_id), class: r.class, status: r.status, commodity: r.commodity }));
  return { count: items.length, items: opts.limit === undefined ? items : items.slice(0, opts.limit) };
}

/** Live contracts counted by il (or il and ilçe), optionally by commodity and class: the numbers of a thematic map. */
export async function countsByRegion(pool: pg.Pool, by: 'il' | 'ilce', opts: { commodity?: string; class?: string } = {}): Promise<Array<{ il: string; ilce?: string; count: number }>> {
  const cols = by === 'il' ? 'il_key' : 'il_key, ilce_key';
  const { rows } = await pool.query(
    `SELECT ${cols}, count(*)::int AS n FROM subscription WHERE status = ANY($1::text[]) AND ($2::text IS NULL OR commodity = $2) AND ($3::text IS NULL OR class = $3)
      GROUP BY ${cols} ORDER BY ${cols}`,
    [LIVE, opts.commodity ?? null, opts.class ?? null],
  );
  return rows.map((r) => (by === 'il' ? { il: r.il_key, count: r.n } : { il: r.il_key, ilce: r.ilce_key, count: r.n }));
}

async function holdersOf(pool: pg.Pool, installationIds: number[], liveOnly: boolean): Promise<number[]> {
  if (!installationIds.length) return [];
  const { rows } = await pool.query(
    `SELECT party_id, installation_id FROM subscription WHERE installation_id = ANY($1::bigint[]) AND ($2::boolean = false OR status = ANY($3::text[])) ORDER BY started_at DESC`,
    [installationIds, liveOnly, LIVE],
  );
  const order = new Map(installationIds.map((id, i) => [id, i]));
  rows.sort((a, b) => order.get(Number(a.installation_id))! - order.get(Number(b.installation_id))!);
  return [...new Set(rows.map((r) => Number(r.party_id)))];
}

/** Parties holding (or having held) a contract at an address matching `q`; masked and audited by the registry. */
export async function partiesByAddress(pool: pg.Pool, q: string, limit: number, ctx: CallContext): Promise<PartyView[]> {
  const ids = await holdersOf(pool, await installationsAtAddress(pool, q, 500), false);
  return partiesByIds(pool, ids.slice(0, limit), 'address', ctx);
}

/** Current holders of the installations nearest to a point (within `withinM` metres), nearest first. */
export async function partiesNearPoint(pool: pg.Pool, at: [number, number], withinM: number, limit: number, ctx: CallContext): Promise<PartyView[]> {
  const near = await nearestInstallations(pool, at, Math.max(limit * 4, 20), { withinM });
  const ids = await holdersOf(pool, near.map((n) => n.installationId), true);
  return partiesByIds(pool, ids.slice(0, limit), 'point', ctx);
}
