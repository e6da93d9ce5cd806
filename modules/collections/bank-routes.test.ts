/**
 * The bank and PTT channel API on the real app, called with real API tokens: debt inquiry, exact-amount payment by
 * the bank's reference (retries are one payment), cancellation of its own same-day payments, and who may call what.
 *
 * Late fees are hand-checked at the rate in force since 13.11.2025, 3.7 % a month (30-day month):
 *   1,000.00 TL due 20 days ago: 1000 × 0.037 × 20 / 30 = 24.666… → 24.67, payable 1,024.67.
 *   250.00 TL due in 10 days: no fee, payable 250.00.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { balance } from '../ledger/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { accountWithBills } from './test-fixtures.ts';
import { bankChannelToken, dayFromToday } from './bank-test-fixtures.ts';

describe('collections: bank and PTT channel API', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let admin: string;
  let bank: string;
  let ptt: string;
  let overdue: { accountId: number; itemIds: number[] };

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    admin = (await sessionAs(app, db.pool, [{ role: 'admin' }])).cookie;
    bank = await bankChannelToken(app, admin, '0062', 'Garanti BBVA');
    ptt = await bankChannelToken(app, admin, 'PTT', 'PTT');
    overdue = await accountWithBills(db.pool, '7001', [
      { amount: '1000.00', dueDate: dayFromToday(-20), postedOn: dayFromToday(-40) },
      { amount: '250.00', dueDate: dayFromToday(10), postedOn: dayFromToday(-5) },
    ]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const call = (method: 'GET' | 'POST', url: string, auth: Record<string, string>, payload?: unknown) => app.inject({ method, url, headers: auth, payload: payload as object });
  const as = (token: string) => ({ authorization: token });
  const paymentRows = async () => Number((await db.pool.query('SELECT count(*) FROM collections_payment')).rows[0].count);

  it('registers a channel once, with its own user and a token shown only then', async () => {
    const again = await call('POST', '/api/v1/bank-channels', { cookie: admin }, { code: '0062', name: 'Garanti again' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ABONE_ERR_COLLECTIONS_BANK_CHANNEL_EXISTS');
    const bad = await call('POST', '/api/v1/bank-channels', { cookie: admin }, { code: '62', name: 'Short code' });
    assert.equal(bad.statusCode, 400);
    const list = await call('GET', '/api/v1/bank-channels', { cookie: admin });
    assert.deepEqual(list.json().channels.map((c: any) => [c.code, c.username, c.source, c.channel, c.active]), [
      ['0062', 'bank.0062', 'bank:0062', 'bank', true],
      ['PTT', 'ptt', 'ptt', 'ptt', true],
    ]);
    assert.equal(list.json().channels.some((c: any) => 'token' in c), false);
    const { rows } = await db.pool.query(`SELECT entity_id FROM audit_log WHERE action = 'collections.bank_channel.register' ORDER BY id`);
    assert.deepEqual(rows.map((r) => r.entity_id), ['0062', 'PTT']);
  });

  it('answers a debt inquiry with each item\'s late fee to today and what it costs, and nothing personal', async () => {
    const res = await call('GET', '/api/v1/bank/subscribers/7001/debt', as(bank));
    assert.equal(res.statusCode, 200, res.body);
    const debt = res.json();
    assert.equal(debt.asOf, dayFromToday(0));
    assert.deepEqual(debt.items.map((i: any) => [i.itemId, i.dueDate, i.open, i.lateFee, i.payable]), [
      [overdue.itemIds[0], dayFromToday(-20), '1000.00', '24.67', '1024.67'],
      [overdue.itemIds[1], dayFromToday(10), '250.00', '0.00', '250.00'],
    ]);
    assert.deepEqual([debt.totalOpen, debt.totalLateFee, debt.totalPayable], ['1250.00', '24.67', '1274.67']);
    assert.deepEqual(Object.keys(debt).sort(), ['asOf', 'items', 'subscriberNo', 'totalLateFee', 'totalOpen', 'totalPayable']);

    const unknown = await call('GET', '/api/v1/bank/subscribers/999999/debt', as(bank));
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'ABONE_ERR_COLLECTIONS_BANK_SUBSCRIBER_NOT_FOUND');
  });

  it('refuses an amount that is not what the chosen items cost today, and writes nothing', async () => {
    const before = await ledgerRowCounts(db.pool);
    const res = await call('POST', '/api/v1/bank/payments', as(bank), { subscriberNo: '7001', reference: 'G-1', itemIds: [overdue.itemIds[0]], amount: '1000.00' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'ABONE_ERR_COLLECTIONS_BANK_AMOUNT_MISMATCH');
    assert.match(res.json().message, /is not 1024\.67/);
    const notOpen = await call('POST', '/api/v1/bank/payments', as(bank), { subscriberNo: '7001', reference: 'G-1', itemIds: [999_999], amount: '10.00' });
    assert.equal(notOpen.json().code, 'ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN');
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    assert.equal(await paymentRows(), 0);
  });

  it('pays the chosen item with its late fee; the same reference again is the same payment, answered 200', async () => {
    // A `source` in the body is not the bank's to say: it is dropped, the token decides.
    const body = { subscriberNo: '7001', reference: 'G-1', itemIds: [overdue.itemIds[0]], amount: '1024.67', source: 'ptt' };
    const first = await call('POST', '/api/v1/bank/payments', as(bank), body);
    assert.equal(first.statusCode, 201, first.body);
    const p = first.json();
    assert.deepEqual([p.reference, p.subscriberNo, p.amount, p.businessDate, p.replayed, p.cancelled], ['G-1', '7001', '1024.67', dayFromToday(0), false, null]);
    assert.deepEqual(p.settled.map((s: any) => [s.kind, s.amount]), [['fee', '24.67'], ['accrual', '1000.00']]);
    assert.deepEqual(p.lateFees.map((f: any) => [f.itemId, f.fromDate, f.toDate, f.principal, f.amount]), [[overdue.itemIds[0], dayFromToday(-20), dayFromToday(0), '1000.00', '24.67']]);
    const { rows } = await db.pool.query('SELECT source, channel, reference FROM collections_payment');
    assert.deepEqual(rows, [{ source: 'bank:0062', channel: 'bank', reference: 'G-1' }]);

    const before = await ledgerRowCounts(db.pool);
    const again = await call('POST', '/api/v1/bank/payments', as(bank), body);
    assert.equal(again.statusCode, 200);
    assert.deepEqual([again.json().paymentId, again.json().replayed], [p.paymentId, true]);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    // Left: the 250.00 not yet due.
    assert.equal((await balance(db.pool, overdue.accountId)).balance, '250.00');

    const otherAmount = await call('POST', '/api/v1/bank/payments', as(bank), { ...body, amount: '1024.66' });
    assert.equal(otherAmount.statusCode, 409);
    assert.equal(otherAmount.json().code, 'ABONE_ERR_COLLECTIONS_BANK_REFERENCE_CONFLICT');
    const audits = await db.pool.query(`SELECT actor, entity_id FROM audit_log WHERE action = 'collections.bank.pay'`);
    assert.deepEqual(audits.rows, [{ actor: 'token:bank-channel:0062', entity_id: String(p.paymentId) }]);

    const status = await call('GET', '/api/v1/bank/payments/G-1', as(bank));
    assert.deepEqual([status.statusCode, status.json().paymentId], [200, p.paymentId]);
  });

  it('keeps each bank to its own payments: another channel neither sees nor cancels them', async () => {
    assert.equal((await call('GET', '/api/v1/bank/payments/G-1', as(ptt))).statusCode, 404);
    const cancel = await call('POST', '/api/v1/bank/cancellations', as(ptt), { reference: 'G-1', reason: 'not ours' });
    assert.equal(cancel.statusCode, 404);
    assert.equal(cancel.json().code, 'ABONE_ERR_COLLECTIONS_PAYMENT_NOT_FOUND');
    // The PTT's own G-1 is another payment: references are unique per channel.
    const res = await call('POST', '/api/v1/bank/payments', as(ptt), { subscriberNo: '7001', reference: 'G-1', itemIds: [overdue.itemIds[1]], amount: '250.00' });
    assert.equal(res.statusCode, 201, res.body);
    const { rows } = await db.pool.query('SELECT source, amount::text FROM collections_payment ORDER BY id');
    assert.deepEqual(rows, [{ source: 'bank:0062', amount: '1024.67' }, { source: 'ptt', amount: '250.00' }]);
  });

  it('refuses the bank API to a cashier, and to a user who holds the permission but is no channel', async () => {
    const cashier = (await sessionAs(app, db.pool, [{ role: 'cashier' }])).cookie;
    const res = await call('GET', '/api/v1/bank/subscribers/7001/debt', { cookie: cashier });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'ABONE_ERR_AUTH_FORBIDDEN');
    const pay = await call('POST', '/api/v1/bank/payments', { cookie: cashier }, { subscriberNo: '7001', reference: 'C-1', itemIds: [overdue.itemIds[1]], amount: '250.00' });
    assert.equal(pay.statusCode, 403);
    const notChannel = await call('GET', '/api/v1/bank/subscribers/7001/debt', { cookie: admin });
    assert.equal(notChannel.statusCode, 403);
    assert.equal(notChannel.json().code, 'ABONE_ERR_COLLECTIONS_BANK_CHANNEL_UNKNOWN');
    assert.equal((await call('GET', '/api/v1/bank/subscribers/7001/debt', { authorization: 'Bearer not-a-token' })).statusCode, 401);
    assert.equal((await call('GET', '/api/v1/bank-channels', as(bank))).statusCode, 403);
  });

  it('cancels its own payment of today: the items are open again with their fee running; cancelling again is harmless', async () => {
    const res = await call('POST', '/api/v1/bank/cancellations', as(bank), { reference: 'G-1', reason: 'müşteri iptali' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().cancelled.reason, 'müşteri iptali');
    const again = await call('POST', '/api/v1/bank/cancellations', as(bank), { reference: 'G-1', reason: 'retry' });
    assert.deepEqual([again.statusCode, again.json().cancelled.reason], [200, 'müşteri iptali']);
    const debt = (await call('GET', '/api/v1/bank/subscribers/7001/debt', as(bank))).json();
    assert.deepEqual(debt.items.map((i: any) => [i.open, i.lateFee, i.payable]), [['1000.00', '24.67', '1024.67']]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'collections.bank.cancel'`);
    assert.equal(rows[0].n, 2);
    // A cancelled reference stays the bank's: paying under it again answers with the cancelled payment.
    const reuse = await call('POST', '/api/v1/bank/payments', as(bank), { subscriberNo: '7001', reference: 'G-1', itemIds: [overdue.itemIds[0]], amount: '1024.67' });
    assert.deepEqual([reuse.statusCode, reuse.json().replayed, reuse.json().cancelled?.reason], [200, true, 'müşteri iptali']);
  });

  it('refuses bad bodies with a clear code and writes nothing', async () => {
    const before = await ledgerRowCounts(db.pool);
    const payments = await paymentRows();
    const base = { subscriberNo: '7001', reference: 'BAD-1', itemIds: [overdue.itemIds[0]], amount: '1024.67' };
    const cases: Array<[unknown, number, string]> = [
      [{ ...base, amount: '1024,67' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...base, amount: 1024.67 }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...base, itemIds: [] }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...base, itemIds: ['1'] }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...base, reference: '' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...base, reference: 'A\u0000B' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...base, subscriberNo: "7001' OR 1=1" }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ ...base, businessDate: dayFromToday(1) }, 400, 'ABONE_ERR_COLLECTIONS_PAYMENT_INVALID'],
      [{ ...base, businessDate: dayFromToday(-30) }, 400, 'ABONE_ERR_COLLECTIONS_PAYMENT_INVALID'],
      [{ ...base, subscriberNo: '404404' }, 404, 'ABONE_ERR_COLLECTIONS_BANK_SUBSCRIBER_NOT_FOUND'],
      [{ ...base, itemIds: [overdue.itemIds[0], overdue.itemIds[0]] }, 409, 'ABONE_ERR_COLLECTIONS_BANK_AMOUNT_MISMATCH'],
      ['not json at all', 400, 'ABONE_ERR_HTTP_VALIDATION'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await call('POST', '/api/v1/bank/payments', { ...as(bank), 'content-type': 'application/json' }, typeof payload === 'string' ? payload : JSON.stringify(payload));
      assert.deepEqual([res.statusCode, res.json().code], [status, code], `${JSON.stringify(payload)} → ${res.body}`);
    }
    const cancel = await call('POST', '/api/v1/bank/cancellations', as(bank), { reference: 'NOPE' });
    assert.equal(cancel.statusCode, 400);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    assert.equal(await paymentRows(), payments);
  });
});
