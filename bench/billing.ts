/**
 * npm run bench:billing [-- --subscriptions 1000000 --workers 2 --shard-size 2000 --keep]
 *
 * A monthly bill run (October 2026) over N water subscriptions with daily interval data (31 rollup_daily rows each,
 * and the month's rollup_monthly row the rollup worker writes from them), through `abone bill-run --workers W` in
 * child processes: shard planning through the subscriptions door, usage from rollups, rating by billing-core,
 * outsorting, accruals and their ledger postings (header, lines, open item, account) with every database check on.
 * Then, in the same database, the same rows copied by plain `INSERT ... SELECT` into tables of the same shape without
 * triggers or foreign keys: the floor for writing that much. Prints bills/s and the ratio, the CPU seconds per bill
 * of the bill-run processes and of PostgreSQL (on a shared machine the wall clock depends on everyone's load; CPU per
 * bill does not much), the machine's busy % and load average, and billing-core's rating alone (by days and from a
 * month's total). Set-up (subscriptions, meters, rollups) is written with INSERT ... SELECT and not timed.
 * `bench/billing-phases.ts` splits a shard's time by phase.
 */
import './quiet.ts';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startOfLocalDay } from '../platform/calendar.ts';
import { dailyUsage, dayTotalUsage, parseTariff, rate, rateUsage } from '../billing-core/index.ts';
import { createTariff } from '../modules/billing/index.ts';
import { rollUpMonthsFromDays } from '../headend/index.ts';
import { WATER_TARIFF } from '../modules/billing/test-fixtures.ts';
import { availableParallelism, loadavg } from 'node:os';
import { openBenchServer } from './db.ts';
import { PostgresCpu, machineBusyPercent, machineTicks } from './proc.ts';
import { TreeCpu } from './billing-cpu.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '1000000' },
    workers: { type: 'string', default: '2' },
    'shard-size': { type: 'string', default: '2000' },
    keep: { type: 'boolean', default: false },
    'setup-only': { type: 'boolean', default: false },
  },
});
const N = Number(opt.subscriptions);
const W = Number(opt.workers);

const secs = (t0: number) => (performance.now() - t0) / 1000;

async function main(): Promise<void> {
  const server = await openBenchServer();
  const db = await server.createDatabase('billing');
  const pool = db.pool;
  try {
    let t0 = performance.now();
    await setUp(pool, N);
    const setupS = secs(t0);
    await server.checkpoint();
    if (opt['setup-only']) {
      console.log(`set up ${N} subscriptions in ${setupS.toFixed(1)} s: ${db.url}`);
      opt.keep = true;
      return;
    }

    const pgCpu = server.postmaster ? new PostgresCpu(server.postmaster, [db.name]) : undefined;
    pgCpu?.start();
    const ticks0 = machineTicks();
    const load0 = loadavg()[0];
    t0 = performance.now();
    const child = spawn(process.execPath, [path.join(HERE, '../bin/abone.js'), 'bill-run', '--period', '2026-10', '--workers', String(W), '--shard-size', String(opt['shard-size'])], {
      env: { ...process.env, DATABASE_URL: db.url, ABONE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last = '';
    child.stdout!.on('data', (d: Buffer) => {
      last = d.toString().trim().split('\n').at(-1) ?? last;
      process.stderr.write(`  ${last}\n`);
    });
    const nodeCpu = new TreeCpu(child.pid!);
    nodeCpu.start();
    const [code] = await once(child, 'exit');
    const runS = secs(t0);
    const cpu = { node: nodeCpu.stop(), pg: pgCpu?.stop(), machine: machineBusyPercent(ticks0, machineTicks(), availableParallelism()), load: [load0, loadavg()[0]] };
    if (code !== 0) throw new Error(`bill-run exited with ${code}`);
    const { rows: c } = await pool.query(`SELECT (SELECT count(*)::int FROM billing_accrual) AS accruals, (SELECT count(*)::int FROM billing_accrual WHERE state = 'posted') AS posted,
      (SELECT count(*)::int FROM ledger_account) AS accounts, (SELECT count(*)::int FROM ledger_entry) AS entries, (SELECT count(*)::int FROM ledger_line) AS lines,
      (SELECT count(*)::int FROM ledger_item) AS items, (SELECT sum(debit) = sum(credit) FROM ledger_line) AS balanced`);
    const written = c[0].accruals + c[0].accounts + c[0].entries + c[0].lines + c[0].items;
    await server.checkpoint();

    t0 = performance.now();
    for (const t of ['billing_accrual', 'ledger_account', 'ledger_entry', 'ledger_line', 'ledger_item']) {
      await pool.query(`CREATE TABLE ref_${t} (LIKE ${t} INCLUDING DEFAULTS INCLUDING INDEXES)`);
      await pool.query(`INSERT INTO ref_${t} SELECT * FROM ${t}`);
    }
    const refS = secs(t0);
    const rating = ratingOnly(Math.min(N, 20_000));

    const rows = [
      ['bill run (abone bill-run, ' + W + ' worker processes)', `${N.toLocaleString('en')} subscriptions`, `${written.toLocaleString('en')} rows`, runS.toFixed(1), (c[0].accruals / runS).toFixed(0) + ' bills/s'],
      ['reference: INSERT ... SELECT of the same rows', '', `${written.toLocaleString('en')} rows`, refS.toFixed(1), (c[0].accruals / refS).toFixed(0) + ' bills/s'],
      ['billing-core rate() alone (usage file), one process', `${rating.n.toLocaleString('en')} bills`, '', rating.s.toFixed(1), (rating.n / rating.s).toFixed(0) + ' bills/s'],
      ['billing-core dailyUsage + rateUsage alone (the bill run\'s path by days), one process', `${rating.n.toLocaleString('en')} bills`, '', rating.trustedS.toFixed(1), (rating.n / rating.trustedS).toFixed(0) + ' bills/s'],
      ['billing-core dayTotalUsage + rateUsage alone (its path from a complete month row), one process', `${rating.n.toLocaleString('en')} bills`, '', rating.totalS.toFixed(1), (rating.n / rating.totalS).toFixed(0) + ' bills/s'],
    ];
    console.log(`\nPostgreSQL ${server.version} (${server.settings}); set-up ${setupS.toFixed(1)} s (${(N * 31).toLocaleString('en')} rollup rows)`);
    console.log(`accruals ${c[0].accruals} (posted ${c[0].posted}), ledger: accounts ${c[0].accounts}, entries ${c[0].entries}, lines ${c[0].lines}, items ${c[0].items}, balanced ${c[0].balanced}`);
    console.log('\n| path | size | written | seconds | rate |\n|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log(`\nratio bill run / reference: ${(runS / refS).toFixed(1)}×; goal 1,000,000 in < 100 s (≥ 10,000 bills/s): ${N >= 1_000_000 && runS < 100 ? 'met' : N >= 1_000_000 ? 'not met' : `ran ${N.toLocaleString('en')}, not 1,000,000`}`);
    console.log(`last progress line: ${last}`);
    const perBill = (sec: number | undefined) => (sec === undefined ? '?' : `${((sec / c[0].accruals) * 1e6).toFixed(0)} µs`);
    console.log(`CPU during the run: bill-run processes ${cpu.node.toFixed(1)} s (${perBill(cpu.node)} per bill), PostgreSQL ${cpu.pg?.toFixed(1) ?? '?'} s (${perBill(cpu.pg)} per bill); machine busy ${cpu.machine.toFixed(0)} % of ${availableParallelism() * 100} % (all users); load average ${cpu.load[0].toFixed(1)} → ${cpu.load[1].toFixed(1)}`);
  } finally {
    if (!opt.keep) await db.drop();
    else console.log(`kept database ${db.url}`);
    await server.stop();
  }
}

/**
 * N water subscriptions on one premise, meters fitted 1 Sep, contracts from 15 Sep, 31 days of October rollups each
 * and their month row.
 */
async function setUp(pool: import('pg').Pool, n: number): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  await createTariff(pool, WATER_TARIFF, 'bench');
  await q(`INSERT INTO meter_model (code, manufacturer, commodity) VALUES ('BENCH-W', 'Bench', 'water')`);
  await q(`INSERT INTO party (kind, name, name_key) SELECT 'person', 'Abone ' || i, 'abone ' || i FROM generate_series(1, $1) i`, [n]);
  await q(`INSERT INTO address (il, ilce, mahalle, street, building_no, il_key, ilce_key, search_key, location)
           VALUES ('Ankara', 'Çankaya', 'Kızılay', 'Atatürk Bulvarı', '1', 'ankara', 'cankaya', 'ankara cankaya kizilay ataturk bulvari 1', point(32.86, 39.92))`);
  await q(`INSERT INTO premise (address_id, kind) VALUES (1, 'dwelling')`);
  await q(`INSERT INTO installation (id, premise_id, commodity) SELECT i, 1, 'water' FROM generate_series(1, $1) i`, [n]);
  await q(`INSERT INTO meter (id, serial, model_id, commodity) SELECT i, 'BW' || i, 1, 'water' FROM generate_series(1, $1) i`, [n]);
  await q(`SELECT setval('meter_id_seq', $1)`, [n]);
  await q(`INSERT INTO meter_fitting (installation_id, meter_id, installed_at, installed_reading) SELECT i, i, $2, 0 FROM generate_series(1, $1) i`, [n, startOfLocalDay('2026-09-01')]);
  await q(`INSERT INTO subscription (id, party_id, installation_id, class, status, il_key, ilce_key, commodity, started_at, source)
           SELECT i, i, i, 'residential', 'active', 'ankara', 'cankaya', 'water', $2, 'import' FROM generate_series(1, $1) i`, [n, startOfLocalDay('2026-09-15')]);
  await q(`INSERT INTO subscription_event (subscription_id, kind, to_status, at, meter_id, reading) SELECT i, 'move_in', 'active', $2, i, 0 FROM generate_series(1, $1) i`, [n, startOfLocalDay('2026-09-15')]);
  await q(`INSERT INTO subscription_tariff (subscription_id, effective_from, tariff_code) SELECT i, '2026-09-15', 'SU-KONUT' FROM generate_series(1, $1) i`, [n]);
  // 0.2–0.65 m³ a day by subscription; chunks keep each statement's memory small.
  const start = startOfLocalDay('2026-10-01');
  for (let lo = 1; lo <= n; lo += 100_000) {
    await q(
      `INSERT INTO rollup_daily (meter_id, channel_id, bucket, n, sum, min, max, first_ts, first_value, last_ts, last_value)
       SELECT i, 3, b, 96, v, 0, v, b, 0, b, v
         FROM generate_series($1::int, $2::int) i, generate_series($3::timestamptz, $3::timestamptz + interval '30 days', interval '1 day') b,
              LATERAL (SELECT 0.2 + (i % 10) * 0.05 AS v) x`,
      [lo, Math.min(n, lo + 99_999), start],
    );
    // The month rows, as the rollup worker writes them after the days (the only writer of rollups), for the one
    // channel written here (the worker tries all nine).
    await rollUpMonthsFromDays(pool, { from: lo, to: Math.min(n, lo + 99_999) }, start, [3]);
  }
  await q('ANALYZE');
}

/**
 * billing-core's share of the cost: rating the same usage in this process, no database — as a usage file (`rate`,
 * schema and instant parsing) and as the bill run rates it (`dailyUsage` + `rateUsage`, the trusted path).
 */
function ratingOnly(n: number): { n: number; s: number; trustedS: number; totalS: number } {
  const tariff = parseTariff(WATER_TARIFF);
  const start = startOfLocalDay('2026-10-01').getTime();
  const days = Array.from({ length: 31 }, (_, d) => ({ ms: start + d * 86_400_000, value: '0.35' }));
  const intervals = days.map((d) => ({ ts: new Date(d.ms).toISOString(), value: d.value }));
  let t0 = performance.now();
  for (let i = 0; i < n; i++) rate(tariff, { unit: 'm3', from: '2026-10-01', to: '2026-11-01', resolution: 'day', intervals });
  const s = secs(t0);
  t0 = performance.now();
  for (let i = 0; i < n; i++) rateUsage(tariff, dailyUsage({ unit: 'm3', from: '2026-10-01', to: '2026-11-01', cycle: { from: '2026-10-01', to: '2026-11-01' }, days }));
  const trustedS = secs(t0);
  t0 = performance.now();
  for (let i = 0; i < n; i++) rateUsage(tariff, dayTotalUsage({ unit: 'm3', from: '2026-10-01', to: '2026-11-01', cycle: { from: '2026-10-01', to: '2026-11-01' }, quantity: '10.850' }));
  return { n, s, trustedS, totalS: secs(t0) };
}

await main();
