/**
 * Direct debit orders against the real database: the lifecycle and the one-bank rule (held by the database even
 * when two requests race), the due-date list for a bank, a result file with a paid and a failed line, the failed
 * item falling back to dunning with its late fee from the due date, and the result file sent again changing nothing.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { openItems } from '../ledger/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { activateOrder, approveOrder, buildCollectionList, cancelOrder, debtInquiry, importResults, loadCollectionList, loadPayment, requestOrder, takePayment } from './index.ts';
import { unallocatedCredits } from '../ledger/index.ts';
import { accountWithBills } from './test-fixtures.ts';

const IBAN_1 = 'TR900001200000000000777777';
const IBAN_2 = 'TR910006400000000005555555';

describe('collections: direct debit orders, lists and result files', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  const activeOrder = async (subscriptionId: string, bank: string, iban = IBAN_1) => {
    const o = await requestOrder(db.pool, { subscriptionId, bank, payerIban: iban, actor: 'clerk' });
    await approveOrder(db.pool, { id: o.id, bankReference: `T-${o.id}`, actor: 'clerk' });
    return activateOrder(db.pool, { id: o.id, actor: 'clerk' });
  };

  let d1: { accountId: number; itemIds: number[] };
  let d2: { accountId: number; itemIds: number[] };

  it('lifecycle: requested → approved → active → cancelled, steps out of order refused', async () => {
    d1 = await accountWithBills(db.pool, 'D-1', [{ amount: '400.00', dueDate: '2026-02-10' }, { amount: '100.00', dueDate: '2026-03-10' }]);
    const o = await requestOrder(db.pool, { subscriptionId: 'D-1', bank: '0062', payerIban: 'TR90 0001 2000 0000 0000 7777 77', actor: 'clerk' });
    assert.deepEqual([o.status, o.bank, o.payerIban, o.accountId], ['requested', '0062', IBAN_1, d1.accountId]);
    await assert.rejects(activateOrder(db.pool, { id: o.id, actor: 'clerk' }), { code: 'ABONE_ERR_COLLECTIONS_DD_TRANSITION' });
    const approved = await approveOrder(db.pool, { id: o.id, bankReference: 'GB-TAL-1', actor: 'clerk' });
    assert.deepEqual([approved.status, approved.bankReference], ['approved', 'GB-TAL-1']);
    const active = await activateOrder(db.pool, { id: o.id, actor: 'clerk' });
    assert.deepEqual(active.events.map((e) => e.status), ['requested', 'approved', 'active']);
    await assert.rejects(approveOrder(db.pool, { id: o.id, actor: 'clerk' }), { code: 'ABONE_ERR_COLLECTIONS_DD_TRANSITION' });
    await assert.rejects(requestOrder(db.pool, { subscriptionId: 'NOSUCH', bank: '0062', payerIban: IBAN_1, actor: 'clerk' }), { code: 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND' });
    await assert.rejects(requestOrder(db.pool, { subscriptionId: 'D-1', bank: '62', payerIban: IBAN_1, actor: 'clerk' }), { code: 'ABONE_ERR_COLLECTIONS_PAYMENT_INVALID' });
  });

  it('one bank at a time: a second order is refused until the first is cancelled, even when two requests race', async () => {
    await assert.rejects(requestOrder(db.pool, { subscriptionId: 'D-1', bank: '0010', payerIban: IBAN_2, actor: 'clerk' }), { code: 'ABONE_ERR_COLLECTIONS_DD_ORDER_EXISTS' });

    await accountWithBills(db.pool, 'D-3', [{ amount: '90.00', dueDate: '2026-02-10' }]);
    const race = await Promise.allSettled(['0062', '0010', '0064', '0012'].map((bank) => requestOrder(db.pool, { subscriptionId: 'D-3', bank, payerIban: IBAN_2, actor: 'clerk' })));
    assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of race.filter((x) => x.status === 'rejected')) assert.equal((r as PromiseRejectedResult).reason.code, 'ABONE_ERR_COLLECTIONS_DD_ORDER_EXISTS');
    const first = (race.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ id: number }>).value;
    const cancelled = await cancelOrder(db.pool, { id: first.id, reason: 'Abone talimatı bankadan iptal etti', actor: 'clerk' });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await cancelOrder(db.pool, { id: first.id, reason: 'again', actor: 'clerk' })).events.length, 2);
    await assert.rejects(activateOrder(db.pool, { id: first.id, actor: 'clerk' }), { code: 'ABONE_ERR_COLLECTIONS_DD_TRANSITION' });
    const other = await requestOrder(db.pool, { subscriptionId: 'D-3', bank: '0010', payerIban: IBAN_2, actor: 'clerk' });
    assert.equal(other.status, 'requested');
  });

  let listId: number;

  it('the due-date list holds every active order\'s open items due that day, for that bank only, made once', async () => {
    d2 = await accountWithBills(db.pool, 'D-2', [{ amount: '250.00', dueDate: '2026-02-10' }]);
    await activeOrder('D-2', '0062', IBAN_2);
    const d4 = await accountWithBills(db.pool, 'D-4', [{ amount: '70.00', dueDate: '2026-02-10' }]);
    await activeOrder('D-4', '0010');

    const list = await buildCollectionList(db.pool, { bank: '0062', dueDate: '2026-02-10', actor: 'clerk' });
    assert.deepEqual(list.lines.map((l) => [l.line, l.subscriptionId, l.itemId, l.amount, l.payerIban]), [
      [1, 'D-1', d1.itemIds[0], '400.00', IBAN_1],
      [2, 'D-2', d2.itemIds[0], '250.00', IBAN_2],
    ]);
    assert.deepEqual([list.bank, list.dueDate, list.total, list.replayed], ['0062', '2026-02-10', '650.00', false]);
    const again = await buildCollectionList(db.pool, { bank: '0062', dueDate: '2026-02-10', actor: 'clerk' });
    assert.deepEqual([again.id, again.replayed, again.lines.length], [list.id, true, 2]);
    const other = await buildCollectionList(db.pool, { bank: '0010', dueDate: '2026-02-10', actor: 'clerk' });
    assert.deepEqual(other.lines.map((l) => [l.subscriptionId, l.itemId]), [['D-4', d4.itemIds[0]]]);
    listId = list.id;
  });

  it('a result file: the paid line is a direct debit payment on the due date, the failed one stays open with its late fee running', async () => {
    const answers = await importResults(db.pool, { listId, bank: '0062', actor: 'clerk', lines: [
      { line: 1, status: 'paid' },
      { line: 2, status: 'failed', reasonCode: 'INSUFFICIENT_FUNDS', reason: 'Yetersiz bakiye' },
    ] });
    assert.deepEqual(answers.map((a) => [a.line, a.status, a.outcome]), [[1, 'recorded', 'paid'], [2, 'recorded', 'failed']]);
    const p = await loadPayment(db.pool, answers[0].paymentId!);
    assert.deepEqual([p.channel, p.source, p.reference, p.businessDate, p.amount], ['direct_debit', 'dd:0062', `${listId}-1`, '2026-02-10', '400.00']);
    assert.deepEqual(p.allocations.map((a) => [a.itemId, a.amount]), [[d1.itemIds[0], '400.00']]);
    assert.deepEqual(p.lateFees, []);
    assert.deepEqual((await openItems(db.pool, d1.accountId)).map((i) => i.id), [d1.itemIds[1]]);

    // D-2's bill is dunned like any other: on 2 March, 20 days late at 3.7 % a month, 250 × 0.037 × 20 / 30 = 6.17.
    const debt = await debtInquiry(db.pool, d2.accountId, '2026-03-02');
    assert.deepEqual([debt.totalOpen, debt.totalLateFee, debt.totalPayable], ['250.00', '6.17', '256.17']);
    const list = await loadCollectionList(db.pool, listId);
    assert.deepEqual(list.lines.map((l) => [l.result?.outcome, l.result?.reasonCode]), [['paid', null], ['failed', 'INSUFFICIENT_FUNDS']]);
  });

  it('the same result file again changes nothing; a different answer for an answered line is a conflict, not applied', async () => {
    const before = await ledgerRowCounts(db.pool);
    const again = await importResults(db.pool, { listId, actor: 'clerk', lines: [{ line: 1, status: 'paid' }, { line: 2, status: 'failed', reasonCode: 'INSUFFICIENT_FUNDS' }] });
    assert.deepEqual(again.map((a) => a.status), ['unchanged', 'unchanged']);
    const flipped = await importResults(db.pool, { listId, actor: 'clerk', lines: [{ line: 2, status: 'paid' }] });
    assert.deepEqual(flipped.map((a) => [a.status, a.outcome]), [['conflict', 'failed']]);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('a malformed result file is refused whole', async () => {
    const before = await ledgerRowCounts(db.pool);
    const list = await buildCollectionList(db.pool, { bank: '0010', dueDate: '2026-02-10', actor: 'clerk' });
    for (const lines of [[{ line: 1, status: 'paid' as const }, { line: 9, status: 'paid' as const }], [{ line: 1, status: 'paid' as const }, { line: 1, status: 'paid' as const }], [{ line: 1, status: 'failed' as const }], []]) {
      await assert.rejects(importResults(db.pool, { listId: list.id, actor: 'clerk', lines }), { code: 'ABONE_ERR_COLLECTIONS_DD_RESULT_INVALID' });
    }
    await assert.rejects(importResults(db.pool, { listId: list.id, bank: '0062', actor: 'clerk', lines: [{ line: 1, status: 'paid' }] }), { code: 'ABONE_ERR_COLLECTIONS_DD_LIST_NOT_FOUND' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    assert.equal((await loadCollectionList(db.pool, list.id)).lines[0].result, null);
  });

  it('a paid line whose item was paid at the desk meanwhile is still taken once: the bank\'s money becomes credit', async () => {
    const d5 = await accountWithBills(db.pool, 'D-5', [{ amount: '55.00', dueDate: '2026-04-10' }]);
    await activeOrder('D-5', '0064');
    const list = await buildCollectionList(db.pool, { bank: '0064', dueDate: '2026-04-10', actor: 'clerk' });
    assert.deepEqual(list.lines.map((l) => [l.subscriptionId, l.amount]), [['D-5', '55.00']]);
    await takePayment(db.pool, { accountId: d5.accountId, amount: '55.00', channel: 'cash', source: 'desk:MERKEZ', reference: 'D5-desk', businessDate: '2026-04-09', actor: 'kasiyer' });
    const [a] = await importResults(db.pool, { listId: list.id, actor: 'clerk', lines: [{ line: 1, status: 'paid' }] });
    assert.equal(a.status, 'recorded');
    assert.deepEqual((await unallocatedCredits(db.pool, d5.accountId)).map((c) => c.unallocated), ['55.00']);
    const [again] = await importResults(db.pool, { listId: list.id, actor: 'clerk', lines: [{ line: 1, status: 'paid' }] });
    assert.deepEqual([again.status, again.paymentId], ['unchanged', a.paymentId]);
  });
});
