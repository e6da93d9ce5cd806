/**
 * How a work order is read: one SELECT list used everywhere, so every answer carries the same computed SLA fields.
 * `breached` compares the due time with the moment the clock stopped: the start of a hold (the clock is paused), the
 * closing time, or now.
 */
export interface WorkOrder {
  id: number;
  type: string;
  status: Status;
  priority: Priority;
  source: 'alarm' | 'notice' | 'api' | 'calibration' | 'dunning';
  sourceRef: string | null;
  meterSerial: string | null;
  meterId: number | null;
  address: string | null;
  region: string | null;
  description: string | null;
  crewId: number | null;
  crew: string | null;
  closingCode: string | null;
  createdAt: Date;
  slaDueAt: Date;
  onHoldSince: Date | null;
  closedAt: Date | null;
  breached: boolean;
}

export const STATUSES = ['open', 'assigned', 'in_progress', 'on_hold', 'completed', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const ORDER_TYPES = ['inspection', 'leak', 'tamper', 'meter_replacement', 'meter_removal', 'calibration', 'reconnection', 'disconnection'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
/** The statuses that count towards a crew's load. */
export const CARRIED: Status[] = ['assigned', 'in_progress', 'on_hold'];

export const ORDER_COLUMNS = `o.id, o.type, o.status, o.priority, o.source, o.source_ref AS "sourceRef", o.meter_serial AS "meterSerial",
  o.meter_id AS "meterId", o.address, o.region, o.description, o.crew_id AS "crewId",
  (SELECT code FROM crew WHERE crew.id = o.crew_id) AS crew, o.closing_code AS "closingCode", o.created_at AS "createdAt",
  o.sla_due_at AS "slaDueAt", o.hold_started_at AS "onHoldSince", o.closed_at AS "closedAt",
  coalesce(o.hold_started_at, o.closed_at, now()) > o.sla_due_at AS breached`;
