/**
 * Bulk load of places for imports: one COPY into a temporary table, then one statement that creates an address, a
 * premise and an installation per row, on the caller's client and inside the caller's transaction (so a batch
 * commits whole or not at all). Rows must be validated already (address-row.ts). Returns the installation ids in row
 * order.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { copyRows } from './copy-text.ts';
import type { PlaceRow } from './address-row.ts';

export async function bulkInsertPlaces(client: pg.PoolClient, rows: PlaceRow[]): Promise<number[]> {
  if (!rows.length) return [];
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS stage_place (
    n int, il text, ilce text, mahalle text, street text, building_no text, door_no text, uavt_code text,
    il_key text, ilce_key text, search_key text, x float8, y float8, premise_kind text, commodity text) ON COMMIT DELETE ROWS`);
  await copyRows(
    client,
    'stage_place',
    ['n', 'il', 'ilce', 'mahalle', 'street', 'building_no', 'door_no', 'uavt_code', 'il_key', 'ilce_key', 'search_key', 'x', 'y', 'premise_kind', 'commodity'],
    rows.map((r, n) => [n, r.il, r.ilce, r.mahalle, r.street, r.buildingNo, r.doorNo, r.uavtCode, r.ilKey, r.ilceKey, r.searchKey, r.x, r.y, r.premiseKind, r.commodity]),
  );
  try {
    // nextval is volatile, so `s` is computed once and the three inserts share its ids.
    const { rows: out } = await client.query(`
      WITH s AS (
        SELECT st.*, nextval(pg_get_serial_sequence('address', 'id')) AS aid, nextval(pg_get_serial_sequence('premise', 'id')) AS pid,
               nextval(pg_get_serial_sequence('installation', 'id')) AS iid
          FROM stage_place st ORDER BY n),
      a AS (INSERT INTO address (id, il, ilce, mahalle, street, building_no, door_no, uavt_code, il_key, ilce_key, search_key, location)
            SELECT aid, il, ilce, mahalle, street, building_no, door_no, uavt_code, il_key, ilce_key, search_key, point(x, y) FROM s),
      p AS (INSERT INTO premise (id, address_id, kind) SELECT pid, aid, premise_kind FROM s),
      i AS (INSERT INTO installation (id, premise_id, commodity) SELECT iid, pid, commodity FROM s)
      SELECT n, iid FROM s ORDER BY n`);
    return out.map((r) => Number(r.iid));
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new AboneError('ABONE_ERR_REGISTRY_ADDRESS_EXISTS', { uavtCode: '(a code in this batch)' }, { cause: err });
    throw err;
  }
}

/** The UAVT codes among `codes` that an address already has (an import reports those rows instead of failing). */
export async function existingUavtCodes(client: pg.PoolClient, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const { rows } = await client.query('SELECT uavt_code FROM address WHERE uavt_code = ANY($1::text[])', [codes]);
  return new Set(rows.map((r) => r.uavt_code));
}
