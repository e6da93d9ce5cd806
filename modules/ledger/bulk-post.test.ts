/** Set-based posting for bill runs: the same rules and idempotency as postEntry, for a thousand entries at once. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { Money } from '../../platform/money.ts';
import { balance, openAccounts, openItems, postEntries } from './index.ts';
import { accrualInput, ledgerRowCounts } from './test-fixtures.ts';

describe('ledger: bulk posting', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  const subs = Array.from({ length: 1000 }, (_, i) => `BULK-${i + 1}`);
  // Subscription n pays n.00 TL net plus 20% KDV: the grosses add up to 1.2 × (1 + … + 1000) = 600,600.00 TL.
  const batch = (accounts: Map<string, number>) =>
    subs.map((s, i) => accrualInput(accounts.get(s)!, `bulk-acc-${s}-2026-02`, { revenue: `${i + 1}.00`, kdv: new Money(i + 1).times('0.2').toFixed(2) }, { periodEnd: '2026-02-28' }));

  it('opens a thousand accounts and posts a thousand accruals, balanced, with their items', async () => {
    const accounts = await withTransaction(db.pool, (c) => openAccounts(c, subs));
    assert.equal(accounts.size, 1000);
    const out = await withTransaction(db.pool, (c) => postEntries(c, batch(accounts)));
    assert.equal([...out.values()].filter((p) => !p.replayed).length, 1000);
    const { rows } = await db.pool.query(`SELECT sum(debit)::text AS d, sum(credit)::text AS c, count(*)::int AS n FROM ledger_line l JOIN ledger_entry e ON e.id = l.entry_id WHERE e.idempotency_key LIKE 'bulk-acc-%'`);
    assert.deepEqual(rows[0], { d: '600600.00', c: '600600.00', n: 3000 });
    assert.equal((await balance(db.pool, accounts.get('BULK-1000')!, '2026-03-31')).balance, '1200.00');
    assert.deepEqual((await openItems(db.pool, accounts.get('BULK-7')!, '2026-03-31')).map((i) => [i.amount, i.dueDate]), [['8.40', '2026-03-16']]);
  });

  it('skips every entry of a batch posted again and writes nothing', async () => {
    const before = await ledgerRowCounts(db.pool);
    const accounts = await withTransaction(db.pool, (c) => openAccounts(c, subs));
    const out = await withTransaction(db.pool, (c) => postEntries(c, batch(accounts)));
    assert.equal([...out.values()].filter((p) => p.replayed).length, 1000);
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('refuses a whole batch when one entry is bad, and writes nothing', async () => {
    const accounts = await withTransaction(db.pool, (c) => openAccounts(c, ['BULK-NEW-1', 'BULK-NEW-2']));
    const before = await ledgerRowCounts(db.pool);
    const good = accrualInput(accounts.get('BULK-NEW-1')!, 'bulk-new-1', { revenue: '10.00' }, { periodEnd: '2026-02-28' });
    const unbalanced = { ...accrualInput(accounts.get('BULK-NEW-2')!, 'bulk-new-2', { revenue: '10.00' }, { periodEnd: '2026-02-28' }), lines: [{ gl: 'receivables', debit: '10.00' }, { gl: 'revenue.gas', credit: '9.99' }] };
    await assert.rejects(withTransaction(db.pool, (c) => postEntries(c, [good, unbalanced])), { code: 'ABONE_ERR_LEDGER_UNBALANCED' });
    await assert.rejects(withTransaction(db.pool, (c) => postEntries(c, [good, { ...good, accountId: 99_999_999, idempotencyKey: 'bulk-x' }])), { code: 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND' });
    await assert.rejects(withTransaction(db.pool, (c) => postEntries(c, [good, good])), { code: 'ABONE_ERR_LEDGER_ENTRY_INVALID' });
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });
});
