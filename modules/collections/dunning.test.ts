/**
 * Dunning against the real database, run day by day through November 2026 with the default steps (reminder 7 days
 * after the due date; final notice at 20 days and 7 days after the reminder; disconnection at 30 days, 7 days after
 * the final notice, from 100 TL overdue): steps never skipped, each once, a disconnection order routed to the crew of
 * the meter's region and called back when the debt is paid, plan-shielded items and items on a direct debit list
 * awaiting the bank's answer left alone — until the debit fails.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { Money } from '../../platform/money.ts';
import { waterSubscriptions } from '../billing/test-fixtures.ts';
import { crew } from '../work-orders/test-fixtures.ts';
import { activateOrder, approveOrder, buildCollectionList, createInstalmentPlan, dueStep, dunningSteps, importResults, requestOrder, runDunning, takePayment, type DunningStep } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: dunning', function () {
  this.timeout(120_000);

  describe('the step due (pure)', () => {
    const steps: DunningStep[] = [
      { code: 'reminder', seq: 1, label: 'r', daysOverdue: 7, daysAfterPrevious: 0, minOverdue: '0', action: 'notice' },
      { code: 'final_notice', seq: 2, label: 'f', daysOverdue: 20, daysAfterPrevious: 7, minOverdue: '0', action: 'notice' },
      { code: 'disconnection', seq: 3, label: 'd', daysOverdue: 30, daysAfterPrevious: 7, minOverdue: '100.00', action: 'disconnection' },
    ];
    const c = (overdue: string) => ({ accountId: 1, caseItemId: 1, oldestDueDate: '2026-10-01', overdue: new Money(overdue) });
    const due = (asOf: string, issued: Record<string, string> = {}, overdue = '250.00') => dueStep(c(overdue), new Map(Object.entries(issued)), steps, asOf)?.code ?? null;

    it('waits the days a step asks, to the day', () => {
      assert.equal(due('2026-10-07'), null); // 6 days
      assert.equal(due('2026-10-08'), 'reminder'); // 7 days
      assert.equal(due('2026-10-20', { reminder: '2026-10-08' }), null); // 19 days overdue
      assert.equal(due('2026-10-21', { reminder: '2026-10-08' }), 'final_notice');
    });
    it('never skips a step, and gives each the notice period after the one before', () => {
      assert.equal(due('2026-12-31'), 'reminder'); // 91 days overdue, nothing sent yet
      assert.equal(due('2026-12-31', { reminder: '2026-12-25' }), null); // 6 days after the reminder
      assert.equal(due('2027-01-01', { reminder: '2026-12-25' }), 'final_notice');
      assert.equal(due('2027-01-07', { reminder: '2026-12-25', final_notice: '2027-01-01' }), null);
      assert.equal(due('2027-01-08', { reminder: '2026-12-25', final_notice: '2027-01-01' }), 'disconnection');
      assert.equal(due('2027-06-01', { reminder: '2026-12-25', final_notice: '2027-01-01', disconnection: '2027-01-08' }), null);
    });
    it('disconnects only from the minimum overdue amount', () => {
      const before = { reminder: '2026-10-08', final_notice: '2026-10-21' };
      assert.equal(due('2026-11-15', before, '99.99'), null);
      assert.equal(due('2026-11-15', before, '100.00'), 'disconnection');
    });
  });

  describe('the run', () => {
    let db: TestDatabase;
    before(async () => (db = await createTestDatabase()));
    after(async () => db.drop());

    const notices = async (accountId: number) =>
      (await db.pool.query(`SELECT step, to_char(as_of, 'YYYY-MM-DD') AS d, overdue_amount::text AS amount FROM collections_dunning_notice WHERE account_id = $1 ORDER BY id`, [accountId])).rows.map((r) => [r.step, r.d, r.amount]);

    it('takes a case through its steps, sends a crew, calls it back when paid, and leaves shielded and pending items alone', async () => {
      assert.deepEqual((await dunningSteps(db.pool)).map((s) => [s.code, s.daysOverdue, s.daysAfterPrevious, s.minOverdue]), [['reminder', 7, 0, '0.00'], ['final_notice', 20, 7, '0.00'], ['disconnection', 30, 7, '100.00']]);
      // A: a water contract in Ankara with its meter, a 250 TL bill due 1 October and a 40 TL one due 1 November.
      const [sub] = await waterSubscriptions(db.pool, 1);
      await db.pool.query(`UPDATE meter SET region = 'ankara' WHERE id = $1`, [sub.meterId]);
      await crew(db.pool, 'ANK-K', 'ankara', ['connection'], 5);
      const a = await accountWithBills(db.pool, String(sub.subscriptionId), [{ amount: '250.00', dueDate: '2026-10-01' }, { amount: '40.00', dueDate: '2026-11-01' }]);
      // E: an account with no contract behind it (nothing a crew could cut), 200 TL due 1 September.
      const e = await accountWithBills(db.pool, 'DN-E', [{ amount: '200.00', dueDate: '2026-09-01' }]);
      // B: due 25 November. C: under an instalment plan. D: collected by direct debit on 2 November.
      const b = await accountWithBills(db.pool, 'DN-B', [{ amount: '80.00', dueDate: '2026-11-25' }]);
      const c = await accountWithBills(db.pool, 'DN-C', [{ amount: '900.00', dueDate: '2026-09-10' }]);
      await createInstalmentPlan(db.pool, { accountId: c.accountId, itemIds: c.itemIds, instalments: 3, firstDueDate: '2026-12-20', businessDate: '2026-09-20', actor: 'clerk' });
      const d = await accountWithBills(db.pool, 'DN-D', [{ amount: '120.00', dueDate: '2026-11-02' }]);
      const dd = await requestOrder(db.pool, { subscriptionId: 'DN-D', bank: '0062', payerIban: 'TR900001200000000000777777', actor: 'clerk' });
      await approveOrder(db.pool, { id: dd.id, bankReference: 'T-1', actor: 'clerk' });
      await activateOrder(db.pool, { id: dd.id, actor: 'clerk' });
      const list = await buildCollectionList(db.pool, { bank: '0062', dueDate: '2026-11-02', actor: 'clerk' });

      const r1 = await runDunning(db.pool, { asOf: '2026-11-01', actor: 'test' });
      assert.deepEqual([r1.cases, r1.issued], [2, { reminder: 2, final_notice: 0, disconnection: 0 }]); // A (31 days) and E (61 days): reminders first
      const r2 = await runDunning(db.pool, { asOf: '2026-11-08', actor: 'test' });
      assert.deepEqual(r2.issued, { reminder: 0, final_notice: 2, disconnection: 0 });
      const r3 = await runDunning(db.pool, { asOf: '2026-11-15', actor: 'test' });
      assert.deepEqual([r3.issued, r3.noSupply], [{ reminder: 0, final_notice: 0, disconnection: 1 }, 1]); // E has nothing to cut
      assert.deepEqual(await notices(a.accountId), [['reminder', '2026-11-01', '250.00'], ['final_notice', '2026-11-08', '290.00'], ['disconnection', '2026-11-15', '290.00']]);
      assert.deepEqual(await notices(e.accountId), [['reminder', '2026-11-01', '200.00'], ['final_notice', '2026-11-08', '200.00']]);
      assert.deepEqual([await notices(c.accountId), await notices(d.accountId)], [[], []]); // shielded; awaiting the bank

      const orders = async () => (await db.pool.query(`SELECT o.type, o.source, o.status, o.meter_id, c.code AS crew FROM work_order o LEFT JOIN crew c ON c.id = o.crew_id ORDER BY o.id`)).rows;
      assert.deepEqual(await orders(), [{ type: 'disconnection', source: 'dunning', status: 'assigned', meter_id: sub.meterId, crew: 'ANK-K' }]);
      // The same day again: nothing new.
      const again = await runDunning(db.pool, { asOf: '2026-11-15', actor: 'test' });
      assert.deepEqual([again.issued, again.noSupply, (await orders()).length], [{ reminder: 0, final_notice: 0, disconnection: 0 }, 1, 1]);

      // The bank answers D's line: failed. A pays everything at the desk before the crew goes.
      await importResults(db.pool, { listId: list.id, bank: '0062', actor: 'clerk', lines: [{ line: 1, status: 'failed', reasonCode: 'INSUFFICIENT_FUNDS' }] });
      await takePayment(db.pool, { accountId: a.accountId, amount: '400.00', channel: 'cash', source: 'desk:MERKEZ', reference: 'DN-A-1', businessDate: '2026-11-16', actor: 'kasiyer' });
      const r4 = await runDunning(db.pool, { asOf: '2026-11-16', actor: 'test' });
      assert.deepEqual([r4.issued, r4.ordersCancelled], [{ reminder: 1, final_notice: 0, disconnection: 0 }, 1]);
      assert.deepEqual(await notices(d.accountId), [['reminder', '2026-11-16', '120.00']]); // 14 days overdue, like any unpaid bill
      assert.deepEqual((await orders()).map((o) => o.status), ['cancelled']);
      const trail = await db.pool.query(`SELECT actor, to_status, text FROM work_order_event WHERE kind = 'status' ORDER BY id`);
      assert.deepEqual(trail.rows, [{ actor: 'system:dunning', to_status: 'cancelled', text: 'Borç ödendi ya da taksitlendi: kesmeye gerek kalmadı' }]);

      const r5 = await runDunning(db.pool, { asOf: '2026-12-07', actor: 'test' });
      assert.equal(r5.issued.reminder, 1); // B, 12 days overdue
      assert.deepEqual(await notices(b.accountId), [['reminder', '2026-12-07', '80.00']]);
      assert.deepEqual(await notices(c.accountId), []);
    });

    it('refuses a run in the future or on a malformed day, writing nothing', async () => {
      const count = async () => (await db.pool.query('SELECT count(*)::int AS n FROM collections_dunning_notice')).rows[0].n;
      const before = await count();
      for (const asOf of ['2099-01-01', '2026-13-01', '07.12.2026', '']) {
        await assert.rejects(runDunning(db.pool, { asOf }), { code: 'ABONE_ERR_COLLECTIONS_DUNNING_INVALID' });
      }
      assert.equal(await count(), before);
    });

    it('keeps notices append-only', async () => {
      await assert.rejects(db.pool.query(`UPDATE collections_dunning_notice SET overdue_amount = 1`), /append-only|not allowed|cannot/i);
      await assert.rejects(db.pool.query(`DELETE FROM collections_dunning_notice`), /append-only|not allowed|cannot/i);
    });
  });
});
