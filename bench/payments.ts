/**
 * npm run bench:payments [-- --payments 10000 --connections 8 --prepared --keep]
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
 * with the ledger's bulk path) is not timed. Prints payments/s and the ratio, and the CPU each payment costs in this
 * process and in PostgreSQL: on a shared machine the rate moves with the load, the CPU per payment much less.
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
import { lateFee, loadRates, takePayment } from '../modules/collections/index.ts';
import { openBenchServer } from './db.ts';
import { PostgresCpu } from './proc.ts';
import { cpus } from 'node:os';

const { values: opt } = parseArgs({
  options: {
    payments: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
    prepared: { type: 'boolean', default: false },
  },
});
if (opt.prepared) prepareEveryStatement();
const P = Number(opt.payments);
const N = Number(opt.connections);
const secs = (t0: number) => (performance.now() - t0) / 1000;
const today = localDate(Date.now());
const dayFromToday = (d: number) => localDate(Date.now() + d * 86_400_000);

/** Three bills per account: 40 and 10 days overdue, and one due in 10 days. Amounts vary with the account. */
const billsOf = (i: number) => [
  { amount: (100 + (i % 50)).toFixed(2), dueDate: dayFromToday(-40) },
  { amount: (200 + (i % 70)).toFixed(2), dueDate: dayFromToday(-10) },
  { amount: (150 + (i % 30)).toFixed(2), dueDate: dayFromToday(10) },
];

interface Job {
  accountId: number;
  amount: string;
  items: number;
}

async function setUp(pool: pg.Pool, n: number): Promise<Job[]> {
  const rates = await loadRates(pool);
  const jobs: Job[] = [];
  for (let lo = 0; lo < n; lo += 5000) {
    const ids = Array.from({ length: Math.min(5000, n - lo) }, (_, k) => `B${lo + k + 1}`);
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
        jobs.push({ accountId, amount: amount.toFixed(2), items });
      }
      await postEntries(c, entries);
    });
  }
  await pool.query('ANALYZE');
  return jobs;
}

async function runPayments(pool: pg.Pool, jobs: Job[]): Promise<{ seconds: number; lateFees: number; allocations: number }> {
  let next = 0;
  let lateFees = 0;
  let allocations = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: N }, async () => {
      while (next < jobs.length) {
        const j = jobs[next++];
        const p = await takePayment(pool, { accountId: j.accountId, amount: j.amount, channel: 'bank', source: 'bank:0062', reference: `BENCH-${j.accountId}`, businessDate: today, actor: 'bench' });
        if (p.unallocated !== '0.00') throw new Error(`payment on ${j.accountId} left ${p.unallocated} unallocated`);
        lateFees += p.lateFees.length;
        allocations += p.allocations.length;
      }
    }),
  );
  return { seconds: secs(t0), lateFees, allocations };
}

const REF_TABLES = ['ledger_entry', 'ledger_line', 'ledger_item', 'ledger_allocation', 'collections_payment', 'collections_late_fee'];

/** The same rows per payment by plain INSERTs into trigger-free copies, one transaction per payment, N connections. */
async function runReference(pool: pg.Pool, jobs: Job[]): Promise<number> {
  for (const t of REF_TABLES) await pool.query(`CREATE TABLE ref_${t} (LIKE ${t} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)`);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: N }, async () => {
      while (next < jobs.length) {
        const j = jobs[next++];
        const fees = Math.min(j.items, 2);
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

async function main(): Promise<void> {
  const server = await openBenchServer();
  const db = await server.createDatabase('payments');
  const pool = createPool(db.url, N + 1);
  try {
    let t0 = performance.now();
    const jobs = await setUp(pool, P);
    const setupS = secs(t0);
    await server.checkpoint();
    const load = execSync('uptime').toString().trim();

    const pgCpu = server.postmaster ? new PostgresCpu(server.postmaster, [db.name]) : undefined;
    /** CPU seconds of this process and of the run's PostgreSQL processes while `work` runs. */
    const measured = async <T>(work: () => Promise<T>): Promise<{ result: T; nodeS: number; pgS: number | undefined }> => {
      pgCpu?.start();
      const u0 = process.cpuUsage();
      const result = await work();
      const u = process.cpuUsage(u0);
      return { result, nodeS: (u.user + u.system) / 1e6, pgS: pgCpu?.stop() };
    };
    const pay = await measured(() => runPayments(pool, jobs));
    const taken = pay.result;
    const { rows: c } = await pool.query(`SELECT (SELECT count(*)::int FROM collections_payment) AS payments, (SELECT count(*)::int FROM collections_late_fee) AS fees,
      (SELECT count(*)::int FROM ledger_allocation) AS allocations, (SELECT count(*)::int FROM ledger_entry) AS entries, (SELECT sum(debit) = sum(credit) FROM ledger_line) AS balanced,
      (SELECT count(*)::int FROM ledger_item i WHERE i.amount > (SELECT coalesce(sum(a.amount), 0) FROM ledger_allocation a WHERE a.item_id = i.id)) AS open_items`);
    await server.checkpoint();
    t0 = performance.now();
    const ref = await measured(() => runReference(pool, jobs));
    const refS = ref.result;
    const loadAfter = execSync('uptime').toString().trim();

    const cores = cpus().length;
    // CPU per payment does not depend on how busy the machine is; the ceiling is what the cores could do if nothing
    // else ran and nothing waited on the disk.
    const cpu = (m: { nodeS: number; pgS: number | undefined }) => {
      const nodeMs = (m.nodeS * 1000) / P;
      const pgMs = m.pgS === undefined ? undefined : (m.pgS * 1000) / P;
      return [nodeMs.toFixed(2), pgMs?.toFixed(2) ?? 'n/a', pgMs === undefined ? 'n/a' : ((cores * 1000) / (nodeMs + pgMs)).toFixed(0)];
    };
    const rows = [
      [`takePayment, ${N} connections`, P.toLocaleString('en'), `${taken.lateFees.toLocaleString('en')} fees, ${taken.allocations.toLocaleString('en')} allocations`, taken.seconds.toFixed(1), (P / taken.seconds).toFixed(0), ...cpu(pay)],
      [`reference: plain INSERTs of the same rows, a transaction per payment, ${N} connections`, P.toLocaleString('en'), '', refS.toFixed(1), (P / refS).toFixed(0), ...cpu(ref)],
    ];
    console.log(`\n${opt.prepared ? 'statements prepared (--prepared); ' : ''}PostgreSQL ${server.version} (${server.settings}); set-up ${setupS.toFixed(1)} s (${P.toLocaleString('en')} accounts, ${(P * 3).toLocaleString('en')} bills)`);
    console.log(`written: payments ${c[0].payments}, late fees ${c[0].fees}, allocations ${c[0].allocations}, ledger entries ${c[0].entries}, balanced ${c[0].balanced}; items still open ${c[0].open_items} (expected ${jobs.filter((j) => j.items < 3).reduce((s, j) => s + 3 - j.items, 0)})`);
    console.log(`load before: ${load}\nload after:  ${loadAfter}`);
    console.log(`\n| path | payments | also written | seconds | payments/s | node CPU ms/payment | PostgreSQL CPU ms/payment | CPU ceiling on ${cores} idle cores, payments/s |\n|---|---|---|---|---|---|---|---|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log(`\nratio takePayment / reference: ${(taken.seconds / refS).toFixed(1)}×; goal ≥ 5,000 payments/s: ${P / taken.seconds >= 5000 ? 'met' : 'not met'}`);
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
