/**
 * The example client against a listening app: a bank asks for the debt, pays it, loses the answer (the connection
 * drops after the server took the payment) and sends the same reference again: one payment. Its end-of-day file
 * then reconciles with no difference.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { accountWithBills } from '../../modules/collections/test-fixtures.ts';
import { localDate } from '../../platform/calendar.ts';
import { BankApiError, BankChannelClient, reconciliationCsv } from './index.ts';

const dayFromToday = (days: number) => localDate(Date.now() + days * 86_400_000);

describe('bank-ptt: the example client', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let client: BankChannelClient;
  let dropped = 0;

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const admin = (await sessionAs(app, db.pool, [{ role: 'admin' }])).cookie;
    const registered = await app.inject({ method: 'POST', url: '/api/v1/bank-channels', headers: { cookie: admin }, payload: { code: 'PTT', name: 'PTT' } });
    const { token } = registered.json();
    // The first payment call reaches the server, but its answer is lost on the way back.
    const lossy: typeof fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (String(url).endsWith('/api/v1/bank/payments') && dropped++ === 0) throw new TypeError('fetch failed: socket hang up');
      return res;
    };
    client = new BankChannelClient({ baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, token, backoffMs: 10, fetch: lossy });
    // 300.00 due 30 days ago: 300 × 0.037 × 30 / 30 = 11.10 late fee; 80.00 not due yet.
    await accountWithBills(db.pool, '9100', [
      { amount: '300.00', dueDate: dayFromToday(-30), postedOn: dayFromToday(-45) },
      { amount: '80.00', dueDate: dayFromToday(5), postedOn: dayFromToday(-2) },
    ]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('pays the whole debt once although the first answer was lost, and reconciles', async () => {
    const debt = await client.debt('9100');
    assert.equal(debt.totalPayable, '391.10');
    const payment = await client.payItems(debt, debt.items.map((i) => i.itemId), 'PTT-0001');
    assert.equal(dropped, 2);
    assert.deepEqual([payment.amount, payment.replayed], ['391.10', true]);
    assert.deepEqual(payment.settled.map((s) => [s.kind, s.amount]), [['fee', '11.10'], ['accrual', '300.00'], ['accrual', '80.00']]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM collections_payment');
    assert.equal(rows[0].n, 1);
    assert.deepEqual((await client.debt('9100')).items, []);

    const report = (await client.reconcileCsv(dayFromToday(0), reconciliationCsv(dayFromToday(0), [{ reference: 'PTT-0001', subscriberNo: '9100', amount: '391.10' }]))) as { agreed: boolean };
    assert.equal(report.agreed, true);
    await assert.rejects(client.payment('PTT-9999'), (err: BankApiError) => err.status === 404 && err.code === 'ABONE_ERR_COLLECTIONS_PAYMENT_NOT_FOUND');
  });
});
