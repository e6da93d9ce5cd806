/**
 * What a bill run needs to know about subscriptions, read through modules/subscriptions' door
 * (billableSubscriptions): which contracts held their installation in the period, the days they held it, the meters
 * fitted meanwhile, the tariff codes over the billed days, status and region. A change of tariff code inside a month
 * is billed in parts (billing-core's combineTariffs: the days before the change at the old tariff, the days from it
 * at the new one); shards are ranges of subscription ids.
 */
import type pg from 'pg';
import { localDate, type LocalDate } from '../../platform/calendar.ts';
import { billableSubscriptions } from '../subscriptions/index.ts';
import type { BillingMonth } from './billing-month.ts';

export interface Billable {
  subscriptionId: number;
  /** The status the contract ended the billed days in. */
  status: string;
  commodity: string;
  ilKey: string;
  /** The tariff code in force on the last billed day (the accrual's tariff_code). */
  tariffCode: string | null;
  /** Every tariff code assigned over the billed days, in order, [from, to) as local dates; empty without one. */
  tariffs: Array<{ code: string; from: LocalDate; to: LocalDate }>;
  /** The days billed: the period, cut to the days the contract held the supply. */
  from: LocalDate;
  to: LocalDate;
  meters: Array<{ meterId: number; from: Date; to: Date }>;
}

export async function loadBillables(pool: pg.Pool, month: BillingMonth, region: string | null, firstId: number, lastId: number): Promise<Billable[]> {
  const subs = await billableSubscriptions(pool, { start: month.fromTs, end: month.toTs }, { afterId: firstId - 1, limit: lastId - firstId + 1 });
  const out: Billable[] = [];
  for (const s of subs) {
    if (s.subscriptionId > lastId || (region !== null && s.region.il !== region)) continue;
    const from = dateOf(s.from, month);
    const to = dateOf(s.to, month);
    if (from >= to) continue;
    out.push({
      subscriptionId: s.subscriptionId,
      status: s.statuses.at(-1)?.status ?? 'active',
      commodity: s.commodity,
      ilKey: s.region.il,
      tariffCode: s.tariffs.at(-1)?.tariffCode ?? null,
      tariffs: s.tariffs.map((t) => ({ code: t.tariffCode, from: dateOf(t.from, month), to: dateOf(t.to, month) })).filter((t) => t.from < t.to),
      from,
      to,
      meters: s.meters.map((m) => ({ meterId: m.meterId, from: m.from, to: m.to })),
    });
  }
  return out;
}

/**
 * The local date of an instant, without a zone lookup for the instants every subscription shares (the period's own
 * bounds, most contracts' from and to): luxon's zone rules cost more per call than rating a day of usage.
 */
const dates = new Map<number, LocalDate>();
function dateOf(instant: Date, month: BillingMonth): LocalDate {
  const ms = instant.getTime();
  if (ms === month.fromTs.getTime()) return month.from;
  if (ms === month.toTs.getTime()) return month.to;
  let d = dates.get(ms);
  if (d === undefined) {
    if (dates.size > 10_000) dates.clear();
    dates.set(ms, (d = localDate(ms)));
  }
  return d;
}

/**
 * The next shard's range of subscription ids above `afterId`, if any billable subscription is left: from the next
 * billable id, `size` ids wide — so it holds at most `size` subscriptions — and cut at the last billable id when
 * nothing billable lies beyond it (a subscription created later gets a higher id, and a new start plans it). Planning
 * asks the subscriptions door for one subscription per probe instead of a page of `size`, which cost as much as
 * loading the shard again.
 */
export async function nextRange(pool: pg.Pool, month: BillingMonth, afterId: number, size: number): Promise<{ firstId: number; lastId: number } | undefined> {
  const period = { start: month.fromTs, end: month.toTs };
  const [first] = await billableSubscriptions(pool, period, { afterId, limit: 1 });
  if (!first) return undefined;
  const firstId = first.subscriptionId;
  const [beyond] = await billableSubscriptions(pool, period, { afterId: firstId + size - 1, limit: 1 });
  if (beyond) return { firstId, lastId: firstId + size - 1 };
  const page = await billableSubscriptions(pool, period, { afterId: firstId - 1, limit: size });
  return { firstId, lastId: page[page.length - 1].subscriptionId };
}
