/** The HTTP routes on the real app: statement, open items, aging, invoicing (audited) and the invoice PDF. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { openAccount, postEntry } from './index.ts';
import { accrualInput, ledgerRowCounts } from './test-fixtures.ts';

describe('ledger: HTTP routes', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let clerk: string;
  let cashier: string;
  let accountId: number;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    clerk = (await sessionAs(app, db.pool, [{ role: 'billing_clerk' }])).cookie;
    cashier = (await sessionAs(app, db.pool, [{ role: 'cashier' }])).cookie;
    accountId = (await openAccount(db.pool, 'SUB-HTTP-1')).id;
    await postEntry(db.pool, accrualInput(accountId, 'http-01', { revenue: '850.00', otv: '24.00', kdv: '174.80' }, { periodEnd: '2026-01-31' }));
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const get = (url: string, cookie: string) => app.inject({ method: 'GET', url, headers: { cookie } });

  it('shows statement, open items and aging to a cashier', async () => {
    const st = await get(`/api/v1/accounts/${accountId}/statement?to=2026-03-31`, cashier);
    assert.equal(st.statusCode, 200, st.body);
    assert.equal(st.json().closingBalance, '1048.80');
    const items = await get(`/api/v1/accounts/${accountId}/open-items?asOf=2026-03-31`, cashier);
    assert.deepEqual(items.json().items.map((i: any) => [i.dueDate, i.open]), [['2026-02-16', '1048.80']]);
    const ag = await get(`/api/v1/accounts/${accountId}/aging?asOf=2026-03-31`, cashier);
    // Due 16 Feb, 43 days before 31 Mar.
    assert.deepEqual(ag.json().buckets, { current: '0.00', '1-30': '0.00', '31-60': '1048.80', '61-90': '0.00', '90+': '0.00' });
  });

  it('answers an unknown account with 404 and a bad date with 400', async () => {
    const missing = await get('/api/v1/accounts/999999/aging', cashier);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND');
    const bad = await get(`/api/v1/accounts/${accountId}/aging?asOf=2026-02-30`, cashier);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'ABONE_ERR_LEDGER_ENTRY_INVALID');
  });

  it('lets a billing clerk issue an invoice (audited) and anyone with ledger.read fetch its PDF; a cashier may not invoice', async () => {
    const before = await ledgerRowCounts(db.pool);
    const refused = await app.inject({ method: 'POST', url: `/api/v1/accounts/${accountId}/invoices`, headers: { cookie: cashier }, payload: { issueDate: '2026-02-02' } });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);

    const res = await app.inject({ method: 'POST', url: `/api/v1/accounts/${accountId}/invoices`, headers: { cookie: clerk }, payload: { issueDate: '2026-02-02' } });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual([res.json().number, res.json().total], ['ABN2026000001', '1048.80']);
    const { rows } = await db.pool.query(`SELECT actor, entity_id FROM audit_log WHERE action = 'ledger.invoice.create'`);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].entity_id, 'ABN2026000001');

    const again = await app.inject({ method: 'POST', url: `/api/v1/accounts/${accountId}/invoices`, headers: { cookie: clerk }, payload: {} });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ABONE_ERR_LEDGER_NOTHING_TO_INVOICE');

    const pdf = await get('/api/v1/invoices/ABN2026000001/pdf', cashier);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    assert.equal((await get('/api/v1/invoices/ABN2026999999/pdf', cashier)).statusCode, 404);
  });
});
