/**
 * The concurrency case on a listening app over real sockets: one bank payment retried 50 times from 10
 * parallel keep-alive connections, while a bill run (the billing context's real run and worker) posts October's
 * accruals to the same subscriptions. It ends with exactly one payment, one late fee, one allocation set and exact
 * balances. No timing is asserted; the overlap of the two is printed.
 *
 * Hand-checked numbers (tariff SU-KONUT, billing test fixtures; late fee 3.7 % a month since 13.11.2025):
 *   A's old bill 1,000.00 due 20 days ago: fee 1000 × 0.037 × 20 / 30 = 24.67; the bank pays 1,024.67.
 *   October bill run: A 0.5 m³/day = 15.5 m³ → gross 271.75; B 1 m³/day = 31 m³ → water 100 + 21 × 20 = 520.00,
 *   service 30.00, ÇTV 15.50, KDV 55.00 → gross 620.50; four more like A, 271.75 each.
 *   Balances after: A = 1000.00 + 24.67 − 1024.67 + 271.75 = 271.75; B = 620.50.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { balance, openItems, accountForSubscription } from '../ledger/index.ts';
import { runWorker, startRun, subscriptionAccruals } from '../billing/index.ts';
import { dailyConsumption, repeat, storeWaterTariff, waterSubscriptions, type Metered } from '../billing/test-fixtures.ts';
import { accountWithBills } from './test-fixtures.ts';
import { bankChannelToken, dayFromToday } from './bank-test-fixtures.ts';

interface Answer {
  status: number;
  body: any;
}

/** One POST on a given keep-alive agent (one agent per connection, one socket each). */
function post(agent: http.Agent, port: number, path: string, auth: string, payload: unknown): Promise<Answer> {
  const data = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: '127.0.0.1', port, path, method: 'POST', headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

describe('collections: one bank payment retried 50 times on 10 connections during a bill run', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let app: App;
  let port: number;
  let token: string;
  let subs: Metered[];
  let old: { accountId: number; itemIds: number[] };

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    const admin = (await sessionAs(app, db.pool, [{ role: 'admin' }])).cookie;
    token = await bankChannelToken(app, admin, '0062', 'Garanti BBVA');
    await storeWaterTariff(db.pool);
    subs = await waterSubscriptions(db.pool, 6);
    for (const [i, s] of subs.entries()) await dailyConsumption(db.pool, s.meterId, '2026-10-01', repeat(31, i === 1 ? 1 : 0.5));
    old = await accountWithBills(db.pool, String(subs[0].subscriptionId), [{ amount: '1000.00', dueDate: dayFromToday(-20), postedOn: dayFromToday(-40) }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('ends with exactly one payment, one allocation set and exact balances', async () => {
    const subscriberNo = String(subs[0].subscriptionId);
    const body = { subscriberNo, reference: 'GAR-20261128-000042', itemIds: [old.itemIds[0]], amount: '1024.67' };
    const agents = Array.from({ length: 10 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    const times = { payments: [0, 0], billRun: [0, 0] };

    const { run } = await startRun(db.pool, { period: '2026-10', actor: 'test' });
    const retries = (async () => {
      times.payments[0] = Date.now();
      // 50 calls, 5 queued on each of the 10 connections: all in flight at once, as a bank's retrying gateway does.
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(agents[i % 10], port, '/api/v1/bank/payments', token, body)));
      times.payments[1] = Date.now();
      return answers;
    })();
    const billRun = (async () => {
      times.billRun[0] = Date.now();
      const counts = await runWorker(db.pool, run.id);
      times.billRun[1] = Date.now();
      return counts;
    })();
    const [answers, counts] = await Promise.all([retries, billRun]);
    for (const a of agents) a.destroy();
    console.log(`      payments ${times.payments[0] % 100_000}–${times.payments[1] % 100_000} ms, bill run ${times.billRun[0] % 100_000}–${times.billRun[1] % 100_000} ms`);

    assert.deepEqual(counts, { bills: 6, posted: 6, outsorted: 0, errors: 0 });
    assert.deepEqual(answers.map((a) => a.status).sort(), [...Array(49).fill(200), 201]);
    const ids = new Set(answers.map((a) => a.body.paymentId));
    assert.equal(ids.size, 1);
    assert.equal(answers.filter((a) => a.body.replayed).length, 49);
    for (const a of answers) assert.deepEqual(a.body.settled.map((s: any) => [s.kind, s.amount]), [['fee', '24.67'], ['accrual', '1000.00']]);

    const accountA = old.accountId;
    const { rows: payments } = await db.pool.query('SELECT id::int, amount::text, entry_id::int AS "entryId" FROM collections_payment');
    assert.deepEqual(payments.map((p) => [p.id, p.amount]), [[[...ids][0], '1024.67']]);
    const { rows: entries } = await db.pool.query(`SELECT kind, count(*)::int AS n FROM ledger_entry WHERE account_id = $1 GROUP BY kind ORDER BY kind`, [accountA]);
    assert.deepEqual(entries, [{ kind: 'accrual', n: 2 }, { kind: 'fee', n: 1 }, { kind: 'payment', n: 1 }]);
    const { rows: allocations } = await db.pool.query('SELECT amount::text FROM ledger_allocation WHERE source_entry_id = $1 ORDER BY id', [payments[0].entryId]);
    assert.deepEqual(allocations.map((a) => a.amount), ['24.67', '1000.00']);
    const { rows: fees } = await db.pool.query('SELECT amount::text, principal::text FROM collections_late_fee');
    assert.deepEqual(fees, [{ amount: '24.67', principal: '1000.00' }]);
    const { rows: audits } = await db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'collections.bank.pay'`);
    assert.equal(audits[0].n, 1);

    const [accA] = await subscriptionAccruals(db.pool, subs[0].subscriptionId);
    const [accB] = await subscriptionAccruals(db.pool, subs[1].subscriptionId);
    assert.deepEqual([accA.gross, accB.gross], ['271.75', '620.50']);
    assert.equal((await balance(db.pool, accountA)).balance, '271.75');
    assert.deepEqual((await openItems(db.pool, accountA)).map((i) => [i.kind, i.open]), [['accrual', '271.75']]);
    const accountB = (await accountForSubscription(db.pool, subs[1].subscriptionId)).id;
    assert.equal((await balance(db.pool, accountB)).balance, '620.50');
    const { rows: total } = await db.pool.query(`SELECT sum(debit - credit)::text AS receivable FROM ledger_line WHERE gl_account = 'receivables'`);
    // Five bills of 271.75, one of 620.50, all unpaid: 1,979.25.
    assert.equal(total[0].receivable, '1979.25');
  });
});
