/**
 * The web console in a real browser (Debian's chromium driven by playwright-core), against the real server started
 * the way an operator starts it (`abone start`, which builds the console when needed) on a test database with a small
 * demo fleet publishing. An operator logs in, sees the console in Turkish, switches to English, watches a live-feed
 * event arrive and reads a meter's chart; roles without a permission do not see its controls.
 *
 * Every wait is on a condition (Playwright's timeouts are off); mocha's timeout only stops a hung run. Screenshots of
 * each screen go to .tmp/screenshots/ (or ABONE_SCREENSHOTS_DIR; `ABONE_SCREENSHOTS_DIR=web/screenshots` refreshes the
 * committed ones that docs/web.md shows), so a test run leaves the working tree as it found it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { expectAccessible, SHOTS, startConsole, type ConsoleUnderTest } from './support/browser.ts';
import { startAbone } from './support/process.ts';
import { createUser, ROLES, syncCatalogue } from '../modules/access/index.ts';
import { announce } from '../platform/feed.ts';
import { FEED_STREAMS } from '../server/index.ts';
import { saveRule } from '../rules/index.ts';

const PASSWORD = `Pw-${randomBytes(12).toString('hex')}`;

/** A feed stream the AMI operator may read, once the contexts have wired one (server/live-feed.ts). */
const operatorStream = Object.keys(FEED_STREAMS).find((s) => (ROLES.ami_operator.permissions as readonly string[]).includes(FEED_STREAMS[s]));

describe('web console in a real browser', function () {
  this.timeout(300_000);
  let db: TestDatabase;
  let ui: ConsoleUnderTest;
  let browser: Browser;
  let base: string;
  let mqttPort: number;

  before(async () => {
    db = await createTestDatabase();
    await syncCatalogue(db.pool); // the roles, before users can hold them (the server syncs them again at start)
    for (const [username, role] of [['operator', 'ami_operator'], ['auditor', 'auditor'], ['cashier', 'cashier']]) {
      await createUser(db.pool, { username, displayName: username, password: PASSWORD, roles: [{ role }] });
    }
    // Pressure above 100 bar raises an alarm: no demo meter (gas ~0.02 bar, water a few bar) reaches it, the test's
    // own reading does.
    // The meter simulator's tamper events raise this one (the test below starts `abone simulate` beside the system).
    await saveRule(db.pool, { code: 'web-test-tamper', name: 'Cover opened', severity: 'critical', condition: { kind: 'event', codes: ['tamper'], clearAfterSeconds: 3600 } }, 'system');
    await saveRule(db.pool, { code: 'web-test-pressure', name: 'Pressure far too high', severity: 'major', condition: { kind: 'out_of_band', channel: 'pressure', low: 0, high: 100 } }, 'system');
    ui = await startConsole(db.url, 'web', { ABONE_DEMO_METERS: '4', ABONE_DEMO_INTERVAL_MS: '200', ABONE_ROLLUP_INTERVAL_MS: '500' });
    ({ base, browser, mqttPort } = ui);
  });
  after(async () => {
    await ui?.close();
    await db?.drop();
  });

  /** A fresh browser profile (no cookie, no stored language), logged in through the login form. */
  const loginAs = async (username: string): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1440, height: 900 } }); // the UI must not follow the browser's language
    const page = await context.newPage();
    page.setDefaultTimeout(60_000); // a screen that never shows fails in a minute, not at mocha's timeout
    await page.goto(base + '/');
    await page.getByRole('button', { name: 'Giriş yap' }).waitFor();
    await expectAccessible(page, 'login');
    if (username === 'operator') await page.screenshot({ path: path.join(SHOTS, 'login.png') });
    // By keyboard alone: the username field, Tab to the password, Enter submits.
    await page.getByLabel('Kullanıcı adı').focus();
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).name), 'password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('username').filter({ hasText: username }).waitFor();
    return page;
  };

  it('logs an operator in and shows the console in Turkish, with Turkish case rules, health and a live ingest rate', async () => {
    const page = await loginAs('operator');
    await page.getByRole('heading', { name: 'Operatör konsolu' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'tr');
    // The labels are upper-cased by CSS in the page's language: Turkish makes "Veritabanı" VERİTABANI, not VERITABANI.
    assert.equal(await page.getByText('Veritabanı', { exact: true }).innerText(), 'VERİTABANI');
    await page.locator('section', { hasText: 'Sistem durumu' }).getByText('Çalışıyor').first().waitFor();
    // Two /metrics samples apart, with the demo fleet publishing: a rate in readings per second, Turkish decimals.
    await page.getByTestId('ingest-rate').filter({ hasText: /^\d+(,\d)? okuma\/sn$/ }).waitFor();
    await expectAccessible(page, 'console');
    await page.screenshot({ path: path.join(SHOTS, 'console-tr.png') });
    await page.context().close();
  });

  it('switches to English in one click and keeps the choice across a reload', async () => {
    const page = await loginAs('operator');
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('heading', { name: 'Operator console' }).waitFor();
    assert.equal(await page.getByText('Database', { exact: true }).innerText(), 'DATABASE');
    await page.reload();
    await page.getByRole('heading', { name: 'Operator console' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.screenshot({ path: path.join(SHOTS, 'console-en.png') });
    await page.getByRole('button', { name: /Türkçe/ }).click();
    await page.getByRole('heading', { name: 'Operatör konsolu' }).waitFor();
    await page.context().close();
  });

  it('shows a live-feed event as it arrives, with acknowledge and clear for the operator only', async function () {
    if (!operatorStream) return this.skip(); // no feed stream wired yet (server/live-feed.ts FEED_STREAMS is empty)
    const operator = await loginAs('operator');
    const auditor = await loginAs('auditor');
    for (const page of [operator, auditor]) await page.getByText('Bağlı', { exact: true }).waitFor(); // the feed is open
    await announce(db.pool, { stream: operatorStream, kind: 'raised', id: '4711', data: { serial: 'WEB-TEST-1', severity: 'major' } });
    const row = (page: Page) => page.getByTestId('feed').locator('tr', { hasText: `${operatorStream}.raised #4711` });
    await row(operator).waitFor();
    assert.match(await row(operator).innerText(), /WEB-TEST-1/);
    assert.match(await row(operator).innerText(), /BÜYÜK/); // severity in Turkish, upper-cased the Turkish way
    if (operatorStream === 'alarms') {
      assert.equal(await row(operator).getByRole('button', { name: 'Onayla' }).isVisible(), true);
      await row(auditor).waitFor();
      assert.equal(await row(auditor).getByRole('button').count(), 0); // auditors read alarms, they do not act on them
    }
    await expectAccessible(operator, 'console with feed events');
    await operator.screenshot({ path: path.join(SHOTS, 'console-feed.png') });
    await operator.context().close();
    await auditor.context().close();
  });

  it('acknowledges, from the feed, an alarm that a reading raised through the rules engine', async () => {
    const page = await loginAs('operator');
    await page.getByText('Bağlı', { exact: true }).waitFor();
    // 420 bar from the operator's own session, through the HTTP readings route and the real pipeline and rules.
    const stored = await page.evaluate(async () => {
      const res = await fetch('/api/v1/meters/DEMO-G-000001/readings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ readings: [{ ts: new Date(Date.now() - 60_000).toISOString(), ch: 'pressure', v: 420, u: 'bar' }] }),
      });
      return res.status;
    });
    assert.equal(stored, 201);
    const { rows: meter } = await db.pool.query(`SELECT id FROM meter WHERE serial = 'DEMO-G-000001'`);
    const raised = page.getByTestId('feed').locator(`tr[data-kind="raised"][data-meter-id="${meter[0].id}"]`).filter({ hasText: 'web-test-pressure' });
    await raised.waitFor();
    const alarmId = await raised.getAttribute('data-id');
    await raised.getByRole('button', { name: 'Onayla' }).click();
    // The acknowledgement comes back on the feed, and the alarm is acknowledged by this operator in the database.
    await page.getByTestId('feed').locator(`tr[data-kind="acknowledged"][data-id="${alarmId}"]`).waitFor();
    const { rows } = await db.pool.query('SELECT type, acknowledged, acknowledged_by FROM alarm WHERE id = $1', [alarmId]);
    assert.deepEqual(rows, [{ type: 'web-test-pressure', acknowledged: true, acknowledged_by: 'operator' }]);
    await page.screenshot({ path: path.join(SHOTS, 'console-alarm.png') });
    await page.context().close();
  });

  it('lists meters a page at a time and charts a meter channel at raw resolution', async () => {
    const page = await loginAs('operator');
    await page.getByRole('link', { name: 'Sayaçlar' }).click();
    await page.getByText('Toplam 4 sayaç').waitFor();
    assert.equal(await page.getByTestId('meters').locator('tbody tr').count(), 4);
    await expectAccessible(page, 'meters');
    await page.screenshot({ path: path.join(SHOTS, 'meters.png') });
    const serial = (await page.getByTestId('meters').locator('tbody tr a').first().innerText()).trim();
    await page.getByRole('link', { name: serial }).click();
    await page.getByRole('heading', { name: serial }).waitFor();
    await page.getByText('Ham', { exact: true }).click();
    await page.getByText(/^Son 2 gün · en yeni okuma/).waitFor(); // raw: the two days up to the newest reading
    await page.getByTestId('series-chart').locator('canvas').waitFor();
    assert.equal(new URL(page.url()).pathname, `/meters/${encodeURIComponent(serial)}`);
    await expectAccessible(page, 'meter');
    await page.screenshot({ path: path.join(SHOTS, 'meter.png') });
    // A reload of a screen path is answered by the console (SPA fallback), not by a 404.
    await page.reload();
    await page.getByRole('heading', { name: serial }).waitFor();
    await page.context().close();
  });

  it('draws the offline map with province outlines and the (empty) clustered meter layer', async () => {
    const page = await loginAs('operator');
    await page.getByRole('link', { name: 'Harita' }).click();
    await page.locator('[data-testid="map"][data-map-ready="true"]').waitFor();
    const layers = await page.evaluate(() => document.querySelector('[data-testid="map"] canvas') !== null);
    assert.equal(layers, true);
    await expectAccessible(page, 'map');
    await page.screenshot({ path: path.join(SHOTS, 'map.png') });
    await page.context().close();
  });

  it('does not show a cashier the meter screens they may not use, and the server refuses them anyway', async () => {
    const page = await loginAs('cashier');
    await page.getByRole('heading', { name: 'Operatör konsolu' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Sayaçlar' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Harita' }).count(), 0);
    const status = await page.evaluate(async () => (await fetch('/api/v1/meters')).status);
    assert.equal(status, 403);
    await page.getByRole('button', { name: 'Çıkış' }).click();
    await page.getByRole('button', { name: 'Giriş yap' }).waitFor();
    assert.equal(await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status), 401);
    await page.context().close();
  });

  // Last: the simulated meter joins the fleet the earlier tests count.
  it('acknowledges a tamper alarm that the meter simulator raised over MQTT', async () => {
    // `abone simulate` in its own process, as an operator would run it: one meter with its own MQTT credential,
    // publishing to the running system's broker, a tamper event in every simulated hour.
    const sim = startAbone(['simulate', '--meters', '1', '--prefix', 'WEBSIM', '--interval', '300', '--faults', 'tamperRate=1', '--url', `mqtt://127.0.0.1:${mqttPort}`], { DATABASE_URL: db.url });
    try {
      const page = await loginAs('operator');
      const raised = page.getByTestId('feed').locator('tr[data-kind="raised"]').filter({ hasText: 'web-test-tamper' }).first();
      await raised.waitFor();
      const alarmId = await raised.getAttribute('data-id');
      await raised.getByRole('button', { name: 'Onayla' }).click();
      await page.getByTestId('feed').locator(`tr[data-kind="acknowledged"][data-id="${alarmId}"]`).waitFor();
      const { rows } = await db.pool.query('SELECT a.type, m.serial, a.acknowledged, a.acknowledged_by FROM alarm a JOIN meter m ON m.id = a.meter_id WHERE a.id = $1', [alarmId]);
      assert.equal(rows.length, 1);
      assert.match(rows[0].serial, /^WEBSIM/);
      assert.deepEqual([rows[0].type, rows[0].acknowledged, rows[0].acknowledged_by], ['web-test-tamper', true, 'operator']);
      await page.context().close();
    } finally {
      await sim.kill('SIGTERM');
    }
  });
});
