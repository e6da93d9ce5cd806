/**
 * The direct debit routes the console reads on the real app: orders by status a page at a time (and a
 * subscription's), the collection lists with what their result files brought, and one list's totals beside its
 * lines. The amounts are hand-checked: 400.00 + 250.00 + 35.50 due on 10 February at bank 0062, the bank paying the
 * first and the third (435.50) and refusing the second (250.00). Who may call what: test/permission-matrix.test.ts.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { accountWithBills } from './test-fixtures.ts';

const IBAN = 'TR900001200000000000777777';

describe('collections: direct debit read routes (orders by status, lists with their results)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let clerk: { cookie: string; username: string };

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    clerk = await sessionAs(app, db.pool, [{ role: 'billing_clerk' }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url, headers: { cookie: clerk.cookie }, payload: payload as object });
    assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const order = async (subscriptionId: string, steps: Array<'approve' | 'activate' | 'cancel'>) => {
    const o = await call('POST', '/api/v1/direct-debit/orders', { subscriptionId, bank: '0062', payerIban: IBAN });
    for (const step of steps) await call('POST', `/api/v1/direct-debit/orders/${o.id}/${step}`, step === 'cancel' ? { reason: 'Abone vazgeçti' } : step === 'approve' ? {} : undefined);
    return o.id as number;
  };

  let ids: Record<string, number>;

  it('lists orders by status, newest first, a page at a time, IBANs masked; and a subscription\'s orders', async () => {
    for (const [s, amount] of [['R-1', '400.00'], ['R-2', '250.00'], ['R-3', '35.50'], ['R-4', '60.00'], ['R-5', '70.00']]) await accountWithBills(db.pool, s, [{ amount, dueDate: '2026-02-10' }]);
    ids = { r1: await order('R-1', ['approve', 'activate']), r2: await order('R-2', ['approve', 'activate']), r3: await order('R-3', ['approve', 'activate']), r4: await order('R-4', []), r5: await order('R-5', ['cancel']) };
    const active = await call('GET', '/api/v1/direct-debit/orders?status=active&limit=2');
    assert.deepEqual(active.items.map((o: any) => [o.id, o.subscriptionId, o.status, o.payerIban]), [[ids.r3, 'R-3', 'active', 'TR90******************7777'], [ids.r2, 'R-2', 'active', 'TR90******************7777']]);
    assert.equal(active.next, ids.r2);
    const rest = await call('GET', `/api/v1/direct-debit/orders?status=active&limit=2&before=${active.next}`);
    assert.deepEqual([rest.items.map((o: any) => o.id), rest.next], [[ids.r1], null]);
    assert.deepEqual((await call('GET', '/api/v1/direct-debit/orders?status=requested')).items.map((o: any) => o.subscriptionId), ['R-4']);
    assert.deepEqual((await call('GET', '/api/v1/direct-debit/orders')).items.map((o: any) => o.id), [ids.r5, ids.r4, ids.r3, ids.r2, ids.r1]);
    // A subscription's orders come with their history: the cancelled one's two steps and the reason.
    const [r5] = (await call('GET', '/api/v1/direct-debit/orders?subscriptionId=R-5')).items;
    assert.deepEqual(r5.events.map((e: any) => [e.status, e.detail]), [['requested', 'bank 0062'], ['cancelled', 'Abone vazgeçti']]);
    const bad = await app.inject({ method: 'GET', url: '/api/v1/direct-debit/orders?status=paid', headers: { cookie: clerk.cookie } });
    assert.equal(bad.statusCode, 400);
  });

  it('lists collection lists with what the bank answered so far, and shows one list\'s totals beside its lines', async () => {
    const list = await call('POST', '/api/v1/direct-debit/lists', { bank: '0062', dueDate: '2026-02-10' });
    assert.deepEqual(list.lines.map((l: any) => [l.line, l.subscriptionId, l.amount]), [[1, 'R-1', '400.00'], [2, 'R-2', '250.00'], [3, 'R-3', '35.50']]);
    const empty = await call('POST', '/api/v1/direct-debit/lists', { bank: '0010', dueDate: '2026-02-10' });
    const before = await call('GET', '/api/v1/direct-debit/lists');
    assert.deepEqual(before.items.map((l: any) => [l.id, l.bank, l.dueDate, l.actor, l.totals]), [
      [empty.id, '0010', '2026-02-10', clerk.username, { lines: 0, total: '0.00', paidLines: 0, paid: '0.00', failedLines: 0, failed: '0.00', waitingLines: 0 }],
      [list.id, '0062', '2026-02-10', clerk.username, { lines: 3, total: '685.50', paidLines: 0, paid: '0.00', failedLines: 0, failed: '0.00', waitingLines: 3 }],
    ]);
    await call('POST', `/api/v1/direct-debit/lists/${list.id}/results`, { bank: '0062', lines: [{ line: 1, status: 'paid' }, { line: 2, status: 'failed', reasonCode: 'INSUFFICIENT_FUNDS', reason: 'Yetersiz bakiye' }] });
    const one = await call('GET', `/api/v1/direct-debit/lists/${list.id}`);
    assert.equal(one.actor, clerk.username);
    assert.deepEqual(one.totals, { lines: 3, total: '685.50', paidLines: 1, paid: '400.00', failedLines: 1, failed: '250.00', waitingLines: 1 });
    assert.deepEqual(one.lines.map((l: any) => [l.line, l.payerIban, l.result?.outcome ?? null, l.result?.reasonCode ?? null]), [[1, 'TR90******************7777', 'paid', null], [2, 'TR90******************7777', 'failed', 'INSUFFICIENT_FUNDS'], [3, 'TR90******************7777', null, null]]);
    await call('POST', `/api/v1/direct-debit/lists/${list.id}/results`, { lines: [{ line: 3, status: 'paid' }] });
    const page = await call('GET', '/api/v1/direct-debit/lists?bank=0062&limit=1');
    assert.deepEqual([page.items.map((l: any) => [l.id, l.totals.paidLines, l.totals.paid, l.totals.waitingLines]), page.next], [[[list.id, 2, '435.50', 0]], list.id]);
    assert.deepEqual((await call('GET', `/api/v1/direct-debit/lists?before=${list.id}`)).items, []);
  });
});
