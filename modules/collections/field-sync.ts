/**
 * Payments a field crew took offline, synced later from the device. Each item carries the device's own key: the
 * payment's source is `device:<deviceId>` and its reference that key, so a resent batch, a retried item or a batch
 * arriving days late is the payment taken the first time (`replayed`), never a second one. Each item is its own
 * transaction: one refused item (an unknown subscriber, a malformed amount) does not hold back the others, and the
 * answer says, per key, `taken`, `replayed` or `refused` with the error code.
 *
 * A device belongs to the field crew user who first synced it (the binding is stored); after that only that user may
 * sync it, others get ABONE_ERR_COLLECTIONS_DEVICE_NOT_YOURS and nothing is written. Giving a device to another crew
 * member is an administrator's step (`assignFieldDevice`, permission users.manage), audited by its route.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { accountForSubscription, requireAccount } from '../ledger/index.ts';
import { takePayment } from './payments.ts';
import type { Payment } from './payment-view.ts';
import type { InTransaction } from './statement-import.ts';

export interface FieldPaymentItem {
  /** The device's idempotency key for this payment (its receipt number on the device, a UUID ...). */
  key: string;
  /** The subscriber: the subscription (subscriber number) or the current account id. */
  subscriptionId?: string;
  accountId?: number;
  amount: string;
  /** When the crew took the money, as the device's clock saw it (ISO 8601 with offset). */
  takenAt: string;
  /** The business day the money was taken (YYYY-MM-DD, Istanbul). */
  businessDate: string;
  note?: string;
}

export interface FieldItemResult {
  key: string;
  status: 'taken' | 'replayed' | 'refused';
  paymentId?: number;
  amount?: string;
  code?: string;
  message?: string;
}

export const MAX_FIELD_BATCH = 500;
const DEVICE = /^[A-Za-z0-9_.-]{1,64}$/;
const invalid = (reason: string) => new AboneError('ABONE_ERR_COLLECTIONS_FIELD_BATCH_INVALID', { reason });

/** `after` runs in each taken item's transaction (the route's audit row); replays and refusals wrote nothing. */
export async function syncFieldBatch(pool: pg.Pool, batch: { deviceId: string; items: FieldPaymentItem[] }, user: string, after?: InTransaction<Payment>): Promise<FieldItemResult[]> {
  if (!batch || typeof batch.deviceId !== 'string' || !DEVICE.test(batch.deviceId)) throw invalid('deviceId must be 1 to 64 letters, digits, _ . -');
  if (!Array.isArray(batch.items) || batch.items.length < 1 || batch.items.length > MAX_FIELD_BATCH) throw invalid(`a batch holds 1 to ${MAX_FIELD_BATCH} items`);
  const keys = batch.items.map((i) => i?.key);
  if (new Set(keys).size !== keys.length) throw invalid('a key appears twice in the batch');
  await bindDevice(pool, batch.deviceId, user);
  const results: FieldItemResult[] = [];
  for (const item of batch.items) results.push(await syncItem(pool, batch.deviceId, item, user, after));
  return results;
}

/** Binds the device to the user on its first sync; refuses anyone else afterwards. */
export async function bindDevice(db: pg.Pool | pg.PoolClient, deviceId: string, user: string): Promise<void> {
  await db.query('INSERT INTO collections_field_device (device_id, username) VALUES ($1, $2) ON CONFLICT (device_id) DO NOTHING', [deviceId, user]);
  const { rows } = await db.query<{ username: string }>('SELECT username FROM collections_field_device WHERE device_id = $1', [deviceId]);
  if (rows[0].username !== user) throw new AboneError('ABONE_ERR_COLLECTIONS_DEVICE_NOT_YOURS', { deviceId });
}

/** Binds a device to a user by hand (a tablet handed to another crew member). Returns the former user, if any. */
export async function assignFieldDevice(db: pg.Pool | pg.PoolClient, deviceId: string, user: string): Promise<string | null> {
  if (typeof deviceId !== 'string' || !DEVICE.test(deviceId)) throw invalid('deviceId must be 1 to 64 letters, digits, _ . -');
  const { rows } = await db.query<{ username: string }>('SELECT username FROM collections_field_device WHERE device_id = $1 FOR UPDATE', [deviceId]);
  await db.query(
    'INSERT INTO collections_field_device (device_id, username) VALUES ($1, $2) ON CONFLICT (device_id) DO UPDATE SET username = EXCLUDED.username, bound_at = now()',
    [deviceId, user],
  );
  return rows[0]?.username ?? null;
}

async function syncItem(pool: pg.Pool, deviceId: string, item: FieldPaymentItem, user: string, after?: InTransaction<Payment>): Promise<FieldItemResult> {
  const key = typeof item?.key === 'string' ? item.key : String(item?.key);
  try {
    const takenAt = new Date(item.takenAt);
    if (typeof item.takenAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(item.takenAt) || Number.isNaN(takenAt.getTime())) {
      throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'takenAt', reason: 'an ISO 8601 time' });
    }
    if (takenAt.getTime() > Date.now() + 10 * 60_000) throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'takenAt', reason: 'not in the future (check the device clock)' });
    if (typeof item.businessDate !== 'string') throw new AboneError('ABONE_ERR_COLLECTIONS_PAYMENT_INVALID', { field: 'businessDate', reason: 'a date YYYY-MM-DD' });
    return await withTransaction(pool, async (c) => {
      const accountId = item.accountId !== undefined ? (await requireAccount(c, item.accountId)).id : (await accountForSubscription(c, String(item.subscriptionId ?? ''))).id;
      const payment = await takePayment(c, {
        accountId, amount: item.amount, channel: 'field', source: `device:${deviceId}`, reference: key, businessDate: item.businessDate,
        payerNote: item.note, description: `Saha tahsilatı (${deviceId})`, actor: user,
      });
      if (!payment.replayed) {
        await c.query('INSERT INTO collections_field_payment (payment_id, device_id, taken_on_device, synced_by) VALUES ($1, $2, $3, $4)', [payment.id, deviceId, takenAt, user]);
        await after?.(c, payment);
      }
      return { key, status: payment.replayed ? 'replayed' : 'taken', paymentId: payment.id, amount: payment.amount } satisfies FieldItemResult;
    });
  } catch (err) {
    if (err instanceof AboneError) return { key, status: 'refused', code: err.code, message: err.message };
    throw err;
  }
}
