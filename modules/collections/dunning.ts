/**
 * The dunning run (borç takibi), once a day in the workers or by hand: every account with an overdue open accrual
 * gets the next step its case is due for (dunning-steps.ts) — a reminder, a final notice (ihtarname), then a
 * disconnection work order for a crew — and disconnection orders whose case has ended (paid, or put under a plan)
 * are called back.
 *
 * What a case leaves out: items an instalment or fixed payment plan shields (instalment-shield.ts), and items on a
 * direct debit list whose result has not come back yet. A failed debit leaves its item open with no pending line, so
 * it falls back to this run like any unpaid bill.
 *
 * Idempotent: a notice is unique per (account, case item, step); a disconnection order per case (work-orders'
 * source ref). A run repeated the same day, or after a crash between opening an order and recording its notice,
 * finds what is there and adds only what is missing.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { localDate, type LocalDate } from '../../platform/calendar.ts';
import { overdueAccounts, overdueAccrualItems, type OverdueItem } from '../ledger/index.ts';
import { suppliesOf } from '../subscriptions/index.ts';
import { cancelDisconnectionOrder, openDisconnectionOrder, openDisconnectionOrders } from '../work-orders/index.ts';
import { lateFeeHoldsMany } from './instalment-shield.ts';
import { dueStep, type DunningCase, type DunningStep } from './dunning-steps.ts';

export interface DunningReport {
  asOf: LocalDate;
  /** Accounts with an overdue open accrual that no plan or pending debit covers. */
  cases: number;
  /** Notices issued now, per step code. */
  issued: Record<string, number>;
  /** Disconnection steps due but not taken: the contract is not active or has no meter fitted. */
  noSupply: number;
  /** Disconnection orders called back because their case ended. */
  ordersCancelled: number;
}

const PAGE = 500;

export async function runDunning(pool: pg.Pool, input: { asOf: string; actor?: string }): Promise<DunningReport> {
  const { asOf } = input;
  if (typeof asOf !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !DateTime.fromISO(asOf).isValid) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_DUNNING_INVALID', { reason: 'asOf must be a date YYYY-MM-DD' });
  }
  if (asOf > localDate(Date.now())) throw new AboneError('ABONE_ERR_COLLECTIONS_DUNNING_INVALID', { reason: `${asOf} is in the future` });
  const actor = input.actor ?? 'system';
  const steps = await loadSteps(pool);
  const report: DunningReport = { asOf, cases: 0, issued: Object.fromEntries(steps.map((s) => [s.code, 0])), noSupply: 0, ordersCancelled: 0 };
  const liveCases = new Set<string>();
  for (let after = 0; ; ) {
    const accounts = await overdueAccounts(pool, asOf, { afterAccountId: after, limit: PAGE });
    if (!accounts.length) break;
    after = accounts[accounts.length - 1].accountId;
    const cases = await casesOf(pool, accounts.map((a) => a.accountId), asOf);
    report.cases += cases.length;
    for (const c of cases) liveCases.add(`${c.accountId}:${c.caseItemId}`);
    const issued = await issuedSteps(pool, cases);
    const subscriptionOf = new Map(accounts.map((a) => [a.accountId, a.subscriptionId]));
    const due = cases.map((c) => ({ c, step: dueStep(c, issued.get(`${c.accountId}:${c.caseItemId}`) ?? new Map(), steps, asOf) })).filter((d) => d.step);
    const supplies = await suppliesOf(pool, due.filter((d) => d.step!.action === 'disconnection').map((d) => Number(subscriptionOf.get(d.c.accountId))).filter(Number.isSafeInteger));
    for (const { c, step } of due) {
      let workOrderId: number | null = null;
      if (step!.action === 'disconnection') {
        const supply = supplies.get(Number(subscriptionOf.get(c.accountId)));
        if (!supply || supply.status !== 'active') {
          report.noSupply++;
          continue;
        }
        const order = await openDisconnectionOrder(pool, {
          caseRef: `${c.accountId}:${c.caseItemId}`,
          meterId: supply.meterId,
          meterSerial: supply.meterSerial,
          region: supply.region,
          description: `Borç nedeniyle kesme: abonelik ${supply.subscriptionId}, vadesi geçmiş ${c.overdue.toFixed(2)} TL (en eski vade ${c.oldestDueDate})`,
        });
        workOrderId = order.id;
      }
      const { rowCount } = await pool.query(
        `INSERT INTO collections_dunning_notice (account_id, case_item_id, step, as_of, oldest_due_date, overdue_amount, items, work_order_id, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT ON CONSTRAINT collections_dunning_notice_once DO NOTHING`,
        [c.accountId, c.caseItemId, step!.code, asOf, c.oldestDueDate, c.overdue.toFixed(2), c.items, workOrderId, actor],
      );
      report.issued[step!.code] += rowCount ?? 0;
    }
  }
  for (const order of await openDisconnectionOrders(pool)) {
    if (liveCases.has(order.caseRef)) continue;
    if (await cancelDisconnectionOrder(pool, order.id, 'Borç ödendi ya da taksitlendi: kesmeye gerek kalmadı')) report.ordersCancelled++;
  }
  return report;
}

/**
 * The case of each account: its overdue open accruals less what a plan shields or a direct debit list still waits
 * on; the oldest of them (due date, then id) names the case. Accounts left with nothing have no case.
 */
async function casesOf(pool: pg.Pool, accountIds: number[], asOf: LocalDate): Promise<Array<DunningCase & { items: number[] }>> {
  const items = (await overdueAccrualItems(pool, asOf, { accountIds, limit: 1_000_000 })).filter((i) => new Money(i.openNow).greaterThan(0));
  const holds = await lateFeeHoldsMany(pool, items, asOf);
  const pending = await awaitingDebit(pool, items.map((i) => i.id));
  const byAccount = new Map<number, OverdueItem[]>();
  for (const i of items) {
    if (holds.get(i.id) === null || pending.has(i.id)) continue;
    byAccount.set(i.accountId, [...(byAccount.get(i.accountId) ?? []), i]);
  }
  return [...byAccount].map(([accountId, open]) => {
    const oldest = open.reduce((a, b) => (b.dueDate < a.dueDate || (b.dueDate === a.dueDate && b.id < a.id) ? b : a));
    return { accountId, caseItemId: oldest.id, oldestDueDate: oldest.dueDate, overdue: open.reduce((s, i) => s.plus(i.openNow), new Money(0)), items: open.map((i) => i.id) };
  });
}

/** Items on a direct debit list the bank has not answered yet: the money may be on its way. */
async function awaitingDebit(pool: pg.Pool, itemIds: number[]): Promise<Set<number>> {
  const { rows } = await pool.query<{ id: number }>(
    `SELECT li.item_id::int AS id FROM collections_dd_list_item li
     WHERE li.item_id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM collections_dd_result r WHERE r.list_id = li.list_id AND r.line_no = li.line_no)`,
    [itemIds],
  );
  return new Set(rows.map((r) => r.id));
}

/** The steps each case already had, with the day each was issued. */
async function issuedSteps(pool: pg.Pool, cases: DunningCase[]): Promise<Map<string, Map<string, LocalDate>>> {
  const { rows } = await pool.query<{ accountId: number; caseItemId: number; step: string; asOf: string }>(
    `SELECT n.account_id::int AS "accountId", n.case_item_id::int AS "caseItemId", n.step, to_char(n.as_of, 'YYYY-MM-DD') AS "asOf"
     FROM collections_dunning_notice n JOIN unnest($1::bigint[], $2::bigint[]) AS c(account_id, item_id) ON n.account_id = c.account_id AND n.case_item_id = c.item_id`,
    [cases.map((c) => c.accountId), cases.map((c) => c.caseItemId)],
  );
  const issued = new Map<string, Map<string, LocalDate>>();
  for (const r of rows) {
    const key = `${r.accountId}:${r.caseItemId}`;
    issued.set(key, (issued.get(key) ?? new Map()).set(r.step, r.asOf));
  }
  return issued;
}

export async function loadSteps(db: pg.Pool | pg.PoolClient): Promise<DunningStep[]> {
  const { rows } = await db.query<DunningStep>(
    `SELECT code, seq, label, days_overdue AS "daysOverdue", days_after_previous AS "daysAfterPrevious", min_overdue::text AS "minOverdue", action
     FROM collections_dunning_step ORDER BY seq`,
  );
  return rows;
}
