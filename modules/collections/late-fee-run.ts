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
 *   and the ledger key `period-late-fee:<item>:<date>` is taken). Up to 100 accounts per short transaction, under
 *   their locks, with the fee entries in one bulk posting.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { lockAccount, overdueAccrualItems, postEntries, type EntryInput, type OverdueItem } from '../ledger/index.ts';
import { lastFeeThrough, loadRates } from './late-fee-store.ts';
import { lateFee, type LateFeeRate } from './late-fees.ts';
import { feeStart, lateFeeHoldsMany } from './instalment-shield.ts';

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

/** Accounts charged in one transaction: few enough that payments on them wait a moment at most. */
const ACCOUNTS_PER_TRANSACTION = 100;

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
    const page = await overdueAccrualItems(pool, periodEnd, { afterItemId: after, limit: input.pageSize ?? 2000 });
    if (!page.length) break;
    const through = page[page.length - 1].id;
    const accounts = [...new Set(page.map((i) => i.accountId))].sort((a, b) => a - b);
    for (let k = 0; k < accounts.length; k += ACCOUNTS_PER_TRANSACTION) {
      const batch = accounts.slice(k, k + ACCOUNTS_PER_TRANSACTION);
      const r = await withTransaction(pool, (c) => chargeAccounts(c, batch, { after, through }, periodEnd, rates, input.actor ?? 'system'));
      report.items += r.items;
      report.posted += r.posted;
      report.shielded += r.shielded;
      report.unchanged += r.items - r.posted - r.shielded;
      total = total.plus(r.total);
    }
    after = through;
  }
  report.total = total.toFixed(2);
  return report;
}

/**
 * Charges the page's items of these accounts. The accounts are locked in ascending order (so two runs, or a run and
 * any other ascending locker, never deadlock), then the items are read again under the locks: what payments settled
 * since the page was read counts. Entries go in one bulk posting, the fee rows in one statement.
 */
async function chargeAccounts(c: pg.PoolClient, accounts: number[], range: { after: number; through: number }, periodEnd: string, rates: LateFeeRate[], actor: string) {
  for (const accountId of accounts) await lockAccount(c, accountId);
  const items = await overdueAccrualItems(c, periodEnd, { afterItemId: range.after, throughItemId: range.through, accountIds: accounts, limit: range.through - range.after });
  const ids = items.map((i) => i.id);
  const through = await lastFeeThrough(c, ids);
  const holds = await lateFeeHoldsMany(c, items, periodEnd);
  let shielded = 0;
  const fees: Array<{ item: OverdueItem; principal: Money; from: string; fee: Money; entry: EntryInput }> = [];
  for (const item of items) {
    const from = feeStart(item, through, holds);
    if (from === null) {
      shielded++;
      continue;
    }
    if (from >= periodEnd) continue;
    const principal = Money.min(item.openAtDate, item.openNow);
    if (!principal.greaterThan(0)) continue;
    const fee = lateFee(principal, from, periodEnd, rates);
    if (!fee.greaterThan(0)) continue;
    fees.push({
      item, principal, from, fee,
      entry: {
        idempotencyKey: `period-late-fee:${item.id}:${periodEnd}`,
        kind: 'fee',
        accountId: item.accountId,
        businessDate: periodEnd,
        description: `Gecikme zammı (dönem sonu ${periodEnd}): kalem #${item.id}, ${from} sonrası`,
        actor,
        lines: [
          { gl: 'receivables', debit: fee.toFixed(2) },
          { gl: 'revenue.fees', credit: fee.toFixed(2) },
        ],
        item: { dueDate: periodEnd },
      },
    });
  }
  const posted = await postEntries(c, fees.map((f) => f.entry));
  const fresh = fees.filter((f) => posted.get(f.entry.idempotencyKey)?.replayed === false);
  if (fresh.length) {
    await c.query(
      `INSERT INTO collections_late_fee (item_id, principal, from_date, to_date, amount, fee_entry_id, payment_id)
       SELECT x.item, x.principal, x.from_date, $1, x.amount, x.entry, NULL FROM unnest($2::bigint[], $3::numeric[], $4::date[], $5::numeric[], $6::bigint[]) AS x(item, principal, from_date, amount, entry)`,
      [periodEnd, fresh.map((f) => f.item.id), fresh.map((f) => f.principal.toFixed(2)), fresh.map((f) => f.from), fresh.map((f) => f.fee.toFixed(2)), fresh.map((f) => posted.get(f.entry.idempotencyKey)!.entryId)],
    );
  }
  return { items: items.length, posted: fresh.length, shielded, total: fresh.reduce((s, f) => s.plus(f.fee), new Money(0)) };
}
