/**
 * The SLA clock of a work order, as the board shows it: time left until due, or how late; stopped while on hold
 * (the server pushes the due time when the hold ends) and once closed. Pure, so the board ticks it every 30 s.
 */
export type SlaClock =
  | { kind: 'closed'; breached: boolean }
  | { kind: 'held'; breached: boolean }
  | { kind: 'running'; minutes: number } // minutes left, negative when late
  ;

export function slaClock(o: { status: string; slaDueAt: string; onHoldSince: string | null; closedAt: string | null; breached: boolean }, now: number): SlaClock {
  if (o.closedAt || o.status === 'completed' || o.status === 'cancelled') return { kind: 'closed', breached: o.breached };
  if (o.onHoldSince) return { kind: 'held', breached: o.breached };
  return { kind: 'running', minutes: Math.floor((Date.parse(o.slaDueAt) - now) / 60_000) };
}

/** "3 sa 05 dk" style parts, for the translation to put together. */
export function hoursMinutes(minutes: number): { h: number; m: string } {
  const a = Math.abs(minutes);
  return { h: Math.floor(a / 60), m: String(a % 60).padStart(2, '0') };
}
