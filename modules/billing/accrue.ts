/**
 * Accruing a batch of subscriptions for one period, on the caller's transaction: read usage, rate it with
 * billing-core, hold implausible bills for review, write the accruals, and post one ledger entry per posted accrual
 * in the same transaction. The live-accrual unique index decides who bills a subscription: a row that conflicts (an
 * earlier run, another worker) is skipped and nothing is posted for it, so running a batch twice changes nothing.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { arrayLiteral, type ArrayElement } from '../../platform/db/array-literal.ts';
import { billLinesJson, combineTariffs, dailyUsage, oneVersionOver, rate, rateDayTotal, rateUsage, type BillJson, type Tariff } from '../../billing-core/index.ts';
import { openAccounts, postEntries, type EntryInput } from '../ledger/index.ts';
import type { BillingMonth } from './billing-month.ts';
import type { Billable } from './billables.ts';
import { earlierAverages, gasFactors, loadUsage, type SourceUsage } from './usage-source.ts';
import { outsortReason, type OutsortReason } from './outsort.ts';
import { accrualEntry } from './accrual-posting.ts';
import { loadTariffs, type StoredTariff } from './tariff-store.ts';

export interface AccrueCounts {
  bills: number;
  posted: number;
  outsorted: number;
  errors: number;
}

export interface AccrueOptions {
  runId: number | null;
  actor: string;
  /** Subscription id → the accrual a re-accrual supersedes. */
  supersedes?: Map<number, number>;
  /** Tariffs already loaded (a worker keeps them across shards). */
  tariffs?: Map<string, StoredTariff>;
  /** Milliseconds spent per phase, added to (the bench's "where the time goes"). */
  timings?: Record<string, number>;
}

interface Row {
  b: Billable;
  accountId: number;
  tariff?: StoredTariff;
  source: 'interval' | 'register' | 'none';
  bill?: BillJson;
  state: 'posted' | 'outsorted';
  reason?: OutsortReason;
  detail?: string;
}

type Gas = { correctionFactor: string; calorificValue: string } | undefined;

/**
 * Rates one subscription's usage. Daily interval series come from our own SQL (local midnights, decimal text rounded
 * in the database), so they take billing-core's trusted path, which skips the schema and instant parsing; register
 * reads are rare and go through the full usage checks. The billing month is the usage's cycle, so a contract billed
 * for part of it pays per-period charges by days.
 */
function rateUsageOf(tariff: Tariff, b: Billable, unit: string, month: BillingMonth, u: SourceUsage, gas: Gas): BillJson {
  const head = { from: b.from, to: b.to, cycle: { from: month.from, to: month.to }, ...(gas && tariff.commodity === 'gas' && { gas }) };
  if (u.kind === 'register') return rate(tariff, { unit, ...head, reads: { start: u.start, end: u.end, digits: u.digits } });
  // A month read from its monthly rollup: rateDayTotal is rateUsage(dayTotalUsage(…)) string for string, faster.
  if (u.kind === 'month') return rateDayTotal(tariff, { unit: unit as Tariff['unit'], ...head, quantity: u.quantity });
  return rateUsage(tariff, dailyUsage({ unit: unit as Tariff['unit'], ...head, days: u.days }));
}

/**
 * The tariff over the billed days: the stored tariff when one code covers them, else the codes in parts
 * (billing-core's combineTariffs), so a code change mid-period is sliced like a version change. Throws AboneError
 * when a part cannot be combined (another unit); a code without a stored tariff is reported by name.
 */
function tariffOver(b: Billable, tariffs: Map<string, StoredTariff>): { stored?: StoredTariff; tariff?: Tariff; missing?: string } {
  const parts: Array<{ code: string; from: string; to: string }> = [];
  for (const t of b.tariffs) {
    const prev = parts[parts.length - 1];
    if (prev && prev.code === t.code && prev.to === t.from) prev.to = t.to;
    else parts.push({ ...t });
  }
  const missing = parts.find((p) => !tariffs.has(p.code));
  if (missing) return { missing: missing.code };
  const stored = b.tariffCode ? tariffs.get(b.tariffCode) : undefined;
  if (parts.length <= 1) return { stored, tariff: stored?.tariff };
  return { stored, tariff: combineTariffs(parts.map((p, i) => ({ tariff: tariffs.get(p.code)!.tariff, from: p.from, ...(i < parts.length - 1 && { to: p.to }) }))) };
}

function rateOne(b: Billable, month: BillingMonth, tariffs: Map<string, StoredTariff>, usage: SourceUsage | undefined, average: string | undefined, gas: Gas): Omit<Row, 'accountId'> {
  let over: ReturnType<typeof tariffOver>;
  try {
    over = tariffOver(b, tariffs);
  } catch (err) {
    if (!(err instanceof AboneError)) throw err;
    return { b, tariff: b.tariffCode ? tariffs.get(b.tariffCode) : undefined, source: 'none', state: 'outsorted', reason: 'rating_error', detail: err.message.slice(0, 500) };
  }
  const tariff = over.stored;
  if (!tariff || !over.tariff) {
    const code = over.missing ?? b.tariffCode;
    return { b, source: 'none', state: 'outsorted', reason: 'rating_error', detail: code ? `tariff ${code} is not stored` : 'no tariff assigned' };
  }
  if (!usage) return { b, tariff, source: 'none', state: 'outsorted', reason: 'no_usage', detail: 'no interval data nor register reads in the period' };
  const source = usage.kind === 'register' ? 'register' : 'interval';
  const negativeDay = usage.kind === 'interval' && usage.days.some((d) => d.value.startsWith('-'));
  if (negativeDay) return { b, tariff, source, state: 'outsorted', reason: 'negative', detail: 'a day with negative consumption' };
  let bill: BillJson;
  try {
    bill = rateUsageOf(over.tariff, b, tariff.unit, month, usage, gas);
  } catch (err) {
    if (!(err instanceof AboneError)) throw err;
    return { b, tariff, source, state: 'outsorted', reason: 'rating_error', detail: err.message.slice(0, 500) };
  }
  const held = outsortReason({ status: b.status, consumption: bill.consumption.quantity, gross: bill.totals.gross, anyNegativeDay: false, average });
  return { b, tariff, source, bill, state: held ? 'outsorted' : 'posted', reason: held?.reason, detail: held?.detail };
}

/**
 * Whether the billed days can be rated from their total: one stored tariff code over all of them, with one version
 * in force throughout (no price or tax change inside), so the period is one slice. Anything else is cut into slices
 * by day and needs the days.
 */
export function ratesFromTotal(b: Billable, tariffs: Map<string, StoredTariff>): boolean {
  if (b.tariffs.length !== 1) return false;
  const stored = tariffs.get(b.tariffs[0].code);
  return stored !== undefined && b.tariffs[0].from === b.from && b.tariffs[0].to === b.to && oneVersionOver(stored.tariff, b.from, b.to);
}

type GasMap = Awaited<ReturnType<typeof gasFactors>>;
function gasFor(gas: GasMap, ilKey: string) {
  return gas.get(ilKey) ?? gas.get('*');
}

export async function accrueBatch(c: pg.PoolClient, month: BillingMonth, billables: Billable[], opts: AccrueOptions): Promise<AccrueCounts> {
  const counts: AccrueCounts = { bills: 0, posted: 0, outsorted: 0, errors: 0 };
  if (!billables.length) return counts;
  let t = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    if (opts.timings) opts.timings[phase] = (opts.timings[phase] ?? 0) + now - t;
    t = now;
  };
  const ids = billables.map((b) => b.subscriptionId);
  const tariffs = opts.tariffs ?? new Map<string, StoredTariff>();
  const wanted = [...new Set(billables.flatMap((b) => [...(b.tariffCode ? [b.tariffCode] : []), ...b.tariffs.map((t) => t.code)]).filter((t) => !tariffs.has(t)))];
  if (wanted.length) for (const [code, t] of await loadTariffs(c, wanted)) tariffs.set(code, t);
  const usage = await loadUsage(c, month, billables, (b) => ratesFromTotal(b, tariffs));
  lap('usage');
  const [averages, gas, accounts] = [await earlierAverages(c, month.period, ids), await gasFactors(c, month.period), await openAccounts(c, ids.map(String))];
  lap('averages, accounts');

  const rows: Row[] = billables.map((b) => {
    const row = rateOne(b, month, tariffs, usage.get(b.subscriptionId), averages.get(b.subscriptionId), gasFor(gas, b.ilKey)) as Row;
    row.accountId = accounts.get(String(b.subscriptionId))!; // onto rateOne's fresh object: no copy of it a bill
    return row;
  });
  lap('rating');

  const cols = [
    ['subscription_id', 'bigint', ids],
    ['period', 'text', rows.map(() => month.period)],
    ['run_id', 'bigint', rows.map(() => opts.runId)],
    ['account_id', 'bigint', rows.map((r) => r.accountId)],
    ['commodity', 'text', rows.map((r) => r.b.commodity)],
    ['tariff_code', 'text', rows.map((r) => r.tariff?.code ?? r.b.tariffCode)],
    ['tariff_revision', 'int', rows.map((r) => r.tariff?.revision ?? null)],
    ['from_date', 'date', rows.map((r) => r.b.from)],
    ['to_date', 'date', rows.map((r) => r.b.to)],
    ['source', 'text', rows.map((r) => r.source)],
    ['consumption', 'numeric', rows.map((r) => r.bill?.consumption.quantity ?? null)],
    ['estimated_share', 'numeric', rows.map((r) => r.bill?.consumption.estimated ?? null)],
    ['net', 'numeric', rows.map((r) => r.bill?.totals.net ?? null)],
    ['taxes', 'numeric', rows.map((r) => r.bill?.totals.taxes ?? null)],
    ['gross', 'numeric', rows.map((r) => r.bill?.totals.gross ?? null)],
    ['state', 'text', rows.map((r) => r.state)],
    ['outsort_reason', 'text', rows.map((r) => r.reason ?? null)],
    ['outsort_detail', 'text', rows.map((r) => r.detail ?? null)],
    ['supersedes', 'bigint', rows.map((r) => opts.supersedes?.get(r.b.subscriptionId) ?? null)],
  ] as const;
  const names = cols.map((col) => col[0]).join(', ');
  // The bills' lines go as one JSON array (element i for row i), not as a jsonb[] parameter: pg escapes every quote
  // of every element of an array parameter in JavaScript, which cost more than the rest of the insert together.
  const lines = '[' + rows.map((r) => (r.bill ? billLinesJson(r.bill.lines) : 'null')).join(',') + ']';
  lap('accrual rows built');
  const { rows: inserted } = await c.query<{ id: number; subscription_id: number }>(
    `INSERT INTO billing_accrual (${names}, lines)
     SELECT ${cols.map((col) => `u.${col[0]}`).join(', ')}, nullif(l.lines, 'null'::jsonb)
       FROM unnest(${cols.map((col, i) => `$${i + 1}::${col[1]}[]`).join(', ')}) WITH ORDINALITY AS u(${names}, n)
       JOIN jsonb_array_elements($${cols.length + 1}::jsonb) WITH ORDINALITY AS l(lines, n) USING (n)
     ON CONFLICT (subscription_id, period) WHERE state IN ('posted', 'outsorted') DO NOTHING
     RETURNING id, subscription_id`,
    [...cols.map((col) => arrayLiteral(col[2] as ArrayElement[])), lines],
  );
  lap('accrual insert');
  const bySub = new Map(rows.map((r) => [r.b.subscriptionId, r]));
  const entries: EntryInput[] = [];
  for (const ins of inserted) {
    const r = bySub.get(Number(ins.subscription_id))!;
    counts.bills++;
    if (r.state === 'outsorted') {
      counts.outsorted++;
      if (r.reason === 'rating_error') counts.errors++;
      continue;
    }
    counts.posted++;
    const e = accrualEntry({ id: Number(ins.id), accountId: r.accountId, subscriptionId: r.b.subscriptionId, period: month.period, lastDay: month.lastDay, commodity: r.b.commodity, bill: r.bill!, actor: opts.actor });
    if (e) entries.push(e);
  }
  lap('entries built');
  await postEntries(c, entries);
  lap('ledger insert');
  return counts;
}
