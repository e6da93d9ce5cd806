/**
 * The business screens of the web console in a real browser (Debian's chromium, playwright-core) against `abone
 * start` on a test database: each role sees only its screens (and the server refuses the rest), a clerk runs October's
 * bills and watches the run finish, a subscriber is found by name with Turkish letters in either case and seen whole
 * (contracts on the map, the account with the bill just made, who looked), a dispatcher assigns and reassigns work
 * orders under SLA clocks, an administrator manages users, tokens and device credentials. axe-core on every screen.
 *
 * The numbers are the billing tests' (modules/billing/bill-run.test.ts): 0.5 m³ a day through October on SU-KONUT is
 * 15.5 m³; water 10 × 10 + 5.5 × 20 = 210.00, service 30.00, ÇTV 15.5 × 0.50 = 7.75, KDV 10 % × 240.00 = 24.00:
 * 271.75 TL. A contract with no consumption at all is held for review (zero on an active contract).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { expectAccessible, loginAs as logIn, SHOTS, startConsole, type ConsoleUnderTest } from './support/browser.ts';
import { createUser, syncCatalogue } from '../modules/access/index.ts';
import { createParty } from '../modules/registry/index.ts';
import { installMeter, moveIn } from '../modules/subscriptions/index.ts';
import { callContext, installation, makeTckn, meters } from '../modules/subscriptions/test-fixtures.ts';
import { dailyConsumption, repeat, storeWaterTariff, waterSubscriptions } from '../modules/billing/test-fixtures.ts';
import { createOrder } from '../modules/work-orders/index.ts';
import { crew, dispatcher } from '../modules/work-orders/test-fixtures.ts';
import { startOfLocalDay } from '../platform/calendar.ts';
import { accountWithBills } from '../modules/collections/test-fixtures.ts';

const PASSWORD = `Pw-${randomBytes(12).toString('hex')}`;
const USERS = { yonetici: 'admin', operator: 'ami_operator', clerk: 'billing_clerk', cashier: 'cashier', crew: 'field_crew', auditor: 'auditor' } as const;
const NAV = ['Operatör konsolu', 'Sayaçlar', 'Harita', 'İş emirleri', 'Aboneler', 'Faturalama', 'Vezne', 'Banka ekstreleri', 'Otomatik ödeme', 'Yönetim'];

describe('web console screens in a real browser', function () {
  this.timeout(600_000);
  let db: TestDatabase;
  let ui: ConsoleUnderTest;
  let browser: Browser;
  let base: string;
  let sukruMeter: string;
  const orders: number[] = [];

  before(async () => {
    db = await createTestDatabase();
    await syncCatalogue(db.pool);
    for (const [username, role] of Object.entries(USERS)) await createUser(db.pool, { username, displayName: username, password: PASSWORD, roles: [{ role }] });
    // October 2026: one subscriber at 0.5 m³ a day, one with nothing (held for review), and Şükrü Çağlayan at 0.5.
    await storeWaterTariff(db.pool);
    const [plain, silent] = await waterSubscriptions(db.pool, 2);
    await dailyConsumption(db.pool, plain.meterId, '2026-10-01', repeat(31, 0.5));
    await dailyConsumption(db.pool, silent.meterId, '2026-10-01', repeat(31, 0));
    const ctx = await callContext(db.pool, 'billing_clerk');
    const sukru = (await createParty(db.pool, { kind: 'person', name: 'Şükrü Çağlayan', nationalId: makeTckn(), smsConsent: false, emailConsent: false }, ctx)).id;
    const m = await meters(db.pool, 'water', 1);
    sukruMeter = m.serials[0];
    const inst = await installation(db.pool, ctx, { commodity: 'water', il: 'Ankara', at: [32.8541, 39.9334], street: 'Gazi Mustafa Kemal Bulvarı' });
    await installMeter(db.pool, m.registry, inst, { serial: sukruMeter, reading: '100.000', at: startOfLocalDay('2026-09-01') }, ctx);
    await moveIn(db.pool, { partyId: sukru, installationId: inst, class: 'residential', tariffCode: 'SU-KONUT', openingReading: '100.000', at: startOfLocalDay('2026-09-15') }, ctx);
    await dailyConsumption(db.pool, m.ids[0], '2026-10-01', repeat(31, 0.5));
    // Two crews of Ankara, two leak orders left open for a dispatcher (route: false), one of them already late.
    await crew(db.pool, 'ANK-1', 'ankara', ['leak'], 5);
    await crew(db.pool, 'ANK-2', 'ankara', ['leak'], 5);
    for (const meterSerial of [sukruMeter, sukruMeter]) orders.push((await createOrder(db.pool, { type: 'leak', priority: 'high', meterSerial, region: 'ankara', route: false }, { actor: dispatcher })).id);

    // A subscriber who owes 150.00, for the bank statement the clerk imports.
    await accountWithBills(db.pool, 'EKS-1', [{ amount: '150.00', dueDate: '2026-11-20', postedOn: '2026-11-01' }]);

    ui = await startConsole(db.url, 'web-screens');
    ({ base, browser } = ui);
  });
  after(async () => {
    await ui?.close();
    await db?.drop();
  });

  const loginAs = (username: string) => logIn(ui, username, PASSWORD);
  const status = (page: Page, url: string, method = 'GET') =>
    page.evaluate(async ([u, m]) => (await fetch(u, { method: m, headers: { 'content-type': 'application/json' }, body: m === 'GET' ? undefined : '{}' })).status, [url, method]);
  const navLinks = async (page: Page) => (await page.getByRole('navigation').first().getByRole('link').allInnerTexts()).map((s) => s.trim());

  it('shows each role only its screens, and the server refuses the rest', async () => {
    const expected: Record<string, string[]> = {
      yonetici: NAV,
      operator: ['Operatör konsolu', 'Sayaçlar', 'Harita', 'İş emirleri', 'Yönetim'], // Yönetim: device credentials only
      clerk: ['Operatör konsolu', 'Sayaçlar', 'Harita', 'Aboneler', 'Faturalama', 'Banka ekstreleri', 'Otomatik ödeme'],
      cashier: ['Operatör konsolu', 'Aboneler', 'Vezne'],
      crew: ['Operatör konsolu', 'Sayaçlar', 'Harita', 'İş emirleri'],
      auditor: ['Operatör konsolu', 'Sayaçlar', 'Harita', 'İş emirleri', 'Aboneler', 'Faturalama'],
    };
    // One route behind each screen, asked by the role's own session: 403 where the screen is hidden.
    const behind: Record<string, [string, string]> = { Sayaçlar: ['/api/v1/meters', 'GET'], 'İş emirleri': ['/api/v1/work-orders', 'GET'], Aboneler: ['/api/v1/parties?q=ali', 'GET'], Faturalama: ['/api/v1/bill-runs', 'GET'], Vezne: ['/api/v1/collections/drawers/current', 'GET'], 'Banka ekstreleri': ['/api/v1/statements', 'GET'], 'Otomatik ödeme': ['/api/v1/direct-debit/lists', 'GET'], Yönetim: ['/api/v1/users', 'GET'] };
    for (const [username, screens] of Object.entries(expected)) {
      const page = await loginAs(username);
      await page.getByRole('heading', { name: 'Operatör konsolu' }).waitFor();
      assert.deepEqual(await navLinks(page), screens, `navigation of ${username}`);
      for (const [screen, [url, method]] of Object.entries(behind)) {
        if (!screens.includes(screen)) assert.equal(await status(page, url, method), 403, `${username} asking ${url}`);
      }
      if (!screens.includes('Faturalama')) {
        await page.goto(base + '/billing'); // typed by hand: the console says no instead of a page of refusals
        await page.getByText('Bu ekranı kullanma yetkiniz yok.').waitFor();
      }
      await page.context().close();
    }
  });

  it('starts October\'s bill run, watches its progress to the end and releases the bill held for review', async () => {
    const page = await loginAs('clerk');
    await page.getByRole('link', { name: 'Faturalama' }).click();
    await page.getByTestId('tariffs').getByText('SU-KONUT').waitFor();
    await page.getByLabel('Dönem').fill('2026-10');
    await page.getByRole('button', { name: 'Koşuyu başlat' }).click();
    // The run's own page polls its progress until the run says it is finished.
    await page.getByTestId('run-state').filter({ hasText: 'Bitti' }).waitFor();
    assert.equal(await page.getByTestId('run-progress').getAttribute('data-value'), '100');
    assert.deepEqual(
      [await page.getByTestId('run-bills').innerText(), await page.getByTestId('run-posted').innerText(), await page.getByTestId('run-outsorted').innerText(), await page.getByTestId('run-errors').innerText()],
      ['3', '2', '1', '0'],
    );
    const { rows } = await db.pool.query(`SELECT state, gross::text FROM billing_accrual WHERE period = '2026-10' ORDER BY state, gross`);
    assert.deepEqual(rows.map((r) => [r.state, r.gross]), [['outsorted', '33.00'], ['posted', '271.75'], ['posted', '271.75']]);
    await expectAccessible(page, 'bill run');
    await page.screenshot({ path: path.join(SHOTS, 'bill-run.png') });
    // Left and come back to: the run list shows it finished, opening it shows the same figures.
    await page.getByRole('link', { name: 'Faturalamaya dön' }).click();
    const runRow = page.getByTestId('runs').locator('tbody tr').first();
    await runRow.getByText('Bitti').waitFor();
    const held = page.getByTestId('outsorted').locator('tbody tr');
    await held.first().getByText('Etkin abonelikte sıfır tüketim').waitFor();
    assert.equal(await held.count(), 1);
    await expectAccessible(page, 'billing');
    await page.screenshot({ path: path.join(SHOTS, 'billing.png') });
    await held.first().getByRole('button', { name: /onayla ve işle/ }).click();
    await held.first().getByText('İşlendi').waitFor();
    const after = await db.pool.query(`SELECT count(*)::int AS n FROM billing_accrual WHERE period = '2026-10' AND state = 'posted'`);
    assert.equal(after.rows[0].n, 3);
    // The run's counts follow the review: none is held now, one was held by the run.
    await runRow.getByText('3 fatura · 0 incelemede · 0 hata').waitFor();
    await runRow.getByRole('link').first().click();
    await page.getByTestId('run-outsorted').filter({ hasText: /^0$/ }).waitFor();
    assert.equal(await page.getByTestId('run-outsorted-note').innerText(), 'koşunun ayırdığı: 1');
    await page.context().close();
  });

  it('imports a bank statement in CSV: one transfer collected, one waits in suspense until the clerk matches it; the import stays to come back to', async () => {
    const page = await loginAs('clerk');
    await page.getByRole('link', { name: 'Banka ekstreleri' }).click();
    await page.getByRole('heading', { name: 'Banka ekstreleri', level: 1 }).waitFor();
    // 150,00 names its subscriber; 42,50 says nothing the system can match; 1.234 could be 1,234 or 1.234 TL.
    const csv = 'date;amount;reference;iban;description\n10.11.2026;150,00;EKS-REF-1;;ABONE NO EKS-1\n10.11.2026;42,50;EKS-REF-2;;Kasım suyu\n10.11.2026;1.234;EKS-REF-3;;belirsiz\n';
    await page.getByLabel('Ekstre dosyası').setInputFiles({ name: 'ekstre-2026-11-10.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByLabel('Ekstre no').fill('EKS-2026-11-10');
    await page.getByLabel('Kurum hesabı (IBAN)').fill('TR63 0006 2000 0000 0000 1234 56');
    await page.getByRole('button', { name: 'Yükle' }).click();
    await page.getByTestId('import-result').getByText('Eşleşen 150,00 ₺ (1 satır), askıda 42,50 ₺ (1 satır), reddedilen 1 satır.').waitFor();
    const waiting = page.getByTestId('suspense').locator('tbody tr');
    await waiting.first().getByText('EKS-REF-2').waitFor();
    assert.equal(await waiting.count(), 1);
    // Why it waits, in Turkish: the server's reason code (NO_REFERENCE_NO_IBAN), not its English sentence.
    await waiting.first().getByText('Açıklamada abone ya da fatura numarası yok, gönderen IBAN da yok').waitFor();
    await expectAccessible(page, 'bank statements');
    await page.screenshot({ path: path.join(SHOTS, 'statements.png') });

    // Left and come back to: the import's own page lists the lines with what became of them and why, in Turkish (the
    // refused line's code with its parameters: the amount as written and the line of the bank's file).
    await page.getByTestId('statements').getByRole('link', { name: 'EKS-2026-11-10' }).click();
    const lines = page.getByTestId('statement-lines').locator('tbody tr');
    await lines.nth(2).waitFor();
    assert.deepEqual(
      (await lines.allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()).slice(0, 6)),
      [
        ['1', '2026-11-10', 'EKS-REF-1', '150,00 ₺', 'EŞLEŞTİ', 'abone numarasıyla'],
        ['2', '2026-11-10', 'EKS-REF-2', '42,50 ₺', 'ASKIDA', 'Açıklamada abone ya da fatura numarası yok, gönderen IBAN da yok'],
        ['3', '2026-11-10', 'EKS-REF-3', '—', 'REDDEDİLDİ', 'Dosya satırı 4: 1.234 tutarı belirsiz (binlik ayırıcı mı, kuruş mu?)'],
      ],
    );
    await expectAccessible(page, 'one statement');
    await page.getByRole('link', { name: 'Banka ekstrelerine dön' }).click();

    // The clerk called the payer: it is EKS-1's water too. Matched, it is collected and leaves the queue.
    await page.getByRole('button', { name: 'EKS-REF-2 referanslı tutarı bir aboneyle eşleştir' }).click();
    await page.getByRole('dialog').getByLabel('Abone numarası').fill('EKS-1');
    await page.getByRole('dialog').getByLabel('Not (neden)').fill('Gönderen telefonla teyit etti');
    await page.getByRole('dialog').getByRole('button', { name: 'Eşleştir ve tahsil et' }).click();
    await page.getByText('Askıda tutar yok.').waitFor();
    const { rows } = await db.pool.query(
      `SELECT channel, reference, amount::text FROM collections_payment WHERE subscription_id = 'EKS-1' ORDER BY id`,
    );
    assert.deepEqual(rows.map((r) => [r.channel, r.reference, r.amount]), [['wire', 'EKS-REF-1', '150.00'], ['wire', 'EKS-REF-2', '42.50']]);
    await page.context().close();
  });

  it('finds Şükrü Çağlayan by "şükrü" and by "ŞÜKRÜ" and shows the subscriber whole, with who looked', async () => {
    const clerk = await loginAs('clerk');
    await clerk.getByRole('link', { name: 'Aboneler' }).click();
    for (const q of ['şükrü', 'ŞÜKRÜ', 'sukru caglayan']) {
      await clerk.getByLabel('Ad, soyad, unvan ya da TCKN/VKN').fill(q);
      await clerk.getByRole('button', { name: 'Bul' }).click();
      await clerk.getByRole('status').filter({ hasText: 'Bulunan: 1' }).waitFor();
      assert.deepEqual(await clerk.getByTestId('parties').locator('tbody tr td:first-child a').allInnerTexts(), ['Şükrü Çağlayan'], q);
    }
    await clerk.getByRole('link', { name: 'Şükrü Çağlayan' }).click();
    await clerk.getByRole('heading', { name: 'Şükrü Çağlayan' }).waitFor();
    await clerk.getByTestId('balance').filter({ hasText: 'Bakiye: 271,75 ₺' }).waitFor(); // October's bill, in Turkish figures
    assert.equal(await clerk.getByRole('heading', { name: 'Bu aboneye kimler baktı' }).count(), 0); // no audit.read for a clerk
    await clerk.context().close();

    const admin = await loginAs('yonetici');
    // A register reading of Şükrü's meter through the ingest route, for the 360 to show as the meter's latest value.
    const stored = await admin.evaluate(async (serial) => {
      const res = await fetch(`/api/v1/meters/${serial}/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ readings: [{ ts: new Date(Date.now() - 3_600_000).toISOString(), ch: 'volume', v: 115.5, u: 'm3' }] }),
      });
      return res.status;
    }, sukruMeter);
    assert.equal(stored, 201);
    await admin.goto(base + '/subscribers?q=%C5%9E%C3%9CKR%C3%9C');
    await admin.getByRole('button', { name: 'Bul' }).click();
    await admin.getByRole('link', { name: 'Şükrü Çağlayan' }).click();
    const subs = admin.getByTestId('subscriptions').locator('tbody tr');
    await subs.first().waitFor();
    assert.equal(await subs.count(), 1);
    assert.match(await subs.first().innerText(), new RegExp(`Gazi Mustafa Kemal Bulvarı[\\s\\S]*${sukruMeter}[\\s\\S]*ETKİN`));
    await admin.locator('[data-testid="points-map"][data-points="1"]').waitFor(); // the address on the map
    const open = admin.getByTestId('open-items').locator('tbody tr');
    await open.first().waitFor();
    assert.match(await open.first().innerText(), /Tahakkuk\s+2026-10[\s\S]*271,75 ₺\s+271,75 ₺/);
    await admin.getByTestId('latest').locator('tr', { hasText: 'Endeks' }).filter({ hasText: '115,500 m3' }).waitFor();
    // Who looked: the clerk's view and the administrator's own, newest first, from the access audit trail.
    const trail = admin.getByTestId('audit').locator('tbody tr');
    await trail.nth(1).waitFor();
    const who = (await trail.allInnerTexts()).filter((r) => r.includes('Aboneyi görüntüledi')).map((r) => r.split('\t')[1]);
    assert.deepEqual(who.slice(0, 2), ['yonetici', 'clerk']);
    await expectAccessible(admin, 'subscriber 360');
    await admin.screenshot({ path: path.join(SHOTS, 'subscriber.png') });
    await admin.context().close();
  });

  it('lets a dispatcher assign and reassign work orders under SLA clocks; a field crew sees no such buttons', async () => {
    // The first order was due 90 min 30 s ago: "1 sa 31 dk gecikti" when the board opens at once. The board's clock
    // keeps running while a busy machine loads it, so the minutes shown must lie between the lateness when the board
    // was asked for and when it was read (minutes late = ceil((now - due) / 1 min)).
    const { rows: due } = await db.pool.query(`UPDATE work_order SET sla_due_at = now() - interval '90 minutes 30 seconds' WHERE id = $1 RETURNING sla_due_at`, [orders[0]]);
    const lateAt = (t: number) => Math.ceil((t - due[0].sla_due_at.getTime()) / 60_000);
    const asked = Date.now();
    const page = await loginAs('operator');
    await page.getByRole('link', { name: 'İş emirleri' }).click();
    const row = (id: number) => page.getByTestId('work-orders').locator(`tr[data-id="${id}"]`);
    await row(orders[0]).waitFor();
    const late = /^(\d+) sa (\d{2}) dk gecikti$/.exec(await row(orders[0]).getByTestId('sla').innerText());
    const read = Date.now();
    assert.ok(late, 'the first order is late');
    const shown = Number(late[1]) * 60 + Number(late[2]);
    assert.ok(lateAt(asked) === 91 && shown >= lateAt(asked) && shown <= lateAt(read), `${late[0]}: between ${lateAt(asked)} and ${lateAt(read)} minutes late`);
    assert.match(await row(orders[1]).getByTestId('sla').innerText(), /^[0-9]+ sa [0-9]{2} dk kaldı$/);
    await page.locator('[data-testid="points-map"][data-points="2"]').waitFor();
    await expectAccessible(page, 'work orders');
    await page.screenshot({ path: path.join(SHOTS, 'work-orders.png') });

    await row(orders[0]).getByRole('button', { name: `${orders[0]} numaralı iş emrini ata` }).click();
    await page.getByRole('dialog').getByRole('combobox', { name: 'Ekip' }).click();
    await page.getByRole('option', { name: /ANK-1/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Ata' }).click();
    await row(orders[0]).getByText('ANK-1').waitFor();
    // A reassignment asks why, and the trail keeps the reason.
    await row(orders[0]).getByRole('button', { name: /yeniden ata/ }).click();
    await page.getByRole('dialog').getByRole('combobox', { name: 'Ekip' }).click();
    await page.getByRole('option', { name: /ANK-2/ }).click();
    await page.getByLabel('Gerekçe').fill('ANK-1 başka bir kaçakta');
    await page.getByRole('dialog').getByRole('button', { name: 'Yeniden ata' }).click();
    await row(orders[0]).getByText('ANK-2').waitFor();
    const { rows } = await db.pool.query(`SELECT c.code, o.status FROM work_order o JOIN crew c ON c.id = o.crew_id WHERE o.id = $1`, [orders[0]]);
    assert.deepEqual(rows, [{ code: 'ANK-2', status: 'assigned' }]);
    await page.context().close();

    const field = await loginAs('crew');
    await field.getByRole('link', { name: 'İş emirleri' }).click();
    await field.getByTestId('work-orders').locator(`tr[data-id="${orders[1]}"]`).waitFor();
    assert.equal(await field.getByTestId('work-orders').getByRole('button').count(), 0);
    assert.equal(await status(field, `/api/v1/work-orders/${orders[1]}/assignment`, 'POST'), 403);
    await field.context().close();
  });

  it('lets an administrator create a user, scope a role, issue an API token and rotate a meter\'s credentials', async () => {
    const page = await loginAs('yonetici');
    await page.getByRole('link', { name: 'Yönetim' }).click();
    await page.getByTestId('users').locator('tr[data-username="clerk"]').waitFor();
    const form = page.locator('form', { hasText: 'Yeni kullanıcı' });
    await form.getByLabel('Kullanıcı adı').fill('vezne2');
    await form.getByLabel('Görünen ad').fill('Gülşen Öztürk');
    await form.getByLabel('Parola').fill(`Vz-${randomBytes(9).toString('hex')}`);
    await form.getByRole('combobox', { name: 'Rol' }).click();
    await page.getByRole('option', { name: 'cashier · Cashier', exact: true }).click();
    await form.getByLabel('Bölgeler').fill('ankara');
    await form.getByRole('button', { name: 'Oluştur' }).click();
    await page.getByText('vezne2 oluşturuldu.').waitFor();
    const { rows } = await db.pool.query(`SELECT u.display_name, ur.role, ur.regions FROM app_user u JOIN user_role ur ON ur.user_id = u.id WHERE u.username = 'vezne2'`);
    assert.deepEqual(rows, [{ display_name: 'Gülşen Öztürk', role: 'cashier', regions: ['ankara'] }]);

    const tokens = page.locator('section', { hasText: 'API anahtarları' });
    await tokens.getByLabel('Kimin adına (kullanıcı adı)').fill('operator');
    await tokens.getByLabel('Anahtarın adı').fill('SCADA köprüsü');
    await tokens.getByRole('button', { name: 'Anahtar ver' }).click();
    const secret = await page.getByTestId('token-secret').locator('code').innerText();
    assert.equal(await page.evaluate(async ([b, s]) => (await fetch(`${b}/api/v1/auth/me`, { credentials: 'omit', headers: { authorization: `Bearer ${s}` } })).status, [base, secret]), 200);

    await page.getByRole('button', { name: `${sukruMeter} için gizli anahtar ver` }).click();
    await page.getByTestId('device-secret').locator('code').waitFor();
    const cred = await db.pool.query(`SELECT count(*)::int AS n FROM device_credential d JOIN meter m ON m.id = d.meter_id WHERE m.serial = $1 AND d.revoked_at IS NULL`, [sukruMeter]);
    assert.equal(cred.rows[0].n, 1);
    await expectAccessible(page, 'administration');
    await page.screenshot({ path: path.join(SHOTS, 'admin.png') });
    await page.context().close();
  });
});
