import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { balance, openItems, unallocatedCredits } from '../ledger/index.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { cancelPayment, debtInquiry, sweepWaitingCredits, takePayment, type PaymentInput } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: payments, allocation, late fees, credit', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  const pay = (accountId: number, amount: string, reference: string, extra: Partial<PaymentInput> = {}) =>
    takePayment(db.pool, { accountId, amount, channel: 'bank', source: 'bank:0062', reference, businessDate: '2026-01-25', actor: 'test', ...extra });

  it('1,000 TL paid 20 days late: a 24.67 TL late fee is posted and settled before the principal', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'LATE-1', [{ amount: '1000.00', dueDate: '2026-01-05' }]);
    const debt = await debtInquiry(db.pool, accountId, '2026-01-25');
    assert.deepEqual([debt.totalOpen, debt.totalLateFee, debt.totalPayable], ['1000.00', '24.67', '1024.67']);

    const p = await pay(accountId, '1024.67', 'LATE-1-a');
    assert.deepEqual(p.lateFees.map((f) => [f.itemId, f.fromDate, f.toDate, f.principal, f.amount]), [[itemIds[0], '2026-01-05', '2026-01-25', '1000.00', '24.67']]);
    assert.deepEqual(p.allocations.map((a) => [a.kind, a.amount]), [['fee', '24.67'], ['accrual', '1000.00']]);
    assert.equal(p.unallocated, '0.00');
    assert.equal((await balance(db.pool, accountId, '2026-01-25')).balance, '0.00');
    assert.equal((await openItems(db.pool, accountId, '2026-01-25')).length, 0);
  });

  it('settles the oldest due item first and, on the same due date, the fee before the bill', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'ORDER-1', [
      { amount: '300.00', dueDate: '2026-02-16' },
      { amount: '200.00', dueDate: '2026-01-15' },
      { amount: '50.00', dueDate: '2026-02-16', kind: 'fee' },
    ]);
    // Paid on 2026-01-15, nothing overdue yet: 200 (Jan) then 50 (fee, Feb) then 100 of the 300 (Feb).
    const p = await pay(accountId, '350.00', 'ORDER-1-a', { businessDate: '2026-01-15' });
    assert.deepEqual(p.allocations.map((a) => [a.itemId, a.amount]), [[itemIds[1], '200.00'], [itemIds[2], '50.00'], [itemIds[0], '100.00']]);
    assert.deepEqual((await openItems(db.pool, accountId, '2026-01-15')).map((i) => [i.id, i.open]), [[itemIds[0], '200.00']]);
  });

  it('pays chosen items first, in the payer\'s order, and refuses items that are not open on the account', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'CHOSEN-1', [
      { amount: '100.00', dueDate: '2026-01-10' },
      { amount: '120.00', dueDate: '2026-01-20' },
    ]);
    const p = await pay(accountId, '120.00', 'CHOSEN-1-a', { businessDate: '2026-01-10', itemIds: [itemIds[1]] });
    assert.deepEqual(p.allocations.map((a) => [a.itemId, a.amount]), [[itemIds[1], '120.00']]);
    const before = await ledgerRowCounts(db.pool);
    await assert.rejects(pay(accountId, '10.00', 'CHOSEN-1-b', { itemIds: [itemIds[1]] }), { code: 'ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('a partial payment on an overdue bill splits into principal and fee that add up to the money', async () => {
    const { accountId } = await accountWithBills(db.pool, 'PARTIAL-1', [{ amount: '1000.00', dueDate: '2026-01-05' }]);
    const p = await pay(accountId, '500.00', 'PARTIAL-1-a');
    // 500 / (1 + 0.037 × 20 / 30) = 487.96 principal; its fee 487.96 × 0.024666… = 12.04; together 500.00.
    assert.deepEqual(p.allocations.map((a) => [a.kind, a.amount]), [['fee', '12.04'], ['accrual', '487.96']]);
    assert.deepEqual((await openItems(db.pool, accountId, '2026-01-25')).map((i) => i.open), ['512.04']);
    // Paying the rest five days later charges the fee on the rest only, for the days since the due date.
    const debt = await debtInquiry(db.pool, accountId, '2026-01-30');
    // 512.04 × 0.037 × 25 / 30 = 15.788… → 15.79
    assert.deepEqual([debt.totalOpen, debt.totalLateFee], ['512.04', '15.79']);
  });

  it('an overpayment becomes a credit that the next bill consumes', async () => {
    const { accountId } = await accountWithBills(db.pool, 'OVER-1', [{ amount: '400.00', dueDate: '2026-01-31' }]);
    const p = await pay(accountId, '650.00', 'OVER-1-a');
    assert.equal(p.unallocated, '250.00');
    assert.equal((await balance(db.pool, accountId, '2026-01-31')).balance, '-250.00');
    await accountWithBills(db.pool, 'OVER-1', [{ amount: '400.00', dueDate: '2026-01-31' }, { amount: '180.00', dueDate: '2026-02-28' }]);
    assert.equal(await sweepWaitingCredits(db.pool, '2026-02-01'), 1);
    assert.deepEqual(await openItems(db.pool, accountId, '2026-02-01'), []);
    assert.deepEqual((await unallocatedCredits(db.pool, accountId)).map((c) => c.unallocated), ['70.00']);
  });

  it('the same source and reference twice is one payment, and nothing is written the second time', async () => {
    const { accountId } = await accountWithBills(db.pool, 'RETRY-1', [{ amount: '90.00', dueDate: '2026-01-31' }]);
    const first = await pay(accountId, '90.00', 'RETRY-1-a');
    const before = await ledgerRowCounts(db.pool);
    const again = await pay(accountId, '90.00', 'RETRY-1-a');
    assert.equal(again.id, first.id);
    assert.equal(again.replayed, true);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    const other = await accountWithBills(db.pool, 'RETRY-2', [{ amount: '90.00', dueDate: '2026-01-31' }]);
    await assert.rejects(pay(other.accountId, '90.00', 'RETRY-1-a'), { code: 'ABONE_ERR_COLLECTIONS_REFERENCE_REUSED' });
  });

  it('cancelling reopens the items, reverses the late fee it charged, and is harmless when repeated', async () => {
    const { accountId } = await accountWithBills(db.pool, 'CANCEL-1', [{ amount: '1000.00', dueDate: '2026-01-05' }]);
    const p = await pay(accountId, '1024.67', 'CANCEL-1-a');
    const cancelled = await cancelPayment(db.pool, { paymentId: p.id, reason: 'Yanlış abone', actor: 'supervisor' });
    assert.equal(cancelled.cancelled?.reason, 'Yanlış abone');
    assert.equal(cancelled.unallocated, '0.00');
    const items = await openItems(db.pool, accountId);
    assert.deepEqual(items.map((i) => [i.kind, i.open]), [['accrual', '1000.00']]);
    // The reversals are dated today; as of today the account owes the bill again and nothing else.
    assert.equal((await balance(db.pool, accountId)).balance, '1000.00');
    const again = await cancelPayment(db.pool, { paymentId: p.id, reason: 'tekrar', actor: 'supervisor' });
    assert.equal(again.cancelled?.reason, 'Yanlış abone');
  });

  it('refuses a desk cancellation of an earlier day\'s payment', async () => {
    const { accountId } = await accountWithBills(db.pool, 'CANCEL-2', [{ amount: '10.00', dueDate: '2026-01-31' }]);
    const p = await pay(accountId, '10.00', 'CANCEL-2-a');
    await assert.rejects(cancelPayment(db.pool, { paymentId: p.id, reason: 'x', actor: 's', sameDay: true }), { code: 'ABONE_ERR_COLLECTIONS_CANCEL_REFUSED' });
  });

  it('refuses bad payments by field and writes nothing', async () => {
    const { accountId } = await accountWithBills(db.pool, 'BAD-1', [{ amount: '10.00', dueDate: '2026-01-31' }]);
    const before = await ledgerRowCounts(db.pool);
    const cases: Array<[Partial<PaymentInput>, string]> = [
      [{ amount: '0.00' }, 'amount'],
      [{ amount: '-5' }, 'amount'],
      [{ amount: '1.005' }, 'amount'],
      [{ amount: 12 as unknown as string }, 'amount'],
      [{ channel: 'barter' as never }, 'channel'],
      [{ source: 'Bank 62' }, 'source'],
      [{ reference: '' }, 'reference'],
      [{ reference: 'a\u0000b' }, 'reference'],
      [{ businessDate: '25.01.2026' }, 'businessDate'],
      [{ itemIds: [1, 1] }, 'itemIds'],
      [{ channel: 'card_instalment' }, 'instalments'],
      [{ channel: 'card', instalments: 3 }, 'instalments'],
    ];
    for (const [bad, field] of cases) {
      await assert.rejects(pay(accountId, '10.00', 'BAD-1-x', bad), (err: { code: string; params: { field: string } }) => err.code === 'ABONE_ERR_COLLECTIONS_PAYMENT_INVALID' && err.params.field === field, JSON.stringify(bad));
    }
    await assert.rejects(pay(999_999, '10.00', 'BAD-1-y'), { code: 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM collections_payment WHERE subscription_id = $1', ['BAD-1']);
    assert.equal(rows[0].n, 0);
  });
});
