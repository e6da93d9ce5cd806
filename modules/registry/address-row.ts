/**
 * One address row of an import file, checked: the CSV's text fields become a place ready for COPY (keys folded,
 * coordinates projected to metres), or a reason the row is refused. Reasons are short codes naming the column, never
 * the content, so an import report can be logged and mailed.
 */
import { ADDRESS_PART, COMMODITIES, FORMULA_START, PREMISE_KINDS } from './address-fields.ts';
import { toMercator } from './geo.ts';
import { nameKey } from './name-key.ts';

export const ADDRESS_COLUMNS = ['il', 'ilce', 'mahalle', 'street', 'building_no', 'door_no', 'uavt_code', 'lon', 'lat', 'premise_kind', 'commodity'] as const;

export interface PlaceRow {
  il: string;
  ilce: string;
  mahalle: string;
  street: string;
  buildingNo: string;
  doorNo: string | null;
  uavtCode: string | null;
  ilKey: string;
  ilceKey: string;
  searchKey: string;
  x: number;
  y: number;
  premiseKind: string;
  commodity: string;
}

// Strict decimal degrees: no exponents, hex, spaces or thousands separators.
const DEGREES = /^-?\d{1,3}(\.\d{1,10})?$/;

/** An address part as AddressSchema checks it (trimmed, 1..max, allowed characters, no formula start), or undefined. */
function part(raw: string, max: number): string | undefined {
  const t = raw.trim().replace(/\s+/g, ' ');
  return t.length >= 1 && t.length <= max && ADDRESS_PART.test(t) && !FORMULA_START.test(t) ? t : undefined;
}

// il and ilçe repeat across millions of rows: fold each spelling once. Bounded, since a hostile file may vary them.
const keyCache = new Map<string, string>();
function cachedKey(s: string): string {
  let k = keyCache.get(s);
  if (k === undefined) {
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(s, (k = nameKey(s)));
  }
  return k;
}

/**
 * `f` holds the 11 address columns in ADDRESS_COLUMNS order. The same rules as AddressSchema (the API's), written
 * out by hand because an import checks millions of rows and a schema object per row costs more than the COPY.
 * address-import.test.ts and the API tests hold both to the same hostile inputs.
 */
export function placeRow(f: string[]): PlaceRow | { reason: string } {
  const [il0, ilce0, mahalle0, street0, building0, door0, uavt, lon, lat, premiseKind, commodity] = f;
  if (!DEGREES.test(lon) || !DEGREES.test(lat)) return { reason: 'lon_lat' };
  const x = Number(lon), y = Number(lat);
  if (x < -180 || x > 180 || y < -85.05112878 || y > 85.05112878) return { reason: 'lon_lat' };
  const il = part(il0, 50);
  if (il === undefined) return { reason: 'il' };
  const ilce = part(ilce0, 50);
  if (ilce === undefined) return { reason: 'ilce' };
  const mahalle = part(mahalle0, 100);
  if (mahalle === undefined) return { reason: 'mahalle' };
  const street = part(street0, 150);
  if (street === undefined) return { reason: 'street' };
  const buildingNo = part(building0, 20);
  if (buildingNo === undefined) return { reason: 'building_no' };
  const doorNo = door0.trim() === '' ? null : part(door0, 20);
  if (doorNo === undefined) return { reason: 'door_no' };
  if (uavt !== '' && !/^[0-9]{10}$/.test(uavt)) return { reason: 'uavt_code' };
  if (!(PREMISE_KINDS as readonly string[]).includes(premiseKind)) return { reason: 'premise_kind' };
  if (!(COMMODITIES as readonly string[]).includes(commodity)) return { reason: 'commodity' };
  const m = toMercator(x, y);
  return {
    il, ilce, mahalle, street, buildingNo, doorNo, uavtCode: uavt === '' ? null : uavt,
    ilKey: cachedKey(il), ilceKey: cachedKey(ilce), searchKey: nameKey([street, buildingNo, doorNo ?? '', mahalle, ilce, il].join(' ')),
    x: m.x, y: m.y, premiseKind, commodity,
  };
}
