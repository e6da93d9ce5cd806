/**
 * How long each dashboard query takes on a given database, over ranges from 6 hours to 800 days, as Grafana would
 * send it. For checking the dashboards stay fast on a year of data (docs/deploy.md has the numbers measured):
 *   createdb abone_timing && psql -d abone_timing -f dashboards/fill-year.sql
 *   DATABASE_URL=postgres://.../abone_timing node --import tsx dashboards/query-timings.ts [--explain]
 * fill-year.sql builds only the head-end tables: the alarm, work-order and billing panels report the missing table.
 * Not a test: timings depend on the machine; the dashboard test checks correctness.
 */
import pg from 'pg';
import { loadDashboards } from './dashboard-file.ts';
import { resolveVariables } from './dashboard-variables.ts';
import { interpolateSql } from './grafana-sql.ts';
import { panelIntervalMs } from './grafana-interval.ts';

const H = 3_600_000;
const D = 24 * H;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
const explain = process.argv.includes('--explain');
const to = new Date();
for (const range of [6 * H, 3 * D, 7 * D, 31 * D, 90 * D, 365 * D, 800 * D]) {
  const r = { from: new Date(to.getTime() - range), to };
  for (const d of loadDashboards()) {
    const resolved = await resolveVariables(d, { range: r, timescaledb: false }, (s) => pool.query(s)).catch((err: Error) => err);
    if (resolved instanceof Error) {
      console.log(`${d.file}: ${resolved.message} (fill-year.sql builds the head-end tables only)`);
      continue;
    }
    for (const q of d.queries) {
      const sql = interpolateSql(q.rawSql, { range: r, timescaledb: false, variables: resolved.variables, intervalMs: panelIntervalMs(range, q.maxDataPoints ?? 1000, q.minInterval) });
      const t0 = performance.now();
      const res = await pool.query(sql).catch((err: Error) => err);
      const ms = performance.now() - t0;
      if (res instanceof Error) {
        console.log(`${d.file} "${q.panelTitle}": ${res.message}`);
        continue;
      }
      console.log(`${(range / D).toFixed(2).padStart(7)} d  ${d.file.padEnd(22)} ${q.panelTitle.slice(0, 44).padEnd(44)} ${String(res.rowCount).padStart(6)} rows ${ms.toFixed(0).padStart(6)} ms`);
      if (explain) console.log((await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`)).rows.map((x) => x['QUERY PLAN']).join('\n'));
    }
  }
}
await pool.end();
