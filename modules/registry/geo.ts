/**
 * Places at the edges, metres inside (DESIGN.md "Money, time, place"). The API speaks WGS84 GeoJSON; the database
 * keeps spherical Web Mercator (EPSG:3857) metres in built-in `point`/`polygon`, whose operators compare with a fixed
 * 1e-6 tolerance: on degrees that is ~11 cm of latitude, on metres a micrometre, so nothing within a metre of a
 * polygon edge is misplaced. A polygon drawn on a web map is straight in Mercator, so projecting its vertices keeps
 * exactly the shape the user drew.
 */
import { z } from 'zod';

const R = 6378137; // EPSG:3857 sphere radius, metres
// Mercator's limit; Turkey lies between 36°N and 42°N, so anything near the poles is a typo, not a meter.
const MAX_LAT = 85.05112878;

export interface Metres { x: number; y: number }

export function toMercator(lon: number, lat: number): Metres {
  const phi = (lat * Math.PI) / 180;
  return { x: (R * lon * Math.PI) / 180, y: R * Math.log(Math.tan(Math.PI / 4 + phi / 2)) };
}

export function toLonLat(x: number, y: number): [number, number] {
  const lon = (x / R) * (180 / Math.PI);
  const lat = (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI);
  return [round7(lon), round7(lat)];
}

// 1e-7 degrees is ~1 cm: more digits would only echo floating-point noise from the round trip.
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/** Great-circle distance in metres (what a field crew walks), not the Mercator distance (which grows with latitude). */
export function groundMetres(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

export const Lon = z.number().finite().min(-180).max(180);
export const Lat = z.number().finite().min(-MAX_LAT).max(MAX_LAT);
export const Position = z.tuple([Lon, Lat]);

export const GeoPointSchema = z.object({ type: z.literal('Point'), coordinates: Position });
export type GeoPoint = z.output<typeof GeoPointSchema>;

// A ring is closed (first = last) and has at least 3 distinct corners; 10,000 corners is far beyond any hand drawing.
const Ring = z
  .array(Position)
  .min(4)
  .max(10_000)
  .refine((r) => r[0][0] === r.at(-1)![0] && r[0][1] === r.at(-1)![1], 'a ring must end where it starts');

export const GeoPolygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1).max(100) });
export type GeoPolygon = z.output<typeof GeoPolygonSchema>;

/** The SQL `point` literal, in metres. */
export function pointLiteral(lon: number, lat: number): string {
  const m = toMercator(lon, lat);
  return `(${m.x},${m.y})`;
}

/** The SQL `polygon` literal of a ring, in metres (PostgreSQL closes the ring itself, so the repeated last corner goes). */
export function polygonLiteral(ring: Array<[number, number]>): string {
  return `(${ring.slice(0, -1).map(([lon, lat]) => pointLiteral(lon, lat)).join(',')})`;
}

/** A `point` column value as pg returns it ({x, y} in metres) back to GeoJSON. */
export function geoPointOf(p: { x: number; y: number }): GeoPoint {
  return { type: 'Point', coordinates: toLonLat(p.x, p.y) };
}
