/**
 * Direct debit orders (otomatik ödeme talimatı): a subscriber asks that a bank pay their bills from an IBAN on the due
 * date. Lifecycle: requested (by the subscriber, at the desk or through the bank) → approved (the bank confirmed the
 * mandate) → active (the utility includes it in collection lists) → cancelled (by either side, at any step). Only one
 * order per subscription that is not cancelled: the database's partial unique index says so, however two clerks race.
 * Each step is appended to the order's event history.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { accountForSubscription, type Db } from '../ledger/index.ts';
import { normaliseIban } from './statement-line.ts';
import type { InTransaction } from './statement-import.ts';

export type OrderStatus = 'requested' | 'approved' | 'active' | 'cancelled';

export interface DirectDebitOrder {
  id: number;
  subscriptionId: string;
  accountId: number;
  bank: string;
  payerIban: string;
  status: OrderStatus;
  bankReference: string | null;
  requestedAt: Date;
  approvedAt: Date | null;
  activatedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  events: Array<{ status: string; detail: string | null; actor: string; at: Date }>;
}

const BANK = /^[0-9]{4,5}$/;
const invalid = (field: string, reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field, reason });
const text = (v: unknown, field: string, max: number, required: boolean): string | null => {
  if (v === undefined || v === null) {
    if (required) throw invalid(field, `1 to ${max} characters`);
    return null;
  }
  if (typeof v !== 'string' || v.trim() === '' || v.length > max || /\p{Cc}/u.test(v)) throw invalid(field, `1 to ${max} characters without control characters`);
  return v;
};

export async function requestOrder(pool: pg.Pool, input: { subscriptionId: string; bank: string; payerIban: string; actor: string }, after?: InTransaction<DirectDebitOrder>): Promise<DirectDebitOrder> {
  if (typeof input.bank !== 'string' || !BANK.test(input.bank)) throw invalid('bank', "the bank's EFT code, 4 or 5 digits ('0062')");
  const iban = normaliseIban(typeof input.payerIban === 'string' ? input.payerIban : undefined);
  if (!iban) throw invalid('payerIban', 'a valid Turkish IBAN');
  return withTransaction(pool, async (c) => {
    const account = await accountForSubscription(c, String(input.subscriptionId ?? ''));
    await c.query('SAVEPOINT dd_request');
    try {
      const { rows } = await c.query<{ id: number }>(
        `INSERT INTO collections_dd_order (subscription_id, account_id, bank, payer_iban, status, actor) VALUES ($1, $2, $3, $4, 'requested', $5) RETURNING id::int`,
        [account.subscriptionId, account.id, input.bank, iban, input.actor],
      );
      await event(c, rows[0].id, 'requested', `bank ${input.bank}`, input.actor);
      const order = await loadOrder(c, rows[0].id);
      await after?.(c, order);
      return order;
    } catch (err) {
      if (!isUniqueViolation(err, 'collections_dd_order_one_bank')) throw err;
      await c.query('ROLLBACK TO SAVEPOINT dd_request');
      const { rows } = await c.query<{ id: number; bank: string }>(`SELECT id::int, bank FROM collections_dd_order WHERE subscription_id = $1 AND status <> 'cancelled'`, [account.subscriptionId]);
      throw new AboneError('ABONE_ERR_COLLECTIONS_DD_ORDER_EXISTS', { subscriptionId: account.subscriptionId, orderId: rows[0]?.id, bank: rows[0]?.bank });
    }
  });
}

/** The bank confirmed the mandate (its own reference kept). */
export const approveOrder = (pool: pg.Pool, input: { id: number; bankReference?: string; actor: string }, after?: InTransaction<DirectDebitOrder>) =>
  step(pool, input.id, 'approve', ['requested'], 'approved', text(input.bankReference, 'bankReference', 100, false), input.actor, after);

/** From now on the order's items go into collection lists. */
export const activateOrder = (pool: pg.Pool, input: { id: number; actor: string }, after?: InTransaction<DirectDebitOrder>) =>
  step(pool, input.id, 'activate', ['approved'], 'active', null, input.actor, after);

/** Cancelled by the subscriber or the bank; cancelling a cancelled order returns it unchanged. */
export async function cancelOrder(pool: pg.Pool, input: { id: number; reason: string; actor: string }, after?: InTransaction<DirectDebitOrder>): Promise<DirectDebitOrder> {
  const reason = text(input.reason, 'reason', 500, true)!;
  return step(pool, input.id, 'cancel', ['requested', 'approved', 'active'], 'cancelled', reason, input.actor, after, true);
}

const PAST: Record<string, string> = { approve: 'approved', activate: 'activated', cancel: 'cancelled' };
const isUniqueViolation = (err: unknown, constraint: string) =>
  (err as { code?: string })?.code === '23505' && (err as { constraint?: string }).constraint === constraint;

async function step(pool: pg.Pool, id: number, action: string, from: OrderStatus[], to: OrderStatus, detail: string | null, actor: string, after?: InTransaction<DirectDebitOrder>, idempotent = false): Promise<DirectDebitOrder> {
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query<{ status: OrderStatus }>('SELECT status FROM collections_dd_order WHERE id = $1 FOR UPDATE', [id]);
    if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_DD_ORDER_NOT_FOUND', { id });
    if (idempotent && rows[0].status === to) return loadOrder(c, id);
    if (!from.includes(rows[0].status)) throw new AboneError('ABONE_ERR_COLLECTIONS_DD_TRANSITION', { id, status: rows[0].status, action: PAST[action] ?? action });
    const stamp = { approved: 'approved_at', active: 'activated_at', cancelled: 'cancelled_at', requested: 'requested_at' }[to];
    await c.query(
      `UPDATE collections_dd_order SET status = $2, ${stamp} = now(),
         bank_reference = CASE WHEN $2 = 'approved' THEN $3 ELSE bank_reference END,
         cancel_reason = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancel_reason END
       WHERE id = $1`,
      [id, to, detail],
    );
    await event(c, id, to, detail, actor);
    const order = await loadOrder(c, id);
    await after?.(c, order);
    return order;
  });
}

async function event(c: pg.PoolClient, orderId: number, status: string, detail: string | null, actor: string): Promise<void> {
  await c.query('INSERT INTO collections_dd_order_event (order_id, status, detail, actor) VALUES ($1, $2, $3, $4)', [orderId, status, detail, actor]);
}

/** An order as every read returns it, with its history (a handful of events each); callers add the WHERE. */
export const ORDER_SELECT = `SELECT id::int, subscription_id AS "subscriptionId", account_id::int AS "accountId", bank, payer_iban AS "payerIban", status, bank_reference AS "bankReference",
            requested_at AS "requestedAt", approved_at AS "approvedAt", activated_at AS "activatedAt", cancelled_at AS "cancelledAt", cancel_reason AS "cancelReason",
            (SELECT coalesce(json_agg(json_build_object('status', e.status, 'detail', e.detail, 'actor', e.actor, 'at', e.at) ORDER BY e.id), '[]') FROM collections_dd_order_event e WHERE e.order_id = o.id) AS events
       FROM collections_dd_order o`;

export async function loadOrder(db: Db, id: number): Promise<DirectDebitOrder> {
  const { rows } = await db.query(`${ORDER_SELECT} WHERE id = $1`, [id]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_COLLECTIONS_DD_ORDER_NOT_FOUND', { id });
  return rows[0];
}
