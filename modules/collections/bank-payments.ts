/**
 * What a bank or the PTT may do, as the calling channel: ask what a subscriber owes, pay chosen items for exactly
 * what they cost that day, and cancel its own same-day payment. Turkish banks pay whole bills at the quoted amount,
 * so a payment whose amount is not the chosen items' payable (open amount plus late fee to date) is refused rather
 * than left as a partial payment or a credit the bank never meant.
 *
 * A retry is answered before anything else is checked: the same bank reference is the same payment (replayed), even
 * after its items were settled by it. The check, the debt and the payment run under the account's lock in one
 * transaction, so a parallel retry, a cashier or a bill run on the same account cannot slip in between.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { Money } from '../../platform/money.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { accountForSubscription, lockAccount, type Account, type Db } from '../ledger/index.ts';
import { audit, type Actor } from '../access/index.ts';
import type { BankChannel } from './bank-channels.ts';
import { cancelPayment } from './cancel.ts';
import { debtInquiry, type DebtLine } from './debt.ts';
import { findPaymentId, takePayment } from './payments.ts';
import { loadPayment, type Payment } from './payment-view.ts';

export const SUBSCRIBER_NO = /^[A-Za-z0-9_-]{1,64}$/;
/** How far back a bank may date a payment (a PTT branch's batch sent after the weekend). */
export const BANK_BACKDATE_DAYS = 7;

export interface BankDebt {
  subscriberNo: string;
  asOf: string;
  items: DebtLine[];
  totalOpen: string;
  totalLateFee: string;
  totalPayable: string;
}

export interface BankPayment {
  paymentId: number;
  reference: string;
  subscriberNo: string;
  amount: string;
  businessDate: string;
  /** What the money settled, in order: each late fee before the bill it was charged on. */
  settled: Array<{ itemId: number; kind: string; amount: string }>;
  lateFees: Array<{ itemId: number; fromDate: string; toDate: string; principal: string; amount: string }>;
  cancelled: { at: string; reason: string } | null;
  /** True when this reference had been paid before: this is that payment, nothing was written now. */
  replayed: boolean;
}

export interface BankPaymentInput {
  subscriberNo: string;
  reference: string;
  itemIds: number[];
  amount: string;
  businessDate?: string;
}

async function accountOf(db: Db, subscriberNo: string): Promise<Account> {
  if (!SUBSCRIBER_NO.test(subscriberNo)) throw new AboneError('ABONE_ERR_COLLECTIONS_BANK_SUBSCRIBER_NOT_FOUND', { subscriberNo: subscriberNo.slice(0, 64) });
  try {
    return await accountForSubscription(db, subscriberNo);
  } catch (err) {
    if (err instanceof AboneError && err.code === 'ABONE_ERR_LEDGER_ACCOUNT_NOT_FOUND') throw new AboneError('ABONE_ERR_COLLECTIONS_BANK_SUBSCRIBER_NOT_FOUND', { subscriberNo });
    throw err;
  }
}

/** Debt inquiry (borç sorgulama) on a day, today in Istanbul by default. No name or personal data: the bank's customer knows who they are. */
export async function bankDebt(db: Db, subscriberNo: string, asOf = localDate(Date.now())): Promise<BankDebt> {
  const account = await accountOf(db, subscriberNo);
  const { accountId: _, ...debt } = await debtInquiry(db, account.id, asOf);
  return { subscriberNo, ...debt };
}

/** Today, or up to BANK_BACKDATE_DAYS before; never a future day. */
function businessDateOf(given: string | undefined): string {
  const today = localDate(Date.now());
  if (given === undefined) return today;
  const earliest = localDate(Date.now() - BANK_BACKDATE_DAYS * 86_400_000);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(given) || given > today || given < earliest) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'businessDate', reason: `a date from ${earliest} to ${today}` });
  }
  return given;
}

export function bankPaymentView(p: Payment, subscriberNo: string): BankPayment {
  return {
    paymentId: p.id,
    reference: p.reference,
    subscriberNo,
    amount: p.amount,
    businessDate: p.businessDate,
    settled: p.allocations,
    lateFees: p.lateFees,
    cancelled: p.cancelled && { at: new Date(p.cancelled.at).toISOString(), reason: p.cancelled.reason },
    replayed: p.replayed,
  };
}

export async function bankPay(pool: pg.Pool, channel: BankChannel, input: BankPaymentInput, ctx: { actor: Actor; correlationId?: string; ip?: string }): Promise<BankPayment> {
  const businessDate = businessDateOf(input.businessDate);
  if (!input.itemIds.length) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'itemIds', reason: 'at least one item of the debt inquiry' });
  return withTransaction(pool, async (c) => {
    const account = await accountOf(c, input.subscriberNo);
    await lockAccount(c, account.id);
    const first = await findPaymentId(c, channel.source, input.reference);
    if (first !== undefined) {
      const p = await loadPayment(c, first);
      if (p.accountId !== account.id || !new Money(p.amount).equals(input.amount)) {
        throw new AboneError('ABONE_ERR_COLLECTIONS_BANK_REFERENCE_CONFLICT', { reference: input.reference, amount: p.amount, subscriberNo: p.subscriptionId });
      }
      return bankPaymentView({ ...p, replayed: true }, input.subscriberNo);
    }
    const debt = await debtInquiry(c, account.id, businessDate);
    const chosen = input.itemIds.map((id) => debt.items.find((i) => i.itemId === id));
    if (chosen.some((i) => i === undefined)) {
      throw new AboneError('ABONE_ERR_COLLECTIONS_ITEM_NOT_OPEN', { items: input.itemIds.join(','), accountId: account.id });
    }
    const expected = chosen.reduce((s, i) => s.plus(i!.payable), new Money(0));
    if (!expected.equals(input.amount)) {
      throw new AboneError('ABONE_ERR_COLLECTIONS_BANK_AMOUNT_MISMATCH', { amount: input.amount, expected: expected.toFixed(2), items: input.itemIds.join(','), date: businessDate });
    }
    const actor = `bank-channel:${channel.code}`;
    const p = await takePayment(c, {
      accountId: account.id,
      amount: input.amount,
      channel: channel.channel,
      source: channel.source,
      reference: input.reference,
      businessDate,
      itemIds: input.itemIds,
      description: `Tahsilat (${channel.name})`,
      actor,
    });
    await audit(c, ctx.actor, {
      action: 'collections.bank.pay',
      entity: 'payment',
      entityId: p.id,
      detail: { source: channel.source, reference: input.reference, subscriberNo: input.subscriberNo, amount: input.amount, items: input.itemIds },
      correlationId: ctx.correlationId,
      ip: ctx.ip,
    });
    return bankPaymentView(p, input.subscriberNo);
  });
}

/** Cancels the channel's own payment taken today; cancelling again answers with the cancelled payment. */
export async function bankCancel(pool: pg.Pool, channel: BankChannel, input: { reference: string; reason: string }, ctx: { actor: Actor; correlationId?: string; ip?: string }): Promise<BankPayment> {
  return withTransaction(pool, async (c) => {
    const id = await findPaymentId(c, channel.source, input.reference);
    if (id === undefined) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_NOT_FOUND', { id: `with reference ${input.reference}` });
    const p = await cancelPayment(c, { paymentId: id, reason: input.reason, actor: `bank-channel:${channel.code}`, sameDay: true, source: channel.source });
    await audit(c, ctx.actor, {
      action: 'collections.bank.cancel',
      entity: 'payment',
      entityId: p.id,
      detail: { source: channel.source, reference: input.reference, amount: p.amount, reason: input.reason },
      correlationId: ctx.correlationId,
      ip: ctx.ip,
    });
    return bankPaymentView(p, p.subscriptionId);
  });
}

/** A payment of the channel by its reference: after a timeout the bank asks whether its call went through. */
export async function bankPaymentByReference(db: Db, channel: BankChannel, reference: string): Promise<BankPayment> {
  const id = await findPaymentId(db, channel.source, reference);
  if (id === undefined) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_NOT_FOUND', { id: `with reference ${reference}` });
  const p = await loadPayment(db, id);
  return bankPaymentView(p, p.subscriptionId);
}
