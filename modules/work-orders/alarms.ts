/**
 * Alarm → work order: the door the rules engine (through the composition root) uses. It is idempotent per alarm id:
 * the order's (source, source_ref) is unique, so a second call, a retry after a crash, or two processes racing on
 * the same alarm all end with one order, and every caller gets that order back.
 *
 * Which order an alarm opens is data below: a leak sends the leak crew, tamper the tamper procedure, and everything
 * that needs eyes on the meter (reverse flow, a register going backwards, missing data, pressure or temperature out
 * of band, odd consumption, valve or battery events) an inspection. A type not listed also opens an inspection, so a
 * new rule kind never leaves an alarm without an order; its name is kept in the description.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { changeTransaction } from './events.ts';
import { findOrder, insertOrder } from './orders.ts';
import type { OrderType, Priority, WorkOrder } from './order-view.ts';

export const ALARM_ORDER_TYPE: Readonly<Record<string, OrderType>> = {
  leak: 'leak',
  tamper: 'tamper',
  reverse_flow: 'inspection',
  register_backwards: 'inspection',
  no_data: 'inspection',
  pressure: 'inspection',
  temperature: 'inspection',
  threshold: 'inspection',
  rate_of_change: 'inspection',
  spike: 'inspection',
  zero_consumption: 'inspection',
  history_deviation: 'inspection',
  valve: 'inspection',
  battery_low: 'inspection',
};

const PRIORITY_OF_SEVERITY: Readonly<Record<string, Priority>> = {
  critical: 'critical',
  major: 'high',
  high: 'high',
  minor: 'normal',
  warning: 'normal',
  medium: 'normal',
  low: 'low',
  info: 'low',
  indeterminate: 'normal',
};

export interface AlarmForOrder {
  alarmId: string | number;
  /** The head-end's meter id (number) or the meter's serial (string). */
  meterId: number | string;
  alarmType: string;
  severity: string;
  raisedAt: Date | string;
  region?: string;
}

export function orderTypeOfAlarm(alarmType: string): OrderType {
  return ALARM_ORDER_TYPE[alarmType] ?? 'inspection';
}

/** The order of an alarm, opened (and routed) the first time, found every time after. */
export async function openWorkOrderFromAlarm(pool: pg.Pool, alarm: AlarmForOrder): Promise<WorkOrder & { created: boolean }> {
  const input = checkAlarm(alarm);
  const created = await changeTransaction(pool, (c, changes) =>
    insertOrder(c, { ...input, source: 'alarm', route: true }, `system:alarm`, changes),
  );
  if (created) return { ...created, created: true };
  // Someone opened it before (a repeat, or a race that the unique index settled): that order is the answer.
  const { rows } = await pool.query<{ id: number }>(`SELECT id FROM work_order WHERE source = 'alarm' AND source_ref = $1`, [input.sourceRef]);
  return { ...(await findOrder(pool, rows[0].id))!, created: false };
}

export function checkAlarm(a: AlarmForOrder) {
  const bad = (reason: string) => new AboneError('ABONE_ERR_WORKORDER_ALARM_INVALID', { reason });
  const ref = String(a.alarmId ?? '');
  if (!/^[A-Za-z0-9_:.-]{1,100}$/.test(ref)) throw bad('alarmId must be 1 to 100 letters, digits or _:.-');
  if (typeof a.alarmType !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(a.alarmType)) throw bad('alarmType must be a lower-case name');
  const raisedAt = new Date(a.raisedAt);
  if (Number.isNaN(raisedAt.getTime())) throw bad('raisedAt is not a time');
  let meterId: number | undefined;
  let meterSerial: string | undefined;
  if (typeof a.meterId === 'number' && Number.isInteger(a.meterId) && a.meterId > 0 && a.meterId <= 2_147_483_647) meterId = a.meterId;
  else if (typeof a.meterId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(a.meterId)) meterSerial = a.meterId;
  else throw bad('meterId must be a meter id or a meter serial');
  if (a.region !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(a.region)) throw bad('region is malformed');
  const type = orderTypeOfAlarm(a.alarmType);
  return {
    type,
    priority: PRIORITY_OF_SEVERITY[String(a.severity).toLowerCase()] ?? 'normal',
    sourceRef: ref,
    meterId,
    meterSerial,
    region: a.region,
    clockFrom: raisedAt,
    description: `alarm ${a.alarmType} (${a.severity})${type === 'inspection' && !(a.alarmType in ALARM_ORDER_TYPE) ? ' — type not in the mapping, opened as inspection' : ''}`,
  };
}
