/**
 * Spatial questions on hand-checked points: a polygon's edges (points 5 cm and 50 cm either side, on straight and
 * slanted edges, and around a hole), why degrees would misplace them, and the nearest installations to a point with
 * distances worked out by hand.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { addressesInPolygon, createAddress, createInstallation, createPremise, installationsInPolygon, nearestInstallations, readAddress, toLonLat, toMercator, type CallContext, type GeoPolygon } from './index.ts';
import { actorFor } from './test-fixtures.ts';

// One degree of latitude on the 6,371,008.8 m sphere the distances use: π/180 × R.
const M_PER_DEG_LAT = 111_195.08;

describe('registry: spatial questions on metres', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let ctx: CallContext;
  const place = async (lon: number, lat: number, commodity: 'gas' | 'water' = 'gas') => {
    const a = await createAddress(db.pool, { il: 'Ankara', ilce: 'Çankaya', mahalle: 'Kızılay', street: 'Test Sokak', buildingNo: '1', location: { type: 'Point', coordinates: [lon, lat] } }, ctx);
    const p = await createPremise(db.pool, { addressId: a.id, kind: 'dwelling' }, ctx);
    return (await createInstallation(db.pool, { premiseId: p.id, commodity, serviceLine: {} }, ctx)).id;
  };
  /** The point `metres` east (negative: west) of [lon, lat], on the Mercator plane where the polygon's edges are straight. */
  const east = (lon: number, lat: number, metres: number): [number, number] => {
    const m = toMercator(lon, lat);
    const scale = 1 / Math.cos((lat * Math.PI) / 180); // Mercator metres per ground metre at this latitude
    return toLonLatExact(m.x + metres * scale, m.y);
  };
  const north = (lon: number, lat: number, metres: number): [number, number] => {
    const m = toMercator(lon, lat);
    return toLonLatExact(m.x, m.y + metres / Math.cos((lat * Math.PI) / 180));
  };
  // toLonLat rounds to 1e-7° (~1 cm), enough for the 5 cm cases below, but keep full precision for them anyway.
  const toLonLatExact = (x: number, y: number): [number, number] => [(x / 6378137) * (180 / Math.PI), (2 * Math.atan(Math.exp(y / 6378137)) - Math.PI / 2) * (180 / Math.PI)];

  before(async () => {
    db = await createTestDatabase();
    ctx = { actor: await actorFor(db.pool, 'call_centre_agent') };
  });
  after(() => db.drop());

  it('keeps a location to the centimetre through metres and back', async () => {
    const a = await createAddress(db.pool, { il: 'İstanbul', ilce: 'Kadıköy', mahalle: 'Moda', street: 'Moda Caddesi', buildingNo: '12/A', doorNo: '4', uavtCode: '1234567890', location: { type: 'Point', coordinates: [29.0251234, 40.9812345] } }, ctx);
    assert.deepEqual((await readAddress(db.pool, a.id)).location, { type: 'Point', coordinates: [29.0251234, 40.9812345] });
    assert.deepEqual(toLonLat(toMercator(32.8597, 39.9208).x, toMercator(32.8597, 39.9208).y), [32.8597, 39.9208]);
  });

  it('places points 5 cm and 50 cm either side of a polygon edge correctly, and respects a hole', async () => {
    const W = 32.85, E = 32.86, S = 39.92, N = 39.93, MID = 39.925;
    const square: GeoPolygon = { type: 'Polygon', coordinates: [[[W, S], [E, S], [E, N], [W, N], [W, S]]] };
    const cases: Array<[string, [number, number], boolean]> = [
      ['centre', [32.855, MID], true],
      ['5 cm inside the east edge', east(E, MID, -0.05), true],
      ['5 cm outside the east edge', east(E, MID, 0.05), false],
      ['50 cm outside the west edge', east(W, MID, -0.5), false],
      ['50 cm inside the west edge', east(W, MID, 0.5), true],
      ['5 cm inside the north edge', north(32.855, N, -0.05), true],
      ['5 cm outside the north edge', north(32.855, N, 0.05), false],
      ['5 cm outside the south edge', north(32.855, S, -0.05), false],
      ['on the east edge', [E, MID], true],
      ['1 km away', east(E, MID, 1000), false],
    ];
    const ids = new Map<string, number>();
    for (const [name, at] of cases) ids.set(name, await place(...at));
    const inside = new Set(await installationsInPolygon(db.pool, square));
    for (const [name, , expected] of cases) assert.equal(inside.has(ids.get(name)!), expected, name);
    assert.equal((await addressesInPolygon(db.pool, square)).length, cases.filter((c) => c[2]).length, 'one address per case');

    // Why metres: the same question on degrees (1e-6 tolerance ≈ 8.5 cm of longitude here) calls the point 5 cm
    // outside the east edge inside.
    const out5 = east(E, MID, 0.05);
    const { rows } = await db.pool.query(`SELECT point($1, $2) <@ polygon '((32.85,39.92),(32.86,39.92),(32.86,39.93),(32.85,39.93))' AS inside`, out5);
    assert.equal(rows[0].inside, true, 'degrees misplace it (which is why the registry does not store degrees)');

    // A hole: the middle ninth of the square. Its centre drops out, a point 50 cm outside the hole stays.
    const h = (f: number, g: number): [number, number] => [W + (E - W) * f, S + (N - S) * g];
    const holed: GeoPolygon = { type: 'Polygon', coordinates: [square.coordinates[0], [h(1 / 3, 1 / 3), h(2 / 3, 1 / 3), h(2 / 3, 2 / 3), h(1 / 3, 2 / 3), h(1 / 3, 1 / 3)]] };
    const besideHole = await place(...east(h(2 / 3, 0.5)[0], MID, 0.5));
    const inHoled = new Set(await installationsInPolygon(db.pool, holed));
    assert.equal(inHoled.has(ids.get('centre')!), false, 'centre is in the hole');
    assert.equal(inHoled.has(besideHole), true, '50 cm east of the hole');
    assert.equal(inHoled.has(ids.get('5 cm inside the east edge')!), true);
  });

  it('places points 50 cm either side of a slanted edge', async () => {
    // A right triangle whose long side runs from (33.00, 40.00) to (33.01, 40.01): straight on the Mercator plane.
    const tri: GeoPolygon = { type: 'Polygon', coordinates: [[[33.0, 40.0], [33.01, 40.0], [33.01, 40.01], [33.0, 40.0]]] };
    const a = toMercator(33.0, 40.0), b = toMercator(33.01, 40.01);
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    // The unit normal to the long side, pointing away from the right-angle corner (up-left, outside).
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const nx = -(b.y - a.y) / len, ny = (b.x - a.x) / len;
    const scale = 1 / Math.cos((40.005 * Math.PI) / 180);
    const at = (metres: number) => toLonLatExact(mid.x + nx * metres * scale, mid.y + ny * metres * scale);
    const outside = await place(...at(0.5));
    const inside = await place(...at(-0.5));
    const got = new Set(await installationsInPolygon(db.pool, tri));
    assert.equal(got.has(outside), false);
    assert.equal(got.has(inside), true);
  });

  it('finds the nearest installations to a point with ground distances worked out by hand', async () => {
    const o: [number, number] = [34.5, 38.5];
    const cos = Math.cos((38.5 * Math.PI) / 180); // 0.782608
    // 10 m east: 10 / (111,195.08 × 0.782608) = 0.000114903°; 20 m north: 20 / 111,195.08 = 0.000179864°.
    const e10 = await place(o[0] + 10 / (M_PER_DEG_LAT * cos), o[1]);
    const n20 = await place(o[0], o[1] + 20 / M_PER_DEG_LAT);
    const w30 = await place(o[0] - 30 / (M_PER_DEG_LAT * cos), o[1], 'water');
    await place(o[0] + 0.05, o[1]); // ~4.35 km east
    const near = await nearestInstallations(db.pool, o, 3);
    assert.deepEqual(near.map((n) => n.installationId), [e10, n20, w30]);
    assert.deepEqual(near.map((n) => Math.round(n.distanceM * 10) / 10), [10, 20, 30]);
    assert.deepEqual((await nearestInstallations(db.pool, o, 2, { commodity: 'water' })).map((n) => n.installationId)[0], w30);
    assert.deepEqual((await nearestInstallations(db.pool, o, 10, { withinM: 25 })).map((n) => n.installationId), [e10, n20]);
  });
});
