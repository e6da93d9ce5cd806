/**
 * Status changes. What may follow what is the `work_order_transition` table; a crew member may make only the rows
 * marked `field` (start, complete, resume), on their own crew's orders. Completing needs a closing code that applies
 * to the order's type. The SLA clock stops while an order is on hold: leaving the hold pushes the due time later by
 * exactly the time spent on hold.
 */
import { z } from 'zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import type { CallContext } from './doer.ts';
import { changeTransaction } from './events.ts';
import { lockOrder, FreeText } from './orders.ts';
import { STATUSES, type Status, type WorkOrder } from './order-view.ts';
import { auditingRefusal, reachOrder, type ActMode } from './reach.ts';
import { appendEvent } from './trail.ts';

export const ClosingCode = z.string().regex(/^[A-Z0-9_]{1,32}$/);
export const TransitionSchema = z.object({ to: z.enum(STATUSES), closingCode: ClosingCode.optional(), note: FreeText(2000).optional() });
export type TransitionInput = z.infer<typeof TransitionSchema>;

const CLOSED: Status[] = ['completed', 'cancelled'];

export async function transition(pool: pg.Pool, id: number, input: TransitionInput, ctx: CallContext, mode: ActMode): Promise<WorkOrder> {
  return auditingRefusal(pool, ctx, `workorder.${input.to}`, id, () =>
    changeTransaction(pool, async (c, changes) => {
      const { order, asField } = await reachOrder(c, id, ctx, mode);
      const { rows } = await c.query<{ field: boolean }>('SELECT field FROM work_order_transition WHERE from_status = $1 AND to_status = $2', [order.status, input.to]);
      if (!rows.length || (asField && !rows[0].field)) {
        throw new AboneError('ABONE_ERR_WORKORDER_TRANSITION_ILLEGAL', { type: order.type, from: order.status, to: input.to });
      }
      if (input.to === 'completed') await checkClosingCode(c, order, input.closingCode);
      await c.query(
        `UPDATE work_order SET status = $2,
           closing_code = CASE WHEN $2 = 'completed' THEN $3 ELSE closing_code END,
           sla_due_at = CASE WHEN hold_started_at IS NOT NULL AND $2 <> 'on_hold' THEN sla_due_at + (now() - hold_started_at) ELSE sla_due_at END,
           hold_started_at = CASE WHEN $2 = 'on_hold' THEN now() ELSE NULL END,
           closed_at = CASE WHEN $2 = ANY($4::text[]) THEN now() ELSE NULL END
         WHERE id = $1`,
        [id, input.to, input.closingCode ?? null, CLOSED],
      );
      await appendEvent(c, { orderId: id, kind: 'status', doer: ctx.actor, fromStatus: order.status, toStatus: input.to, closingCode: input.to === 'completed' ? input.closingCode : undefined, text: input.note });
      const after = await lockOrder(c, id);
      await changes.add(c, { kind: 'status', orderId: id, type: after.type, status: after.status, region: after.region, crew: after.crew });
      return after;
    }),
  );
}

async function checkClosingCode(c: pg.PoolClient, order: WorkOrder, code: string | undefined): Promise<void> {
  if (!code) throw new AboneError('ABONE_ERR_WORKORDER_CLOSING_CODE_REQUIRED', { id: order.id });
  const { rowCount } = await c.query('SELECT 1 FROM work_order_closing_code WHERE code = $1 AND (order_types IS NULL OR $2 = ANY(order_types))', [code, order.type]);
  if (!rowCount) throw new AboneError('ABONE_ERR_WORKORDER_CLOSING_CODE_UNKNOWN', { code, type: order.type });
}

/** The closing codes that apply to a type (for screens). */
export async function closingCodes(db: pg.Pool, type?: string): Promise<Array<{ code: string; label: string; orderTypes: string[] | null }>> {
  const { rows } = await db.query(
    `SELECT code, label, order_types AS "orderTypes" FROM work_order_closing_code WHERE $1::text IS NULL OR order_types IS NULL OR $1 = ANY(order_types) ORDER BY code`,
    [type ?? null],
  );
  return rows;
}
