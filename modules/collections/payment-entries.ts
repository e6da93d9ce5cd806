/**
 * What a taken payment writes and answers, the same whether it came alone (payments.ts) or in a file's batch
 * (payments-batch.ts): its ledger entry, the late-fee entry for each overdue item it settles, and the Payment view
 * built from what was written (as loadPayment would read it back; bank-payment-view.test.ts keeps the two equal).
 */
import { Money } from '../../platform/money.ts';
import type { EntryInput, Settlement } from '../ledger/index.ts';
import { CHANNEL_GL, type checkPaymentInput } from './payment-input.ts';
import type { Payment } from './payment-view.ts';

export type CheckedPayment = ReturnType<typeof checkPaymentInput>;

/** The payment entry: the channel's clearing account debited, the receivable credited; keyed by source and reference. */
export function paymentEntry(input: CheckedPayment): EntryInput {
  return {
    idempotencyKey: `payment:${input.source}:${input.reference}`,
    kind: 'payment',
    accountId: input.accountId,
    businessDate: input.businessDate,
    description: input.description ?? `Tahsilat (${input.channel})`,
    actor: input.actor,
    lines: [
      { gl: input.debitGl ?? CHANNEL_GL[input.channel], debit: input.amount },
      { gl: 'receivables', credit: input.amount },
    ],
  };
}

/** A late fee the payment `entryId` charges on item `itemId`: a fee item due on the payment date, settled at once. */
export function lateFeeEntry(f: { accountId: number; businessDate: string; entryId: number; itemId: number; from: string; fee: Money; actor: string }): EntryInput {
  const amount = f.fee.toFixed(2);
  return {
    idempotencyKey: `late-fee:${f.entryId}:${f.itemId}`,
    kind: 'fee',
    accountId: f.accountId,
    businessDate: f.businessDate,
    description: `Gecikme zammı: kalem #${f.itemId}, ${f.from} sonrası`,
    actor: f.actor,
    lines: [
      { gl: 'receivables', debit: amount },
      { gl: 'revenue.fees', credit: amount },
    ],
    item: { dueDate: f.businessDate },
  };
}

/** The view of a payment taken now; `kinds` names the kind of each settled item (the late-fee items are 'fee'). */
export function takenPayment(
  input: CheckedPayment,
  w: { id: number; subscriptionId: string; entryId: number; takenAt: Date; settlements: Settlement[]; kinds: Map<number, string>; lateFees: Payment['lateFees'] },
): Payment {
  const spent = w.settlements.reduce((s, x) => s.plus(x.amount), new Money(0));
  return {
    id: w.id,
    accountId: input.accountId,
    subscriptionId: w.subscriptionId,
    channel: input.channel,
    source: input.source,
    reference: input.reference,
    amount: new Money(input.amount).toFixed(2),
    businessDate: input.businessDate,
    entryId: w.entryId,
    drawerId: input.drawerId ?? null,
    instalments: input.instalments ?? null,
    receiptNo: input.receiptNo ?? null,
    actor: input.actor,
    takenAt: w.takenAt,
    allocations: w.settlements.map((s) => ({ itemId: s.itemId, kind: w.kinds.get(s.itemId) ?? 'fee', amount: s.amount })),
    lateFees: w.lateFees,
    unallocated: new Money(input.amount).minus(spent).toFixed(2),
    cancelled: null,
    replayed: false,
  };
}
