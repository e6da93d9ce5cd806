/** Bulk invoices: gap-free yearly numbers, one invoice per open accrual, and a PDF whose Turkish text survives. */
import assert from 'node:assert/strict';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { allocate, createInvoice, loadInvoice, openAccount, openItems, postEntry, renderInvoicePdf } from './index.ts';
import { accrualInput, ledgerRowCounts, paymentInput } from './test-fixtures.ts';

/** The text a reader would copy out of the PDF, page by page, lines kept. */
async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  let text = '';
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const item of content.items) if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
  }
  await doc.destroy();
  return text;
}

describe('ledger: bulk invoices and their PDF', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let a1: number;
  let a2: number;
  before(async () => {
    db = await createTestDatabase();
    a1 = (await openAccount(db.pool, 'SUB-INV-1')).id;
    a2 = (await openAccount(db.pool, 'SUB-INV-2')).id;
    // January and February gas, 200.00 paid on January.
    const jan = await postEntry(db.pool, accrualInput(a1, 'inv-1-01', { revenue: '850.00', otv: '24.00', kdv: '174.80' }, { periodEnd: '2026-01-31' }));
    await postEntry(db.pool, accrualInput(a1, 'inv-1-02', { revenue: '700.00', otv: '20.00', kdv: '144.00' }, { periodEnd: '2026-02-28' }));
    const pay = await postEntry(db.pool, paymentInput(a1, 'inv-1-pay', '200.00', '2026-02-20'));
    await allocate(db.pool, { sourceEntryId: pay.id, itemId: jan.item!.id, amount: '200.00', onDate: '2026-02-20' });
    // Water with ÇTV on the second account.
    await postEntry(db.pool, accrualInput(a2, 'inv-2-02', { commodity: 'water', revenue: '300.00', ctv: '4.20', kdv: '30.42' }, { periodEnd: '2026-02-28' }));
  });
  after(async () => db.drop());

  it('takes every open, not yet invoiced accrual of the account, and numbers invoices per year without gaps', async () => {
    const inv = await createInvoice(db.pool, a1, { issueDate: '2026-03-02', actor: 'clerk' });
    assert.equal(inv.number, 'ABN2026000001');
    // 1,048.80 + 864.00
    assert.equal(inv.total, '1912.80');
    assert.deepEqual(inv.items.map((i) => [i.period, i.dueDate, i.amount, i.open]), [
      ['2026-01', '2026-02-16', '1048.80', '848.80'],
      ['2026-02', '2026-03-16', '864.00', '864.00'],
    ]);
    assert.equal(inv.dueDate, '2026-02-16');
    assert.deepEqual((await openItems(db.pool, a1, '2026-03-02')).map((i) => i.invoiceNumber), ['ABN2026000001', 'ABN2026000001']);

    // An invoice that rolls back gives its number back: the next one is 000002, not 000003.
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      assert.equal((await createInvoice(c, a2, { issueDate: '2026-03-02' })).number, 'ABN2026000002');
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    assert.equal((await createInvoice(db.pool, a2, { issueDate: '2026-03-02' })).number, 'ABN2026000002');

    // Nothing left to invoice on a1: refused, and the series does not move.
    const before = await ledgerRowCounts(db.pool);
    await assert.rejects(createInvoice(db.pool, a1, { issueDate: '2026-03-03' }), { code: 'ABONE_ERR_LEDGER_NOTHING_TO_INVOICE' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);

    // March accrues; only it goes on the next invoice. A new year starts its own series.
    await postEntry(db.pool, accrualInput(a1, 'inv-1-03', { revenue: '500.00', otv: '10.00', kdv: '102.00' }, { periodEnd: '2026-03-31' }));
    const next = await createInvoice(db.pool, a1, { issueDate: '2026-04-01' });
    assert.deepEqual([next.number, next.total, next.items.length], ['ABN2026000003', '612.00', 1]);
    await postEntry(db.pool, accrualInput(a2, 'inv-2-12', { commodity: 'water', revenue: '100.00', kdv: '10.00' }, { periodEnd: '2026-12-31' }));
    assert.equal((await createInvoice(db.pool, a2, { issueDate: '2027-01-02' })).number, 'ABN2027000001');
  });

  it('hands out consecutive numbers to invoices issued at the same moment', async () => {
    const accounts = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => openAccount(db.pool, `SUB-INV-C${n}`)));
    for (const a of accounts) await postEntry(db.pool, accrualInput(a.id, `inv-c-${a.id}`, { revenue: '10.00', kdv: '2.00' }, { periodEnd: '2026-04-30' }));
    const numbers = (await Promise.all(accounts.map((a) => createInvoice(db.pool, a.id, { issueDate: '2026-05-04' })))).map((i) => i.number).sort();
    assert.deepEqual(numbers, ['ABN2026000004', 'ABN2026000005', 'ABN2026000006', 'ABN2026000007', 'ABN2026000008', 'ABN2026000009']);
  });

  it('renders a PDF whose text has the Turkish letters, the lira sign and the amounts', async () => {
    const pdf = await renderInvoicePdf(await loadInvoice(db.pool, 'ABN2026000001'));
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const text = await pdfText(pdf);
    for (const expected of [
      'Abone Dağıtım A.Ş., İstanbul',
      'FATURA',
      'Fatura no: ABN2026000001',
      'Düzenleme tarihi: 2 Mart 2026',
      'Son ödeme tarihi: 16 Şubat 2026',
      'Ocak 2026',
      'Şubat 2026',
      'Doğal gaz tüketim bedeli',
      'ÖTV',
      'KDV',
      '850,00 ₺',
      '174,80 ₺',
      'Vergiler hariç tutar',
      '1.550,00 ₺', // 850.00 + 700.00
      '44,00 ₺', // ÖTV 24.00 + 20.00
      '318,80 ₺', // KDV 174.80 + 144.00
      'Fatura toplamı',
      '1.912,80 ₺',
      'Ödenen',
      '200,00 ₺',
      'Ödenecek tutar',
      '1.712,80 ₺',
      'Tarihler İstanbul saatine göredir.',
    ]) {
      assert.ok(text.includes(expected), `PDF text lacks ${JSON.stringify(expected)}:\n${text}`);
    }
    const water = await pdfText(await renderInvoicePdf(await loadInvoice(db.pool, 'ABN2026000002')));
    for (const expected of ['Su ve atık su bedeli', 'ÇTV', '4,20 ₺', '334,62 ₺']) assert.ok(water.includes(expected), `water invoice lacks ${expected}:\n${water}`);
  });

  it('refuses an unknown invoice number', async () => {
    await assert.rejects(loadInvoice(db.pool, 'ABN2026999999'), { code: 'ABONE_ERR_LEDGER_INVOICE_NOT_FOUND' });
  });
});
