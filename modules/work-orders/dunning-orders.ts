/**
 * Dunning → work order: the door collections uses to send a crew to disconnect a supply for unpaid debt, and to call
 * the crew back when the debt is paid first. Idempotent per dunning case: the order's (source, source_ref) is unique,
 * so a run repeated after a crash finds the order it opened.
 */
import type pg from 'pg';
import { changeTransaction } from './events.ts';
import { findOrder, insertOrder, lockOrder } from './orders.ts';
import { appendEvent } from './trail.ts';
import type { WorkOrder } from './order-view.ts';

const DOER = 'system:dunning';
const OPEN = ['open', 'assigned', 'in_progress', 'on_hold'];

export interface DisconnectionInput {
  /** The dunning case: `<account>:<item>`. */
  caseRef: string;
  meterId: number;
  meterSerial: string;
  region: string | null;
  description: string;
}

/** The case's disconnection order, opened and routed the first time, found every time after. */
export async function openDisconnectionOrder(pool: pg.Pool, input: DisconnectionInput): Promise<WorkOrder> {
  const created = await changeTransaction(pool, (c, changes) =>
    insertOrder(
      c,
      { type: 'disconnection', priority: 'normal', source: 'dunning', sourceRef: input.caseRef, meterId: input.meterId, meterSerial: input.meterSerial, region: input.region ?? undefined, description: input.description, route: true },
      DOER,
      changes,
    ),
  );
  if (created) return created;
  const { rows } = await pool.query<{ id: number }>(`SELECT id FROM work_order WHERE source = 'dunning' AND source_ref = $1`, [input.caseRef]);
  return (await findOrder(pool, rows[0].id))!;
}

/** Disconnection orders not yet closed, with their cases: the run asks which cases have ended since. */
export async function openDisconnectionOrders(db: pg.Pool | pg.PoolClient): Promise<Array<{ id: number; caseRef: string }>> {
  const { rows } = await db.query<{ id: number; caseRef: string }>(
    `SELECT id::int, source_ref AS "caseRef" FROM work_order WHERE source = 'dunning' AND status = ANY($1::text[]) ORDER BY id`,
    [OPEN],
  );
  return rows;
}

/** Cancels an order whose case ended (the debt was paid or put under a plan), with the reason on its trail. */
export async function cancelDisconnectionOrder(pool: pg.Pool, id: number, reason: string): Promise<boolean> {
  return changeTransaction(pool, async (c, changes) => {
    const order = await lockOrder(c, id);
    if (order.source !== 'dunning' || !OPEN.includes(order.status)) return false;
    await c.query(`UPDATE work_order SET status = 'cancelled', closed_at = now(), hold_started_at = NULL WHERE id = $1`, [id]);
    await appendEvent(c, { orderId: id, kind: 'status', doer: DOER, fromStatus: order.status, toStatus: 'cancelled', text: reason });
    await changes.add(c, { kind: 'status', orderId: id, type: order.type, status: 'cancelled', region: order.region, crew: order.crew });
    return true;
  });
}
