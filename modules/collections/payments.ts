/**
 * Taking a payment, whatever the channel: one transaction under the current account's lock writes the ledger's
 * payment entry, a late fee for every overdue item it settles, the allocations in the configured order, and the
 * payment row with the channel's reference. The reference is unique per source, so a retry (a bank's timeout, a
 * statement imported twice, a field device syncing again) returns the first payment and writes nothing.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { allocateMany, lockAccount, openItems, postEntry, requireAccount, type Db, type Settlement } from '../ledger/index.ts';
import { orderItems } from './allocation-rules.ts';
import { collectionsConfig } from './settings.ts';
import { applyWaitingCredit, markCreditWaiting } from './credits.ts';
import { loadRates, lastFeeThrough } from './late-fee-store.ts';
import { planSettlement } from './settlement-plan.ts';
import { feeStart, lateFeeHolds } from './instalment-shield.ts';
import { checkPaymentInput, type PaymentInput } from './payment-input.ts';
import { lateFeeEntry, paymentEntry, takenPayment, type CheckedPayment } from './payment-entries.ts';
import { loadPayment, type Payment } from './payment-view.ts';

export async function takePayment(db: Db, input: PaymentInput): Promise<Payment> {
  const checked = checkPaymentInput(input);
  const run = (c: pg.PoolClient) => takeLocked(c, checked);
  return 'release' in db ? run(db as pg.PoolClient) : withTransaction(db as pg.Pool, run);
}

async function takeLocked(c: pg.PoolClient, input: CheckedPayment): Promise<Payment> {
  const { accountId, businessDate } = input;
  await lockAccount(c, accountId);
  const account = await requireAccount(c, accountId);
  // One round trip for both questions: an earlier payment under this reference, and credit waiting on the account.
  const { rows: [state] } = await c.query<{ first: number | null; waiting: boolean }>(
    `SELECT (SELECT id::int FROM collections_payment WHERE source = $1 AND reference = $2) AS first,
            EXISTS (SELECT 1 FROM collections_credit_waiting WHERE account_id = $3) AS waiting`,
    [input.source, input.reference, accountId],
  );
  if (state.first !== null) return replayOf(c, state.first, accountId);

  // Money already waiting on the account settles what it can first, so this payment is not left idle beside it.
  if (state.waiting) await applyWaitingCredit(c, accountId, businessDate);
  // Items as they stand now: a payment dated earlier (a late statement) must still see today's settlements.
  const now = localDate(Date.now());
  const items = orderItems(await openItems(c, accountId, businessDate > now ? businessDate : now), collectionsConfig().allocationOrder, input.itemIds);
  if (input.itemIds?.some((id) => !items.some((i) => i.id === id))) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN', { items: input.itemIds.join(','), accountId });
  }

  const entry = await postEntry(c, paymentEntry(input));
  // The same reference from another source's race, or a ledger key reused by hand: the first posting stands.
  if (entry.replayed) {
    const again = await findPaymentId(c, input.source, input.reference);
    if (again !== undefined) return replayOf(c, again, accountId);
    throw new AboneError('ABONE_ERR_COLLECTIONS_REFERENCE_REUSED', { source: input.source, reference: input.reference });
  }

  const { rows } = await c.query<{ id: number; takenAt: Date }>(
    `INSERT INTO collections_payment (account_id, subscription_id, channel, source, reference, amount, business_date, entry_id, drawer_id, instalments, receipt_no, payer_note, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id, taken_at AS "takenAt"`,
    [accountId, account.subscriptionId, input.channel, input.source, input.reference, input.amount, businessDate, entry.id, input.drawerId ?? null, input.instalments ?? null, input.receiptNo ?? null, input.payerNote ?? null, input.actor],
  );
  const paymentId = rows[0].id;

  const lateFees: Payment['lateFees'] = [];
  const settlements = await settleWithLateFees(c, { accountId, businessDate, paymentId, entryId: entry.id, money: new Money(input.amount), items, actor: input.actor }, lateFees);
  await allocateMany(c, { accountId, sourceEntryId: entry.id, onDate: businessDate, settlements });
  const spent = settlements.reduce((s, x) => s.plus(x.amount), new Money(0));
  if (spent.lessThan(input.amount)) await markCreditWaiting(c, accountId);
  // The view from what was just written, as loadPayment would read it back (four round trips saved per payment).
  const kinds = new Map(items.map((i) => [i.id, i.kind]));
  return takenPayment(input, { id: paymentId, subscriptionId: account.subscriptionId, entryId: entry.id, takenAt: rows[0].takenAt, settlements, kinds, lateFees });
}

/**
 * Walks the items in order and spends the money: an overdue item's late fee (from its due date, or from the last fee
 * charged on it, through the payment date) is posted as a fee item and settled before the principal it follows.
 */
async function settleWithLateFees(
  c: pg.PoolClient,
  p: { accountId: number; businessDate: string; paymentId: number; entryId: number; money: Money; items: Array<{ id: number; kind: string; dueDate: string; businessDate: string; open: string }>; actor: string },
  lateFees: Payment['lateFees'],
): Promise<Settlement[]> {
  const overdue = p.items.filter((i) => i.kind === 'accrual' && i.dueDate < p.businessDate);
  const rates = overdue.length ? await loadRates(c) : [];
  const through = overdue.length ? await lastFeeThrough(c, overdue.map((i) => i.id)) : new Map<number, string>();
  // Items an instalment or fixed plan shields carry no fee (instalment-shield.ts).
  const holds = overdue.length ? await lateFeeHolds(c, p.accountId, overdue, p.businessDate) : new Map<number, string | null>();
  const settlements: Settlement[] = [];
  for (const step of planSettlement(p.money, p.items, p.businessDate, rates, (item) => feeStart(item, through, holds))) {
    if (step.fee.greaterThan(0)) {
      const feeItem = await postLateFee(c, { ...p, itemId: step.itemId, principal: step.principal, from: step.feeFrom, fee: step.fee });
      settlements.push({ itemId: feeItem, amount: step.fee.toFixed(2) });
      lateFees.push({ itemId: step.itemId, fromDate: step.feeFrom, toDate: p.businessDate, principal: step.principal.toFixed(2), amount: step.fee.toFixed(2) });
    }
    if (step.principal.greaterThan(0)) settlements.push({ itemId: step.itemId, amount: step.principal.toFixed(2) });
  }
  return settlements;
}

async function postLateFee(
  c: pg.PoolClient,
  f: { accountId: number; businessDate: string; paymentId: number; entryId: number; itemId: number; principal: Money; from: string; fee: Money; actor: string },
): Promise<number> {
  const amount = f.fee.toFixed(2);
  const entry = await postEntry(c, lateFeeEntry(f));
  await c.query(
    `INSERT INTO collections_late_fee (item_id, principal, from_date, to_date, amount, fee_entry_id, payment_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [f.itemId, f.principal.toFixed(2), f.from, f.businessDate, amount, entry.id, f.paymentId],
  );
  return entry.item!.id;
}

export async function findPaymentId(db: Db, source: string, reference: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM collections_payment WHERE source = $1 AND reference = $2', [source, reference]);
  return rows[0] ? Number(rows[0].id) : undefined;
}

async function replayOf(c: pg.PoolClient, paymentId: number, accountId: number): Promise<Payment> {
  const payment = await loadPayment(c, paymentId);
  if (payment.accountId !== accountId) throw new AboneError('ABONE_ERR_COLLECTIONS_REFERENCE_REUSED', { source: payment.source, reference: payment.reference });
  return { ...payment, replayed: true };
}

