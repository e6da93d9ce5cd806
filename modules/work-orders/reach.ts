/**
 * Who may act on an order. The guard only knows a permission is held; this is where a field crew member is held to
 * the orders of their own crew, whatever route they use, and where a region-limited role is held to its regions.
 * A refused attempt is written to the audit trail after the rollback, so the refusal itself is not lost with it.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { assertScope, audit, can } from '../access/index.ts';
import type { CallContext } from './doer.ts';
import { lockOrder } from './orders.ts';
import type { WorkOrder } from './order-view.ts';

export type ActMode = 'manage' | 'field';

export interface Reached {
  order: WorkOrder;
  /** True when the actor acts as a crew member (bound to the field transitions), not as a dispatcher. */
  asField: boolean;
}

/** Locks order `id` and checks the actor may act on it through a `mode` route. */
export async function reachOrder(c: pg.PoolClient, id: number, ctx: CallContext, mode: ActMode): Promise<Reached> {
  const order = await lockOrder(c, id);
  const where = order.region ? { region: order.region } : {};
  // A dispatcher (workorders.manage) using a field route (comment, photo) is not bound to a crew.
  if (mode === 'manage' || can(ctx.actor, 'workorders.manage')) {
    assertScope(ctx.actor, 'workorders.manage', where);
    return { order, asField: false };
  }
  assertScope(ctx.actor, 'workorders.field', where);
  const member = order.crewId !== null && (await c.query('SELECT 1 FROM crew_member WHERE crew_id = $1 AND user_id = $2', [order.crewId, ctx.actor.userId])).rowCount! > 0;
  if (!member) throw new AboneError('ABONE_ERR_WORKORDER_NOT_YOUR_CREW', { id });
  return { order, asField: true };
}

/** Runs `work`; a refusal by reach is audited as denied (on the pool, since the work's transaction rolled back). */
export async function auditingRefusal<T>(pool: pg.Pool, ctx: CallContext, action: string, id: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AboneError && (err.code === 'ABONE_ERR_WORKORDER_NOT_YOUR_CREW' || err.code === 'ABONE_ERR_AUTH_OUT_OF_SCOPE')) {
      await audit(pool, ctx.actor, { action, entity: 'work_order', entityId: id, outcome: 'denied', detail: { code: err.code }, correlationId: ctx.correlationId, ip: ctx.ip });
    }
    throw err;
  }
}
