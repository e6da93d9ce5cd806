/**
 * The wire, field and direct debit routes on the real app: a statement posted twice (the second a replay, audited
 * once), a suspense item matched with its audit row, a field crew syncing its device, and a direct debit order's
 * first steps. Who may call what is the permission matrix's business (test/permission-matrix.test.ts).
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { accountWithBills } from './test-fixtures.ts';
import { camtSample } from './testdata/camt053-sample.ts';

const ACCOUNT = 'TR630006200000000000123456';

describe('collections: statement, suspense, field sync and direct debit routes', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let clerk: { cookie: string; username: string };
  let crew: { cookie: string; username: string };

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    clerk = await sessionAs(app, db.pool, [{ role: 'billing_clerk' }]);
    crew = await sessionAs(app, db.pool, [{ role: 'field_crew' }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, cookie: string, payload?: unknown) => app.inject({ method, url, headers: { cookie }, payload: payload as object });
  const audits = async (action: string) => (await db.pool.query('SELECT actor, entity_id, detail FROM audit_log WHERE action = $1 ORDER BY id', [action])).rows;

  it('imports a CSV statement once, audited once; the suspense item is matched by a clerk, audited', async () => {
    const { accountId } = await accountWithBills(db.pool, 'H-1', [{ amount: '210.00', dueDate: '2026-01-20' }]);
    const body = { format: 'csv', statementId: 'H-2026-01-10', accountIban: ACCOUNT, content: 'date;amount;reference;iban;description\n10.01.2026;210,00;H-1;;ABONE NO H-1\n10.01.2026;33,00;H-2;;?\n' };
    const first = await call('POST', '/api/v1/statements', clerk.cookie, body);
    assert.equal(first.statusCode, 201, first.body);
    const [imp] = first.json().imports;
    assert.deepEqual(imp.lines.map((l: any) => [l.outcome, l.accountId]), [['matched', accountId], ['suspense', null]]);
    // Why the second waits: the code and its parameters for the console, the English sentence for everyone else.
    assert.deepEqual(imp.lines.map((l: any) => [l.reasonCode, l.reasonParams, l.reason]), [[null, null, null], ['NO_REFERENCE_NO_IBAN', {}, 'no reference in the text and no payer IBAN']]);
    const again = await call('POST', '/api/v1/statements', clerk.cookie, body);
    assert.deepEqual([again.statusCode, again.json().imports[0].replayed], [200, true]);
    assert.deepEqual((await audits('collections.statement.import')).map((a) => [a.actor, a.entity_id, a.detail.matched, a.detail.suspense]), [[clerk.username, String(imp.id), '210.00', '33.00']]);
    assert.equal((await call('GET', `/api/v1/statements/${imp.id}`, clerk.cookie)).json().totals.suspenseLines, 1);
    // In the imports list, once, with what it brought: 210.00 matched on one line, 33.00 waiting on the other.
    const listed = (await call('GET', '/api/v1/statements', clerk.cookie)).json();
    assert.deepEqual(listed.items.map((s: any) => [s.id, s.statementId, s.actor, s.totals]), [[imp.id, 'H-2026-01-10', clerk.username, { matched: '210.00', suspense: '33.00', matchedLines: 1, suspenseLines: 1, refusedLines: 0 }]]);

    const bad = await call('POST', '/api/v1/statements', clerk.cookie, { format: 'camt053', content: '<Document>' });
    assert.deepEqual([bad.statusCode, bad.json().code], [400, 'ABONE_ERR_COLLECTIONS_STATEMENT_INVALID']);

    await accountWithBills(db.pool, 'H-2', [{ amount: '33.00', dueDate: '2026-01-20' }]);
    const open = (await call('GET', '/api/v1/suspense', clerk.cookie)).json();
    assert.equal(open.total, 1);
    assert.deepEqual([open.items[0].reasonCode, open.items[0].reasonParams], ['NO_REFERENCE_NO_IBAN', {}]);
    const matched = await call('POST', `/api/v1/suspense/${open.items[0].id}/match`, clerk.cookie, { subscriptionId: 'H-2', note: 'Telefonla teyit edildi' });
    assert.equal(matched.statusCode, 200, matched.body);
    assert.equal(matched.json().status, 'matched');
    assert.deepEqual((await audits('collections.suspense.match')).map((a) => [a.entity_id, a.detail.subscriptionId, a.detail.amount]), [[String(open.items[0].id), 'H-2', '33.00']]);
    const twice = await call('POST', `/api/v1/suspense/${open.items[0].id}/refund`, clerk.cookie, { note: 'iade' });
    assert.deepEqual([twice.statusCode, twice.json().code], [409, 'ABONE_ERR_COLLECTIONS_SUSPENSE_RESOLVED']);
  });

  it('a field crew syncs its device; each taken item is audited; a resend is replayed', async () => {
    await accountWithBills(db.pool, 'H-3', [{ amount: '45.00', dueDate: '2026-01-20' }]);
    const batch = { deviceId: 'PDA-1', items: [{ key: 'PDA-1-1', subscriptionId: 'H-3', amount: '45.00', takenAt: '2026-01-12T09:00:00+03:00', businessDate: '2026-01-12' }] };
    const first = await call('POST', '/api/v1/field-sync', crew.cookie, batch);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().items[0].status, 'taken');
    assert.equal((await call('POST', '/api/v1/field-sync', crew.cookie, batch)).json().items[0].status, 'replayed');
    assert.deepEqual((await audits('collections.field.payment')).map((a) => [a.actor, a.detail.deviceId, a.detail.amount]), [[crew.username, 'PDA-1', '45.00']]);
  });

  it('a direct debit order is requested and approved over HTTP, each step audited', async () => {
    await accountWithBills(db.pool, 'H-4', [{ amount: '60.00', dueDate: '2026-02-10' }]);
    const req = await call('POST', '/api/v1/direct-debit/orders', clerk.cookie, { subscriptionId: 'H-4', bank: '0062', payerIban: 'TR900001200000000000777777' });
    assert.equal(req.statusCode, 201, req.body);
    const id = req.json().id;
    // The payer's IBAN is shown masked, in every answer.
    assert.equal(req.json().payerIban, 'TR90******************7777');
    assert.deepEqual((await call('GET', '/api/v1/direct-debit/orders?subscriptionId=H-4', clerk.cookie)).json().items.map((o: any) => o.payerIban), ['TR90******************7777']);
    assert.equal((await call('POST', `/api/v1/direct-debit/orders/${id}/approve`, clerk.cookie, { bankReference: 'X1' })).json().status, 'approved');
    const dup = await call('POST', '/api/v1/direct-debit/orders', clerk.cookie, { subscriptionId: 'H-4', bank: '0010', payerIban: 'TR900001200000000000777777' });
    assert.deepEqual([dup.statusCode, dup.json().code], [409, 'ABONE_ERR_COLLECTIONS_DD_ORDER_EXISTS']);
    const steps = (await db.pool.query(`SELECT action FROM audit_log WHERE action LIKE 'collections.direct_debit.%' ORDER BY id`)).rows.map((r) => r.action);
    assert.deepEqual(steps, ['collections.direct_debit.request', 'collections.direct_debit.approve']);
  });

  it('takes the bank\'s file as it came: CAMT.053 as application/xml, CSV as text/csv with its id and account in the query', async () => {
    await accountWithBills(db.pool, 'H-5', [{ amount: '500.00', dueDate: '2026-01-20' }]);
    const xml = camtSample({ STATEMENT_ID: 'RAW-1', ACCOUNT_IBAN: ACCOUNT, PREFIX: 'RAW', SUBSCRIBER: 'H-5', INVOICE: 'ABN2026999999', PAYER_IBAN: 'TR910006400000000005555555' });
    const camt = await app.inject({ method: 'POST', url: '/api/v1/statements.camt053', headers: { cookie: clerk.cookie, 'content-type': 'application/xml' }, payload: xml });
    assert.equal(camt.statusCode, 201, camt.body);
    assert.deepEqual(camt.json().imports[0].lines.map((l: any) => l.outcome), ['matched', 'suspense', 'suspense', 'suspense', 'refused']);
    // The payers' IBANs wait in suspense masked, as any view shows them.
    const waiting = (await call('GET', '/api/v1/suspense?limit=500', clerk.cookie)).json().items.filter((i: any) => i.statementId === 'RAW-1');
    assert.deepEqual(waiting.map((i: any) => i.payerIban), [null, 'TR91******************5555', 'TR85******************6543']);
    const csv = await app.inject({
      method: 'POST', url: `/api/v1/statements.csv?statementId=RAW-2&accountIban=${ACCOUNT}`, headers: { cookie: clerk.cookie, 'content-type': 'text/csv' },
      payload: 'date;amount;reference;iban;description\n11.01.2026;12,00;RAW2-1;;?\n',
    });
    assert.equal(csv.statusCode, 201, csv.body);
    assert.equal(csv.json().imports[0].totals.suspense, '12.00');
    const broken = await app.inject({ method: 'POST', url: '/api/v1/statements.camt053', headers: { cookie: clerk.cookie, 'content-type': 'application/xml' }, payload: '<Document><BkToCstmrStmt>' });
    assert.deepEqual([broken.statusCode, broken.json().code], [400, 'ABONE_ERR_COLLECTIONS_STATEMENT_INVALID']);
  });

  it('direct debit files over HTTP: the list as CSV for the bank, its result file back as CSV, sent twice', async () => {
    await accountWithBills(db.pool, 'H-6', [{ amount: '80.00', dueDate: '2026-03-10' }]);
    const o = (await call('POST', '/api/v1/direct-debit/orders', clerk.cookie, { subscriptionId: 'H-6', bank: '0046', payerIban: 'TR900001200000000000777777' })).json();
    await call('POST', `/api/v1/direct-debit/orders/${o.id}/approve`, clerk.cookie, {});
    await call('POST', `/api/v1/direct-debit/orders/${o.id}/activate`, clerk.cookie);
    const list = await call('POST', '/api/v1/direct-debit/lists', clerk.cookie, { bank: '0046', dueDate: '2026-03-10' });
    assert.equal(list.statusCode, 201, list.body);
    const id = list.json().id;
    assert.deepEqual(list.json().lines.map((l: any) => [l.subscriptionId, l.payerIban]), [['H-6', 'TR90******************7777']]);
    // The file for the bank carries the IBAN whole, so its download is audited.
    const file = await call('GET', `/api/v1/direct-debit/lists/${id}/file.csv`, clerk.cookie);
    assert.equal(file.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(file.body, `line;reference;subscriber;iban;amount;due_date\r\n1;${id}-1;H-6;TR900001200000000000777777;80.00;2026-03-10\r\n`);
    assert.deepEqual((await audits('collections.direct_debit.file')).map((a) => [a.actor, a.entity_id, a.detail.lines, a.detail.total]), [[clerk.username, String(id), 1, '80.00']]);
    const send = () => app.inject({ method: 'POST', url: `/api/v1/direct-debit/lists/${id}/results.csv?bank=0046`, headers: { cookie: clerk.cookie, 'content-type': 'text/csv' }, payload: 'line;status;reason_code;reason\n1;failed;ACCOUNT_CLOSED;Hesap kapalı\n' });
    const first = await send();
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json().lines.map((l: any) => [l.line, l.status, l.outcome]), [[1, 'recorded', 'failed']]);
    assert.deepEqual((await send()).json().lines.map((l: any) => l.status), ['unchanged']);
    assert.equal((await audits('collections.direct_debit.result')).length, 1);
  });
});
