/**
 * The balance check at COMMIT reads what the transaction wrote, not the whole ledger (migration 0032). Its query runs
 * inside PL/pgSQL, which after five calls on a connection may keep a generic plan; 0028's query, ordered by entry id
 * with a LIMIT, was planned as a walk of the entries from the oldest, so each commit's cost grew with the ledger.
 * Measured here from the outside, by the blocks of ledger_entry and ledger_line that one small commit touches
 * (pg_statio), on a ledger of many pages, in each of enough commits on one connection for a generic plan to be used.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { openAccount } from './index.ts';

describe('ledger: the balance check at COMMIT costs what the transaction wrote', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let accountId: number;

  before(async () => {
    db = await createTestDatabase();
    accountId = (await openAccount(db.pool, 'SUB-COST-1')).id;
  });
  after(async () => db.drop());

  /**
   * A ledger of 80,000 balanced entries (160,000 lines), written in one statement per table as a bill run does, in 40
   * transactions, with
   * statistics as a live ledger has them (autovacuum's), which is what the planner costs a generic plan with. On the
   * connection that measures, so its own counts are flushed before the first measurement.
   */
  async function fillLedger(c: pg.PoolClient): Promise<void> {
    // 40 transactions of 2,000 entries, as a bill run's shards: the planner's estimate for one transaction's entries
    // comes from how many transactions the ledger holds.
    for (let t = 0; t < 40; t++) {
      await c.query('BEGIN');
      await c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date)
                     SELECT 'cost-' || $2::int || '-' || i, 'payment', $1, '2026-02-01' FROM generate_series(1, 2000) i`, [accountId, t]);
      await c.query(`INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit)
                     SELECT e.id, n, CASE n WHEN 1 THEN 'bank_clearing' ELSE 'receivables' END, CASE n WHEN 2 THEN $1::bigint END,
                            CASE n WHEN 1 THEN 10 ELSE 0 END, CASE n WHEN 2 THEN 10 ELSE 0 END
                       FROM ledger_entry e, generate_series(1, 2) n WHERE e.xact = pg_current_xact_id()`, [accountId]);
      await c.query('COMMIT');
    }
    await c.query('VACUUM ANALYZE ledger_entry, ledger_line');
  }

  /** Blocks of ledger_entry and ledger_line (heap and indexes, from memory or disk) this database has touched so far. */
  async function ledgerBlocks(c: pg.PoolClient): Promise<number> {
    await c.query('SELECT pg_stat_force_next_flush()');
    await c.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await c.query(`SELECT sum(heap_blks_hit + heap_blks_read + coalesce(idx_blks_hit, 0) + coalesce(idx_blks_read, 0)) AS n
                                      FROM pg_statio_user_tables WHERE relname IN ('ledger_entry', 'ledger_line')`);
    return Number(rows[0].n);
  }

  it('one entry of two lines: a few blocks at COMMIT, on a ledger of hundreds of pages, in every one of 8 commits on a connection', async () => {
    const c = await db.pool.connect();
    try {
      await fillLedger(c);
      const { rows } = await c.query(`SELECT sum(relpages)::int AS pages FROM pg_class WHERE relname IN ('ledger_entry', 'ledger_line')`);
      assert.ok(rows[0].pages >= 1000, `the ledger is large enough to tell a scan from probes (${rows[0].pages} pages)`);
      await ledgerBlocks(c);
      const touched: number[] = [];
      for (let i = 0; i < 8; i++) {
        await c.query('BEGIN');
        const { rows: e } = await c.query(`INSERT INTO ledger_entry (idempotency_key, kind, account_id, business_date) VALUES ($1, 'payment', $2, '2026-02-02') RETURNING id`, [`cost-new-${i}`, accountId]);
        await c.query(`INSERT INTO ledger_line (entry_id, line_no, gl_account, account_id, debit, credit) VALUES ($1, 1, 'bank_clearing', NULL, 5, 0), ($1, 2, 'receivables', $2, 0, 5)`, [e[0].id, accountId]);
        const before = await ledgerBlocks(c);
        await c.query('COMMIT');
        touched.push((await ledgerBlocks(c)) - before);
      }
      // The entry found by the xact index and its lines probed: 31-57 blocks seen; 0028's plan walked the entries'
      // primary key from the oldest, 1,315 blocks of this ledger at every commit.
      assert.ok(Math.max(...touched) < 100, `ledger blocks touched per COMMIT: ${touched.join(', ')} (of ${rows[0].pages} pages)`);
    } finally {
      c.release();
    }
  });
});
