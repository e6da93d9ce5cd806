/**
 * Usage for rating, read from the head-end's daily rollups (Europe/Istanbul days): interval consumption first (the
 * `consumption` channel in m³, `energy_interval` in kWh for electricity), summed over every meter fitted to the
 * installation while it was fitted, so a meter exchange mid-month bills both meters' days once. A subscription
 * without interval data falls back to its register: the first index of the period and the last, with the model's
 * register digits for rollover. Days without data are left to billing-core's estimation (marked, with their share).
 * Rollups are double precision; values are rounded to 3 decimals in SQL, before any JavaScript number sees them.
 */
import type pg from 'pg';
import { arrayLiteral } from '../../platform/db/array-literal.ts';
import { startOfLocalDay } from '../../platform/calendar.ts';
import type { BillingMonth } from './billing-month.ts';
import type { Billable } from './billables.ts';

export interface IntervalUsage {
  kind: 'interval';
  /** Local-midnight instants (ms) and the day's consumption as decimal text. */
  days: Array<{ ms: number; value: string }>;
}
export interface RegisterUsage {
  kind: 'register';
  start: string;
  end: string;
  digits: number;
}
/** Every day of the month from its monthly rollup: the days' sum, each day rounded to 3 places (decimal text). */
export interface MonthUsage {
  kind: 'month';
  quantity: string;
}
export type SourceUsage = IntervalUsage | RegisterUsage | MonthUsage;

// The meters each subscription had over its billed time (from the subscriptions door), as a table for the join.
const FITTINGS = `
  SELECT x.sub_id, x.meter_id, m.model_id, m.commodity, x.installed_at, x.removed_at, ci.id AS interval_channel, cr.id AS register_channel
    FROM unnest($1::bigint[], $4::int[], $5::timestamptz[], $6::timestamptz[]) AS x(sub_id, meter_id, installed_at, removed_at)
    JOIN meter m ON m.id = x.meter_id
    JOIN channel ci ON ci.code = CASE m.commodity WHEN 'electricity' THEN 'energy_interval' ELSE 'consumption' END
    JOIN channel cr ON cr.code = CASE m.commodity WHEN 'electricity' THEN 'energy' ELSE 'volume' END`;

function fittingParams(billables: Billable[]): [string, string, string, string] {
  const p: [number[], number[], Date[], Date[]] = [[], [], [], []];
  for (const b of billables) for (const m of b.meters) {
    p[0].push(b.subscriptionId);
    p[1].push(m.meterId);
    p[2].push(m.from);
    p[3].push(m.to);
  }
  return [arrayLiteral(p[0]), arrayLiteral(p[1]), arrayLiteral(p[2]), arrayLiteral(p[3])];
}

/**
 * Usage of each subscription. `byTotal` says which subscriptions may be rated from the month's total (their tariff
 * is one version over the whole month: billing-core's oneVersionOver); of those, the ones with the whole month on one
 * meter whose monthly rollup counts every day of the month get it from that one row (monthUsage), the rest from days.
 */
export async function loadUsage(db: pg.Pool | pg.PoolClient, month: BillingMonth, billables: Billable[], byTotal: (b: Billable) => boolean = () => false): Promise<Map<number, SourceUsage>> {
  const out = await monthUsage(db, month, billables.filter((b) => wholeMonthOnOneMeter(b, month) && byTotal(b)));
  const rest = out.size ? billables.filter((b) => !out.has(b.subscriptionId)) : billables;
  if (!rest.length) return out;
  // One text per subscription, 'ms=value,ms=value,…': split in JavaScript it costs a fraction of two arrays through
  // pg's array parser.
  const { rows } = await db.query<{ sub_id: number; days: string }>(
    `WITH f AS (${FITTINGS})
     SELECT sub_id, string_agg(ts::text || '=' || v::text, ',' ORDER BY ts) AS days FROM (
       SELECT f.sub_id, (extract(epoch FROM r.bucket) * 1000)::bigint AS ts, round(sum(r.sum)::numeric, 3) AS v
         FROM f JOIN rollup_daily r
           ON r.meter_id = f.meter_id
          AND r.channel_id = f.interval_channel
          AND r.bucket >= $2 AND r.bucket < $3
          AND r.bucket + interval '1 day' > f.installed_at AND r.bucket < f.removed_at
        GROUP BY f.sub_id, r.bucket) d
     GROUP BY sub_id`,
    ((f) => [f[0], month.fromTs, month.toTs, f[1], f[2], f[3]])(fittingParams(rest)),
  );
  const windows = new Map(rest.map((b) => [b.subscriptionId, [dayStart(b.from), dayStart(b.to)]]));
  for (const r of rows) {
    const [lo, hi] = windows.get(Number(r.sub_id))!;
    const days: IntervalUsage['days'] = [];
    for (const d of r.days.split(',')) {
      const eq = d.indexOf('=');
      const ms = Number(d.slice(0, eq));
      if (ms >= lo && ms < hi) days.push({ ms, value: d.slice(eq + 1) });
    }
    if (days.length) out.set(Number(r.sub_id), { kind: 'interval', days });
  }
  if (out.size < billables.length) for (const [id, u] of await registerUsage(db, month, billables.filter((b) => !out.has(b.subscriptionId)))) out.set(id, u);
  return out;
}

/** The contract holds the whole month and one meter was fitted all of it (a meter exchange needs the days). */
function wholeMonthOnOneMeter(b: Billable, month: BillingMonth): boolean {
  return b.from === month.from && b.to === month.to && b.meters.length === 1 && b.meters[0].from.getTime() <= month.fromTs.getTime() && b.meters[0].to.getTime() >= month.toTs.getTime();
}

/**
 * The month's interval consumption from its monthly rollup row, when that row was rolled up from every day of the
 * month (`days`, migration 0027) and no reading in it was negative (so no day was: the daily path would hold the
 * bill). `days_sum` is the sum of the days each rounded to 3 places, exactly what the days would give; the worker
 * writes it with the days it sums, in one transaction. A month with a day missing has no such row and is read by
 * days, where billing-core estimates the missing ones.
 */
async function monthUsage(db: pg.Pool | pg.PoolClient, month: BillingMonth, billables: Billable[]): Promise<Map<number, SourceUsage>> {
  const out = new Map<number, SourceUsage>();
  if (!billables.length) return out;
  const { rows } = await db.query<{ sub_id: string; q: string }>(
    `SELECT x.sub_id, r.days_sum::text AS q
       FROM unnest($1::bigint[], $2::int[]) AS x(sub_id, meter_id)
       JOIN meter m ON m.id = x.meter_id
       JOIN channel ci ON ci.code = CASE m.commodity WHEN 'electricity' THEN 'energy_interval' ELSE 'consumption' END
       JOIN rollup_monthly r ON r.meter_id = x.meter_id AND r.channel_id = ci.id AND r.bucket = $3
      WHERE r.days = $4 AND r.min >= 0 AND r.days_sum IS NOT NULL`,
    [arrayLiteral(billables.map((b) => b.subscriptionId)), arrayLiteral(billables.map((b) => b.meters[0].meterId)), month.fromTs, monthDays(month)],
  );
  for (const r of rows) out.set(Number(r.sub_id), { kind: 'month', quantity: r.q });
  return out;
}

const monthDays = (month: BillingMonth) => Math.round((Date.parse(`${month.to}T00:00:00Z`) - Date.parse(`${month.from}T00:00:00Z`)) / 86_400_000);

/**
 * Start of a local day in ms, remembered: a shard's subscriptions share a handful of dates, and each zone lookup
 * through luxon costs more than rating a day of usage.
 */
const dayStarts = new Map<string, number>();
function dayStart(date: string): number {
  let ms = dayStarts.get(date);
  if (ms === undefined) {
    if (dayStarts.size > 10_000) dayStarts.clear();
    dayStarts.set(date, (ms = startOfLocalDay(date).getTime()));
  }
  return ms;
}

/** First and last register index of the period, for subscriptions with one meter over the period and no intervals. */
async function registerUsage(db: pg.Pool | pg.PoolClient, month: BillingMonth, billables: Billable[]): Promise<Map<number, RegisterUsage>> {
  const [subIds, meterIds, froms, tos] = fittingParams(billables);
  const { rows } = await db.query(
    `WITH f AS (${FITTINGS}), one AS (SELECT sub_id, min(meter_id) AS meter_id, min(model_id) AS model_id, min(register_channel) AS channel_id FROM f GROUP BY sub_id HAVING count(*) = 1)
     SELECT one.sub_id, mm.register_digits,
            (SELECT round(r.first_value::numeric, 3)::text FROM rollup_daily r WHERE r.meter_id = one.meter_id AND r.channel_id = one.channel_id AND r.bucket >= $2 AND r.bucket < $3 ORDER BY r.bucket LIMIT 1) AS start,
            (SELECT round(r.last_value::numeric, 3)::text FROM rollup_daily r WHERE r.meter_id = one.meter_id AND r.channel_id = one.channel_id AND r.bucket >= $2 AND r.bucket < $3 ORDER BY r.bucket DESC LIMIT 1) AS "end"
       FROM one JOIN meter_model mm ON mm.id = one.model_id`,
    [subIds, month.fromTs, month.toTs, meterIds, froms, tos],
  );
  const out = new Map<number, RegisterUsage>();
  for (const r of rows) if (r.start !== null && r.end !== null) out.set(Number(r.sub_id), { kind: 'register', start: r.start, end: r.end, digits: r.register_digits });
  return out;
}

/** The average gross of each subscription's earlier posted accruals (the outsorting yardstick). */
export async function earlierAverages(db: pg.Pool | pg.PoolClient, period: string, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query(
    `SELECT subscription_id, round(avg(gross), 2)::text AS avg FROM billing_accrual
      WHERE subscription_id = ANY($1::bigint[]) AND state = 'posted' AND period < $2 AND gross IS NOT NULL GROUP BY subscription_id`,
    [arrayLiteral(ids), period],
  );
  return new Map(rows.map((r) => [Number(r.subscription_id), r.avg]));
}

/** The period's gas factors per province ('*' for all). */
export async function gasFactors(db: pg.Pool | pg.PoolClient, period: string): Promise<Map<string, { correctionFactor: string; calorificValue: string }>> {
  const { rows } = await db.query('SELECT il_key, correction_factor::text, calorific_value::text FROM billing_gas_factor WHERE period = $1', [period]);
  return new Map(rows.map((r) => [r.il_key, { correctionFactor: r.correction_factor, calorificValue: r.calorific_value }]));
}
