/**
 * The subscription lifecycle as data: which event may happen in which status, what it leads to, and what it needs.
 * The service (contract-events.ts) only reads this table; a move it does not list is refused with
 * ABONE_ERR_SUBSCRIPTION_TRANSITION_REFUSED. Live statuses are the ones that hold the installation (one at a time).
 *
 *   move-in ─▶ active ◀─unfreeze── frozen        active ─move_out/transfer─▶ ended/transferred (final bill)
 *              active ──freeze──▶ frozen          active ─cancel─▶ cancelled (a contract entered in error)
 *              active ─cut_off─▶ cut_off ─reconnect─▶ active
 */
export const STATUSES = ['active', 'frozen', 'cut_off', 'ended', 'transferred', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];
export const LIVE: readonly Status[] = ['active', 'frozen', 'cut_off'];

export const CLASSES = ['residential', 'commercial', 'industrial', 'public', 'place_of_worship', 'other'] as const;
export type SubscriberClass = (typeof CLASSES)[number];

export interface Transition {
  from: readonly Status[];
  to: Status;
  /** required: a register reading of the fitted meter must be given; optional: recorded when given. */
  reading: 'required' | 'optional' | 'none';
  /** Ends the contract and asks billing for a final bill at the closing reading. */
  finalBill: boolean;
}

export const EVENTS = ['move_out', 'transfer', 'freeze', 'unfreeze', 'cut_off', 'reconnect', 'cancel'] as const;
export type LifecycleEvent = (typeof EVENTS)[number];

export const TRANSITIONS: Record<LifecycleEvent, Transition> = {
  // A cut-off line can move out (the debt stays on the account) but not be handed over: a new holder must not take
  // over a disconnected supply without the debt being settled or the line reconnected.
  move_out: { from: ['active', 'frozen', 'cut_off'], to: 'ended', reading: 'required', finalBill: true },
  transfer: { from: ['active', 'frozen'], to: 'transferred', reading: 'required', finalBill: true },
  freeze: { from: ['active'], to: 'frozen', reading: 'optional', finalBill: false },
  unfreeze: { from: ['frozen'], to: 'active', reading: 'optional', finalBill: false },
  cut_off: { from: ['active'], to: 'cut_off', reading: 'optional', finalBill: false },
  reconnect: { from: ['cut_off'], to: 'active', reading: 'optional', finalBill: false },
  // Cancel annuls a contract entered by mistake; consumption is billed by moving out instead, so no final bill.
  cancel: { from: ['active', 'frozen'], to: 'cancelled', reading: 'none', finalBill: false },
};

export function transitionOf(event: LifecycleEvent, status: Status): Transition | undefined {
  const t = TRANSITIONS[event];
  return t.from.includes(status) ? t : undefined;
}
