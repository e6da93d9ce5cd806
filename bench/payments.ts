/**
 * npm run bench:payments [-- --payments 10000 --connections 8 --batch 1000 --batch-connections 2 --on-time --prepared --keep]
 *
 * Payments with allocation through `takePayment`, the one path every channel uses: each payment on its own current
 * account, in its own transaction under the account's lock, settling 1, 2 or 3 open items oldest first; two of the
 * three items are overdue, so a payment posts one or two late fees (gecikme zammı) before their bills. N connections
 * pull payments from one queue. The amounts are exactly what the items cost today, so nothing is left as credit.
 *
 * Beside it, in the same database and run, the reference: the same rows (payment entry and its two lines, each late
 * fee's entry, lines and item, the allocations, the payment row and the late-fee row) written by plain multi-row
 * INSERTs into look-alike tables without triggers or foreign keys, one transaction per payment on the same N
 * connections: the floor for committing that much, one payment at a time. Set-up (accounts, 3 bills each, posted
 * with the ledger's bulk path, and 3,000 warm-up payments on accounts of their own so no path starts on empty tables)
 * is not timed; each path starts after ANALYZE and a checkpoint. Prints payments/s, the ratio to its reference, and
 * the CPU each payment costs in this process and in PostgreSQL: on a shared machine the rate moves with the load, the
 * CPU per payment much less.
 *
 * The batch path, for file channels (a bank statement, a direct debit result file, a PTT daily file): the same
 * payments on a second set of identical accounts through `takePayments`, `--batch` payments per transaction (1000 by
 * default; 0 skips it) on `--batch-connections` connections (2), each batch one file's worth. Beside it its own
 * reference: the same rows by plain multi-row INSERT ... SELECT unnest into the trigger-free copies, one transaction
 * per batch on the same connections. `--skip-single` leaves out the single path and its reference.
 *
 * `--prepared` is an experiment for the platform: every parameterised statement of this process (both paths) goes
 * as a named prepared statement, so PostgreSQL plans each query once per connection instead of once per call.
 */
import './quiet.ts';
import { execSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { localDate } from '../platform/calendar.ts';
import { createPool, withTransaction } from '../platform/db/pool.ts';
import { Money } from '../platform/money.ts';
import { openAccounts, postEntries, type EntryInput } from '../modules/ledger/index.ts';
import { lateFee, loadRates, takePayment, takePayments, type PaymentInput } from '../modules/collections/index.ts';
import { openBenchServer } from './db.ts';
import { PostgresCpu } from './proc.ts';
import { cpus } from 'node:os';

const { values: opt } = parseArgs({
  options: {
    payments: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
    prepared: { type: 'boolean', default: false },
    batch: { type: 'string', default: '1000' },
    'batch-connections': { type: 'string', default: '2' },
    'skip-single': { type: 'boolean', default: false },
    'on-time': { type: 'boolean', default: false },
  },
});
if (opt.prepared) prepareEveryStatement();
const P = Number(opt.payments);
const N = Number(opt.connections);
const B = Number(opt.batch);
const BN = Number(opt['batch-connections']);
const SINGLE = !opt['skip-single'];
/** Payments taken before anything is measured (on their own accounts), so no path starts on empty tables. */
const WARM_UP = 3000;
const secs = (t0: number) => (performance.now() - t0) / 1000;
const today = localDate(Date.now());
const dayFromToday = (d: number) => localDate(Date.now() + d * 86_400_000);

/**
 * Three bills per account: 40 and 10 days overdue, and one due in 10 days. With `--on-time`, the way most customers
 * pay, all three are due in 5, 10 and 20 days: no late fee, the payment's entry and its allocations only.
 */
const DUE_IN = opt['on-time'] ? [5, 10, 20] : [-40, -10, 10];
const billsOf = (i: number) => [
  { amount: (100 + (i % 50)).toFixed(2), dueDate: dayFromToday(DUE_IN[0]) },
  { amount: (200 + (i % 70)).toFixed(2), dueDate: dayFromToday(DUE_IN[1]) },
  { amount: (150 + (i % 30)).toFixed(2), dueDate: dayFromToday(DUE_IN[2]) },
];

interface Job {
  accountId: number;
  amount: string;
  items: number;
  /** Late fees the payment posts: one per overdue bill it pays. */
  fees: number;
}

/** `n` accounts named `<prefix>1` … with their bills; the same amounts whatever the prefix. */
async function setUp(pool: pg.Pool, n: number, prefix: string): Promise<Job[]> {
  const rates = await loadRates(pool);
  const jobs: Job[] = [];
  for (let lo = 0; lo < n; lo += 5000) {
    const ids = Array.from({ length: Math.min(5000, n - lo) }, (_, k) => `${prefix}${lo + k + 1}`);
    await withTransaction(pool, async (c) => {
      const accounts = await openAccounts(c, ids);
      const entries: EntryInput[] = [];
      for (const [k, sid] of ids.entries()) {
        const i = lo + k;
        const accountId = accounts.get(sid)!;
        const bills = billsOf(i);
        for (const [b, bill] of bills.entries()) {
          entries.push({
            idempotencyKey: `bench-bill:${sid}:${b}`,
            kind: 'accrual',
            accountId,
            businessDate: dayFromToday(-50),
            description: 'Bench bill',
            lines: [{ gl: 'receivables', debit: bill.amount }, { gl: 'revenue.water', credit: bill.amount }],
            item: { dueDate: bill.dueDate },
          });
        }
        const items = 1 + (i % 3);
        const amount = bills.slice(0, items).reduce((s, bill) => s.plus(bill.amount).plus(lateFee(bill.amount, bill.dueDate, today, rates)), new Money(0));
        jobs.push({ accountId, amount: amount.toFixed(2), items, fees: bills.slice(0, items).filter((bill) => bill.dueDate < today).length });
      }
      await postEntries(c, entries);
    });
  }
  return jobs;
}

const inputOf = (j: Job): PaymentInput => ({ accountId: j.accountId, amount: j.amount, channel: 'bank', source: 'bank:0062', reference: `BENCH-${j.accountId}`, businessDate: today, actor: 'bench' });
const batchesOf = <T>(xs: T[], size: number) => Array.from({ length: Math.ceil(xs.length / size) }, (_, k) => xs.slice(k * size, (k + 1) * size));

async function runPayments(pool: pg.Pool, jobs: Job[]): Promise<{ seconds: number; lateFees: number; allocations: number }> {
  let next = 0;
  let lateFees = 0;
  let allocations = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: N }, async () => {
      while (next < jobs.length) {
        const j = jobs[next++];
        const p = await takePayment(pool, inputOf(j));
        if (p.unallocated !== '0.00') throw new Error(`payment on ${j.accountId} left ${p.unallocated} unallocated`);
        lateFees += p.lateFees.length;
        allocations += p.allocations.length;
      }
    }),
  );
  return { seconds: secs(t0), lateFees, allocations };
}

/** The jobs in batches of B through takePayments, one transaction per batch, BN connections pulling batches. */
async function runBatches(pool: pg.Pool, jobs: Job[]): Promise<{ seconds: number; lateFees: number; allocations: number }> {
  const batches = batchesOf(jobs, B);
  let next = 0;
  let lateFees = 0;
  let allocations = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: BN }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const taken = await withTransaction(pool, (c) => takePayments(c, batch.map(inputOf)));
        for (const p of taken) {
          if (p.unallocated !== '0.00' || p.replayed) throw new Error(`payment on ${p.accountId} left ${p.unallocated} unallocated (replayed ${p.replayed})`);
          lateFees += p.lateFees.length;
          allocations += p.allocations.length;
        }
      }
    }),
  );
  return { seconds: secs(t0), lateFees, allocations };
}

/**
 * The batch path's reference: the same rows per batch (entries, lines, fee items, allocations, payment and late-fee
 * rows) by one plain multi-row INSERT ... SELECT unnest per table into the trigger-free copies, a transaction per
 * batch, BN connections.
 */
async function runBatchReference(pool: pg.Pool, jobs: Job[]): Promise<number> {
  const batches = batchesOf(jobs, B);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: BN }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        await withTransaction(pool, async (c) => {
          // Per payment: its entry (g = 0) and one per late fee (g = 1, 2), keyed like the ledger keys them.
          const entries = batch.flatMap((j) => Array.from({ length: 1 + j.fees }, (_, g) => ({ j, g, key: `refb:${j.accountId}:${g}` })));
          const { rows } = await c.query<{ id: number; key: string }>(
            `INSERT INTO ref_ledger_entry (idempotency_key, kind, account_id, business_date, description, actor)
             SELECT k, CASE WHEN g = 0 THEN 'payment' ELSE 'fee' END, a, $4, 'ref', 'bench' FROM unnest($1::text[], $2::int[], $3::bigint[]) AS x(k, g, a)
             RETURNING id, idempotency_key AS key`,
            [entries.map((e) => e.key), entries.map((e) => e.g), entries.map((e) => e.j.accountId), today],
          );
          const idOf = new Map(rows.map((r) => [r.key, r.id]));
          const ids = entries.map((e) => idOf.get(e.key)!);
          await c.query(
            `INSERT INTO ref_ledger_line (entry_id, line_no, gl_account, account_id, debit, credit)
             SELECT e, l, CASE WHEN l = 1 THEN 'bank_clearing' ELSE 'receivables' END, a, CASE WHEN l = 1 THEN 10 ELSE 0 END, CASE WHEN l = 2 THEN 10 ELSE 0 END
             FROM unnest($1::bigint[], $2::bigint[]) AS x(e, a), generate_series(1, 2) l`,
            [ids, entries.map((e) => e.j.accountId)],
          );
          const fees = entries.filter((e) => e.g > 0);
          const feeIds = fees.map((e) => idOf.get(e.key)!);
          await c.query(`INSERT INTO ref_ledger_item (entry_id, account_id, due_date, amount) SELECT e, a, $3, 1 FROM unnest($1::bigint[], $2::bigint[]) AS x(e, a)`, [feeIds, fees.map((e) => e.j.accountId), today]);
          // Allocations: each fee item and each bill settled, from the payment's entry.
          const payEntry = (j: Job) => idOf.get(`refb:${j.accountId}:0`)!;
          const allocs = batch.flatMap((j) => Array.from({ length: j.fees + j.items }, (_, n) => ({ item: n + 1, source: payEntry(j) })));
          await c.query(
            `INSERT INTO ref_ledger_allocation (item_id, source_entry_id, amount, on_date) SELECT i, s, 1, $3 FROM unnest($1::bigint[], $2::bigint[]) AS x(i, s)`,
            [allocs.map((a) => a.item), allocs.map((a) => a.source), today],
          );
          const { rows: pay } = await c.query<{ id: number; reference: string }>(
            `INSERT INTO ref_collections_payment (account_id, subscription_id, channel, source, reference, amount, business_date, entry_id, actor)
             SELECT a, 'B', 'bank', 'bank:0062', 'REFB-' || a, m, $3, e, 'bench' FROM unnest($1::bigint[], $2::numeric[], $4::bigint[]) AS x(a, m, e) RETURNING id, reference`,
            [batch.map((j) => j.accountId), batch.map((j) => j.amount), today, batch.map(payEntry)],
          );
          const payOf = new Map(pay.map((r) => [r.reference, r.id]));
          if (fees.length) {
            await c.query(
              `INSERT INTO ref_collections_late_fee (item_id, principal, from_date, to_date, amount, fee_entry_id, payment_id) SELECT e, 1, $2, $3, 1, e, p FROM unnest($1::bigint[], $4::bigint[]) AS x(e, p)`,
              [feeIds, dayFromToday(-40), today, fees.map((e) => payOf.get(`REFB-${e.j.accountId}`)!)],
            );
          }
        });
      }
    }),
  );
  return secs(t0);
}

const REF_TABLES = ['ledger_entry', 'ledger_line', 'ledger_item', 'ledger_allocation', 'collections_payment', 'collections_late_fee'];

/** The same rows per payment by plain INSERTs into trigger-free copies, one transaction per payment, N connections. */
async function runReference(pool: pg.Pool, jobs: Job[]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: N }, async () => {
      while (next < jobs.length) {
        const j = jobs[next++];
        const fees = j.fees;
        await withTransaction(pool, async (c) => {
          // One entry for the payment and one per late fee; two lines each; an item per fee; allocations for fees and bills.
          const { rows } = await c.query<{ id: number }>(
            `INSERT INTO ref_ledger_entry (idempotency_key, kind, account_id, business_date, description, actor)
             SELECT 'ref:' || $1::bigint || ':' || g, CASE WHEN g = 0 THEN 'payment' ELSE 'fee' END, $1::bigint, $2, 'ref', 'bench' FROM generate_series(0, $3::int) g RETURNING id`,
            [j.accountId, today, fees],
          );
          const ids = rows.map((r) => r.id);
          await c.query(
            `INSERT INTO ref_ledger_line (entry_id, line_no, gl_account, account_id, debit, credit)
             SELECT e, l, CASE WHEN l = 1 THEN 'bank_clearing' ELSE 'receivables' END, $2, CASE WHEN l = 1 THEN 10 ELSE 0 END, CASE WHEN l = 2 THEN 10 ELSE 0 END
             FROM unnest($1::bigint[]) e, generate_series(1, 2) l`,
            [ids, j.accountId],
          );
          if (fees) await c.query(`INSERT INTO ref_ledger_item (entry_id, account_id, due_date, amount) SELECT e, $2, $3, 1 FROM unnest($1::bigint[]) e`, [ids.slice(1), j.accountId, today]);
          await c.query(
            `INSERT INTO ref_ledger_allocation (item_id, source_entry_id, amount, on_date) SELECT g, $1, 1, $2 FROM generate_series(1, $3::int) g`,
            [ids[0], today, fees + j.items],
          );
          const { rows: pay } = await c.query<{ id: number }>(
            `INSERT INTO ref_collections_payment (account_id, subscription_id, channel, source, reference, amount, business_date, entry_id, actor)
             VALUES ($1::bigint, 'B', 'bank', 'bank:0062', 'REF-' || $1::bigint, $2, $3, $4, 'bench') RETURNING id`,
            [j.accountId, j.amount, today, ids[0]],
          );
          if (fees) {
            await c.query(
              `INSERT INTO ref_collections_late_fee (item_id, principal, from_date, to_date, amount, fee_entry_id, payment_id) SELECT e, 1, $2, $3, 1, e, $4 FROM unnest($1::bigint[]) e`,
              [ids.slice(1), dayFromToday(-40), today, pay[0].id],
            );
          }
        });
      }
    }),
  );
  return secs(t0);
}

interface Row {
  path: string;
  written: string;
  seconds: number;
  /** Seconds of the reference this row is measured against (its own when it is a reference). */
  refSeconds: number;
  cpu: { nodeS: number; pgS: number | undefined };
}

async function main(): Promise<void> {
  const server = await openBenchServer();
  const db = await server.createDatabase('payments');
  const pool = createPool(db.url, Math.max(N, BN) + 1);
  try {
    let t0 = performance.now();
    const jobs = SINGLE ? await setUp(pool, P, 'B') : [];
    const batchJobs = B > 0 ? await setUp(pool, P, 'C') : [];
    // A database in use, not an empty one: payments, late fees and allocations already there when the statistics
    // are taken, so the cached plans of the ledger's triggers and foreign-key checks are those of a live system.
    const warm = await setUp(pool, WARM_UP, 'W');
    for (const batch of batchesOf(warm, 1000)) await withTransaction(pool, (c) => takePayments(c, batch.map(inputOf)));
    const setupS = secs(t0);
    const load = execSync('uptime').toString().trim();

    const pgCpu = server.postmaster ? new PostgresCpu(server.postmaster, [db.name]) : undefined;
    /**
     * CPU seconds of this process and of the run's PostgreSQL processes while `work` runs. Before it, ANALYZE and a
     * checkpoint: this server runs without autovacuum, and plans cached while a table was nearly empty (the ledger's
     * per-row triggers, foreign-key checks) otherwise stay sequential scans over the rows the previous path wrote.
     */
    const measured = async <T>(work: () => Promise<T>): Promise<{ result: T; nodeS: number; pgS: number | undefined }> => {
      await pool.query('ANALYZE');
      await server.checkpoint();
      pgCpu?.start();
      const u0 = process.cpuUsage();
      const result = await work();
      const u = process.cpuUsage(u0);
      return { result, nodeS: (u.user + u.system) / 1e6, pgS: pgCpu?.stop() };
    };
    const counts = async () =>
      (await pool.query(`SELECT (SELECT count(*)::int FROM collections_payment) AS payments, (SELECT count(*)::int FROM collections_late_fee) AS fees,
        (SELECT count(*)::int FROM ledger_allocation) AS allocations, (SELECT count(*)::int FROM ledger_entry WHERE kind <> 'accrual') AS entries, (SELECT sum(debit) = sum(credit) FROM ledger_line) AS balanced,
        (SELECT count(*)::int FROM ledger_item i WHERE i.amount > (SELECT coalesce(sum(a.amount), 0) FROM ledger_allocation a WHERE a.item_id = i.id)) AS open_items`)).rows[0];
    const stillOpen = (js: Job[]) => js.filter((j) => j.items < 3).reduce((s, j) => s + 3 - j.items, 0);
    const also = (r: { lateFees: number; allocations: number }) => `${r.lateFees.toLocaleString('en')} fees, ${r.allocations.toLocaleString('en')} allocations`;
    const rows: Row[] = [];
    const checks: string[] = [];
    for (const t of REF_TABLES) await pool.query(`CREATE TABLE ref_${t} (LIKE ${t} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)`);

    if (SINGLE) {
      const before = await counts();
      const pay = await measured(() => runPayments(pool, jobs));
      const c = await counts();
      checks.push(`single path written: payments ${c.payments - before.payments}, late fees ${c.fees - before.fees}, allocations ${c.allocations - before.allocations}, ledger entries ${c.entries - before.entries}, balanced ${c.balanced}; items still open ${c.open_items} (expected ${stillOpen(warm) + stillOpen(jobs) + 3 * batchJobs.length})`);
      const ref = await measured(() => runReference(pool, jobs));
      rows.push({ path: `takePayment, a transaction per payment, ${N} connections`, written: also(pay.result), seconds: pay.result.seconds, refSeconds: ref.result, cpu: pay });
      rows.push({ path: `reference: plain INSERTs of the same rows, a transaction per payment, ${N} connections`, written: '', seconds: ref.result, refSeconds: ref.result, cpu: ref });
    }
    if (B > 0) {
      const before = await counts();
      const pay = await measured(() => runBatches(pool, batchJobs));
      const c = await counts();
      checks.push(`batch path written: payments ${c.payments - before.payments}, late fees ${c.fees - before.fees}, allocations ${c.allocations - before.allocations}, ledger entries ${c.entries - before.entries}, balanced ${c.balanced}; items still open ${c.open_items} (expected ${stillOpen(warm) + stillOpen(jobs) + stillOpen(batchJobs)})`);
      const ref = await measured(() => runBatchReference(pool, batchJobs));
      rows.push({ path: `takePayments, ${B.toLocaleString('en')} payments per transaction, ${BN} connections`, written: also(pay.result), seconds: pay.result.seconds, refSeconds: ref.result, cpu: pay });
      rows.push({ path: `reference: multi-row INSERT ... SELECT unnest of the same rows, a transaction per ${B.toLocaleString('en')}, ${BN} connections`, written: '', seconds: ref.result, refSeconds: ref.result, cpu: ref });
    }
    const loadAfter = execSync('uptime').toString().trim();

    const cores = cpus().length;
    // CPU per payment does not depend on how busy the machine is; the ceiling is what the cores could do if nothing
    // else ran and nothing waited on the disk.
    const cpu = (m: { nodeS: number; pgS: number | undefined }) => {
      const nodeMs = (m.nodeS * 1000) / P;
      const pgMs = m.pgS === undefined ? undefined : (m.pgS * 1000) / P;
      return [nodeMs.toFixed(2), pgMs?.toFixed(2) ?? 'n/a', pgMs === undefined ? 'n/a' : ((cores * 1000) / (nodeMs + pgMs)).toFixed(0)];
    };
    console.log(`\n${opt['on-time'] ? 'bills paid before their due dates (--on-time): no late fees' : 'bills paid 10 and 40 days late: one or two late fees a payment'}`);
    console.log(`\n${opt.prepared ? 'statements prepared (--prepared); ' : ''}PostgreSQL ${server.version} (${server.settings}); set-up ${setupS.toFixed(1)} s (${(jobs.length + batchJobs.length + WARM_UP).toLocaleString('en')} accounts, ${(3 * (jobs.length + batchJobs.length + WARM_UP)).toLocaleString('en')} bills, ${WARM_UP.toLocaleString('en')} warm-up payments)`);
    for (const line of checks) console.log(line);
    console.log(`load before: ${load}\nload after:  ${loadAfter}`);
    console.log(`\n| path | payments | also written | seconds | payments/s | time / its reference | node CPU ms/payment | PostgreSQL CPU ms/payment | CPU ceiling on ${cores} idle cores, payments/s |\n|---|---|---|---|---|---|---|---|---|`);
    for (const r of rows) {
      console.log(`| ${[r.path, P.toLocaleString('en'), r.written, r.seconds.toFixed(1), (P / r.seconds).toFixed(0), `${(r.seconds / r.refSeconds).toFixed(1)}×`, ...cpu(r.cpu)].join(' | ')} |`);
    }
    const best = rows.filter((r) => r.written).map((r) => P / r.seconds);
    console.log(`\ngoal ≥ 5,000 payments/s: ${best.some((x) => x >= 5000) ? 'met' : 'not met'} (best ${Math.max(...best).toFixed(0)} payments/s)`);
  } finally {
    await pool.end();
    if (!opt.keep) await db.drop();
    else console.log(`kept database ${db.url}`);
    await server.stop();
  }
}

/** Names each parameterised statement by its text's hash: node-postgres then prepares it once per connection. */
function prepareEveryStatement(): void {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length) {
      return query.call(this, { name: `b${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, values }, ...args.slice(2));
    }
    return query.apply(this, args);
  };
}

await main();
