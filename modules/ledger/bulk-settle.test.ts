/**
 * The ledger's helpers for settling many accounts in one transaction (a payment batch): locking many accounts,
 * their open items in one read, and allocations in one statement that keeps allocate's limits: never beyond an
 * item's open amount (the batch's own earlier rows counted), never beyond a payment's money, never across accounts.
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { allocateBulk, lockAccounts, openAccount, openItems, openItemsOf, postEntries, postEntry } from './index.ts';
import { accrualInput, ledgerRowCounts, paymentInput } from './test-fixtures.ts';

describe('ledger: settling many accounts at once', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  /** An account with one accrual of `gross` (net + 20% KDV) and one payment of `paid`. */
  async function account(sub: string, net: string, kdv: string, paid: string) {
    const a = await openAccount(db.pool, sub);
    const item = (await postEntry(db.pool, accrualInput(a.id, `${sub}-acc`, { revenue: net, kdv }, { periodEnd: '2026-01-31' }))).item!;
    const payment = await postEntry(db.pool, paymentInput(a.id, `${sub}-pay`, paid, '2026-02-20'));
    return { accountId: a.id, itemId: item.id, entryId: payment.id };
  }

  it('locks accounts in one statement, refusing an id that is not an account', async () => {
    const x = await openAccount(db.pool, 'LOCK-X');
    const y = await openAccount(db.pool, 'LOCK-Y');
    const locked = await withTransaction(db.pool, (c) => lockAccounts(c, [y.id, x.id, y.id]));
    assert.deepEqual(locked.map((a) => a.subscriptionId), ['LOCK-X', 'LOCK-Y']);
    await assert.rejects(withTransaction(db.pool, (c) => lockAccounts(c, [x.id, 99_999_999])), { code: 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND', params: { id: 99_999_999 } });
  });

  it('reads the open items of many accounts as openItems reads each', async () => {
    const a = await account('OPEN-A', '100.00', '20.00', '50.00');
    const b = await account('OPEN-B', '10.00', '2.00', '5.00');
    await withTransaction(db.pool, (c) => allocateBulk(c, [{ accountId: a.accountId, sourceEntryId: a.entryId, onDate: '2026-02-20', settlements: [{ itemId: a.itemId, amount: '50.00' }] }]));
    const many = await openItemsOf(db.pool, [a.accountId, b.accountId], '2026-02-28');
    assert.deepEqual(many.get(a.accountId), await openItems(db.pool, a.accountId, '2026-02-28'));
    assert.deepEqual(many.get(b.accountId), await openItems(db.pool, b.accountId, '2026-02-28'));
    assert.deepEqual(many.get(a.accountId)!.map((i) => i.open), ['70.00']);
  });

  it('writes the settlements of many payments in their order, and refuses a batch that breaks a limit whole', async () => {
    const a = await account('BULK-A', '100.00', '20.00', '200.00'); // item 120.00, payment 200.00
    const b = await account('BULK-B', '50.00', '10.00', '30.00'); // item 60.00, payment 30.00
    // A second payment of 100.00 on A, posted with the bulk path.
    const second = (await withTransaction(db.pool, (c) => postEntries(c, [paymentInput(a.accountId, 'BULK-A-pay2', '100.00', '2026-02-21')]))).get('BULK-A-pay2')!.entryId;
    const before = await ledgerRowCounts(db.pool);
    const refused: Array<[Parameters<typeof allocateBulk>[1], string]> = [
      // 100.00 + 30.00 of the same 120.00 item from two payments: the second exceeds what the first left.
      [[{ accountId: a.accountId, sourceEntryId: a.entryId, onDate: '2026-02-20', settlements: [{ itemId: a.itemId, amount: '100.00' }] },
        { accountId: a.accountId, sourceEntryId: second, onDate: '2026-02-21', settlements: [{ itemId: a.itemId, amount: '30.00' }] }], 'ABONE_ERR_LEDGER_OVER_ALLOCATION'],
      // B's payment has 30.00, not 40.00.
      [[{ accountId: b.accountId, sourceEntryId: b.entryId, onDate: '2026-02-20', settlements: [{ itemId: b.itemId, amount: '40.00' }] }], 'ABONE_ERR_LEDGER_OVER_ALLOCATION'],
      // A's payment settling B's item.
      [[{ accountId: a.accountId, sourceEntryId: a.entryId, onDate: '2026-02-20', settlements: [{ itemId: b.itemId, amount: '1.00' }] }], 'ABONE_ERR_LEDGER_ITEM_NOT_FOUND'],
      // A's payment said to be B's.
      [[{ accountId: b.accountId, sourceEntryId: a.entryId, onDate: '2026-02-20', settlements: [{ itemId: b.itemId, amount: '1.00' }] }], 'ABONE_ERR_LEDGER_ALLOCATION_INVALID'],
      [[{ accountId: a.accountId, sourceEntryId: a.entryId, onDate: '20.02.2026', settlements: [{ itemId: a.itemId, amount: '1.00' }] }], 'ABONE_ERR_LEDGER_ALLOCATION_INVALID'],
    ];
    for (const [sources, code] of refused) await assert.rejects(withTransaction(db.pool, (c) => allocateBulk(c, sources)), { code }, JSON.stringify(sources));
    assert.deepEqual(await ledgerRowCounts(db.pool), before);

    const n = await withTransaction(db.pool, (c) =>
      allocateBulk(c, [
        { accountId: a.accountId, sourceEntryId: a.entryId, onDate: '2026-02-20', settlements: [{ itemId: a.itemId, amount: '100.00' }] },
        { accountId: b.accountId, sourceEntryId: b.entryId, onDate: '2026-02-20', settlements: [{ itemId: b.itemId, amount: '30.00' }] },
        { accountId: a.accountId, sourceEntryId: second, onDate: '2026-02-21', settlements: [{ itemId: a.itemId, amount: '20.00' }, { itemId: a.itemId, amount: '0.00' }] },
      ]),
    );
    assert.equal(n, 3);
    const { rows } = await db.pool.query(`SELECT source_entry_id AS s, amount::text, to_char(on_date, 'YYYY-MM-DD') AS d FROM ledger_allocation WHERE item_id = ANY($1::bigint[]) ORDER BY id`, [[a.itemId, b.itemId]]);
    assert.deepEqual(rows.map((r) => [r.s, r.amount, r.d]), [[a.entryId, '100.00', '2026-02-20'], [b.entryId, '30.00', '2026-02-20'], [second, '20.00', '2026-02-21']]);
    assert.deepEqual((await openItems(db.pool, a.accountId, '2026-02-28')).length, 0);
    assert.deepEqual((await openItems(db.pool, b.accountId, '2026-02-28')).map((i) => i.open), ['30.00']);
  });
});
