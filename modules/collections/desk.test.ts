/** The cashier desk over HTTP on the real app: a day at the desk from opening the drawer to the daily close. */
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { localDate } from '../../platform/calendar.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: the cashier desk', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let cashier: string;
  let supervisor: string;
  let clerk: string;
  const today = localDate(Date.now());
  const daysFromToday = (n: number) => DateTime.fromISO(today).plus({ days: n }).toISODate()!;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    cashier = (await sessionAs(app, db.pool, [{ role: 'cashier' }])).cookie;
    supervisor = (await sessionAs(app, db.pool, [{ role: 'cashier_supervisor' }])).cookie;
    clerk = (await sessionAs(app, db.pool, [{ role: 'billing_clerk' }])).cookie;
    // DESK-1 owes a bill 20 days overdue and one due in ten days; DESK-2 a bill due in ten days.
    await accountWithBills(db.pool, 'DESK-1', [{ amount: '1000.00', dueDate: daysFromToday(-20), postedOn: daysFromToday(-40) }, { amount: '250.00', dueDate: daysFromToday(10), postedOn: daysFromToday(-5) }]);
    await accountWithBills(db.pool, 'DESK-2', [{ amount: '80.00', dueDate: daysFromToday(10), postedOn: daysFromToday(-5) }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const call = (method: string, url: string, cookie: string, payload?: unknown) => app.inject({ method: method as 'GET', url, headers: { cookie }, payload: payload as object });

  it('runs a day: drawer, debt, payments with receipts, a supervisor\'s cancellation, the count and the daily close', async () => {
    const opened = await call('POST', '/api/v1/collections/drawers', cashier, { office: 'MERKEZ', openingFloat: '200.00' });
    assert.equal(opened.statusCode, 201, opened.body);
    const drawerId = opened.json().id;
    assert.equal((await call('POST', '/api/v1/collections/drawers', cashier, { office: 'MERKEZ', openingFloat: '0.00' })).json().code, 'ABONE_ERR_COLLECTIONS_DRAWER_STATE');

    // The late fee on 1,000.00 twenty days late at 3.7% a month: 1000 × 0.037 × 20 / 30 = 24.67.
    const debt = (await call('GET', '/api/v1/collections/debt?subscriptionId=DESK-1', cashier)).json();
    assert.deepEqual([debt.totalOpen, debt.totalLateFee, debt.totalPayable], ['1250.00', '24.67', '1274.67']);

    const cash = await call('POST', '/api/v1/collections/payments', cashier, { subscriptionId: 'DESK-1', amount: '1274.67', method: 'cash', drawerId, clientReference: 'web-0001-aaaa' });
    assert.equal(cash.statusCode, 201, cash.body);
    const receipt = cash.json();
    assert.equal(receipt.receiptNo, `MERKEZ-${today.slice(0, 4)}-000001`);
    assert.deepEqual(receipt.allocations.map((a: { kind: string; amount: string }) => [a.kind, a.amount]), [['fee', '24.67'], ['accrual', '1000.00'], ['accrual', '250.00']]);
    // A double click: the same client reference is the same receipt, nothing taken twice.
    const again = await call('POST', '/api/v1/collections/payments', cashier, { subscriptionId: 'DESK-1', amount: '1274.67', method: 'cash', drawerId, clientReference: 'web-0001-aaaa' });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().receiptNo, receipt.receiptNo);

    const card = await call('POST', '/api/v1/collections/payments', cashier, { subscriptionId: 'DESK-2', amount: '80.00', method: 'card_instalment', instalments: 3, drawerId, clientReference: 'web-0002-bbbb' });
    assert.equal(card.json().receiptNo, `MERKEZ-${today.slice(0, 4)}-000002`);
    const wrongCash = await call('POST', '/api/v1/collections/payments', cashier, { subscriptionId: 'DESK-2', amount: '50.00', method: 'cash', drawerId, clientReference: 'web-0003-cccc' });
    assert.equal(wrongCash.json().unallocated, '50.00'); // nothing open: it waits as credit

    const pdf = await call('GET', `/api/v1/collections/payments/${receipt.id}/receipt.pdf`, cashier);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

    // The cashier may not cancel; the supervisor may, and the cancellation is audited.
    assert.equal((await call('POST', `/api/v1/collections/payments/${wrongCash.json().id}/cancel`, cashier, { reason: 'Yanlış abone' })).statusCode, 403);
    const cancelled = await call('POST', `/api/v1/collections/payments/${wrongCash.json().id}/cancel`, supervisor, { reason: 'Yanlış abone' });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    const { rows: audits } = await db.pool.query(`SELECT action FROM audit_log WHERE action LIKE 'collections.%' ORDER BY id`);
    assert.deepEqual(audits.map((a) => a.action), ['collections.drawer.open', 'collections.payment.take', 'collections.payment.take', 'collections.payment.take', 'collections.payment.cancel']);

    // Expected cash: 200.00 float + 1,274.67 + 50.00 cash − 50.00 cancelled = 1,474.67; counted 1,470.00 → −4.67.
    const closed = await call('POST', `/api/v1/collections/drawers/${drawerId}/close`, cashier, { countedCash: '1470.00' });
    assert.equal(closed.statusCode, 200, closed.body);
    assert.deepEqual([closed.json().expectedCash, closed.json().countedCash, closed.json().difference], ['1474.67', '1470.00', '-4.67']);
    assert.equal((await call('POST', '/api/v1/collections/payments', cashier, { subscriptionId: 'DESK-2', amount: '1.00', method: 'cash', drawerId, clientReference: 'web-0004-dddd' })).json().code, 'ABONE_ERR_COLLECTIONS_DRAWER_STATE');

    const daily = (await call('GET', `/api/v1/collections/reports/daily?date=${today}&office=MERKEZ`, clerk)).json();
    assert.deepEqual(daily.byMethod, [
      { channel: 'card_instalment', count: 1, total: '80.00' },
      { channel: 'cash', count: 2, total: '1324.67' },
    ]);
    assert.deepEqual(daily.cancelled, [{ channel: 'cash', count: 1, total: '50.00' }]);

    // The supervisor goes from the daily close to the drawer's payments, newest first, two to a page.
    const first = (await call('GET', `/api/v1/collections/payments?drawerId=${drawerId}&limit=2`, supervisor)).json();
    assert.deepEqual(first.payments.map((p: any) => [p.subscriptionId, p.channel, p.amount, p.cancelled]), [['DESK-2', 'cash', '50.00', true], ['DESK-2', 'card_instalment', '80.00', false]]);
    const rest = (await call('GET', `/api/v1/collections/payments?drawerId=${drawerId}&limit=2&before=${first.next}`, supervisor)).json();
    assert.deepEqual(rest.payments.map((p: any) => [p.subscriptionId, p.channel, p.amount, p.receiptNo]), [['DESK-1', 'cash', '1274.67', receipt.receiptNo]]);
    for (const query of ['', `subscriptionId=DESK-1&drawerId=${drawerId}`, 'drawerId=0']) {
      const refused = await call('GET', `/api/v1/collections/payments?${query}`, supervisor);
      assert.equal(refused.statusCode, 400, query);
      assert.equal(refused.json().code, 'ABONE_ERR_HTTP_VALIDATION', query);
    }
  });

  it('opens a cashier\'s drawer only at the office a supervisor assigned; the assignment is audited', async () => {
    const { cookie, username } = await sessionAs(app, db.pool, [{ role: 'cashier' }]);
    // None assigned: any office named; then the supervisor puts the cashier at KADIKOY.
    assert.deepEqual((await call('GET', '/api/v1/collections/cashier-offices/me', cookie)).json(), { cashier: username, office: null });
    assert.equal((await call('PUT', `/api/v1/collections/cashier-offices/${username}`, cookie, { office: 'KADIKOY' })).statusCode, 403, 'a cashier does not assign offices');
    assert.equal((await call('PUT', '/api/v1/collections/cashier-offices/nobody-here', supervisor, { office: 'KADIKOY' })).json().code, 'ABONE_ERR_AUTH_USER_NOT_FOUND');
    const put = await call('PUT', `/api/v1/collections/cashier-offices/${username}`, supervisor, { office: 'KADIKOY' });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual((await call('GET', '/api/v1/collections/cashier-offices/me', cookie)).json(), { cashier: username, office: 'KADIKOY' });
    // Elsewhere refused, nothing opened; with the office left out, the drawer opens at KADIKOY.
    const elsewhere = await call('POST', '/api/v1/collections/drawers', cookie, { office: 'MERKEZ', openingFloat: '0' });
    assert.deepEqual([elsewhere.statusCode, elsewhere.json().code], [403, 'ABONE_ERR_COLLECTIONS_DRAWER_OFFICE']);
    assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM collections_drawer WHERE cashier = $1', [username])).rows[0].n, 0);
    const opened = await call('POST', '/api/v1/collections/drawers', cookie, { openingFloat: '50.00' });
    assert.equal(opened.statusCode, 201, opened.body);
    assert.deepEqual([opened.json().office, opened.json().openingFloat], ['KADIKOY', '50.00']);
    const { rows } = await db.pool.query(`SELECT entity_id, detail->>'office' AS office FROM audit_log WHERE action = 'collections.cashier.office'`);
    assert.deepEqual(rows, [{ entity_id: username, office: 'KADIKOY' }]);
  });

  it('refuses bad desk input by field and a payment into another cashier\'s drawer', async () => {
    const other = (await sessionAs(app, db.pool, [{ role: 'cashier' }])).cookie;
    const drawerId = (await call('POST', '/api/v1/collections/drawers', other, { office: 'KADIKOY', openingFloat: '0' })).json().id;
    const bad = await call('POST', '/api/v1/collections/payments', other, { subscriptionId: 'DESK-2', amount: '10,50', method: 'cash', drawerId, clientReference: 'web-0005-eeee' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'ABONE_ERR_HTTP_VALIDATION');
    const notMine = await call('POST', '/api/v1/collections/payments', supervisor, { subscriptionId: 'DESK-2', amount: '10.00', method: 'cash', drawerId, clientReference: 'web-0006-ffff' });
    assert.equal(notMine.json().code, 'ABONE_ERR_COLLECTIONS_DRAWER_NOT_FOUND');
    const unknown = await call('POST', '/api/v1/collections/payments', other, { subscriptionId: 'NOBODY', amount: '10.00', method: 'cash', drawerId, clientReference: 'web-0007-gggg' });
    assert.equal(unknown.json().code, 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND');
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM collections_payment WHERE drawer_id = $1`, [drawerId]);
    assert.equal(rows[0].n, 0);
  });
});
