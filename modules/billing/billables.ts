/**
 * What a bill run needs to know about subscriptions, read through modules/subscriptions' door
 * (billableSubscriptions): which contracts held their installation in the period, the days they held it, the meters
 * fitted meanwhile, the tariff code in force on the period's last billed day, status and region.
 * A change of tariff code inside a month is billed at the code in force at the end (price changes inside one tariff
 * are its versions, which billing-core prorates); shards are ranges of subscription ids.
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
  tariffCode: string | null;
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
    const from = localDate(s.from);
    const to = s.to.getTime() === month.toTs.getTime() ? month.to : localDate(s.to);
    if (from >= to) continue;
    out.push({
      subscriptionId: s.subscriptionId,
      status: s.statuses.at(-1)?.status ?? 'active',
      commodity: s.commodity,
      ilKey: s.region.il,
      tariffCode: s.tariffs.at(-1)?.tariffCode ?? null,
      from,
      to,
      meters: s.meters.map((m) => ({ meterId: m.meterId, from: m.from, to: m.to })),
    });
  }
  return out;
}

/** The next range of `size` billable subscription ids of a period above `afterId` (a page of the door), if any. */
export async function nextRange(pool: pg.Pool, month: BillingMonth, afterId: number, size: number): Promise<{ firstId: number; lastId: number } | undefined> {
  const page = await billableSubscriptions(pool, { start: month.fromTs, end: month.toTs }, { afterId, limit: size });
  return page.length ? { firstId: page[0].subscriptionId, lastId: page[page.length - 1].subscriptionId } : undefined;
}
