/**
 * takePayment answers with a view built from what it just wrote instead of reading it back (bench:payments: four
 * round trips fewer per payment). This property keeps the two in step: for payments of every shape — late fees,
 * partial, overpayment, chosen items, waiting credit applied first, fee and deposit items — the answer equals what
 * loadPayment reads from the database.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { loadPayment, takePayment, type PaymentInput } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';

describe('collections: the payment takePayment answers is the payment stored', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(() => db.drop());

  const bills = [
    { amount: '1000.00', dueDate: '2026-01-05' },
    { amount: '310.40', dueDate: '2026-01-20' },
    { amount: '75.00', dueDate: '2026-01-20', kind: 'fee' as const },
    { amount: '120.00', dueDate: '2026-02-28', kind: 'deposit' as const },
    { amount: '99.99', dueDate: '2026-03-16' },
  ];
  const shapes: Array<[string, string, Partial<PaymentInput>]> = [
    ['all, with fees', '1700.00', {}],
    ['partial on an overdue bill', '500.00', {}],
    ['overpayment', '2500.00', {}],
    ['chosen items', '99.99', { itemIds: [] }],
    ['a cent', '0.01', {}],
    ['card instalments', '410.00', { channel: 'card_instalment', instalments: 3, source: 'desk:MERKEZ' }],
  ];

  it('for every shape of payment', async () => {
    for (const [i, [name, amount, extra]] of shapes.entries()) {
      const { accountId, itemIds } = await accountWithBills(db.pool, `VIEW-${i}`, bills);
      if (name === 'chosen items') extra.itemIds = [itemIds[4]];
      const input: PaymentInput = { accountId, amount, channel: 'bank', source: 'bank:0062', reference: `VIEW-${i}`, businessDate: '2026-01-25', actor: 'test', ...extra };
      const taken = await takePayment(db.pool, input);
      assert.deepEqual(taken, await loadPayment(db.pool, taken.id), name);
      if (name === 'overpayment') {
        // The next payment on the account first applies the waiting credit, then its own money.
        await accountWithBills(db.pool, `VIEW-${i}`, [...bills, { amount: '640.00', dueDate: '2026-04-15' }]);
        const next = await takePayment(db.pool, { ...input, reference: `VIEW-${i}-b`, amount: '10.00' });
        assert.deepEqual(next, await loadPayment(db.pool, next.id), `${name}, then credit applied`);
      }
    }
  });
});
