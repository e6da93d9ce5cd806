/**
 * The meter map in a real browser (Debian's chromium, playwright-core) against `abone start` on a test database.
 *
 * First, a polygon drawn by mouse clicks selects exactly the meters inside it. Six gas meters are fitted in six
 * Anatolian towns; the map is opened at zoom 6 over 39° N 34° E (the view is in the URL's hash) and the operator
 * clicks the four corners of the box 32.6–34.4° E × 39.0–40.2° N: Ankara, Kırıkkale and Kırşehir are inside, Konya
 * (south of 39°), Yozgat (east of 34.4°) and Eskişehir (west of 32.6°) are not.
 *
 * Then 100,000 more meters (spread over Turkey by SQL in one statement per table) and the console must stay usable:
 * far out the server sums meters into grid cells that MapLibre clusters further (a bounded number of features, not
 * 100,000 points) and the meters list shows one page. How long the map took to settle is printed, not asserted (no timing limits in tests).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { expectAccessible, loginAs as logIn, SHOTS, startConsole, type ConsoleUnderTest } from './support/browser.ts';
import { createUser, syncCatalogue } from '../modules/access/index.ts';
import { installMeter } from '../modules/subscriptions/index.ts';
import { callContext, installation, meters } from '../modules/subscriptions/test-fixtures.ts';

const PASSWORD = `Pw-${randomBytes(12).toString('hex')}`;

const TOWNS: Array<[string, number, number, boolean]> = [
  ['Ankara', 32.85, 39.93, true],
  ['Kırıkkale', 33.52, 39.85, true],
  ['Kırşehir', 34.16, 39.15, true],
  ['Konya', 32.48, 37.87, false],
  ['Yozgat', 34.81, 39.82, false],
  ['Eskişehir', 30.52, 39.78, false],
];
const BOX = { west: 32.6, east: 34.4, south: 39.0, north: 40.2 };
const VIEW = { zoom: 6, lat: 39, lon: 34 };
const BULK = 100_000;

/**
 * Where a point is drawn on the map's canvas at VIEW: Web Mercator as MapLibre draws it (512-pixel world at zoom 0),
 * relative to the middle of the map element.
 */
function pixelOf(box: { x: number; y: number; width: number; height: number }, lon: number, lat: number): { x: number; y: number } {
  const world = 512 * 2 ** VIEW.zoom;
  const mercY = (l: number) => Math.log(Math.tan(Math.PI / 4 + (l * Math.PI) / 360));
  return {
    x: box.x + box.width / 2 + ((lon - VIEW.lon) / 360) * world,
    y: box.y + box.height / 2 - ((mercY(lat) - mercY(VIEW.lat)) / (2 * Math.PI)) * world,
  };
}

describe('web console map in a real browser', function () {
  this.timeout(900_000);
  let db: TestDatabase;
  let ui: ConsoleUnderTest;
  let browser: Browser;
  let base: string;
  const serials = new Map<string, string>();

  before(async () => {
    db = await createTestDatabase();
    await syncCatalogue(db.pool);
    await createUser(db.pool, { username: 'operator', displayName: 'operator', password: PASSWORD, roles: [{ role: 'ami_operator' }] });
    const ctx = await callContext(db.pool, 'billing_clerk');
    const m = await meters(db.pool, 'gas', TOWNS.length);
    for (const [i, [town, lon, lat]] of TOWNS.entries()) {
      const inst = await installation(db.pool, ctx, { commodity: 'gas', il: town, at: [lon, lat] });
      await installMeter(db.pool, m.registry, inst, { serial: m.serials[i], reading: '0.000' }, ctx);
      serials.set(town, m.serials[i]);
    }
    ui = await startConsole(db.url, 'web-map');
    ({ base, browser } = ui);
  });
  after(async () => {
    await ui?.close();
    await db?.drop();
  });

  const loginAs = (username: string) => logIn(ui, username, PASSWORD);

  it('selects exactly the meters inside a polygon drawn by clicks on the map', async () => {
    const page = await loginAs('operator');
    await page.goto(`${base}/map#${VIEW.zoom}/${VIEW.lat}/${VIEW.lon}`);
    const map = page.locator('[data-testid="map"][data-map-ready="true"]');
    await map.waitFor();
    await page.getByTestId('map-summary').filter({ hasText: 'Görünümde 6 sayaç' }).waitFor(); // all six towns in view
    await page.getByRole('button', { name: 'Çokgen çiz' }).click();
    const box = (await map.boundingBox())!;
    const corners: Array<[number, number]> = [[BOX.west, BOX.north], [BOX.east, BOX.north], [BOX.east, BOX.south], [BOX.west, BOX.south]];
    for (const [i, [lon, lat]] of corners.entries()) {
      const p = pixelOf(box, lon, lat);
      await page.mouse.click(p.x, p.y);
      await page.locator(`[data-testid="map"][data-corners="${i + 1}"]`).waitFor(); // each click is one corner
    }
    await page.getByRole('button', { name: 'Kapat ve seç' }).click();
    await page.getByTestId('selection-total').filter({ hasText: 'Seçilen: 3 sayaç' }).waitFor();
    const listed = await page.getByTestId('selection').locator('tbody tr td:first-child').allInnerTexts();
    const inside = TOWNS.filter(([, , , inBox]) => inBox).map(([town]) => serials.get(town)!).sort();
    assert.deepEqual(listed.map((s) => s.trim()), inside);
    await expectAccessible(page, 'map with a selection');
    await page.screenshot({ path: path.join(SHOTS, 'map-selection.png') });
    await page.context().close();
  });

  it('keeps the map and the meters list bounded with 100,000 more meters: clusters of grid cells, one page of rows', async () => {
    // 100,000 gas meters of one model, each fitted at its own address spread over 26–44° E × 36–42° N.
    const model = (await db.pool.query(`SELECT model_id FROM meter WHERE serial = $1`, [serials.get('Ankara')])).rows[0].model_id;
    await db.pool.query(`INSERT INTO meter (serial, model_id, commodity) SELECT 'TOPLU-' || lpad(g::text, 6, '0'), $1, 'gas' FROM generate_series(1, $2::int) g`, [model, BULK]);
    await db.pool.query(
      `INSERT INTO address (il, ilce, mahalle, street, building_no, il_key, ilce_key, search_key, location)
       SELECT 'Toplu', 'Toplu', 'Toplu', 'Toplu Sokak', g::text, 'toplu', 'toplu', 'toplu toplu sokak ' || g,
              point(6378137 * radians(26 + 18 * ((g::bigint * 7919) % 100000) / 100000.0), 6378137 * ln(tan(pi() / 4 + radians(36 + 6 * ((g::bigint * 104729) % 100000) / 100000.0) / 2)))
         FROM generate_series(1, $1::int) g`,
      [BULK],
    );
    await db.pool.query(`INSERT INTO premise (address_id, kind) SELECT id, 'dwelling' FROM address WHERE street = 'Toplu Sokak'`);
    await db.pool.query(`INSERT INTO installation (premise_id, commodity) SELECT p.id, 'gas' FROM premise p JOIN address a ON a.id = p.address_id WHERE a.street = 'Toplu Sokak'`);
    await db.pool.query(
      `INSERT INTO meter_fitting (installation_id, meter_id, installed_at, installed_reading)
       SELECT i.id, m.id, now(), 0 FROM installation i JOIN premise p ON p.id = i.premise_id JOIN address a ON a.id = p.address_id
         JOIN meter m ON m.serial = 'TOPLU-' || lpad(a.building_no, 6, '0') WHERE a.street = 'Toplu Sokak'`,
    );
    await db.pool.query('ANALYZE meter, address, premise, installation, meter_fitting');
    const fitted = (await db.pool.query(`SELECT count(*)::int AS n FROM meter_fitting WHERE removed_at IS NULL`)).rows[0].n;
    assert.equal(fitted, BULK + TOWNS.length);

    const page = await loginAs('operator');
    const started = Date.now();
    await page.getByRole('link', { name: 'Harita' }).click();
    // The whole country at the opening zoom: every meter counted, summed into grid cells on the server and
    // clustered by MapLibre, so the source holds a few dozen features and fewer still are drawn.
    await page.getByTestId('map-summary').filter({ hasText: 'Görünümde 100.006 sayaç (ızgarada toplanmış, kümelenmiş)' }).waitFor();
    // Drawn: the map went idle with the answer's features on the canvas.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="map"]')?.getAttribute('data-rendered') ?? 0) > 0);
    console.log(`      map of ${BULK + TOWNS.length} meters drawn and idle ${Date.now() - started} ms after the click (printed, not asserted)`);
    const attr = async (name: string) => Number(await page.getByTestId('map').getAttribute(name));
    const [cells, drawn, clusters] = [await attr('data-source-features'), await attr('data-rendered'), await attr('data-rendered-clusters')];
    console.log(`      grid cells in the answer: ${cells}; features drawn: ${drawn}, of them MapLibre clusters: ${clusters}`);
    assert.ok(cells > 0 && cells <= 1000, `grid cells in the answer: ${cells}`);
    assert.ok(drawn > 0 && drawn <= cells, `features drawn: ${drawn}`);
    assert.ok(clusters > 0, 'MapLibre clusters the cells further at this zoom');
    await page.screenshot({ path: path.join(SHOTS, 'map-100k.png') });

    // The meters list: the total, and one page of 50 rows, never the whole fleet.
    await page.getByRole('link', { name: 'Sayaçlar' }).click();
    await page.getByText('Toplam 100.006 sayaç').waitFor();
    assert.equal(await page.getByTestId('meters').locator('tbody tr').count(), 50);
    await page.getByRole('button', { name: 'Sonraki' }).click();
    await page.getByText('Sayfa 2 / 2001', { exact: true }).waitFor();
    assert.equal(await page.getByTestId('meters').locator('tbody tr').count(), 50);
    await page.context().close();
  });
});
