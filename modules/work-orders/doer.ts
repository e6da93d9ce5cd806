/** Who a trail line names: a user, a token, or the system acting on an alarm or a calibration. */
import { actorName, type Actor } from '../access/index.ts';

export type Doer = Actor | `system:${string}`;
export const doerName = (d: Doer) => (typeof d === 'string' ? d : actorName(d));
export const doerId = (d: Doer) => (typeof d === 'string' ? null : d.userId);

export interface CallContext {
  actor: Actor;
  correlationId?: string;
  ip?: string;
}
