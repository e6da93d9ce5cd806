/**
 * Security deposits (güvence bedeli) against the real database, on real subscriptions: a demand in six
 * interest-free instalments, exemptions, carry-over on a move within the region, and closure with offset and refund.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import type { CallContext } from '../registry/index.ts';
import { applyEvent, installMeter, moveIn } from '../subscriptions/index.ts';
import { callContext, hoursAgo, installation, meters, party } from '../subscriptions/test-fixtures.ts';
import { balance, openItems } from '../ledger/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { carryDeposit, closeDeposit, demandDeposit, grantDepositExemption, loadDeposit, setDepositRate, takePayment } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: security deposits (güvence bedeli)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let ctx: CallContext;
  before(async () => {
    db = await createTestDatabase();
    ctx = await callContext(db.pool);
    // Example configuration, not law: what a utility might decide for residential gas.
    await setDepositRate(db.pool, { class: 'residential', commodity: 'gas', effectiveFrom: '2025-01-01', amount: '800.00', note: 'örnek yapılandırma' });
    await setDepositRate(db.pool, { class: 'residential', commodity: 'gas', effectiveFrom: '2026-01-01', amount: '1000.00', note: 'örnek yapılandırma' });
    await setDepositRate(db.pool, { class: 'public', commodity: 'gas', effectiveFrom: '2025-01-01', amount: '5000.00', note: 'örnek yapılandırma' });
  });
  after(async () => db.drop());

  /** A live gas subscription of `partyId` at a fresh installation in the given il/ilçe, started `startHoursAgo`. */
  async function subscription(partyId: number, opts: { ilce?: string; klass?: 'residential' | 'public'; startHoursAgo?: number } = {}): Promise<number> {
    const inst = await installation(db.pool, ctx, { ilce: opts.ilce ?? 'Çankaya' });
    const m = await meters(db.pool);
    await installMeter(db.pool, m.registry, inst, { serial: m.serials[0], reading: '0', at: hoursAgo(100) }, ctx);
    return (await moveIn(db.pool, { partyId, installationId: inst, class: opts.klass ?? 'residential', tariffCode: 'GAS-RES', openingReading: '0', at: hoursAgo(opts.startHoursAgo ?? 90) }, ctx)).id;
  }
  const moveOut = (id: number, at = 50) => applyEvent(db.pool, id, { event: 'move_out', reading: '10', at: hoursAgo(at) }, ctx);

  it('demands the amount in force for the class and commodity, in up to 6 instalments that add up exactly', async () => {
    const sub = await subscription(await party(db.pool, ctx));
    const d = await demandDeposit(db.pool, { subscriptionId: String(sub), instalments: 6, firstDueDate: '2026-02-01', businessDate: '2026-01-10', actor: 'clerk' });
    // 1,000.00 / 6 = 166.666…: 100,000 kuruş = 4 × 16,667 + 2 × 16,666.
    assert.deepEqual(d.items.map((i) => [i.amount, i.dueDate]), [
      ['166.67', '2026-02-01'], ['166.67', '2026-03-01'], ['166.67', '2026-04-01'], ['166.67', '2026-05-01'], ['166.66', '2026-06-01'], ['166.66', '2026-07-01'],
    ]);
    assert.deepEqual([d.amount, d.held, d.unpaid], ['1000.00', '0.00', '1000.00']);
    assert.deepEqual((await openItems(db.pool, d.accountId, '2026-01-10')).map((i) => i.kind), ['deposit', 'deposit', 'deposit', 'deposit', 'deposit', 'deposit']);
    // An older demand date takes the older rate.
    const older = await demandDeposit(db.pool, { subscriptionId: String(await subscription(await party(db.pool, ctx))), businessDate: '2025-06-01' });
    assert.equal(older.amount, '800.00');

    const before = await ledgerRowCounts(db.pool);
    await assert.rejects(demandDeposit(db.pool, { subscriptionId: String(sub), instalments: 2 }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' }); // already has one
    await assert.rejects(demandDeposit(db.pool, { subscriptionId: String(sub), instalments: 7 }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_INVALID' });
    await assert.rejects(demandDeposit(db.pool, { subscriptionId: 'x1' }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_INVALID' });
    await assert.rejects(demandDeposit(db.pool, { subscriptionId: String(sub), businessDate: '2024-01-01' }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('exempts public institutions by class and veterans or martyrs\' relatives by grant', async () => {
    const publicSub = await subscription(await party(db.pool, ctx, 'Çankaya Belediyesi'), { klass: 'public' });
    await assert.rejects(demandDeposit(db.pool, { subscriptionId: String(publicSub) }), (e: { code: string; params: { reason: string } }) => e.code === 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' && /public_institution/.test(e.params.reason));
    const veteran = await party(db.pool, ctx, 'Mehmet Gazi');
    await grantDepositExemption(db.pool, { partyId: veteran, classCode: 'veteran', evidence: 'Gazi kimlik kartı 12345', actor: 'clerk' });
    await assert.rejects(demandDeposit(db.pool, { subscriptionId: String(await subscription(veteran)) }), (e: { params: { reason: string } }) => /veteran/.test(e.params.reason));
    await assert.rejects(grantDepositExemption(db.pool, { partyId: veteran, classCode: 'public_institution', evidence: 'x' }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_INVALID' });
  });

  it('carries the held amount to the next subscription in the same il/ilçe, and closes with offset and refund', async () => {
    const holder = await party(db.pool, ctx, 'Zeynep Kaya');
    const first = await subscription(holder, { startHoursAgo: 90 });
    const d = await demandDeposit(db.pool, { subscriptionId: String(first), instalments: 6, firstDueDate: '2026-02-01', businessDate: '2026-01-10' });
    // Three instalments paid: 3 × 166.67 = 500.01 held.
    await takePayment(db.pool, { accountId: d.accountId, amount: '500.01', channel: 'cash', source: 'desk:MERKEZ', reference: 'DEP-1-a', itemIds: d.items.slice(0, 3).map((i) => i.itemId), businessDate: '2026-02-01' });
    assert.equal((await loadDeposit(db.pool, d.id)).held, '500.01');

    await moveOut(first);
    const second = await subscription(holder, { startHoursAgo: 40 });
    const elsewhere = await subscription(holder, { ilce: 'Keçiören', startHoursAgo: 40 });
    const stranger = await subscription(await party(db.pool, ctx), { startHoursAgo: 40 });
    await assert.rejects(carryDeposit(db.pool, { fromSubscriptionId: String(first), toSubscriptionId: String(elsewhere) }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' });
    await assert.rejects(carryDeposit(db.pool, { fromSubscriptionId: String(first), toSubscriptionId: String(stranger) }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' });
    await assert.rejects(carryDeposit(db.pool, { fromSubscriptionId: String(second), toSubscriptionId: String(first) }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' });

    const carried = await carryDeposit(db.pool, { fromSubscriptionId: String(first), toSubscriptionId: String(second), businessDate: '2026-03-15', actor: 'clerk' });
    // 500.01 carried; the three unpaid instalments (166.67 + 166.66 + 166.66 = 499.99) move with their due dates.
    assert.deepEqual([carried.carriedFrom, carried.carriedAmount, carried.amount, carried.held, carried.unpaid], [d.id, '500.01', '1000.00', '500.01', '499.99']);
    assert.deepEqual(carried.items.map((i) => [i.amount, i.dueDate]), [['166.67', '2026-05-01'], ['166.66', '2026-06-01'], ['166.66', '2026-07-01']]);
    const old = await loadDeposit(db.pool, d.id);
    assert.deepEqual([old.ended?.outcome, old.ended?.held], ['carried', '500.01']);
    assert.equal((await balance(db.pool, d.accountId, '2026-03-15')).balance, '0.00');
    assert.equal((await balance(db.pool, carried.accountId, '2026-03-15')).balance, '499.99');
    await assert.rejects(carryDeposit(db.pool, { fromSubscriptionId: String(first), toSubscriptionId: String(second) }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' });

    // One more instalment paid on the new account: 666.68 held. The final bill is 250.00, not yet due.
    await takePayment(db.pool, { accountId: carried.accountId, amount: '166.67', channel: 'cash', source: 'desk:MERKEZ', reference: 'DEP-1-b', itemIds: [carried.items[0].itemId], businessDate: '2026-05-01' });
    await accountWithBills(db.pool, String(second), [{ amount: '250.00', dueDate: '2026-05-20', postedOn: '2026-05-02' }]);
    await assert.rejects(closeDeposit(db.pool, { subscriptionId: String(second) }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' }); // still live
    await moveOut(second, 10);

    const closed = await closeDeposit(db.pool, { subscriptionId: String(second), businessDate: '2026-05-05', actor: 'clerk' });
    // 666.68 held: 250.00 offset against the final bill, 416.68 refunded; the 333.32 still unpaid is withdrawn.
    assert.deepEqual([closed.ended?.outcome, closed.ended?.held, closed.ended?.offsetAmount, closed.ended?.refundAmount], ['closed', '666.68', '250.00', '416.68']);
    assert.deepEqual(await openItems(db.pool, carried.accountId, '2026-05-05'), []);
    assert.equal((await balance(db.pool, carried.accountId, '2026-05-05')).balance, '0.00');
    // Across both accounts the deposits held are back to zero and 416.68 left through the bank.
    const mine = await db.pool.query<{ b: string }>(
      `SELECT coalesce(sum(l.credit - l.debit), 0)::numeric(18,2)::text AS b FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id
       WHERE l.gl_account = $1 AND (e.account_id = ANY($2::bigint[]) OR e.idempotency_key = $3)`,
      ['deposits_held', [d.accountId, carried.accountId], `deposit-carry:${d.id}`],
    );
    assert.equal(mine.rows[0].b, '0.00');
    const bank = await db.pool.query<{ b: string }>(`SELECT coalesce(sum(l.debit - l.credit), 0)::numeric(18,2)::text AS b FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id WHERE l.gl_account = 'bank_clearing' AND e.account_id = $1`, [carried.accountId]);
    assert.equal(bank.rows[0].b, '-416.68');
    await assert.rejects(closeDeposit(db.pool, { subscriptionId: String(second) }), { code: 'ABONE_ERR_COLLECTIONS_DEPOSIT_REFUSED' });
  });
});
