/** A payment as its channel and the ledger see it: what came in, what it settled, what is left as credit. */
import { AboneError } from '../../platform/errors.ts';
import { creditSettlements, type Db } from '../ledger/index.ts';
import type { Channel } from './payment-input.ts';

export interface Payment {
  id: number;
  accountId: number;
  subscriptionId: string;
  channel: Channel;
  source: string;
  reference: string;
  amount: string;
  businessDate: string;
  entryId: number;
  drawerId: number | null;
  instalments: number | null;
  receiptNo: string | null;
  actor: string;
  takenAt: Date;
  /** What the payment settled, in order: a late fee before the principal it follows. */
  allocations: Array<{ itemId: number; kind: string; amount: string }>;
  lateFees: Array<{ itemId: number; fromDate: string; toDate: string; principal: string; amount: string }>;
  /** Money of this payment not applied to any item: a credit later items consume (0 once cancelled). */
  unallocated: string;
  cancelled: { at: Date; by: string; reason: string } | null;
  /** True when this (source, reference) had been taken before: this is that payment, nothing was written now. */
  replayed: boolean;
}

export const PAYMENT_COLUMNS = `p.id::int, p.account_id::int AS "accountId", p.subscription_id AS "subscriptionId", p.channel, p.source, p.reference,
  p.amount::text, to_char(p.business_date, 'YYYY-MM-DD') AS "businessDate", p.entry_id::int AS "entryId", p.drawer_id::int AS "drawerId",
  p.instalments, p.receipt_no AS "receiptNo", p.actor, p.taken_at AS "takenAt"`;

export async function loadPayment(db: Db, id: number): Promise<Payment> {
  const { rows } = await db.query(
    `SELECT ${PAYMENT_COLUMNS},
            CASE WHEN x.payment_id IS NULL THEN NULL ELSE json_build_object('at', x.cancelled_at, 'by', x.actor, 'reason', x.reason) END AS cancelled
     FROM collections_payment p LEFT JOIN collections_payment_cancellation x ON x.payment_id = p.id WHERE p.id = $1`,
    [id],
  );
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_NOT_FOUND', { id });
  const payment = rows[0];
  const { allocations, unallocated } = await creditSettlements(db, payment.entryId);
  const { rows: lateFees } = await db.query(
    `SELECT item_id::int AS "itemId", to_char(from_date, 'YYYY-MM-DD') AS "fromDate", to_char(to_date, 'YYYY-MM-DD') AS "toDate", principal::text, amount::text
     FROM collections_late_fee WHERE payment_id = $1 ORDER BY id`,
    [id],
  );
  return { ...payment, allocations, lateFees, unallocated, replayed: false };
}
