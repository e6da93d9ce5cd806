/**
 * One address row of an import file, checked: the CSV's text fields become a place ready for COPY (keys folded,
 * coordinates projected to metres), or a reason the row is refused. Reasons are short codes naming the column, never
 * the content, so an import report can be logged and mailed.
 */
import { addressKeys, AddressSchema, COMMODITIES, PREMISE_KINDS } from './address-fields.ts';
import { toMercator } from './geo.ts';

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

const FIELD_OF: Record<string, string> = { il: 'il', ilce: 'ilce', mahalle: 'mahalle', street: 'street', buildingNo: 'building_no', doorNo: 'door_no', uavtCode: 'uavt_code', location: 'lon_lat' };
// Strict decimal degrees: no exponents, hex, spaces or thousands separators.
const DEGREES = /^-?\d{1,3}(\.\d{1,10})?$/;

/** `f` holds the 11 address columns in ADDRESS_COLUMNS order. */
export function placeRow(f: string[]): PlaceRow | { reason: string } {
  const [il, ilce, mahalle, street, buildingNo, doorNo, uavtCode, lon, lat, premiseKind, commodity] = f;
  if (!DEGREES.test(lon) || !DEGREES.test(lat)) return { reason: 'lon_lat' };
  const parsed = AddressSchema.safeParse({
    il, ilce, mahalle, street, buildingNo,
    doorNo: doorNo === '' ? undefined : doorNo,
    uavtCode: uavtCode === '' ? undefined : uavtCode,
    location: { type: 'Point', coordinates: [Number(lon), Number(lat)] },
  });
  if (!parsed.success) return { reason: FIELD_OF[String(parsed.error.issues[0].path[0])] ?? 'address' };
  if (!(PREMISE_KINDS as readonly string[]).includes(premiseKind)) return { reason: 'premise_kind' };
  if (!(COMMODITIES as readonly string[]).includes(commodity)) return { reason: 'commodity' };
  const a = parsed.data;
  const m = toMercator(...a.location.coordinates);
  return { ...a, doorNo: a.doorNo ?? null, uavtCode: a.uavtCode ?? null, ...addressKeys(a), x: m.x, y: m.y, premiseKind, commodity };
}
