/**
 * Addresses, premises and installations: create and read. An address is a place, not yet personal data; it becomes
 * a subscriber's address through a subscription, so reads here are not audited, while every change is.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { audit } from '../access/index.ts';
import { addressKeys, type AddressInput, type InstallationInput } from './address-fields.ts';
import { geoPointOf, pointLiteral, type GeoPoint } from './geo.ts';
import { nameKey } from './name-key.ts';
import type { CallContext } from './parties.ts';

export interface AddressView {
  id: number;
  il: string;
  ilce: string;
  mahalle: string;
  street: string;
  buildingNo: string;
  doorNo: string | null;
  uavtCode: string | null;
  location: GeoPoint;
}

export interface InstallationView {
  id: number;
  premiseId: number;
  premiseKind: string;
  commodity: string;
  serviceLine: { material: string | null; diameterMm: string | null; lengthM: string | null; builtOn: string | null; pressureClass: string | null };
  address: AddressView;
}

const ADDRESS_COLUMNS = 'a.id, a.il, a.ilce, a.mahalle, a.street, a.building_no, a.door_no, a.uavt_code, a.location';

export const addressView = (r: any): AddressView => ({
  id: r.id,
  il: r.il,
  ilce: r.ilce,
  mahalle: r.mahalle,
  street: r.street,
  buildingNo: r.building_no,
  doorNo: r.door_no,
  uavtCode: r.uavt_code,
  location: geoPointOf(r.location),
});

const meta = (ctx: CallContext) => ({ correlationId: ctx.correlationId, ip: ctx.ip });

export async function createAddress(pool: pg.Pool, a: AddressInput, ctx: CallContext): Promise<AddressView> {
  const k = addressKeys(a);
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query(
      `INSERT INTO address AS a (il, ilce, mahalle, street, building_no, door_no, uavt_code, il_key, ilce_key, search_key, location)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::point)
       ON CONFLICT (uavt_code) WHERE uavt_code IS NOT NULL DO NOTHING
       RETURNING ${ADDRESS_COLUMNS}`,
      [a.il, a.ilce, a.mahalle, a.street, a.buildingNo, a.doorNo ?? null, a.uavtCode ?? null, k.ilKey, k.ilceKey, k.searchKey, pointLiteral(...a.location.coordinates)],
    );
    if (!rows.length) throw new AboneError('ABONE_ERR_REGISTRY_ADDRESS_EXISTS', { uavtCode: a.uavtCode });
    await audit(c, ctx.actor, { action: 'address.create', entity: 'address', entityId: rows[0].id, ...meta(ctx) });
    return addressView(rows[0]);
  });
}

export async function readAddress(pool: pg.Pool, id: number): Promise<AddressView> {
  const { rows } = await pool.query(`SELECT ${ADDRESS_COLUMNS} FROM address a WHERE a.id = $1`, [id]);
  if (!rows.length) throw new AboneError('ABONE_ERR_REGISTRY_ADDRESS_NOT_FOUND', { id });
  return addressView(rows[0]);
}

/** Addresses whose folded line holds every word of `q` in order ("ataturk cad 12" finds "Atatürk Caddesi No 12"). */
export async function searchAddresses(pool: pg.Pool, q: string, limit: number): Promise<AddressView[]> {
  const key = nameKey(q);
  if (key.replace(/ /g, '').length < 2) throw new AboneError('ABONE_ERR_REGISTRY_QUERY_TOO_SHORT', { min: 2 });
  const pattern = `%${key.split(' ').join('%')}%`; // the key holds letters, digits and spaces only: no LIKE metacharacters
  const { rows } = await pool.query(`SELECT ${ADDRESS_COLUMNS} FROM address a WHERE a.search_key LIKE $1 ORDER BY a.search_key, a.id LIMIT $2`, [pattern, limit]);
  return rows.map(addressView);
}

export async function createPremise(pool: pg.Pool, p: { addressId: number; kind: string }, ctx: CallContext): Promise<{ id: number; addressId: number; kind: string }> {
  return withTransaction(pool, async (c) => {
    const seen = await c.query('SELECT 1 FROM address WHERE id = $1', [p.addressId]);
    if (!seen.rows.length) throw new AboneError('ABONE_ERR_REGISTRY_ADDRESS_NOT_FOUND', { id: p.addressId });
    const { rows } = await c.query('INSERT INTO premise (address_id, kind) VALUES ($1, $2) RETURNING id', [p.addressId, p.kind]);
    await audit(c, ctx.actor, { action: 'premise.create', entity: 'premise', entityId: rows[0].id, ...meta(ctx) });
    return { id: rows[0].id, addressId: p.addressId, kind: p.kind };
  });
}

export async function createInstallation(pool: pg.Pool, i: InstallationInput, ctx: CallContext): Promise<InstallationView> {
  const id = await withTransaction(pool, async (c) => {
    const seen = await c.query('SELECT 1 FROM premise WHERE id = $1', [i.premiseId]);
    if (!seen.rows.length) throw new AboneError('ABONE_ERR_REGISTRY_PREMISE_NOT_FOUND', { id: i.premiseId });
    const l = i.serviceLine;
    const { rows } = await c.query(
      `INSERT INTO installation (premise_id, commodity, line_material, line_diameter_mm, line_length_m, line_built_on, pressure_class)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [i.premiseId, i.commodity, l.material ?? null, l.diameterMm ?? null, l.lengthM ?? null, l.builtOn ?? null, l.pressureClass ?? null],
    );
    await audit(c, ctx.actor, { action: 'installation.create', entity: 'installation', entityId: rows[0].id, ...meta(ctx) });
    return rows[0].id as number;
  });
  return readInstallation(pool, id);
}

export async function readInstallation(pool: pg.Pool | pg.PoolClient, id: number): Promise<InstallationView> {
  const { rows } = await pool.query(
    `SELECT i.id AS installation_id, i.premise_id, p.kind AS premise_kind, i.commodity, i.line_material, i.line_diameter_mm, i.line_length_m,
            to_char(i.line_built_on, 'YYYY-MM-DD') AS line_built_on, i.pressure_class, ${ADDRESS_COLUMNS}
       FROM installation i JOIN premise p ON p.id = i.premise_id JOIN address a ON a.id = p.address_id WHERE i.id = $1`,
    [id],
  );
  if (!rows.length) throw new AboneError('ABONE_ERR_REGISTRY_INSTALLATION_NOT_FOUND', { id });
  const r = rows[0];
  return {
    id: r.installation_id,
    premiseId: r.premise_id,
    premiseKind: r.premise_kind,
    commodity: r.commodity,
    serviceLine: { material: r.line_material, diameterMm: r.line_diameter_mm, lengthM: r.line_length_m, builtOn: r.line_built_on, pressureClass: r.pressure_class },
    address: addressView(r),
  };
}

/** What another context needs to tie a contract to an installation: its commodity and region (folded il, ilçe). */
export interface InstallationPlace {
  installationId: number;
  commodity: 'gas' | 'water' | 'electricity';
  ilKey: string;
  ilceKey: string;
}

export async function installationPlace(db: pg.Pool | pg.PoolClient, id: number): Promise<InstallationPlace> {
  const { rows } = await db.query(
    `SELECT i.id, i.commodity, a.il_key, a.ilce_key FROM installation i JOIN premise p ON p.id = i.premise_id JOIN address a ON a.id = p.address_id WHERE i.id = $1`,
    [id],
  );
  if (!rows.length) throw new AboneError('ABONE_ERR_REGISTRY_INSTALLATION_NOT_FOUND', { id });
  return { installationId: rows[0].id, commodity: rows[0].commodity, ilKey: rows[0].il_key, ilceKey: rows[0].ilce_key };
}

/** Installations at addresses matching `q` (address search), for finding parties by address. */
export async function installationsAtAddress(pool: pg.Pool, q: string, limit: number): Promise<number[]> {
  const key = nameKey(q);
  if (key.replace(/ /g, '').length < 2) throw new AboneError('ABONE_ERR_REGISTRY_QUERY_TOO_SHORT', { min: 2 });
  const { rows } = await pool.query(
    `SELECT i.id FROM address a JOIN premise p ON p.address_id = a.id JOIN installation i ON i.premise_id = p.id
      WHERE a.search_key LIKE $1 ORDER BY a.search_key, i.id LIMIT $2`,
    [`%${key.split(' ').join('%')}%`, limit],
  );
  return rows.map((r) => r.id);
}
