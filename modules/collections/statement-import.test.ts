/**
 * Bank statements against the real database: a CAMT.053 statement with lines matched by subscriber number, by
 * invoice number and by the payer's IBAN, one left to suspense and one refused; the same statement again writes
 * nothing; suspense matched later and refunded, each once. Every line that is not matched carries its reason code and
 * parameters (statement-reasons.ts), stored with the line and the suspense item.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { balance, createInvoice, openItems } from '../ledger/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { createParty } from '../registry/index.ts';
import { callContext, installation, makeTckn } from '../subscriptions/test-fixtures.ts';
import { randomInt } from 'node:crypto';
import { AboneError } from '../../platform/errors.ts';
import { importStatement, listSuspense, loadPayment, loadStatementImport, matchSuspense, parseCamt053, parseCsvStatement, refundSuspense, type StatementImport } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';
import { camtSample } from './testdata/camt053-sample.ts';

const ACCOUNT = 'TR630006200000000000123456';
const PAYER_IBAN = 'TR910006400000000005555555';

describe('collections: bank statement import and suspense', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  const gl = async (code: string) => (await db.pool.query<{ n: string }>('SELECT coalesce(sum(debit - credit), 0)::numeric(18,2)::text AS n FROM ledger_line WHERE gl_account = $1', [code])).rows[0].n;
  const collectionsRows = async () => (await db.pool.query(
    `SELECT (SELECT count(*) FROM collections_payment)::int AS payments, (SELECT count(*) FROM collections_statement)::int AS statements,
            (SELECT count(*) FROM collections_statement_line)::int AS lines, (SELECT count(*) FROM collections_suspense)::int AS suspense,
            (SELECT count(*) FROM audit_log)::int AS audit`)).rows[0];

  /** A party with an IBAN, one live subscription on an installation, and its current account with a bill. */
  async function payerWithIban(iban: string) {
    const ctx = await callContext(db.pool);
    const party = await createParty(db.pool, { kind: 'person', name: 'Fatma Kaya', nationalId: makeTckn(), iban, smsConsent: false, emailConsent: false }, ctx);
    const inst = await installation(db.pool, ctx);
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO subscription (party_id, installation_id, class, status, il_key, ilce_key, commodity, started_at) VALUES ($1, $2, 'residential', 'active', 'ankara', 'cankaya', 'gas', now()) RETURNING id`,
      [party.id, inst],
    );
    return accountWithBills(db.pool, rows[0].id, [{ amount: '150.00', dueDate: '2026-01-15' }]);
  }

  /** Each line's outcome with its reason code and parameters. */
  const reasons = (r: StatementImport) => r.lines.map((l) => [l.reference, l.outcome, l.reasonCode, l.reasonParams]);

  let suspenseId: number;
  let bySubscriber: { accountId: number; itemIds: number[] };

  it('matches by subscriber number, invoice number and payer IBAN; the rest waits in suspense or is refused', async () => {
    bySubscriber = await accountWithBills(db.pool, 'W100234', [{ amount: '500.00', dueDate: '2026-01-12' }]);
    const byInvoice = await accountWithBills(db.pool, 'W100999', [{ amount: '320.40', dueDate: '2026-01-20' }]);
    const invoice = await createInvoice(db.pool, byInvoice.accountId, { issueDate: '2026-01-02' });
    const byIban = await payerWithIban(PAYER_IBAN);

    const xml = camtSample({ STATEMENT_ID: '2026-01-08-001', ACCOUNT_IBAN: ACCOUNT, PREFIX: 'HB8', SUBSCRIBER: 'W100234', INVOICE: invoice.number, PAYER_IBAN });
    const [st] = parseCamt053(xml);
    const report = await importStatement(db.pool, st, 'clerk');

    assert.equal(report.replayed, false);
    assert.deepEqual(report.lines.map((l) => [l.lineNo, l.outcome, l.matchedBy, l.accountId, l.amount]), [
      [1, 'matched', 'subscription', bySubscriber.accountId, '500.00'],
      [2, 'matched', 'invoice', byInvoice.accountId, '320.40'],
      [3, 'matched', 'iban', byIban.accountId, '150.00'],
      [4, 'suspense', null, null, '75.25'],
      [5, 'refused', null, null, null],
    ]);
    assert.deepEqual(report.totals, { matched: '970.40', suspense: '75.25', matchedLines: 3, suspenseLines: 1, refusedLines: 1, duplicateLines: 0 });
    assert.match(report.lines[3].reason!, /not a known party/);
    assert.deepEqual(reasons(report).slice(2), [
      ['HB8-0003', 'matched', null, null],
      ['HB8-0004', 'suspense', 'PAYER_UNKNOWN', {}],
      ['HB8-0005', 'refused', 'CURRENCY', { currency: 'USD' }],
    ]);
    assert.equal(report.lines[4].reason, 'currency USD: only TRY is collected');

    // Each matched line is a wire payment from the statement's account, settling the bill; paid before due: no fee.
    const p1 = await loadPayment(db.pool, report.lines[0].paymentId!);
    assert.deepEqual([p1.channel, p1.source, p1.reference, p1.businessDate, p1.amount], ['wire', `statement:${ACCOUNT}`, 'HB8-0001', '2026-01-08', '500.00']);
    assert.deepEqual(p1.allocations.map((a) => [a.itemId, a.amount]), [[bySubscriber.itemIds[0], '500.00']]);
    for (const a of [bySubscriber, byInvoice, byIban]) assert.equal((await balance(db.pool, a.accountId, '2026-01-08')).balance, '0.00');

    // The bank received 1,045.65 TL: 970.40 against receivables, 75.25 waiting on suspense.
    assert.deepEqual([await gl('bank_clearing'), await gl('suspense')], ['1045.65', '-75.25']);
    suspenseId = report.lines[3].suspenseId!;
  });

  it('the same statement imported again is the first import: nothing is written', async () => {
    const before = [await ledgerRowCounts(db.pool), await collectionsRows()];
    const xml = camtSample({ STATEMENT_ID: '2026-01-08-001', ACCOUNT_IBAN: ACCOUNT, PREFIX: 'HB8', SUBSCRIBER: 'W100234', INVOICE: 'ABN2026000001', PAYER_IBAN });
    const again = await importStatement(db.pool, parseCamt053(xml)[0], 'clerk');
    assert.equal(again.replayed, true);
    // Read back from the stored lines: the codes were stored with them.
    assert.deepEqual(reasons(again).slice(3), [['HB8-0004', 'suspense', 'PAYER_UNKNOWN', {}], ['HB8-0005', 'refused', 'CURRENCY', { currency: 'USD' }]]);
    assert.deepEqual(again.totals, { matched: '970.40', suspense: '75.25', matchedLines: 3, suspenseLines: 1, refusedLines: 1, duplicateLines: 0 });
    assert.deepEqual([await ledgerRowCounts(db.pool), await collectionsRows()], before);
  });

  it('a line repeated in a later statement of the account (an intraday and an end-of-day file) is booked once', async () => {
    const csv = 'date;amount;reference;iban;description\n08.01.2026;500,00;HB8-0001;;ABONE NO W100234\n09.01.2026;60,00;HB9-0001;;bilinmeyen\n';
    const report = await importStatement(db.pool, parseCsvStatement(csv, { statementId: '2026-01-09-csv', accountIban: ACCOUNT }), 'clerk');
    assert.deepEqual(report.lines.map((l) => [l.reference, l.outcome]), [['HB8-0001', 'duplicate'], ['HB9-0001', 'suspense']]);
    assert.match(report.lines[0].reason!, /2026-01-08-001/);
    assert.deepEqual(reasons(report), [
      ['HB8-0001', 'duplicate', 'DUPLICATE', { statementId: '2026-01-08-001' }],
      ['HB9-0001', 'suspense', 'NO_REFERENCE_NO_IBAN', {}],
    ]);
    assert.deepEqual([await gl('bank_clearing'), await gl('suspense')], ['1105.65', '-135.25']);
  });

  it('a clerk matches a suspense item to a subscriber: a payment debiting suspense, dated on the booking day, once', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'W200001', [{ amount: '75.25', dueDate: '2026-01-05' }]);
    const item = await matchSuspense(db.pool, { id: suspenseId, accountId, note: 'Ali Veli aradı: annesinin aboneliği', actor: 'clerk' });
    assert.equal(item.status, 'matched');
    const p = await loadPayment(db.pool, item.resolution!.paymentId!);
    assert.deepEqual([p.accountId, p.source, p.reference, p.businessDate, p.amount], [accountId, `statement:${ACCOUNT}`, 'HB8-0004', '2026-01-08', '75.25']);
    // Three days late at 3.7 % a month: 75.25 = principal × (1 + 0.037 × 3 / 30) → 74.97 principal and 0.28 late fee.
    assert.deepEqual(p.allocations.map((a) => [a.kind, a.amount]), [['fee', '0.28'], ['accrual', '74.97']]);
    assert.deepEqual((await openItems(db.pool, accountId, '2026-01-08')).map((i) => [i.id, i.open]), [[itemIds[0], '0.28']]);
    // Suspense gave the money to the receivable: only the 60.00 of the second statement still waits.
    assert.deepEqual([await gl('bank_clearing'), await gl('suspense')], ['1105.65', '-60.00']);

    const before = await ledgerRowCounts(db.pool);
    await assert.rejects(matchSuspense(db.pool, { id: suspenseId, accountId, note: 'again', actor: 'clerk2' }), { code: 'ABONE_ERR_COLLECTIONS_SUSPENSE_RESOLVED' });
    await assert.rejects(refundSuspense(db.pool, { id: suspenseId, note: 'again', actor: 'clerk2' }), { code: 'ABONE_ERR_COLLECTIONS_SUSPENSE_RESOLVED' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('a clerk refunds a suspense item: suspense back to the bank, to the IBAN given; two clerks at once refund it once', async () => {
    const open = await listSuspense(db.pool, { status: 'open' });
    assert.deepEqual(open.items.map((i) => [i.reference, i.amount, i.status, i.reasonCode, i.reasonParams, i.reason]), [
      ['HB9-0001', '60.00', 'open', 'NO_REFERENCE_NO_IBAN', {}, 'no reference in the text and no payer IBAN'],
    ]);
    const id = open.items[0].id;
    const results = await Promise.allSettled([
      refundSuspense(db.pool, { id, iban: 'TR85 0001 0000 0000 0009 8765 43', note: 'Ödeyen iade istedi', actor: 'clerk' }),
      refundSuspense(db.pool, { id, iban: 'TR850001000000000009876543', note: 'Ödeyen iade istedi', actor: 'clerk2' }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    assert.equal((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code, 'ABONE_ERR_COLLECTIONS_SUSPENSE_RESOLVED');
    const done = results.find((r) => r.status === 'fulfilled')!.value;
    assert.deepEqual([done.status, done.resolution!.refundIban], ['refunded', 'TR850001000000000009876543']);
    assert.deepEqual([await gl('bank_clearing'), await gl('suspense')], ['1045.65', '0.00']);
    assert.equal((await listSuspense(db.pool, { status: 'open' })).total, 0);
    assert.equal((await listSuspense(db.pool, { status: 'all' })).total, 2);
  });

  it('stores the code of each reason with the line and the suspense item; a line from before the codes keeps only its text', async () => {
    await accountWithBills(db.pool, 'W400001', [{ amount: '10.00', dueDate: '2026-02-01' }]);
    await accountWithBills(db.pool, 'W400002', [{ amount: '10.00', dueDate: '2026-02-01' }]);
    // Two parties holding the same IBAN, each with a live subscription: the IBAN pays for two, a clerk decides.
    const shared = 'TR480001000000000000444444';
    await payerWithIban(shared);
    await payerWithIban(shared);
    const csv = 'date;amount;reference;iban;description\n' +
      '13.01.2026;20,00;RC-1;;ABONE NO W400001 ve ABONE NO W400002\n' +
      `13.01.2026;30,00;RC-2;${shared};elektrik\n` +
      '13.01.2026;1.234;RC-3;;ABONE NO W400001\n';
    const st = parseCsvStatement(csv, { statementId: 'REASONS-1', accountIban: ACCOUNT });
    // A line no parser gives (no amount, not refused) is refused by the import itself.
    st.lines.push({ lineNo: 4, reference: 'RC-4', bookingDate: '2026-01-13' });
    const report = await importStatement(db.pool, st, 'clerk');
    const expected = [
      ['RC-1', 'suspense', 'NAMES_SEVERAL', { count: 2 }],
      ['RC-2', 'suspense', 'PAYER_AMBIGUOUS', {}],
      ['RC-3', 'refused', 'AMOUNT_AMBIGUOUS', { raw: '1.234', fileLine: 4 }],
      ['RC-4', 'refused', 'NOT_BOOKABLE', {}],
    ];
    assert.deepEqual(reasons(report), expected);
    assert.deepEqual(reasons(await loadStatementImport(db.pool, report.id)), expected);
    assert.deepEqual(report.lines.map((l) => l.reason), [
      'the text names 2 subscribers', "no reference in the text; the payer IBAN pays for several subscriptions",
      'file line 4: amount 1.234 is ambiguous (thousands or decimals?)', 'not bookable',
    ]);
    const waiting = (await listSuspense(db.pool, { status: 'open' })).items.filter((i) => i.statementId === 'REASONS-1');
    assert.deepEqual(waiting.map((i) => [i.reference, i.reasonCode, i.reasonParams]), [['RC-1', 'NAMES_SEVERAL', { count: 2 }], ['RC-2', 'PAYER_AMBIGUOUS', {}]]);

    // A row imported before migration 0031 has no code: the API gives NULL and its English sentence.
    const { rows } = await db.pool.query<{ id: number }>(`INSERT INTO collections_statement (account_iban, statement_id, format, actor) VALUES ($1, 'OLD-1', 'csv', 'clerk') RETURNING id::int`, [ACCOUNT]);
    await db.pool.query(`INSERT INTO collections_statement_line (statement_id, line_no, account_iban, reference, outcome, reason) VALUES ($1, 1, $2, 'OLD-1/1', 'refused', 'amount is zero')`, [rows[0].id, ACCOUNT]);
    const old = await loadStatementImport(db.pool, rows[0].id);
    assert.deepEqual(old.lines.map((l) => [l.reason, l.reasonCode, l.reasonParams]), [['amount is zero', null, null]]);
    // A code without its parameters (or a malformed one) is refused by the table.
    await assert.rejects(db.pool.query(`INSERT INTO collections_statement_line (statement_id, line_no, account_iban, reference, outcome, reason, reason_code) VALUES ($1, 2, $2, 'OLD-1/2', 'refused', 'x', 'AMOUNT_ZERO')`, [rows[0].id, ACCOUNT]), { code: '23514' });
    await assert.rejects(db.pool.query(`INSERT INTO collections_statement_line (statement_id, line_no, account_iban, reference, outcome, reason, reason_code, reason_params) VALUES ($1, 2, $2, 'OLD-1/2', 'refused', 'x', 'amount zero', '{}')`, [rows[0].id, ACCOUNT]), { code: '23514' });
  });

  it('a statement that fails half way writes nothing', async () => {
    const before = [await ledgerRowCounts(db.pool), await collectionsRows()];
    // Line 2 carries an amount no payment accepts: it fails after line 1 was taken, and line 1 is rolled back too.
    const st = parseCsvStatement('date;amount;reference;iban;description\n10.01.2026;10,00;HB10-1;;ABONE NO W100234\n10.01.2026;10,00;HB10-2;;x\n', { statementId: 'HALF', accountIban: ACCOUNT });
    st.lines[1].amount = '10.001';
    await assert.rejects(importStatement(db.pool, { ...st, lines: [st.lines[0], { ...st.lines[1], remittance: 'ABONE NO W100234' }] }, 'clerk'));
    assert.deepEqual([await ledgerRowCounts(db.pool), await collectionsRows()], before);
  });

  it('the same statement posted from five connections at once is imported once', async () => {
    await accountWithBills(db.pool, 'W300001', [{ amount: '90.00', dueDate: '2026-01-30' }]);
    const csv = 'date;amount;reference;iban;description\n11.01.2026;90,00;HB11-1;;ABONE NO W300001\n11.01.2026;5,00;HB11-2;;?\n';
    const st = () => parseCsvStatement(csv, { statementId: 'RACE-1', accountIban: ACCOUNT });
    const before = await collectionsRows();
    const all = await Promise.all(Array.from({ length: 5 }, () => importStatement(db.pool, st(), 'clerk')));
    assert.deepEqual(all.map((r) => r.replayed).sort(), [false, true, true, true, true]);
    assert.equal(new Set(all.map((r) => r.id)).size, 1);
    const after = await collectionsRows();
    assert.deepEqual([after.statements - before.statements, after.lines - before.lines, after.payments - before.payments, after.suspense - before.suspense], [1, 2, 1, 1]);
  });

  it('fuzz: mutated statements through parse and import either book whole or write nothing', async () => {
    const csv = 'date;amount;reference;iban;description\n12.01.2026;1.000,00;FZ-1;TR900001200000000000777777;ABONE NO W100234\n12.01.2026;7,5;FZ-2;;x\n';
    const junk = [';', '"', '\n', ',', '.', '-', '9', 'ABONE NO ', 'W100234', '\u0000', 'USD', '  '];
    let booked = 0, refused = 0;
    for (let i = 0; i < 150; i++) {
      const chars = [...csv];
      for (let k = randomInt(1, 6); k > 0; k--) {
        const at = randomInt(0, chars.length);
        if (randomInt(0, 2)) chars.splice(at, randomInt(1, 6)); else chars.splice(at, 0, junk[randomInt(0, junk.length)]);
      }
      const before = [await ledgerRowCounts(db.pool), await collectionsRows()];
      try {
        const st = parseCsvStatement(chars.join(''), { statementId: `FZ-${i}`, accountIban: ACCOUNT });
        st.lines.forEach((l) => (l.reference = `FZ-${i}-${l.lineNo}`)); // each run its own lines, so each books anew
        const r = await importStatement(db.pool, st, 'fuzz');
        assert.equal(r.lines.length, st.lines.length);
        booked++;
      } catch (e) {
        if (!(e instanceof AboneError)) throw e;
        assert.deepEqual([await ledgerRowCounts(db.pool), await collectionsRows()], before, chars.join(''));
        refused++;
      }
    }
    assert.ok(booked > 0 && refused > 0, `booked ${booked}, refused ${refused}`);
    // The books still balance: every suspense or matched line moved exactly its amount from the bank.
    const { rows } = await db.pool.query(`SELECT (SELECT coalesce(sum(debit - credit), 0) FROM ledger_line)::text AS net`);
    assert.equal(rows[0].net, '0.00');
  });
});
