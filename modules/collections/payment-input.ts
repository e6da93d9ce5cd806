/** What a payment must say, checked before anything is read or written; each refusal names the field. */
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
import { Money } from '../../platform/money.ts';
import type { GlAccount } from '../ledger/index.ts';

export const CHANNELS = ['cash', 'card', 'card_instalment', 'offset', 'bank', 'ptt', 'wire', 'field', 'direct_debit'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Where each channel's money lands until the bank statement clears it. */
export const CHANNEL_GL: Record<Channel, GlAccount> = {
  cash: 'cash_clearing',
  field: 'cash_clearing',
  card: 'pos_clearing',
  card_instalment: 'pos_clearing',
  bank: 'bank_clearing',
  ptt: 'bank_clearing',
  wire: 'bank_clearing',
  direct_debit: 'bank_clearing',
  offset: 'deposits_held',
};

export interface PaymentInput {
  accountId: number;
  /** TRY with at most two decimals, more than zero. */
  amount: string;
  channel: Channel;
  /** Who vouches for the reference: 'desk:<office>', 'bank:<code>', 'ptt', 'device:<id>', 'statement:<iban>', 'dd:<bank>'. */
  source: string;
  /** The source's own reference; the same (source, reference) twice is one payment. */
  reference: string;
  /** The day the money was received; today in Istanbul by default. */
  businessDate?: string;
  /** Items the payer settles first, in this order (a bank paying chosen bills); the rest by the allocation rules. */
  itemIds?: number[];
  /** The account the money is debited to; by channel when absent (an offset names the deposit or credit it uses). */
  debitGl?: GlAccount;
  drawerId?: number;
  instalments?: number;
  receiptNo?: string;
  payerNote?: string;
  description?: string;
  actor?: string;
}

const invalid = (field: string, reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field, reason });
const SOURCE = /^[a-z]+(:[A-Za-z0-9_.-]{1,64})?$/;
const NO_CONTROL = /^[^\p{Cc}]*$/u;

export function checkPaymentInput(input: PaymentInput): PaymentInput & { businessDate: string; actor: string } {
  if (!input || typeof input !== 'object') throw invalid('payment', 'an object');
  if (!Number.isSafeInteger(input.accountId) || input.accountId < 1) throw invalid('accountId', 'a current account id');
  if (typeof input.amount !== 'string' || !/^\d{1,16}(\.\d{1,2})?$/.test(input.amount) || !new Money(input.amount).greaterThan(0)) {
    throw invalid('amount', 'a positive amount in TRY with at most two decimals, as text ("125.50")');
  }
  if (!(CHANNELS as readonly string[]).includes(input.channel)) throw invalid('channel', `one of ${CHANNELS.join(', ')}`);
  if (typeof input.source !== 'string' || !SOURCE.test(input.source)) throw invalid('source', "like 'bank:0062' or 'desk:MERKEZ'");
  if (typeof input.reference !== 'string' || input.reference.length < 1 || input.reference.length > 100 || !NO_CONTROL.test(input.reference)) {
    throw invalid('reference', '1 to 100 characters without control characters');
  }
  if (input.businessDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(input.businessDate)) throw invalid('businessDate', 'a date YYYY-MM-DD');
  if (input.itemIds !== undefined && (!Array.isArray(input.itemIds) || input.itemIds.length > 500 || !input.itemIds.every((i) => Number.isSafeInteger(i) && i > 0) || new Set(input.itemIds).size !== input.itemIds.length)) {
    throw invalid('itemIds', 'distinct open item ids');
  }
  if ((input.channel === 'card_instalment') !== (input.instalments !== undefined)) throw invalid('instalments', 'given for card instalments only');
  if (input.instalments !== undefined && (!Number.isInteger(input.instalments) || input.instalments < 2 || input.instalments > 18)) throw invalid('instalments', '2 to 18');
  if (input.payerNote !== undefined && (typeof input.payerNote !== 'string' || input.payerNote.length > 200 || !NO_CONTROL.test(input.payerNote))) throw invalid('payerNote', 'at most 200 characters');
  return { ...input, businessDate: input.businessDate ?? localDate(Date.now()), actor: input.actor ?? 'system' };
}
