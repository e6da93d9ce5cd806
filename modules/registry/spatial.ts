/**
 * Spatial questions about installations, answered on metre coordinates with the GiST index on address.location:
 * which installations lie inside a polygon drawn on the map, and which are nearest to a point.
 */
import type pg from 'pg';
import { groundMetres, pointLiteral, polygonLiteral, toLonLat, type GeoPolygon } from './geo.ts';

export interface NearInstallation {
  installationId: number;
  addressId: number;
  commodity: string;
  /** Great-circle metres from the point asked about. */
  distanceM: number;
  coordinates: [number, number];
}

/**
 * Installation ids whose address lies inside the polygon: inside the outer ring and outside every hole. A point
 * exactly on an edge counts as inside the ring it lies on (PostgreSQL's rule), so a hole's edge belongs to the hole;
 * a point 1 cm either side of an edge is placed correctly, because the comparison is on metres.
 */
export async function installationsInPolygon(db: pg.Pool | pg.PoolClient, polygon: GeoPolygon, commodity?: string): Promise<number[]> {
  const [outer, ...holes] = polygon.coordinates.map((ring) => polygonLiteral(ring as Array<[number, number]>));
  const params: unknown[] = [outer, holes, commodity ?? null];
  const { rows } = await db.query(
    `SELECT i.id FROM address a JOIN premise p ON p.address_id = a.id JOIN installation i ON i.premise_id = p.id
      WHERE a.location <@ $1::polygon
        AND NOT EXISTS (SELECT 1 FROM unnest($2::polygon[]) h WHERE a.location <@ h)
        AND ($3::text IS NULL OR i.commodity = $3)
      ORDER BY i.id`,
    params,
  );
  return rows.map((r) => r.id);
}

/** Address ids inside the polygon (same rule as installationsInPolygon): the spatial index alone, no joins. */
export async function addressesInPolygon(db: pg.Pool | pg.PoolClient, polygon: GeoPolygon): Promise<number[]> {
  const [outer, ...holes] = polygon.coordinates.map((ring) => polygonLiteral(ring as Array<[number, number]>));
  const { rows } = await db.query(
    `SELECT a.id FROM address a WHERE a.location <@ $1::polygon AND NOT EXISTS (SELECT 1 FROM unnest($2::polygon[]) h WHERE a.location <@ h)`,
    [outer, holes],
  );
  return rows.map((r) => Number(r.id));
}

/**
 * The `limit` installations nearest to a point, optionally of one commodity and within `withinM` ground metres.
 * Ordered by Mercator distance (the index's order); over a town the Mercator scale is constant to a few parts per
 * million, so the order is the ground order and the reported distance is the great-circle one.
 */
export async function nearestInstallations(db: pg.Pool | pg.PoolClient, at: [number, number], limit: number, opts: { commodity?: string; withinM?: number } = {}): Promise<NearInstallation[]> {
  const { rows } = await db.query(
    `SELECT i.id, a.id AS address_id, i.commodity, a.location FROM address a JOIN premise p ON p.address_id = a.id JOIN installation i ON i.premise_id = p.id
      WHERE ($3::text IS NULL OR i.commodity = $3)
      ORDER BY a.location <-> $1::point LIMIT $2`,
    [pointLiteral(...at), limit, opts.commodity ?? null],
  );
  return rows
    .map((r) => {
      const coordinates = toLonLat(r.location.x, r.location.y);
      return { installationId: r.id, addressId: r.address_id, commodity: r.commodity, coordinates, distanceM: Math.round(groundMetres(at, coordinates) * 100) / 100 };
    })
    .filter((n) => opts.withinM === undefined || n.distanceM <= opts.withinM);
}
