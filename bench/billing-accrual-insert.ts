/**
 * One shard's accrual insert timed with EXPLAIN ANALYZE, the schema as before migration 0030 (a per-row foreign key
 * on run_id, the (run_id, state) and (subscription_id, period) indexes) against after it, alternating, each in a
 * rolled-back transaction, over 200,000 accruals already stored (docs/billing.md, 2026-12-08):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/billing-accrual-insert.ts
 *
 * Prints the median and every execution time of each, and the triggers of one. The insert has the bill run's shape
 * (accrue.ts: 2,000 rows of one run, about 1 KB of lines each, ON CONFLICT on the live index).
 */
import './quiet.ts';
import { createTestDatabase } from '../test/support/db.ts';
const db = await createTestDatabase();
const q = (s: string, p: unknown[] = []) => db.pool.query(s, p);
await q(`INSERT INTO billing_run (period, shard_count, created_by) VALUES ('2026-09', 0, 'x'), ('2026-10', 0, 'x')`);
const lines = JSON.stringify([{ kind: 'charge', component: 'SERVICE', quantity: '1.000000', amount: '30.00', from: '2026-10-01', to: '2026-11-01' }, { kind: 'charge', component: 'WATER', quantity: '10', amount: '100.00' }, { kind: 'charge', component: 'WATER', quantity: '0.85', amount: '17.00' }, { kind: 'tax', component: 'CTV', quantity: '10.85', amount: '5.43' }, { kind: 'tax', component: 'KDV', quantity: '147', amount: '14.70' }]);
const insert = (lo: number, period: string, run: number) => `INSERT INTO billing_accrual (subscription_id, period, run_id, account_id, commodity, tariff_code, tariff_revision, from_date, to_date, source, consumption, estimated_share, net, taxes, gross, state, lines)
  SELECT i, '${period}', ${run}, i, 'water', 'SU-KONUT', 1, '2026-10-01', '2026-11-01', 'interval', 10.85, 0, 147.00, 20.13, 167.13, 'posted', '${lines}'::jsonb
    FROM generate_series(${lo}, ${lo + 1999}) i
  ON CONFLICT (subscription_id, period) WHERE state IN ('posted', 'outsorted') DO NOTHING RETURNING id, subscription_id`;
for (let lo = 1; lo <= 200_000; lo += 2000) await q(insert(lo, '2026-09', 1));
await q('VACUUM ANALYZE billing_accrual');
const before = `ALTER TABLE billing_accrual DISABLE TRIGGER billing_accrual_run_checked;
  ALTER TABLE billing_accrual ADD CONSTRAINT billing_accrual_run_id_fkey FOREIGN KEY (run_id) REFERENCES billing_run(id) NOT VALID;
  DROP INDEX billing_accrual_run_outsorted_idx; DROP INDEX billing_accrual_sub_closed_idx;
  CREATE INDEX billing_accrual_run_idx ON billing_accrual (run_id, state); CREATE INDEX billing_accrual_sub_idx ON billing_accrual (subscription_id, period);`;
const res: Record<string, number[]> = { before: [], after: [] };
const trig: Record<string, string[]> = { before: [], after: [] };
let lo = 1;
for (let k = 0; k < 10; k++) {
  for (const v of k % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      if (v === 'before') for (const s of before.split(';').map((x) => x.trim()).filter(Boolean)) await c.query(s);
      const { rows } = await c.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${insert(lo, '2026-10', 2)}`);
      const plan = rows[0]['QUERY PLAN'][0];
      res[v].push(plan['Execution Time']);
      trig[v].push((plan.Triggers ?? []).map((t: any) => `${t['Trigger Name']} ${t.Time.toFixed(1)} ms/${t.Calls}`).join(', '));
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
  }
  lo += 2000;
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const v of ['before', 'after']) console.log(v, 'median', med(res[v]).toFixed(1), 'ms; all', res[v].map((x) => x.toFixed(1)).join(' '), '|', trig[v][3]);
await db.drop();
process.exit(0);
