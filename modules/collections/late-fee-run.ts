/**
 * The period-end late-fee run: on a period end, every overdue accrual item still open gets its late fee (gecikme
 * zammı) posted for the days from its due date (or the last period-end fee on it) through the period end, as a `fee`
 * item, with a `collections_late_fee` row whose `payment_id` is NULL. The payment service then counts the next fee on
 * the item from the period end (`lastFeeThrough`), so no day is charged twice.
 *
 * - The principal is what was open on the period end, less what payments dated after it have settled since (those
 *   payments charged their own fee through their dates): min(open on the period end, open now).
 * - Items an instalment plan or a fixed payment plan shields are skipped (instalment-shield.ts); an item a fixed
 *   plan's true-up re-dated counts from the true-up's due date.
 * - Idempotent per item and period end: running again posts nothing (the item's fee already reaches the period end,
 *   and the ledger key `period-late-fee:<item>:<date>` is taken). One account per short transaction, under its lock.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { lockAccount, openItems, overdueAccrualItems, postEntry, type OverdueItem } from '../ledger/index.ts';
import { lastFeeThrough, loadRates } from './late-fee-store.ts';
import { lateFee, type LateFeeRate } from './late-fees.ts';
import { feeStart, lateFeeHolds } from './instalment-shield.ts';

export interface LateFeeRunReport {
  periodEnd: string;
  /** Overdue open accrual items looked at. */
  items: number;
  /** Fees posted now. */
  posted: number;
  total: string;
  /** Items a plan shields. */
  shielded: number;
  /** Items whose fee already reached the period end (an earlier run), or nothing left to charge. */
  unchanged: number;
}

export async function runPeriodEndLateFees(pool: pg.Pool, input: { periodEnd: string; actor?: string; pageSize?: number }): Promise<LateFeeRunReport> {
  const { periodEnd } = input;
  if (typeof periodEnd !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(periodEnd) || !DateTime.fromISO(periodEnd).isValid) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_LATE_FEE_RUN_INVALID', { reason: 'the period end must be a date YYYY-MM-DD' });
  }
  if (periodEnd > localDate(Date.now())) throw new AboneError('ABONE_ERR_COLLECTIONS_LATE_FEE_RUN_INVALID', { reason: `${periodEnd} is in the future; a period is charged once it has ended` });
  const rates = await loadRates(pool);
  const report: LateFeeRunReport = { periodEnd, items: 0, posted: 0, total: '0.00', shielded: 0, unchanged: 0 };
  let total = new Money(0);
  let after = 0;
  for (;;) {
    const page = await overdueAccrualItems(pool, periodEnd, { afterItemId: after, limit: input.pageSize ?? 1000 });
    if (!page.length) break;
    after = page[page.length - 1].id;
    const byAccount = new Map<number, OverdueItem[]>();
    for (const item of page) byAccount.set(item.accountId, [...(byAccount.get(item.accountId) ?? []), item]);
    for (const [accountId, items] of byAccount) {
      const r = await withTransaction(pool, (c) => chargeAccount(c, accountId, items, periodEnd, rates, input.actor ?? 'system'));
      report.items += items.length;
      report.posted += r.posted;
      report.shielded += r.shielded;
      report.unchanged += items.length - r.posted - r.shielded;
      total = total.plus(r.total);
    }
  }
  report.total = total.toFixed(2);
  return report;
}

async function chargeAccount(c: pg.PoolClient, accountId: number, items: OverdueItem[], periodEnd: string, rates: LateFeeRate[], actor: string) {
  await lockAccount(c, accountId);
  // Under the lock: what is open now, counting payments that arrived after the page was read.
  const openNow = new Map((await openItems(c, accountId, '9999-12-31')).map((i) => [i.id, i.open]));
  const ids = items.map((i) => i.id);
  const through = await lastFeeThrough(c, ids);
  const holds = await lateFeeHolds(c, accountId, items, periodEnd);
  let posted = 0;
  let shielded = 0;
  let total = new Money(0);
  for (const item of items) {
    const from = feeStart(item, through, holds);
    if (from === null) {
      shielded++;
      continue;
    }
    if (from >= periodEnd) continue;
    const principal = Money.min(item.openAtDate, openNow.get(item.id) ?? 0);
    if (!principal.greaterThan(0)) continue;
    const fee = lateFee(principal, from, periodEnd, rates);
    if (!fee.greaterThan(0)) continue;
    const entry = await postEntry(c, {
      idempotencyKey: `period-late-fee:${item.id}:${periodEnd}`,
      kind: 'fee',
      accountId,
      businessDate: periodEnd,
      description: `Gecikme zammı (dönem sonu ${periodEnd}): kalem #${item.id}, ${from} sonrası`,
      actor,
      lines: [
        { gl: 'receivables', debit: fee.toFixed(2) },
        { gl: 'revenue.fees', credit: fee.toFixed(2) },
      ],
      item: { dueDate: periodEnd },
    });
    if (entry.replayed) continue;
    await c.query(
      'INSERT INTO collections_late_fee (item_id, principal, from_date, to_date, amount, fee_entry_id, payment_id) VALUES ($1, $2, $3, $4, $5, $6, NULL)',
      [item.id, principal.toFixed(2), from, periodEnd, fee.toFixed(2), entry.id],
    );
    posted++;
    total = total.plus(fee);
  }
  return { posted, shielded, total };
}
