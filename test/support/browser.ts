/**
 * The browser tests' common ground: `abone start` on a test database with no demo fleet (unless asked), Debian's
 * chromium through playwright-core (never a downloaded browser; ABONE_CHROMIUM to override), axe-core's WCAG 2 A/AA
 * check, and a login through the form. Screenshots go to ABONE_SCREENSHOTS_DIR (web/screenshots to refresh the
 * README's), .tmp/screenshots otherwise.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startAbone, type AboneProcess } from './process.ts';

const CHROMIUM = process.env.ABONE_CHROMIUM ?? '/usr/bin/chromium';
const AXE = path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js');
export const SHOTS = path.resolve(import.meta.dirname, '../..', process.env.ABONE_SCREENSHOTS_DIR ?? '.tmp/screenshots');

export interface ConsoleUnderTest {
  abone: AboneProcess;
  browser: Browser;
  base: string;
  mqttPort: number;
  close(): Promise<void>;
}

/** The system with its console, and a browser; `env` adds to (or overrides) the quiet defaults. */
export async function startConsole(databaseUrl: string, name: string, env: Record<string, string> = {}): Promise<ConsoleUnderTest> {
  const abone = startAbone(['start'], {
    DATABASE_URL: databaseUrl, MQTT_URL: '', ABONE_HTTP_PORT: '0', ABONE_HTTP_HOST: '127.0.0.1', ABONE_MQTT_PORT: '0', ABONE_MQTT_HOST: '127.0.0.1',
    ABONE_DEMO_METERS: '0', ABONE_DEMO_MODBUS_DEVICES: '0', ABONE_DEMO_DLMS_DEVICES: '0', ABONE_DEMO_OPERATIONS: 'false',
    // The daily jobs would post last month's period-end late fees at start, so what a test's debtor owes would
    // depend on the day it runs (a bill 20 days overdue crosses a month end in the first 20 days of a month).
    ABONE_DAILY_JOBS: 'false',
    ABONE_ADMIN_PASSWORD_FILE: `.tmp/${name}-admin-${process.pid}`,
    ...env,
  });
  // The first start may build the console: wait for the server, however long the build took.
  const { http: base, mqttPort } = await abone.waitForLog((l) => l.msg === 'Abone is running', 240_000);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
  await mkdir(SHOTS, { recursive: true });
  return {
    abone, browser, base, mqttPort,
    async close() {
      await browser.close();
      await abone.kill('SIGTERM');
    },
  };
}

/** axe-core in the page: no WCAG 2 A/AA violation (labels, contrast, names, landmarks) on the screen as it is. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return result.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `accessibility of ${screen}`);
}

/** A fresh browser profile (no cookie, no stored language) in a 1440×900 window, logged in through the form. */
export async function loginAs(ui: ConsoleUnderTest, username: string, password: string): Promise<Page> {
  const context = await ui.browser.newContext({ locale: 'en-GB', viewport: { width: 1440, height: 900 } }); // the UI must not follow the browser's language
  const page = await context.newPage();
  // A screen that never shows fails its test in a minute instead of holding the suite until mocha's timeout.
  page.setDefaultTimeout(60_000);
  await page.goto(ui.base + '/');
  await page.getByLabel('Kullanıcı adı').fill(username);
  await page.getByLabel('Parola').fill(password);
  await page.keyboard.press('Enter');
  await page.getByTestId('username').filter({ hasText: username }).waitFor();
  return page;
}
