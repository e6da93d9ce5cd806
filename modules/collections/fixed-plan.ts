/**
 * Fixed payment plan (sabit ödeme, budget billing): for a plan year the subscriber pays the same amount every month,
 * computed from the account's history; bills still accrue as usual and payments settle them as usual. What the plan
 * changes is the terms: the accruals posted in the plan year carry no late fee and no dunning until the true-up is
 * due (instalment-shield.ts). At the end of the plan year the true-up compares what accrued with what was paid:
 *
 * - accrued > paid: the difference is what the year's bills still have open; the true-up gives it a due date
 *   (by default `TRUE_UP_DUE_DAYS`, 15 days, after the true-up), after which its late fee counts from that date, not from the
 *   bills' own due dates. No new ledger item is posted: the bills are already on the account, and a second item
 *   would count the same debt twice.
 * - paid > accrued: the overpayment is already credit on the account (money a payment could not place); it stays
 *   there as waiting credit and the next bills consume it (credits.ts), or a clerk refunds it.
 *
 * The monthly amount: the account's accruals (net of reversals) posted in the 12 months before the plan year, divided
 * by the number of calendar months in which accruals were posted (fewer than 12 for a younger account), rounded up to
 * the kuruş so a steady subscriber does not end the year owing the rounding. A clerk may set it by hand instead.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { lockAccount, openItems, requireAccount, statement, type Db } from '../ledger/index.ts';

export const TRUE_UP_DUE_DAYS = 15;

export interface FixedPlan {
  id: number;
  accountId: number;
  yearStart: string;
  yearEnd: string;
  monthlyAmount: string;
  historyTotal: string;
  historyMonths: number;
  /** The twelve monthly payments the plan asks for: due on the plan's start day of each month. */
  schedule: Array<{ no: number; dueDate: string; amount: string }>;
  ended: { trueUp: boolean; accrued: string; paid: string; difference: string; dueDate: string } | null;
  /** The plan year so far, as of `asOf` (default today): the fixed payments asked for, the payments and the bills. */
  progress: { asOf: string; expected: string; paid: string; accrued: string };
}

export interface TrueUp {
  planId: number;
  accrued: string;
  paid: string;
  /** accrued − paid: > 0 owed by `dueDate`; < 0 left as credit on the account. */
  difference: string;
  dueDate: string;
  /** The plan year's accruals still open now (equals the difference when the year's payments went to its bills). */
  open: string;
}

const invalid = (field: string, reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_PLAN_INVALID', { field, reason });
const refused = (reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_PLAN_REFUSED', { reason });
/** A calendar date of years 1900–2999 (later ones overflow what a plan adds to them). */
const isDate = (d: unknown): d is string => typeof d === 'string' && /^(19|2\d)\d{2}-\d{2}-\d{2}$/.test(d) && DateTime.fromISO(d).isValid;
const inTx = <T>(db: Db, work: (c: pg.PoolClient) => Promise<T>) => ('release' in db ? work(db as pg.PoolClient) : withTransaction(db as pg.Pool, work));
const plusDays = (d: string, days: number) => DateTime.fromISO(d).plus({ days }).toISODate()!;

/** Accruals and payments posted between two dates (inclusive), each net of its reversals; and the months with accruals. */
export async function accountFlows(db: Db, accountId: number, from: string, to: string): Promise<{ accrued: Money; paid: Money; accrualMonths: number }> {
  const st = await statement(db, accountId, { from, to });
  const kindOf = new Map(st.lines.map((l) => [l.entryId, l.kind]));
  let accrued = new Money(0);
  let paid = new Money(0);
  const months = new Map<string, Money>();
  for (const l of st.lines) {
    const kind = l.kind === 'reversal' ? kindOf.get(l.reverses!) : l.kind;
    const net = new Money(l.debit).minus(l.credit);
    if (kind === 'accrual') {
      accrued = accrued.plus(net);
      const month = (l.kind === 'reversal' ? st.lines.find((x) => x.entryId === l.reverses)!.businessDate : l.businessDate).slice(0, 7);
      months.set(month, (months.get(month) ?? new Money(0)).plus(net));
    } else if (kind === 'payment') paid = paid.minus(net);
  }
  return { accrued, paid, accrualMonths: [...months.values()].filter((m) => m.greaterThan(0)).length };
}

/** Total ÷ months, rounded up to the kuruş. */
export function monthlyFromHistory(total: Money | string, months: number): Money {
  return new Money(total).dividedBy(months).toDecimalPlaces(2, Money.ROUND_UP);
}

export async function createFixedPlan(db: Db, input: { accountId: number; yearStart: string; monthlyAmount?: string; actor?: string }): Promise<FixedPlan> {
  if (!input || !Number.isSafeInteger(input.accountId) || input.accountId < 1) throw invalid('accountId', 'a current account id');
  if (!isDate(input.yearStart)) throw invalid('yearStart', 'a date YYYY-MM-DD');
  if (input.monthlyAmount !== undefined && (typeof input.monthlyAmount !== 'string' || !/^\d{1,16}(\.\d{1,2})?$/.test(input.monthlyAmount) || !new Money(input.monthlyAmount).greaterThan(0))) {
    throw invalid('monthlyAmount', 'a positive amount in TRY with at most two decimals, as text');
  }
  const start = DateTime.fromISO(input.yearStart);
  const yearEnd = start.plus({ years: 1 }).minus({ days: 1 }).toISODate()!;
  return inTx(db, async (c) => {
    await lockAccount(c, input.accountId);
    await requireAccount(c, input.accountId);
    const { rows: overlap } = await c.query<{ id: number }>(
      `SELECT f.id::int FROM collections_fixed_plan f LEFT JOIN collections_fixed_plan_end e ON e.plan_id = f.id
       WHERE f.account_id = $1 AND f.year_start <= $3 AND f.year_end >= $2 AND (e.plan_id IS NULL OR e.true_up)`,
      [input.accountId, input.yearStart, yearEnd],
    );
    if (overlap.length) throw refused(`fixed payment plan ${overlap[0].id} already covers part of ${input.yearStart} – ${yearEnd}`);
    const history = await accountFlows(c, input.accountId, start.minus({ years: 1 }).toISODate()!, start.minus({ days: 1 }).toISODate()!);
    let monthly: Money;
    if (input.monthlyAmount !== undefined) monthly = new Money(input.monthlyAmount);
    else if (history.accrualMonths > 0 && history.accrued.greaterThan(0)) monthly = monthlyFromHistory(history.accrued, history.accrualMonths);
    else throw refused('the account has no accruals in the 12 months before the plan year; give the monthly amount');
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO collections_fixed_plan (account_id, year_start, year_end, monthly_amount, history_total, history_months, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::int`,
      [input.accountId, input.yearStart, yearEnd, monthly.toFixed(2), Money.max(history.accrued, 0).toFixed(2), history.accrualMonths, input.actor ?? 'system'],
    );
    return loadFixedPlan(c, rows[0].id);
  });
}

export async function loadFixedPlan(db: Db, planId: number, asOf?: string): Promise<FixedPlan> {
  const day = asOf ?? localDate(Date.now());
  if (!isDate(day)) throw invalid('asOf', 'a date YYYY-MM-DD');
  if (!Number.isSafeInteger(planId) || planId < 1) throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_NOT_FOUND', { what: 'fixed payment plan', id: planId });
  const { rows } = await db.query(
    `SELECT f.id::int, f.account_id::int AS "accountId", to_char(f.year_start, 'YYYY-MM-DD') AS "yearStart", to_char(f.year_end, 'YYYY-MM-DD') AS "yearEnd",
            f.monthly_amount::text AS "monthlyAmount", f.history_total::text AS "historyTotal", f.history_months AS "historyMonths",
            CASE WHEN e.plan_id IS NULL THEN NULL ELSE json_build_object('trueUp', e.true_up, 'accrued', e.accrued::text, 'paid', e.paid::text,
              'difference', e.difference::text, 'dueDate', to_char(e.due_date, 'YYYY-MM-DD')) END AS ended
     FROM collections_fixed_plan f LEFT JOIN collections_fixed_plan_end e ON e.plan_id = f.id WHERE f.id = $1`,
    [planId],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_PLAN_NOT_FOUND', { what: 'fixed payment plan', id: planId });
  const plan = rows[0];
  const start = DateTime.fromISO(plan.yearStart);
  const schedule = Array.from({ length: 12 }, (_, i) => ({ no: i + 1, dueDate: start.plus({ months: i }).toISODate()!, amount: plan.monthlyAmount }));
  const to = day < plan.yearEnd ? day : plan.yearEnd;
  const flows = to < plan.yearStart ? { accrued: new Money(0), paid: new Money(0) } : await accountFlows(db, plan.accountId, plan.yearStart, to);
  const expected = new Money(plan.monthlyAmount).times(schedule.filter((s) => s.dueDate <= day).length);
  return { ...plan, schedule, progress: { asOf: day, expected: expected.toFixed(2), paid: flows.paid.toFixed(2), accrued: flows.accrued.toFixed(2) } };
}

async function endPlan(c: pg.PoolClient, plan: FixedPlan, trueUp: boolean, onDate: string, dueDate: string, actor: string): Promise<TrueUp> {
  const to = onDate < plan.yearEnd ? onDate : plan.yearEnd;
  const { accrued, paid } = await accountFlows(c, plan.accountId, plan.yearStart, to);
  const difference = accrued.minus(paid);
  await c.query(
    'INSERT INTO collections_fixed_plan_end (plan_id, true_up, accrued, paid, difference, due_date, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [plan.id, trueUp, accrued.toFixed(2), paid.toFixed(2), difference.toFixed(2), dueDate, actor],
  );
  const items = await openItems(c, plan.accountId, onDate > localDate(Date.now()) ? onDate : localDate(Date.now()));
  const open = items.filter((i) => i.kind === 'accrual' && i.businessDate >= plan.yearStart && i.businessDate <= plan.yearEnd).reduce((s, i) => s.plus(i.open), new Money(0));
  return { planId: plan.id, accrued: accrued.toFixed(2), paid: paid.toFixed(2), difference: difference.toFixed(2), dueDate, open: open.toFixed(2) };
}

async function livePlan(c: pg.PoolClient, planId: number): Promise<FixedPlan> {
  const first = await loadFixedPlan(c, planId);
  await lockAccount(c, first.accountId);
  const plan = await loadFixedPlan(c, planId);
  if (plan.ended) throw refused(`fixed payment plan ${planId} already ended (${plan.ended.trueUp ? 'trued up' : 'cancelled'})`);
  return plan;
}

/** The year-end true-up: after the plan year, once. The difference is due `dueDays` after `onDate`. */
export async function trueUpFixedPlan(db: Db, input: { planId: number; onDate?: string; dueDays?: number; actor?: string }): Promise<TrueUp> {
  const onDate = input.onDate ?? localDate(Date.now());
  if (!isDate(onDate)) throw invalid('onDate', 'a date YYYY-MM-DD');
  const dueDays = input.dueDays ?? TRUE_UP_DUE_DAYS;
  if (!Number.isInteger(dueDays) || dueDays < 0 || dueDays > 90) throw invalid('dueDays', '0 to 90');
  return inTx(db, async (c) => {
    const plan = await livePlan(c, input.planId);
    if (onDate <= plan.yearEnd) throw refused(`the plan year runs to ${plan.yearEnd}; the true-up comes after it`);
    return endPlan(c, plan, true, onDate, plusDays(onDate, dueDays), input.actor ?? 'system');
  });
}

/** Ends the plan before its true-up: the year's bills return to their own due dates and late fees at once. */
export async function cancelFixedPlan(db: Db, input: { planId: number; onDate?: string; actor?: string }): Promise<TrueUp> {
  const onDate = input.onDate ?? localDate(Date.now());
  if (!isDate(onDate)) throw invalid('onDate', 'a date YYYY-MM-DD');
  return inTx(db, async (c) => endPlan(c, await livePlan(c, input.planId), false, onDate, onDate, input.actor ?? 'system'));
}
