/**
 * Daily reconciliation (mutabakat) on the real app: the bank's list for today differs from ours in the three ways of
 * the issue (a payment missing here, one missing at the bank, one with another amount) plus one we cancelled that the
 * bank still lists; each is reported, in JSON and in CSV, and nothing is written. The CSV parser is fuzzed.
 *
 * Our side (bank 0062, today): R-1 100.00, R-2 200.00, R-3 300.00, R-4 400.00 (cancelled) → 3 payments, 600.00.
 * The bank's list:             R-1 100.00, R-2 250.00, R-4 400.00, R-5 500.00             → 4 payments, 1,250.00.
 * Matched: R-1 (1 payment, 100.00). Differences: R-2 amount_differs, R-4 cancelled_here, R-5 missing_here,
 * R-3 missing_at_bank.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { AboneError } from '../../platform/errors.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { accountWithBills } from './test-fixtures.ts';
import { bankChannelToken, dayFromToday } from './bank-test-fixtures.ts';
import { parseReconciliationCsv, RECONCILIATION_HEADER } from './reconciliation-csv.ts';

describe('collections: bank reconciliation (mutabakat)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let bank: string;
  let other: string;
  const today = dayFromToday(0);

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    const admin = (await sessionAs(app, db.pool, [{ role: 'admin' }])).cookie;
    bank = await bankChannelToken(app, admin, '0062');
    other = await bankChannelToken(app, admin, '0012');
    for (const [i, amount] of ['100.00', '200.00', '300.00', '400.00'].entries()) {
      const sub = `80${i + 1}`;
      const { itemIds } = await accountWithBills(db.pool, sub, [{ amount, dueDate: dayFromToday(5), postedOn: dayFromToday(-10) }]);
      const res = await app.inject({ method: 'POST', url: '/api/v1/bank/payments', headers: { authorization: bank }, payload: { subscriberNo: sub, reference: `R-${i + 1}`, itemIds, amount } });
      assert.equal(res.statusCode, 201, res.body);
    }
    const cancel = await app.inject({ method: 'POST', url: '/api/v1/bank/cancellations', headers: { authorization: bank }, payload: { reference: 'R-4', reason: 'müşteri vazgeçti' } });
    assert.equal(cancel.statusCode, 200, cancel.body);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const bankList = [
    { reference: 'R-1', subscriberNo: '801', amount: '100.00' },
    { reference: 'R-2', subscriberNo: '802', amount: '250.00' },
    { reference: 'R-4', subscriberNo: '804', amount: '400.00' },
    { reference: 'R-5', subscriberNo: '805', amount: '500.00' },
  ];
  const csv = [RECONCILIATION_HEADER, ...bankList.map((l) => `${l.reference},${l.subscriberNo},${l.amount},${today}`)].join('\r\n') + '\r\n';

  function assertReport(r: any) {
    assert.deepEqual([r.date, r.source, r.agreed], [today, 'bank:0062', false]);
    assert.deepEqual(r.ours, { count: 3, total: '600.00' });
    assert.deepEqual(r.bank, { count: 4, total: '1250.00' });
    assert.deepEqual(r.matched, { count: 1, total: '100.00' });
    assert.deepEqual(
      r.differences.map((d: any) => [d.kind, d.reference, d.ours?.amount ?? null, d.bank?.amount ?? null]),
      [
        ['amount_differs', 'R-2', '200.00', '250.00'],
        ['cancelled_here', 'R-4', '400.00', '400.00'],
        ['missing_here', 'R-5', null, '500.00'],
        ['missing_at_bank', 'R-3', '300.00', null],
      ],
    );
    assert.deepEqual(r.cancelled, []);
  }

  it('reports each difference from a JSON list, and writes nothing', async () => {
    const before = await ledgerRowCounts(db.pool);
    const res = await app.inject({ method: 'POST', url: '/api/v1/bank/reconciliation', headers: { authorization: bank }, payload: { date: today, payments: bankList } });
    assert.equal(res.statusCode, 200, res.body);
    assertReport(res.json());
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('gives the same answer from the CSV file', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/bank/reconciliation.csv?date=${today}`, headers: { authorization: bank, 'content-type': 'text/csv' }, payload: `\uFEFF${csv}` });
    assert.equal(res.statusCode, 200, res.body);
    assertReport(res.json());
  });

  it('agrees when the lists agree; a payment cancelled on both sides is listed as cancelled', async () => {
    const agreed = [{ reference: 'R-1', subscriberNo: '801', amount: '100' }, { reference: 'R-2', subscriberNo: '802', amount: '200.00' }, { reference: 'R-3', subscriberNo: '803', amount: '300.0' }];
    const r = (await app.inject({ method: 'POST', url: '/api/v1/bank/reconciliation', headers: { authorization: bank }, payload: { date: today, payments: agreed } })).json();
    assert.deepEqual([r.agreed, r.ours, r.bank, r.matched, r.differences], [true, { count: 3, total: '600.00' }, { count: 3, total: '600.00' }, { count: 3, total: '600.00' }, []]);
    assert.deepEqual(r.cancelled.map((c: any) => [c.reference, c.amount]), [['R-4', '400.00']]);
  });

  it('compares with the calling bank\'s payments only', async () => {
    const r = (await app.inject({ method: 'POST', url: '/api/v1/bank/reconciliation', headers: { authorization: other }, payload: { date: today, payments: [] } })).json();
    assert.deepEqual([r.source, r.ours, r.differences], ['bank:0012', { count: 0, total: '0.00' }, []]);
    const wrongSubscriber = (await app.inject({ method: 'POST', url: '/api/v1/bank/reconciliation', headers: { authorization: bank }, payload: { date: today, payments: [{ reference: 'R-1', subscriberNo: '999', amount: '100.00' }] } })).json();
    assert.deepEqual(wrongSubscriber.differences.map((d: any) => [d.kind, d.reference]), [['subscriber_differs', 'R-1'], ['missing_at_bank', 'R-2'], ['missing_at_bank', 'R-3']]);
  });

  it('takes a large bank\'s day beyond the usual 1 MiB body: 40,000 lines in JSON and in CSV', async () => {
    const many = Array.from({ length: 40_000 }, (_, i) => ({ reference: `BIG-${String(i).padStart(8, '0')}`, subscriberNo: `${900_000 + i}`, amount: `${(i % 900) + 100}.25` }));
    const total = many.reduce((s, l) => s + Math.round(Number(l.amount) * 100), 0);
    const want = { count: 40_000, total: (total / 100).toFixed(2) };
    const json = await app.inject({ method: 'POST', url: '/api/v1/bank/reconciliation', headers: { authorization: bank }, payload: { date: today, payments: many } });
    assert.equal(json.statusCode, 200, json.body.slice(0, 200));
    assert.deepEqual([json.json().bank, json.json().differences.filter((d: any) => d.kind === 'missing_here').length], [want, 40_000]);
    const text = [RECONCILIATION_HEADER, ...many.map((l) => `${l.reference},${l.subscriberNo},${l.amount},${today}`)].join('\n');
    assert.ok(text.length > 1024 * 1024);
    const csvRes = await app.inject({ method: 'POST', url: `/api/v1/bank/reconciliation.csv?date=${today}`, headers: { authorization: bank, 'content-type': 'text/csv' }, payload: text });
    assert.equal(csvRes.statusCode, 200, csvRes.body.slice(0, 200));
    assert.deepEqual(csvRes.json().bank, want);
  });

  it('refuses malformed lists with the line at fault', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['reference;subscriber;amount;date\nR-1;801;100.00;' + today, 'csv', /line 1: the first line must be the header/],
      [`${RECONCILIATION_HEADER}\nR-1,801,100.00,${today}\nR-1,801,100.00,${today}`, 'csv', /line 3: reference R-1 is listed twice \(first on line 2\)/],
      [`${RECONCILIATION_HEADER}\nR-1,801,100,00,${today}`, 'csv', /line 2: 4 fields/],
      [`${RECONCILIATION_HEADER}\nR-1,801,-5.00,${today}`, 'csv', /line 2: amount must be/],
      [`${RECONCILIATION_HEADER}\nR-1,801,100.00,2020-01-01`, 'csv', /line 2: date 2020-01-01 is not the day reconciled/],
      [`${RECONCILIATION_HEADER}\nR-1,80 1,100.00,${today}`, 'csv', /line 2: subscriber must be/],
    ];
    for (const [body, , message] of cases) {
      const res = await app.inject({ method: 'POST', url: `/api/v1/bank/reconciliation.csv?date=${today}`, headers: { authorization: bank, 'content-type': 'text/csv' }, payload: body });
      assert.equal(res.statusCode, 400, body);
      assert.equal(res.json().code, 'ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID');
      assert.match(res.json().message, message);
    }
    const json = await app.inject({ method: 'POST', url: '/api/v1/bank/reconciliation', headers: { authorization: bank }, payload: { date: today, payments: [{ reference: 'R-1', subscriberNo: '801', amount: '1e3' }] } });
    assert.deepEqual([json.statusCode, json.json().code], [400, 'ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID']);
    const future = await app.inject({ method: 'POST', url: '/api/v1/bank/reconciliation', headers: { authorization: bank }, payload: { date: dayFromToday(2), payments: [] } });
    assert.deepEqual([future.statusCode, future.json().code], [400, 'ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID']);
    const noDate = await app.inject({ method: 'POST', url: '/api/v1/bank/reconciliation.csv', headers: { authorization: bank, 'content-type': 'text/csv' }, payload: csv });
    assert.equal(noDate.statusCode, 400);
  });

  it('fuzz: mutated and random CSV never throws anything but AboneError and never writes', async () => {
    let seed = 20261128;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const alphabet = [',', '\n', '\r', '"', ';', '.', '-', '0', '9', 'R', 'ş', '\u0000', '\uFEFF', ' ', '1e5', today, RECONCILIATION_HEADER];
    const mutate = (s: string) => {
      const chars = [...s];
      for (let k = 0, n = 1 + Math.floor(rand() * 6); k < n; k++) {
        const at = Math.floor(rand() * (chars.length + 1));
        const op = rand();
        if (op < 0.4) chars.splice(at, 1);
        else if (op < 0.8) chars.splice(at, 0, pick(alphabet));
        else chars.splice(at, 1, pick(alphabet));
      }
      return chars.join('');
    };
    let parsed = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const input = i % 5 === 0 ? Array.from({ length: Math.floor(rand() * 40) }, () => pick(alphabet)).join('') : mutate(csv);
      try {
        const lines = parseReconciliationCsv(input, today);
        assert.ok(lines.every((l) => /^\d+\.\d{2}$/.test(l.amount) && l.reference.length > 0));
        parsed++;
      } catch (err) {
        if (!(err instanceof AboneError)) throw new Error(`${JSON.stringify(input)} threw ${String(err)}`);
        assert.equal(err.code, 'ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID');
        refused++;
      }
    }
    assert.ok(parsed > 0 && refused > 0, `parsed ${parsed}, refused ${refused}`);

    // Through HTTP too: whatever the body, a 200 or a 4xx with a code, and the database unchanged.
    const before = await ledgerRowCounts(db.pool);
    const payments = (await db.pool.query('SELECT count(*)::int AS n FROM collections_payment')).rows[0].n;
    for (let i = 0; i < 60; i++) {
      const res = await app.inject({ method: 'POST', url: `/api/v1/bank/reconciliation.csv?date=${today}`, headers: { authorization: bank, 'content-type': 'text/csv' }, payload: mutate(csv) });
      assert.ok(res.statusCode === 200 || (res.statusCode === 400 && res.json().code === 'ABONE_ERR_COLLECTIONS_RECONCILIATION_INVALID'), res.body);
    }
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM collections_payment')).rows[0].n, payments);
  });
});
