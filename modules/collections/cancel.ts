/**
 * Cancelling a payment: the ledger reverses its entry (its settlements are released, the items open again) and the
 * late fees it charged (they were owed only because it was paid late; the debt's own fee keeps running). The
 * cancellation is its own row. Cancelling again returns the cancelled payment, so a bank's retried call is harmless.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { lockAccount, reverseEntry, type Db } from '../ledger/index.ts';
import { loadPayment, type Payment } from './payment-view.ts';

export interface CancelInput {
  paymentId: number;
  reason: string;
  actor: string;
  /** Refuse unless the payment was taken on this business day (the cashier desk's rule). */
  sameDay?: boolean;
  /** Refuse unless the payment came from this source (a bank cancels only its own payments). */
  source?: string;
}

export async function cancelPayment(db: Db, input: CancelInput): Promise<Payment> {
  if (typeof input.reason !== 'string' || input.reason.trim() === '' || input.reason.length > 500) {
    throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'reason', reason: '1 to 500 characters' });
  }
  const run = async (c: pg.PoolClient) => {
    const before = await loadPayment(c, input.paymentId);
    await lockAccount(c, before.accountId);
    const payment = await loadPayment(c, input.paymentId);
    if (input.source !== undefined && payment.source !== input.source) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_NOT_FOUND', { id: input.paymentId });
    if (payment.cancelled) return payment;
    const today = localDate(Date.now());
    if (input.sameDay && payment.businessDate !== today) {
      throw new AboneError('ABONE_ERR_COLLECTIONS_CANCEL_REFUSED', { id: payment.id, reason: `it was taken on ${payment.businessDate}; only same-day payments are cancelled at the desk, later ones by a correction` });
    }
    const reversal = await reverseEntry(c, { entryId: payment.entryId, idempotencyKey: `cancel:payment:${payment.id}`, businessDate: today, description: `İptal: tahsilat #${payment.id}`, actor: input.actor });
    const { rows: fees } = await c.query<{ entryId: number }>('SELECT fee_entry_id::int AS "entryId" FROM collections_late_fee WHERE payment_id = $1 ORDER BY id', [payment.id]);
    for (const fee of fees) {
      await reverseEntry(c, { entryId: fee.entryId, idempotencyKey: `cancel:late-fee:${fee.entryId}`, businessDate: today, description: `İptal: tahsilat #${payment.id} gecikme zammı`, actor: input.actor });
    }
    await c.query('INSERT INTO collections_payment_cancellation (payment_id, reversal_entry_id, reason, actor) VALUES ($1, $2, $3, $4)', [payment.id, reversal.id, input.reason, input.actor]);
    return loadPayment(c, payment.id);
  };
  return 'release' in db ? run(db as pg.PoolClient) : withTransaction(db as pg.Pool, run);
}
