/**
 * Meters on the map, for the web console: where each fitted meter is (its installation's address point, EPSG:3857
 * metres) and in what state. A meter is on the map while a fitting ties it to an installation (meter_fitting is this
 * context's); the address and the meter rows belong to the registry and the head-end and are read here, never
 * written. The state is `alarm` while the meter has an active alarm, else the meter's own status.
 *
 * 100,000 meters must stay responsive, so the answer depends on the zoom: far out, meters are summed into grid cells
 * of about 32 screen pixels on the server (a few hundred cells, each with its count and how many are in each state)
 * and MapLibre clusters those cells further; close in (DETAIL_ZOOM and above), single meters inside the box, capped.
 */
import type pg from 'pg';
import { toLonLat, toMercator, type GeoPolygon } from '../registry/index.ts';

/** At this zoom and closer the map gets single meters (a town district: a few thousand at most). */
export const DETAIL_ZOOM = 14;
/** Single meters per answer at most; beyond it the answer says `truncated` and the map asks to zoom in. */
export const DETAIL_LIMIT = 5000;
const WORLD_M = 2 * Math.PI * 6378137; // the width of the Web Mercator world in metres
export const STATES = ['active', 'inactive', 'removed', 'alarm'] as const;

export interface MeterMap {
  mode: 'cells' | 'meters';
  /** Meters inside the box. */
  total: number;
  truncated: boolean;
  /** mode cells: [lon, lat, count, active, inactive, removed, alarm]; mode meters: [lon, lat, serial, state]. */
  items: Array<[number, number, number, number, number, number, number] | [number, number, string, string]>;
}

// The fitted meters with their point and state. $1..$4: the box in metres.
const FITTED = `
  SELECT m.serial, m.commodity, a.location AS loc, f.installation_id,
         CASE WHEN EXISTS (SELECT 1 FROM alarm al WHERE al.meter_id = m.id AND al.active) THEN 'alarm' ELSE m.status END AS state
    FROM meter_fitting f JOIN meter m ON m.id = f.meter_id
    JOIN installation i ON i.id = f.installation_id JOIN premise p ON p.id = i.premise_id JOIN address a ON a.id = p.address_id
   WHERE f.removed_at IS NULL`;

export async function meterMap(db: pg.Pool, bbox: [number, number, number, number], zoom: number): Promise<MeterMap> {
  const sw = toMercator(bbox[0], bbox[1]);
  const ne = toMercator(bbox[2], bbox[3]);
  const box = `(${sw.x},${sw.y}),(${ne.x},${ne.y})`;
  if (zoom >= DETAIL_ZOOM) {
    const { rows } = await db.query(
      `WITH f AS (${FITTED} AND a.location <@ $1::box)
       SELECT (SELECT count(*)::int FROM f) AS total, serial, state, loc FROM f ORDER BY serial LIMIT $2`,
      [box, DETAIL_LIMIT],
    );
    const total = rows[0]?.total ?? 0;
    return { mode: 'meters', total, truncated: total > rows.length, items: rows.map((r) => [...toLonLat(r.loc.x, r.loc.y), r.serial, r.state] as [number, number, string, string]) };
  }
  // 256-pixel tiles, 8 cells across a tile: about 32 pixels a cell at this zoom.
  const cell = WORLD_M / 2 ** Math.floor(zoom) / 8;
  const { rows } = await db.query(
    `SELECT count(*)::int AS n, avg(loc[0]) AS x, avg(loc[1]) AS y,
            count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE state = 'inactive')::int AS inactive,
            count(*) FILTER (WHERE state = 'removed')::int AS removed, count(*) FILTER (WHERE state = 'alarm')::int AS alarm
       FROM (${FITTED} AND a.location <@ $1::box) f
      GROUP BY floor(loc[0] / $2), floor(loc[1] / $2)`,
    [box, cell],
  );
  return {
    mode: 'cells',
    total: rows.reduce((s, r) => s + r.n, 0),
    truncated: false,
    items: rows.map((r) => [...toLonLat(Number(r.x), Number(r.y)), r.n, r.active, r.inactive, r.removed, r.alarm] as [number, number, number, number, number, number, number]),
  };
}

export interface MeterInPolygon { serial: string; commodity: string; state: string; installationId: number; coordinates: [number, number] }

/** Fitted meters inside a polygon drawn on the map (outside its holes), by serial, a page at a time. */
export async function metersInPolygon(db: pg.Pool, polygon: GeoPolygon, page: { offset: number; limit: number }): Promise<{ total: number; items: MeterInPolygon[] }> {
  const ring = (r: number[][]) => `(${r.slice(0, -1).map(([lon, lat]) => { const m = toMercator(lon, lat); return `(${m.x},${m.y})`; }).join(',')})`;
  const [outer, ...holes] = polygon.coordinates.map(ring);
  const { rows } = await db.query(
    `WITH f AS (${FITTED} AND a.location <@ $1::polygon AND NOT EXISTS (SELECT 1 FROM unnest($2::polygon[]) h WHERE a.location <@ h))
     SELECT (SELECT count(*)::int FROM f) AS total, serial, commodity, state, installation_id, loc FROM f ORDER BY serial OFFSET $3 LIMIT $4`,
    [outer, holes, page.offset, page.limit],
  );
  if (!rows.length && page.offset > 0) {
    const { rows: c } = await db.query(`SELECT count(*)::int AS total FROM (${FITTED} AND a.location <@ $1::polygon AND NOT EXISTS (SELECT 1 FROM unnest($2::polygon[]) h WHERE a.location <@ h)) f`, [outer, holes]);
    return { total: c[0].total, items: [] };
  }
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({ serial: r.serial, commodity: r.commodity, state: r.state, installationId: Number(r.installation_id), coordinates: toLonLat(r.loc.x, r.loc.y) })),
  };
}

/** Where the given meters are fitted now (a page of work orders on their map); meters not fitted are left out. */
export async function meterPoints(db: pg.Pool, serials: string[]): Promise<Array<{ serial: string; state: string; coordinates: [number, number] }>> {
  const { rows } = await db.query(`${FITTED} AND m.serial = ANY($1::text[]) ORDER BY m.serial`, [serials]);
  return rows.map((r) => ({ serial: r.serial, state: r.state, coordinates: toLonLat(r.loc.x, r.loc.y) }));
}
