/**
 * The cashier desk (Vezne) in a real browser (Debian's chromium, playwright-core) against `abone start` on a test
 * database: a cashier opens the drawer, finds Gülşen Öztürk by her name typed with Turkish letters, sees what she
 * owes with the late fee, takes a partial cash payment (a double submit is still one payment), opens the receipt,
 * takes a card payment that the supervisor then cancels, and counts and closes the drawer. axe-core on the screen.
 *
 * The numbers, by hand. Gülşen's contract has two bills: 1,000.00 due 20 days ago and 271.75 due in 15 days. Paid
 * today, the old bill carries the 6183 art. 51 surcharge at 3.7 % a month (the rate since 13 November 2025) for 20
 * days: 1,000 × 0.037 × 20 / 30 = 24.666… → 24.67; the new one none. Open 1,271.75, fees 24.67, payable 1,296.42.
 * She pays 100.00 in cash on the new bill: 171.75 of it is left, payable now 1,000 + 24.67 + 171.75 = 1,196.42.
 * Then 50.00 by card on the same bill (121.75 left), which the supervisor cancels (171.75 again). The drawer opened
 * with 200.00: it should hold 200.00 + 100.00 cash = 300.00 (the card money never was in it); 300.00 is counted. The
 * supervisor finds the card payment from the day's close, through the drawer's payments.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DateTime } from 'luxon';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { expectAccessible, loginAs as logIn, SHOTS, startConsole, type ConsoleUnderTest } from './support/browser.ts';
import { createUser, syncCatalogue } from '../modules/access/index.ts';
import { createParty } from '../modules/registry/index.ts';
import { installMeter, moveIn } from '../modules/subscriptions/index.ts';
import { callContext, installation, makeTckn, meters } from '../modules/subscriptions/test-fixtures.ts';
import { storeWaterTariff } from '../modules/billing/test-fixtures.ts';
import { accountWithBills } from '../modules/collections/test-fixtures.ts';
import { startOfLocalDay } from '../platform/calendar.ts';

const PASSWORD = `Pw-${randomBytes(12).toString('hex')}`;
/** Today in the business calendar, as the desk routes date a payment and the debt inquiry. */
const today = () => DateTime.now().setZone('Europe/Istanbul');
/** The bills' periods: the month before last and last month. */
const OLD = today().minus({ months: 2 }).toFormat('yyyy-MM');
const NEW = today().minus({ months: 1 }).toFormat('yyyy-MM');

describe('web console cashier desk in a real browser', function () {
  this.timeout(600_000);
  let db: TestDatabase;
  let ui: ConsoleUnderTest;
  let browser: Browser;
  let base: string;
  let subscriptionId: string;
  let oldBill: number;
  let newBill: number;
  let cardPayment: number;

  before(async () => {
    db = await createTestDatabase();
    await syncCatalogue(db.pool);
    await createUser(db.pool, { username: 'vezne', displayName: 'Vezne Memuru', password: PASSWORD, roles: [{ role: 'cashier' }] });
    await createUser(db.pool, { username: 'sef', displayName: 'Vezne Şefi', password: PASSWORD, roles: [{ role: 'cashier_supervisor' }] });
    // Gülşen Öztürk holds one water contract; another party's name shares no letters with hers.
    await storeWaterTariff(db.pool);
    const ctx = await callContext(db.pool, 'billing_clerk');
    const gulsen = (await createParty(db.pool, { kind: 'person', name: 'Gülşen Öztürk', nationalId: makeTckn(), smsConsent: false, emailConsent: false }, ctx)).id;
    await createParty(db.pool, { kind: 'person', name: 'Ahmet Kaya', nationalId: makeTckn(), smsConsent: false, emailConsent: false }, ctx);
    const m = await meters(db.pool, 'water', 1);
    const inst = await installation(db.pool, ctx, { commodity: 'water', il: 'İzmir', ilce: 'Karşıyaka', at: [27.1092, 38.4552], street: 'Cemal Gürsel Caddesi' });
    await installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '0.000', at: startOfLocalDay('2026-01-01') }, ctx);
    subscriptionId = String((await moveIn(db.pool, { partyId: gulsen, installationId: inst, class: 'residential', tariffCode: 'SU-KONUT', openingReading: '0.000', at: startOfLocalDay('2026-01-05') }, ctx)).id);
    const bills = await accountWithBills(db.pool, subscriptionId, [
      { amount: '1000.00', dueDate: today().minus({ days: 20 }).toISODate()!, period: OLD },
      { amount: '271.75', dueDate: today().plus({ days: 15 }).toISODate()!, period: NEW },
    ]);
    [oldBill, newBill] = bills.itemIds;

    ui = await startConsole(db.url, 'web-cashier');
    ({ base, browser } = ui);
  });
  after(async () => {
    await ui?.close();
    await db?.drop();
  });

  const loginAs = async (username: string): Promise<Page> => {
    const page = await logIn(ui, username, PASSWORD);
    await page.getByRole('link', { name: 'Vezne' }).click();
    await page.getByRole('heading', { name: 'Vezne', level: 1 }).waitFor();
    return page;
  };
  const debtRow = (page: Page, item: number) => page.getByTestId('debt').locator(`tr[data-item-id="${item}"]`);
  const cells = async (page: Page, item: number) => (await debtRow(page, item).locator('td').allInnerTexts()).slice(1).map((s) => s.trim());
  const openOf = async (item: number) =>
    (await db.pool.query(`SELECT (i.amount - coalesce((SELECT sum(a.amount) FROM ledger_allocation a WHERE a.item_id = i.id), 0))::text AS open FROM ledger_item i WHERE i.id = $1`, [item])).rows[0]?.open;

  it('opens the drawer, finds Gülşen by "gülşen öztürk", takes 100,00 ₺ cash on her new bill once despite a double submit, and prints the receipt', async () => {
    const page = await loginAs('vezne');
    // The drawer, by keyboard: office code, Tab to the float, Enter opens it.
    await page.getByLabel('Vezne (şube) kodu').fill('merkez');
    await page.keyboard.press('Tab');
    await page.keyboard.type('200,00');
    await page.keyboard.press('Enter');
    await page.getByTestId('drawer-open').filter({ hasText: 'MERKEZ' }).waitFor();
    await page.getByTestId('drawer-report').getByTestId('expected-cash').filter({ hasText: '200,00 ₺' }).waitFor();

    await page.getByLabel('Ad, soyad, unvan ya da TCKN/VKN').fill('gülşen öztürk');
    await page.getByRole('button', { name: 'Bul' }).click();
    await page.getByRole('status').filter({ hasText: 'Bulunan: 1' }).waitFor();
    await page.getByRole('button', { name: 'Gülşen Öztürk' }).click();
    await page.getByRole('button', { name: `${subscriptionId} numaralı aboneliğin borcunu göster` }).click();
    await page.getByRole('heading', { name: /^Borç: Gülşen Öztürk/ }).waitFor();

    // Settling order, due dates, the late fee paying today adds (24,67 on the old bill, none on the new one).
    await debtRow(page, newBill).waitFor();
    assert.deepEqual(await cells(page, oldBill), ['Tahakkuk', OLD, today().minus({ days: 20 }).toISODate(), '1.000,00 ₺', '24,67 ₺', '1.024,67 ₺']);
    assert.deepEqual(await cells(page, newBill), ['Tahakkuk', NEW, today().plus({ days: 15 }).toISODate(), '271,75 ₺', '0,00 ₺', '271,75 ₺']);
    assert.deepEqual([await page.getByTestId('total-open').innerText(), await page.getByTestId('total-late-fee').innerText(), await page.getByTestId('total-payable').innerText()], ['1.271,75 ₺', '24,67 ₺', '1.296,42 ₺']);

    // The new bill only, 100,00 in cash; the form submitted twice in the same instant (a double click before the
    // button can grey out) sends two requests with one client reference: one payment.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/collections/payments')) posts.push(JSON.parse(r.postData()!).clientReference);
    });
    await debtRow(page, newBill).getByRole('checkbox').check();
    await page.getByLabel('Alınan tutar (₺)').fill('100,00');
    await page.getByRole('radio', { name: 'nakit' }).check();
    await page.getByTestId('payment-form').evaluate((form: HTMLFormElement) => {
      form.requestSubmit();
      form.requestSubmit();
    });
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    await receipt.getByText(/^Makbuz MERKEZ-\d{4}-000001$/).waitFor();
    assert.equal(posts.length, 2);
    assert.equal(posts[0], posts[1]);
    const { rows: taken } = await db.pool.query(`SELECT id::int, amount::text, channel, receipt_no FROM collections_payment WHERE subscription_id = $1`, [subscriptionId]);
    assert.equal(taken.length, 1, 'one payment for two submits');
    assert.deepEqual([taken[0].amount, taken[0].channel], ['100.00', 'cash']);
    assert.equal(await receipt.getAttribute('data-payment-id'), String(taken[0].id));

    // Left on the new bill: 271,75 − 100,00 = 171,75; payable now 1.000,00 + 24,67 + 171,75 = 1.196,42.
    await page.getByTestId('total-payable').filter({ hasText: '1.196,42 ₺' }).waitFor();
    assert.deepEqual(await cells(page, newBill), ['Tahakkuk', NEW, today().plus({ days: 15 }).toISODate(), '171,75 ₺', '0,00 ₺', '171,75 ₺']);
    assert.equal(await openOf(newBill), '171.75');
    assert.equal(await openOf(oldBill), '1000.00');

    // The receipt opens as a PDF in the cashier's session (a new tab from the link).
    const href = await receipt.getByRole('link', { name: /Makbuzu aç ve yazdır/ }).getAttribute('href');
    const pdf = await page.request.get(base + href!);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    // The drawer's own figures moved with it: 200,00 float + 100,00 cash.
    await page.getByTestId('drawer-report').getByTestId('expected-cash').filter({ hasText: '300,00 ₺' }).waitFor();
    await page.getByTestId('desk-payments').locator(`tr[data-payment-id="${taken[0].id}"]`).waitFor();
    await expectAccessible(page, 'cashier desk');
    await page.screenshot({ path: path.join(SHOTS, 'cashier.png') });

    // 50,00 by card on the same bill, found this time by the subscriber number on the bill.
    await page.getByRole('button', { name: 'Sıradaki abone' }).click();
    await page.getByLabel('Abone numarası', { exact: true }).fill(subscriptionId);
    await page.getByRole('button', { name: 'Borcu göster' }).click();
    await debtRow(page, newBill).getByRole('checkbox').check();
    await page.getByLabel('Alınan tutar (₺)').fill('50');
    await page.getByRole('radio', { name: 'kredi kartı' }).check();
    await page.getByRole('button', { name: 'Tahsil et' }).click();
    await page.getByTestId('receipt').getByText(/^Makbuz MERKEZ-\d{4}-000002$/).waitFor();
    await page.getByTestId('total-payable').filter({ hasText: '1.146,42 ₺' }).waitFor();
    assert.equal(await openOf(newBill), '121.75');
    cardPayment = (await db.pool.query(`SELECT id::int FROM collections_payment WHERE subscription_id = $1 AND channel = 'card'`, [subscriptionId])).rows[0].id;
    // A cashier cannot cancel: no such button, and the server refuses anyway.
    assert.equal(await page.getByRole('button', { name: /ödemeyi iptal et/ }).count(), 0);
    const refused = await page.evaluate(async (id) => (await fetch(`/api/v1/collections/payments/${id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'deneme' }) })).status, cardPayment);
    assert.equal(refused, 403);
    await page.context().close();
  });

  it('lets the supervisor cancel today\'s card payment with a reason; the bill opens again by its amount', async () => {
    const page = await loginAs('sef');
    // From the day's close: the cashier's drawer, open, should hold 300,00; its two payments, newest first.
    const drawer = page.getByTestId('daily-drawers').locator('tbody tr');
    await drawer.first().getByText('vezne').waitFor();
    assert.deepEqual((await drawer.allInnerTexts()).map((r) => r.split('\t').map((s) => s.trim()).slice(1, 7)), [['MERKEZ', 'vezne', '300,00 ₺', '—', '—', 'AÇIK']]);
    await drawer.first().getByRole('button', { name: /tahsilatlarını göster$/ }).click();
    const takings = page.getByTestId('drawer-payments').locator('tbody tr');
    await takings.nth(1).waitFor();
    assert.deepEqual(
      (await takings.allInnerTexts()).map((r) => r.split('\t').map((s) => s.trim())).map((c) => [c[0], c[1], c[3], c[4], c[5]]),
      [[`MERKEZ-${today().year}-000002`, subscriptionId, 'kredi kartı', '50,00 ₺', 'GEÇERLİ'], [`MERKEZ-${today().year}-000001`, subscriptionId, 'nakit', '100,00 ₺', 'GEÇERLİ']],
    );
    await page.getByRole('button', { name: 'MERKEZ-' + today().year + '-000002 makbuzlu ödemeyi iptal et' }).click();
    await page.getByRole('dialog').getByLabel('İptal gerekçesi').fill('Kart sahibi tutara itiraz etti');
    await page.getByRole('dialog').getByRole('button', { name: 'Ödemeyi iptal et' }).click();
    await page.getByTestId('drawer-payments').locator(`tr[data-payment-id="${cardPayment}"]`).getByText('İptal edildi').waitFor();
    // The subscriber's debt: the card's 50,00 is open again, 121,75 + 50,00.
    await page.getByLabel('Abone numarası', { exact: true }).fill(subscriptionId);
    await page.getByRole('button', { name: 'Borcu göster' }).click();
    await page.getByTestId('desk-payments').locator(`tr[data-payment-id="${cardPayment}"]`).getByText('İptal edildi').waitFor();
    await page.getByTestId('total-payable').filter({ hasText: '1.196,42 ₺' }).waitFor();
    assert.equal(await openOf(newBill), '171.75');
    const { rows } = await db.pool.query(`SELECT actor, reason FROM collections_payment_cancellation WHERE payment_id = $1`, [cardPayment]);
    assert.deepEqual(rows, [{ actor: 'sef', reason: 'Kart sahibi tutara itiraz etti' }]);
    await expectAccessible(page, 'cashier desk, a payment cancelled');
    await page.screenshot({ path: path.join(SHOTS, 'cashier-cancel.png') });
    await page.context().close();
  });

  it('counts and closes the drawer: 200,00 float + 100,00 cash should be there, 300,00 is counted', async () => {
    const page = await loginAs('vezne');
    const report = page.getByTestId('drawer-report');
    await report.getByTestId('expected-cash').filter({ hasText: '300,00 ₺' }).waitFor();
    // Takings by method; the cancelled card payment listed apart and taken off nothing in cash.
    assert.deepEqual(
      (await report.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').map((s) => s.trim())),
      [['Açılış tutarı', '', '200,00 ₺'], ['kredi kartı', '1', '50,00 ₺'], ['nakit', '1', '100,00 ₺'], ['İptal edilen (kredi kartı)', '1', '−50,00 ₺']],
    );
    await page.getByLabel('Sayılan nakit (₺)').fill('300,00');
    await page.getByRole('button', { name: 'Kasayı say ve kapat' }).click();
    const closed = page.getByTestId('drawer-closed');
    await closed.getByText(/^Kasa \d+ kapandı\.$/).waitFor();
    assert.deepEqual([await closed.getByTestId('expected-cash').innerText(), await closed.getByTestId('counted-cash').innerText(), await closed.getByTestId('cash-difference').innerText()], ['300,00 ₺', '300,00 ₺', '0,00 ₺']);
    const { rows } = await db.pool.query(`SELECT d.office, d.opening_float::text AS float, c.expected_cash::text AS expected, c.counted_cash::text AS counted, c.difference::text AS difference FROM collections_drawer d JOIN collections_drawer_close c ON c.drawer_id = d.id WHERE d.cashier = 'vezne'`);
    assert.deepEqual(rows, [{ office: 'MERKEZ', float: '200.00', expected: '300.00', counted: '300.00', difference: '0.00' }]);
    // With the drawer closed, the desk asks for a new one before any more money.
    await page.getByRole('button', { name: 'Kasayı aç' }).waitFor();
    await expectAccessible(page, 'cashier desk, drawer closed');
    await page.screenshot({ path: path.join(SHOTS, 'cashier-close.png') });
    await page.context().close();

    // The supervisor's daily close shows the drawer closed, 300,00 counted as expected.
    const sef = await loginAs('sef');
    const row = sef.getByTestId('daily-drawers').locator('tbody tr').first();
    await row.getByText('Kapandı').waitFor();
    assert.deepEqual((await row.innerText()).split('\t').map((s) => s.trim()).slice(1, 7), ['MERKEZ', 'vezne', '300,00 ₺', '300,00 ₺', '0,00 ₺', 'KAPANDI']);
    await expectAccessible(sef, 'daily close');
    // The supervisor moves the cashier to Kadıköy: tomorrow's drawer opens there, the field only shows it.
    await sef.getByLabel('Kasiyer (kullanıcı adı)').fill('vezne');
    await sef.getByRole('textbox', { name: 'Vezne (şube) kodu' }).last().fill('kadikoy');
    await sef.getByRole('button', { name: 'Ata' }).click();
    await sef.getByTestId('cashier-offices').locator('tbody tr').first().getByText('KADIKOY').waitFor();
    await sef.screenshot({ path: path.join(SHOTS, 'cashier-supervisor.png'), fullPage: true });
    await sef.context().close();
    const vezne = await loginAs('vezne');
    const office = vezne.getByLabel('Vezne (şube) kodu');
    await vezne.getByText('Şefinizin atadığı vezne').waitFor();
    assert.deepEqual([await office.inputValue(), await office.getAttribute('readonly')], ['KADIKOY', '']);
    await vezne.context().close();
  });
});
