/**
 * A payment at the cashier desk: into the cashier's open drawer of today, numbered with the office's gap-free
 * receipt series. The browser sends its own reference for each payment attempt, so a double click or a resent
 * request after a timeout returns the same receipt instead of taking the money twice.
 */
import type pg from 'pg';
import { DateTime } from 'luxon';
import { BUSINESS_ZONE } from '../../platform/calendar.ts';
import { accountForSubscription, lockAccount } from '../ledger/index.ts';
import { drawerForPayment, loadDrawer } from './drawers.ts';
import { findPaymentId, takePayment } from './payments.ts';
import { loadPayment, type Payment } from './payment-view.ts';
import type { Channel } from './payment-input.ts';

export const DESK_METHODS = ['cash', 'card', 'card_instalment'] as const satisfies readonly Channel[];
export type DeskMethod = (typeof DESK_METHODS)[number];

export interface DeskPayment {
  subscriptionId: string;
  amount: string;
  method: DeskMethod;
  instalments?: number;
  drawerId: number;
  /** The browser's reference for this payment attempt (a UUID): a retry with it returns the first receipt. */
  clientReference: string;
  itemIds?: number[];
  cashier: string;
}

/** In the caller's transaction, so the route audits the payment in the same commit as the money. */
export async function takeDeskPayment(c: pg.PoolClient, input: DeskPayment): Promise<Payment> {
  // A retry finds its first receipt even after the drawer was closed in between.
  const source = `desk:${(await loadDrawer(c, input.drawerId)).office}`;
  const earlier = await findPaymentId(c, source, input.clientReference);
  if (earlier !== undefined) return { ...(await loadPayment(c, earlier)), replayed: true };
  const drawer = await drawerForPayment(c, input.drawerId, input.cashier);
  const account = await accountForSubscription(c, input.subscriptionId);
  await lockAccount(c, account.id);
  const first = await findPaymentId(c, source, input.clientReference); // a concurrent twin may have committed meanwhile
  if (first !== undefined) return { ...(await loadPayment(c, first)), replayed: true };
  return takePayment(c, {
    accountId: account.id,
    amount: input.amount,
    channel: input.method,
    instalments: input.instalments,
    source,
    reference: input.clientReference,
    itemIds: input.itemIds,
    drawerId: drawer.id,
    receiptNo: await nextReceiptNo(c, drawer.office),
    description: `Vezne tahsilatı (${drawer.office})`,
    actor: input.cashier,
  });
}

/** The office's next receipt number this year: MERKEZ-2026-000001. The counter row's lock queues concurrent desks. */
async function nextReceiptNo(c: pg.PoolClient, office: string): Promise<string> {
  const year = DateTime.now().setZone(BUSINESS_ZONE).year;
  const { rows } = await c.query<{ n: number }>(
    `INSERT INTO collections_receipt_counter (office, year, last_no) VALUES ($1, $2, 1)
     ON CONFLICT (office, year) DO UPDATE SET last_no = collections_receipt_counter.last_no + 1 RETURNING last_no AS n`,
    [office, year],
  );
  return `${office}-${year}-${String(rows[0].n).padStart(6, '0')}`;
}
