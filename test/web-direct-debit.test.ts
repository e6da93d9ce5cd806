/**
 * Direct debit (Otomatik ödeme) in a real browser (Debian's chromium, playwright-core) against `abone start` on a
 * test database: a clerk takes a requested order through the bank's approval to active; makes the due-date list for
 * bank 0062, downloads the bank's file (audited) and uploads the bank's result file; a role without
 * collections.direct_debit sees no such screen nor button, and the server refuses the step. axe-core on each screen.
 *
 * The numbers, by hand: DD-1 owes 400.00 and DD-2 250.00, both due 10 February 2026, both with active orders at
 * bank 0062: the list is 650.00 on 2 lines. The bank pays line 1 and refuses line 2 (INSUFFICIENT_FUNDS): paid
 * 400.00 (1 line), not paid 250.00 (1 line), nothing waiting; DD-1's payment is a direct debit of 400.00 with
 * reference <list>-1. The same file again changes nothing; a file answering line 2 "paid" is refused for that line.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { expectAccessible, loginAs as logIn, SHOTS, startConsole, type ConsoleUnderTest } from './support/browser.ts';
import { activateOrder, approveOrder, requestOrder } from '../modules/collections/index.ts';
import { createUser, syncCatalogue } from '../modules/access/index.ts';
import { accountWithBills } from '../modules/collections/test-fixtures.ts';

const PASSWORD = `Pw-${randomBytes(12).toString('hex')}`;
const IBAN_1 = 'TR900001200000000000777777';
const IBAN_2 = 'TR910006400000000005555555';

describe('web console direct debit in a real browser', function () {
  this.timeout(600_000);
  let db: TestDatabase;
  let ui: ConsoleUnderTest;
  let requested: number;
  let untouched: number;

  before(async () => {
    db = await createTestDatabase();
    await syncCatalogue(db.pool);
    await createUser(db.pool, { username: 'tahsilat', displayName: 'Tahsilat Memuru', password: PASSWORD, roles: [{ role: 'billing_clerk' }] });
    await createUser(db.pool, { username: 'denetci', displayName: 'Denetçi', password: PASSWORD, roles: [{ role: 'auditor' }] });
    for (const [subscriptionId, amount, iban] of [['DD-1', '400.00', IBAN_1], ['DD-2', '250.00', IBAN_2]]) {
      await accountWithBills(db.pool, subscriptionId, [{ amount, dueDate: '2026-02-10' }]);
      const o = await requestOrder(db.pool, { subscriptionId, bank: '0062', payerIban: iban, actor: 'seed' });
      await approveOrder(db.pool, { id: o.id, bankReference: `GB-${subscriptionId}`, actor: 'seed' });
      await activateOrder(db.pool, { id: o.id, actor: 'seed' });
    }
    // Two orders waiting for their bank (0010, so they never join 0062's list): one for the clerk, one for the auditor.
    await accountWithBills(db.pool, 'DD-3', [{ amount: '90.00', dueDate: '2026-02-10' }]);
    await accountWithBills(db.pool, 'DD-4', [{ amount: '75.00', dueDate: '2026-02-10' }]);
    requested = (await requestOrder(db.pool, { subscriptionId: 'DD-3', bank: '0010', payerIban: IBAN_1, actor: 'seed' })).id;
    untouched = (await requestOrder(db.pool, { subscriptionId: 'DD-4', bank: '0010', payerIban: IBAN_2, actor: 'seed' })).id;
    ui = await startConsole(db.url, 'web-direct-debit');
  });
  after(async () => {
    await ui?.close();
    await db?.drop();
  });

  const loginAs = (username: string) => logIn(ui, username, PASSWORD);
  const rows = async (page: Page, testId: string) => (await page.getByTestId(testId).locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
  const orderRow = async (id: number) => (await db.pool.query('SELECT status, bank_reference FROM collections_dd_order WHERE id = $1', [id])).rows[0];

  it('takes a requested order through the bank\'s approval to active, each step in its history', async () => {
    const page = await loginAs('tahsilat');
    await page.getByRole('link', { name: 'Otomatik ödeme' }).click();
    await page.getByRole('heading', { name: 'Otomatik ödeme', level: 1 }).waitFor();
    await page.getByRole('combobox', { name: 'Durum' }).click();
    await page.getByRole('option', { name: 'Talep edildi' }).click();
    await page.getByRole('button', { name: 'Göster' }).click();
    const orders = page.getByTestId('dd-orders').locator('tbody tr');
    await orders.nth(1).waitFor();
    assert.deepEqual((await rows(page, 'dd-orders')).map((r) => r.slice(0, 5)), [
      [`Talimat ${untouched}`, 'DD-4', '0010', 'TR91******************5555', 'TALEP EDİLDİ'],
      [`Talimat ${requested}`, 'DD-3', '0010', 'TR90******************7777', 'TALEP EDİLDİ'],
    ]);
    await expectAccessible(page, 'direct debit orders');
    await page.getByRole('link', { name: `Talimat ${requested}` }).click();
    await page.getByRole('heading', { name: `Talimat ${requested}` }).waitFor();
    await page.getByRole('button', { name: 'Banka onayını kaydet' }).click();
    await page.getByRole('dialog').getByLabel('Banka referansı').fill('GB-TAL-3');
    await page.getByRole('dialog').getByRole('button', { name: 'Onayı kaydet' }).click();
    await page.getByTestId('dd-order-status').filter({ hasText: /^Banka onayladı$/i }).waitFor();
    await page.getByRole('button', { name: 'Etkinleştir' }).click();
    await page.getByTestId('dd-order-status').filter({ hasText: /^Etkin$/i }).waitFor();
    assert.deepEqual((await rows(page, 'dd-order-history')).map((r) => r.slice(0, 3)), [
      ['Talep edildi', 'bank 0010', 'seed'],
      ['Banka onayladı', 'GB-TAL-3', 'tahsilat'],
      ['Etkin', '—', 'tahsilat'],
    ]);
    assert.deepEqual(await orderRow(requested), { status: 'active', bank_reference: 'GB-TAL-3' });
    await expectAccessible(page, 'direct debit order');
    await page.screenshot({ path: path.join(SHOTS, 'direct-debit-order.png') });
    await page.context().close();
  });

  it('makes the due-date list, downloads the bank file and uploads its result: 1 paid with its amount, 1 refused with its reason code', async () => {
    const page = await loginAs('tahsilat');
    await page.getByRole('link', { name: 'Otomatik ödeme' }).click();
    await page.getByLabel('Banka (EFT kodu)').fill('0062');
    await page.getByLabel('Vade tarihi').fill('2026-02-10');
    await page.getByRole('button', { name: 'Listeyi oluştur' }).click();
    const heading = page.getByRole('heading', { name: /^Tahsilat listesi \d+$/ });
    await heading.waitFor();
    const id = Number((await heading.innerText()).replace(/\D/g, ''));
    await page.getByTestId('dd-total').filter({ hasText: '650,00 ₺ · 2 satır' }).waitFor();
    assert.equal(await page.getByTestId('dd-waiting').innerText(), '2 satır');
    assert.deepEqual(await rows(page, 'dd-list-lines'), [
      ['1', 'DD-1', 'TR90******************7777', '400,00 ₺', 'BEKLİYOR', '—'],
      ['2', 'DD-2', 'TR91******************5555', '250,00 ₺', 'BEKLİYOR', '—'],
    ]);

    // The bank's file carries the IBANs whole; its download is audited.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Banka dosyasını indir (CSV)' }).click()]);
    assert.equal(download.suggestedFilename(), `dd-0062-2026-02-10-${id}.csv`);
    assert.equal(
      await readFile(await download.path(), 'utf8'),
      `line;reference;subscriber;iban;amount;due_date\r\n1;${id}-1;DD-1;${IBAN_1};400.00;2026-02-10\r\n2;${id}-2;DD-2;${IBAN_2};250.00;2026-02-10\r\n`,
    );
    const audit = await db.pool.query(`SELECT actor, entity_id FROM audit_log WHERE action = 'collections.direct_debit.file'`);
    assert.deepEqual(audit.rows, [{ actor: 'tahsilat', entity_id: String(id) }]);

    const upload = async (csv: string) => {
      await page.getByLabel('Sonuç dosyası (CSV)').setInputFiles({ name: `sonuc-${id}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Sonuçları yükle' }).click();
      await page.getByTestId('dd-result-answer').waitFor();
      return page.getByTestId('dd-result-answer');
    };
    const result = 'line;status;reason_code;reason\n1;paid;;\n2;failed;INSUFFICIENT_FUNDS;Yetersiz bakiye\n';
    await (await upload(result)).getByText('İşlenen: 1 satır ödendi, 1 satır ödenmedi.').waitFor();
    await page.getByTestId('dd-paid').filter({ hasText: '400,00 ₺ · 1 satır' }).waitFor();
    assert.deepEqual(
      [await page.getByTestId('dd-failed').innerText(), await page.getByTestId('dd-waiting').innerText()],
      ['250,00 ₺ · 1 satır', '0 satır'],
    );
    assert.deepEqual(await rows(page, 'dd-list-lines'), [
      ['1', 'DD-1', 'TR90******************7777', '400,00 ₺', 'ÖDENDİ', '—'],
      ['2', 'DD-2', 'TR91******************5555', '250,00 ₺', 'ÖDENMEDİ', 'INSUFFICIENT_FUNDS · Yetersiz bakiye'],
    ]);
    const paid = await db.pool.query(`SELECT subscription_id, channel, reference, amount::text FROM collections_payment WHERE channel = 'direct_debit' ORDER BY id`);
    assert.deepEqual(paid.rows, [{ subscription_id: 'DD-1', channel: 'direct_debit', reference: `${id}-1`, amount: '400.00' }]);
    await expectAccessible(page, 'direct debit list');
    await page.screenshot({ path: path.join(SHOTS, 'direct-debit-list.png') });

    // The same file again: nothing new. A file answering line 2 differently: refused for that line, the first answer stands.
    const again = await upload(result);
    await again.getByText('Zaten kayıtlı (değişmedi): 2 satır.').waitFor();
    assert.match(await again.innerText(), /İşlenen: 0 satır ödendi, 0 satır ödenmedi\./);
    await (await upload('line;status\n2;paid\n')).getByText('Reddedilen (önceki yanıttan farklı, uygulanmadı): 1 satır — 2.').waitFor();
    assert.equal((await db.pool.query(`SELECT count(*)::int AS n FROM collections_payment WHERE channel = 'direct_debit'`)).rows[0].n, 1);

    // Back on the screen, the list shows what its results brought.
    await page.getByRole('link', { name: 'Otomatik ödemeye dön' }).click();
    const listed = page.getByTestId('dd-lists').locator(`tr[data-id="${id}"]`);
    await listed.waitFor();
    assert.deepEqual((await listed.innerText()).split('\t').map((c) => c.trim()).filter((c, i) => i !== 3), [`Tahsilat listesi ${id}`, '0062', '2026-02-10', '650,00 ₺ · 2 satır', '400,00 ₺ · 1 satır', '250,00 ₺ · 1 satır', '0 satır']);
    await expectAccessible(page, 'direct debit');
    await page.screenshot({ path: path.join(SHOTS, 'direct-debit.png') });
    await page.context().close();
  });

  it('shows a role without collections.direct_debit no such screen nor approve button, and the server refuses the step', async () => {
    const page = await loginAs('denetci');
    await page.getByRole('heading', { name: 'Operatör konsolu' }).waitFor();
    assert.equal(await page.getByRole('navigation').first().getByRole('link', { name: 'Otomatik ödeme' }).count(), 0);
    await page.goto(`${ui.base}/direct-debit/orders/${untouched}`);
    await page.getByText('Bu ekranı kullanma yetkiniz yok.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Banka onayını kaydet' }).count(), 0);
    const status = await page.evaluate(async (id) => (await fetch(`/api/v1/direct-debit/orders/${id}/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, untouched);
    assert.equal(status, 403);
    assert.deepEqual(await orderRow(untouched), { status: 'requested', bank_reference: null });
    await page.context().close();
  });
});
