/**
 * Aging of a current account as of a date: each item's open amount (settlements dated on or before the date) in the
 * bucket of its days past due. Not yet due or due that day is `current`; then 1–30, 31–60, 61–90 and over 90 days.
 * Days are whole Europe/Istanbul calendar days between the due date and the as-of date.
 */
import { daysBetween } from '../../platform/calendar.ts';
import { Money } from '../../platform/money.ts';
import { asOfDate, openItems } from './reads.ts';
import type { Db } from './db.ts';

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export interface Aging {
  accountId: number;
  asOf: string;
  buckets: Record<AgingBucket, string>;
  total: string;
  items: Array<{ id: number; dueDate: string; open: string; daysOverdue: number; bucket: AgingBucket }>;
}

export function bucketOf(daysOverdue: number): AgingBucket {
  if (daysOverdue <= 0) return 'current';
  if (daysOverdue <= 30) return '1-30';
  if (daysOverdue <= 60) return '31-60';
  if (daysOverdue <= 90) return '61-90';
  return '90+';
}

export async function aging(db: Db, accountId: number, asOf?: string): Promise<Aging> {
  const date = asOfDate(asOf);
  const items = (await openItems(db, accountId, date)).map((i) => {
    const daysOverdue = daysBetween(i.dueDate, date);
    return { id: i.id, dueDate: i.dueDate, open: i.open, daysOverdue, bucket: bucketOf(daysOverdue) };
  });
  const sums = Object.fromEntries(AGING_BUCKETS.map((b) => [b, new Money(0)])) as Record<AgingBucket, Money>;
  for (const i of items) sums[i.bucket] = sums[i.bucket].plus(i.open);
  const total = AGING_BUCKETS.reduce((s, b) => s.plus(sums[b]), new Money(0));
  return {
    accountId,
    asOf: date,
    buckets: Object.fromEntries(AGING_BUCKETS.map((b) => [b, sums[b].toFixed(2)])) as Record<AgingBucket, string>,
    total: total.toFixed(2),
    items,
  };
}
