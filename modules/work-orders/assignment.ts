/**
 * Assigning an order to a crew, by the routing rule or by hand, and reassigning it. A reassignment needs a reason
 * (it is the crew's work taken away) and puts the order back to `assigned`: the new crew has not started it.
 * An order on hold is resumed first; a closed one is never reassigned.
 */
import { z } from 'zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import type { CallContext } from './doer.ts';
import { changeTransaction } from './events.ts';
import { FreeText, lockOrder } from './orders.ts';
import type { Status, WorkOrder } from './order-view.ts';
import { reachOrder } from './reach.ts';
import { checkCrew, needOf, routeOrder } from './routing.ts';
import { appendEvent } from './trail.ts';

export const CrewCode = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'upper-case letters, digits and -, 2 to 32 characters');
export const AssignSchema = z.object({
  /** Omitted: the routing rule chooses (leaving out the current crew on a reassignment). */
  crew: CrewCode.optional(),
  reason: FreeText(500).optional(),
});
export type AssignInput = z.infer<typeof AssignSchema>;

const ASSIGNABLE: Status[] = ['open', 'assigned', 'in_progress'];

export async function assignOrder(pool: pg.Pool, id: number, input: AssignInput, ctx: CallContext): Promise<WorkOrder> {
  return changeTransaction(pool, async (c, changes) => {
    const { order } = await reachOrder(c, id, ctx, 'manage');
    if (!ASSIGNABLE.includes(order.status)) throw new AboneError('ABONE_ERR_WORKORDER_TRANSITION_ILLEGAL', { type: order.type, from: order.status, to: 'assigned' });
    const reassigning = order.crewId !== null;
    if (reassigning && !input.reason) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: 'reason: a reassignment needs a reason' });
    let crew;
    if (input.crew) {
      const checked = await checkCrew(c, order, input.crew);
      if (!checked.crew) throw new AboneError('ABONE_ERR_WORKORDER_CREW_NOT_FOUND', { crew: input.crew });
      if (checked.crew.id === order.crewId) throw new AboneError('ABONE_ERR_WORKORDER_CREW_UNFIT', { crew: input.crew, id, reason: 'it already holds the order' });
      if (checked.unfit) throw new AboneError('ABONE_ERR_WORKORDER_CREW_UNFIT', { crew: input.crew, id, reason: checked.unfit });
      crew = checked.crew;
    } else {
      crew = await routeOrder(c, order, order.crewId ?? undefined);
      if (!crew) throw new AboneError('ABONE_ERR_WORKORDER_NO_CREW', { id, skill: (await needOf(c, order)).skill });
    }
    await c.query(`UPDATE work_order SET crew_id = $2, status = 'assigned' WHERE id = $1`, [id, crew.id]);
    await appendEvent(c, { orderId: id, kind: 'assignment', doer: ctx.actor, fromStatus: order.status, toStatus: 'assigned', crewId: crew.id, text: input.reason ?? (input.crew ? 'by hand' : 'routed') });
    const after = await lockOrder(c, id);
    await changes.add(c, { kind: 'assigned', orderId: id, type: after.type, status: after.status, region: after.region, crew: after.crew });
    return after;
  });
}
