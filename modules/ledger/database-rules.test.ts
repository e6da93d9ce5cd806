/**
 * The rules hold in the database itself, whoever writes: straight SQL, no ledger code in between.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { allocate, openAccount, postEntry } from './index.ts';
import { accrualInput, ledgerRowCounts, paymentInput } from './test-fixtures.ts';

describe('ledger: the database enforces balance and append-only', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let accountId: number;
  let entryId: number;
  let itemId: number;

  before(async () => {
    db = await createTestDatabase();
    accountId = (await openAccount(db.pool, 'SUB-SQL-1')).id;
    const e = await postEntry(db.pool, accrualInput(accountId, 'acc-sql-1', { revenue: '100.00', kdv: '20.00' }, { periodEnd: '2026-01-31' }));
    entryId = e.id;
    itemId = e.item!.id;
  });
  after(async () => db.drop());

  async function inTx(sql: (c: pg.PoolClient) => Promise<unknown>): Promise<void> {
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      await sql(c);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  it('refuses UPDATE, DELETE and TRUNCATE on entries, lines, items and allocations', async () => {
    const before = await ledgerRowCounts(db.pool);
    for (const sql of [
      `UPDATE ledger_line SET credit = credit + 1 WHERE entry_id = ${entryId}`,
      `UPDATE ledger_entry SET description = 'edited' WHERE id = ${entryId}`,
      `DELETE FROM ledger_line WHERE entry_id = ${entryId}`,
      `DELETE FROM ledger_entry WHERE id = ${entryId}`,
      `UPDATE ledger_item SET amount = 1 WHERE id = ${itemId}`,
      `DELETE FROM ledger_item WHERE id = ${itemId}`,
      'TRUNCATE ledger_allocation',
      'TRUNCATE ledger_line CASCADE',
    ]) {
      await assert.rejects(db.pool.query(sql), (err: any) => err.code === '42501' && /append-only/.test(err.message), sql);
    }
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('refuses at COMMIT an entry whose debits and credits differ, or that has a single line', async () => {
    const before = await ledgerRowCounts(db.pool);
    const insertEntry = async (c: pg.PoolClient, key: string, lines: Array<[string, string, string]>) => {
      const { rows } = await c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date) VALUES ($1, 'payment', $2, '2026-02-01') RETURNING id`, [key, accountId]);
      let n = 0;
      for (const [gl, d, cr] of lines) {
        await c.query('INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit) VALUES ($1, $2, $3, $4, $5, $6)', [rows[0].id, ++n, gl, gl === 'receivables' ? accountId : null, d, cr]);
      }
    };
    await assert.rejects(inTx((c) => insertEntry(c, 'sql-unbalanced', [['bank_clearing', '100.00', '0'], ['receivables', '0', '99.99']])), (err: any) => err.code === '23514' && /does not balance/.test(err.message));
    await assert.rejects(inTx((c) => insertEntry(c, 'sql-one-line', [['bank_clearing', '100.00', '0']])), /does not balance: 1 lines/);
    await assert.rejects(inTx((c) => insertEntry(c, 'sql-no-lines', [])), /does not balance: 0 lines/);
    // A line for an entry of an earlier transaction is refused, even when it claims that transaction's id: an entry
    // that balanced at its commit stays balanced.
    await assert.rejects(
      inTx((c) => c.query(`INSERT INTO ledger_line (entry_id, line_no, gl_account, debit) VALUES (${entryId}, 9, 'bank_clearing', 5)`)),
      (err: any) => err.code === '23503' && err.constraint === 'ledger_line_entry_same_xact',
    );
    await assert.rejects(
      inTx((c) => c.query(`INSERT INTO ledger_line (entry_id, line_no, gl_account, debit, xact) SELECT id, 9, 'bank_clearing', 5, xact FROM ledger_entry WHERE id = ${entryId}`)),
      (err: any) => err.code === '23503' && err.constraint === 'ledger_line_entry_same_xact',
    );
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    // The same statements with equal sides commit.
    await inTx((c) => insertEntry(c, 'sql-balanced', [['bank_clearing', '100.00', '0'], ['receivables', '0', '100.00']]));
  });

  it('checks the balance once per transaction over all its entries, also after an early check and around savepoints', async () => {
    const before = await ledgerRowCounts(db.pool);
    const entry = async (c: pg.PoolClient, key: string, debit: string, credit: string): Promise<number> => {
      const { rows } = await c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date) VALUES ($1, 'payment', $2, '2026-02-01') RETURNING id`, [key, accountId]);
      await c.query(`INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit) VALUES ($1, 1, 'bank_clearing', NULL, $3, 0), ($1, 2, 'receivables', $2, 0, $4)`, [rows[0].id, accountId, debit, credit]);
      return rows[0].id;
    };
    // Three entries in one transaction, the second 0.01 off: the one check names it.
    let bad = 0;
    await assert.rejects(
      inTx(async (c) => {
        await entry(c, 'tx-a', '10.00', '10.00');
        bad = await entry(c, 'tx-b', '20.00', '19.99');
        await entry(c, 'tx-c', '30.00', '30.00');
      }),
      (err: any) => err.code === '23514' && err.constraint === 'ledger_entry_balanced' && err.message === `ledger entry ${bad} does not balance: 2 lines, debit 20.00, credit 19.99`,
    );
    // A check run early by SET CONSTRAINTS … IMMEDIATE passes the first entry; an entry written after it queues another.
    await assert.rejects(
      inTx(async (c) => {
        await entry(c, 'tx-early-1', '10.00', '10.00');
        await c.query('SET CONSTRAINTS ledger_entry_balanced IMMEDIATE');
        await c.query('SET CONSTRAINTS ledger_entry_balanced DEFERRED');
        await entry(c, 'tx-early-2', '5.00', '4.00');
      }),
      /does not balance: 2 lines, debit 5.00, credit 4.00/,
    );
    // A check queued inside a savepoint that is rolled back is forgotten with it: the next entry queues its own.
    await assert.rejects(
      inTx(async (c) => {
        await c.query('SAVEPOINT s');
        await entry(c, 'tx-sp-1', '10.00', '10.00');
        await c.query('ROLLBACK TO SAVEPOINT s');
        await entry(c, 'tx-sp-2', '7.00', '6.00');
      }),
      /does not balance: 2 lines, debit 7.00, credit 6.00/,
    );
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
    // Balanced entries around a rolled-back savepoint commit; the rolled-back one is gone.
    await inTx(async (c) => {
      await entry(c, 'tx-ok-1', '1.00', '1.00');
      await c.query('SAVEPOINT s');
      await entry(c, 'tx-ok-gone', '2.00', '1.00');
      await c.query('ROLLBACK TO SAVEPOINT s');
      await entry(c, 'tx-ok-2', '3.00', '3.00');
    });
    const { rows } = await db.pool.query(`SELECT idempotency_key FROM ledger_entry WHERE idempotency_key LIKE 'tx-ok-%' ORDER BY 1`);
    assert.deepEqual(rows.map((r) => r.idempotency_key), ['tx-ok-1', 'tx-ok-2']);
  });

  it('refuses, per statement, rows naming a parent that does not exist or an entry claiming another transaction', async () => {
    const itemless = (await postEntry(db.pool, paymentInput(accountId, 'sql-parents-pay', '10.00', '2026-02-01'))).id;
    const before = await ledgerRowCounts(db.pool);
    const fk = (constraint: string) => (err: any) => err.code === '23503' && err.constraint === constraint;
    const entryThen = (lineSql: string) => async (c: pg.PoolClient) => {
      const { rows } = await c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date) VALUES ('sql-parent-' || gen_random_uuid(), 'payment', $1, '2026-02-01') RETURNING id`, [accountId]);
      await c.query(lineSql.replaceAll('$E', String(rows[0].id)));
    };
    await assert.rejects(inTx((c) => c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date) VALUES ('sql-no-account', 'payment', 999999, '2026-02-01')`)), fk('ledger_entry_account_id_fkey'));
    await assert.rejects(
      inTx((c) => c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date, xact) SELECT 'sql-old-xact', 'payment', $1, '2026-02-01', xact FROM ledger_entry WHERE id = $2`, [accountId, entryId])),
      fk('ledger_entry_own_xact'),
    );
    // In one multi-row statement, one bad row refuses the statement.
    await assert.rejects(inTx(entryThen(`INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit) VALUES ($E, 1, 'bank_clearing', NULL, 10, 0), ($E, 2, 'no_such_gl', NULL, 0, 10)`)), fk('ledger_line_gl_account_fkey'));
    await assert.rejects(inTx(entryThen(`INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit) VALUES ($E, 1, 'bank_clearing', NULL, 10, 0), ($E, 2, 'receivables', 999999, 0, 10)`)), fk('ledger_line_account_id_fkey'));
    await assert.rejects(inTx((c) => c.query(`INSERT INTO ledger_item (account_id, entry_id, amount, due_date) VALUES ($1, 999999, 5, '2026-03-01')`, [accountId])), fk('ledger_item_entry_id_fkey'));
    await assert.rejects(inTx((c) => c.query(`INSERT INTO ledger_item (account_id, entry_id, amount, due_date) VALUES (999999, $1, 5, '2026-03-01')`, [itemless])), fk('ledger_item_account_id_fkey'));
    await assert.rejects(inTx((c) => c.query(`INSERT INTO ledger_allocation (item_id, source_entry_id, amount, on_date) VALUES (999999, $1, 1, '2026-02-01')`, [entryId])), fk('ledger_allocation_item_id_fkey'));
    await assert.rejects(inTx((c) => c.query(`INSERT INTO ledger_allocation (item_id, source_entry_id, amount, on_date) VALUES ($1, 999999, 1, '2026-02-01')`, [itemId])), fk('ledger_allocation_source_entry_id_fkey'));
    assert.deepEqual(await ledgerRowCounts(db.pool), before);
  });

  it('refuses a line on both sides, a zero line and a negative amount', async () => {
    for (const [d, cr] of [['1', '1'], ['0', '0'], ['-5', '0']]) {
      await assert.rejects(db.pool.query(`INSERT INTO ledger_line (entry_id, line_no, gl_account, debit, credit) VALUES (${entryId}, 20, 'bank_clearing', $1, $2)`, [d, cr]), (err: any) => err.code === '23514');
    }
  });

  it('refuses allocations beyond an item\'s amount, and a second reversal of one entry', async () => {
    const pay = await postEntry(db.pool, paymentInput(accountId, 'sql-pay', '500.00', '2026-02-02'));
    await assert.rejects(
      inTx((c) => c.query(`INSERT INTO ledger_allocation (item_id, source_entry_id, amount, on_date) VALUES ($1, $2, 120.01, '2026-02-02')`, [itemId, pay.id])),
      (err: any) => err.code === '23514' && /allocated 120.01 of 120.00/.test(err.message),
    );
    await allocate(db.pool, { sourceEntryId: pay.id, itemId, amount: '120.00', onDate: '2026-02-02' });
    const reversal = (key: string) => async (c: pg.PoolClient) => {
      const { rows } = await c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date, reverses) VALUES ($1, 'reversal', $2, '2026-02-03', $3) RETURNING id`, [key, accountId, pay.id]);
      await c.query(`INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit) VALUES ($1, 1, 'receivables', $2, 500, 0), ($1, 2, 'bank_clearing', NULL, 0, 500)`, [rows[0].id, accountId]);
    };
    await inTx(reversal('sql-rev-1'));
    await assert.rejects(inTx(reversal('sql-rev-2')), (err: any) => err.code === '23505' && err.constraint === 'ledger_entry_reverses_key');
  });

  it('gives the ledger role SELECT and INSERT only: UPDATE and DELETE are refused by privilege, before any trigger', async () => {
    const { rows } = await db.pool.query(`SELECT rolname FROM pg_roles WHERE rolname = 'abone_ledger_writer'`);
    if (!rows.length) return assert.fail('role abone_ledger_writer was not created (the migrating user lacks CREATEROLE)');
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE abone_ledger_writer');
      // It may append a balanced entry ...
      const { rows: e } = await c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date) VALUES ('role-pay', 'payment', $1, '2026-02-05') RETURNING id`, [accountId]);
      await c.query(`INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit) VALUES ($1, 1, 'bank_clearing', NULL, 10, 0), ($1, 2, 'receivables', $2, 0, 10)`, [e[0].id, accountId]);
      await c.query('SAVEPOINT s');
      // ... and neither change nor remove one.
      for (const sql of [`UPDATE ledger_line SET debit = 11 WHERE entry_id = ${e[0].id} AND line_no = 1`, `DELETE FROM ledger_entry WHERE id = ${entryId}`, 'TRUNCATE ledger_allocation']) {
        await assert.rejects(c.query(sql), (err: any) => err.code === '42501' && /permission denied/.test(err.message), sql);
        await c.query('ROLLBACK TO SAVEPOINT s');
      }
      await c.query('COMMIT');
    } finally {
      await c.query('ROLLBACK').catch(() => undefined);
      c.release();
    }
    const { rows: kept } = await db.pool.query(`SELECT count(*)::int AS n FROM ledger_entry WHERE idempotency_key = 'role-pay'`);
    assert.equal(kept[0].n, 1);
  });
});
