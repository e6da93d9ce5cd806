/**
 * The alarm as the API and the change feed show it: severity; active/cleared × acknowledged/unacknowledged, each with
 * its time; the rule version that raised it; how often it repeated and reopened.
 */
import { Subject, type Observable } from 'rxjs';
import type { Severity } from './rule-language.ts';

export interface Alarm {
  id: number;
  meterId: number;
  serial?: string;
  type: string; // the rule code
  /** The kind of trouble, in the work-order vocabulary: leak, tamper, reverse_flow, register_backwards, no_data,
   *  pressure, temperature, threshold, rate_of_change, spike, zero_consumption, history_deviation, valve, battery_low. */
  category: string | null;
  ruleId: number;
  ruleVersion: number;
  severity: Severity;
  state: 'active' | 'cleared';
  acknowledged: boolean;
  raisedAt: string;
  lastSeenAt: string;
  clearedAt: string | null;
  clearedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  openedAt: string;
  escalatedAt: string | null;
  repeatCount: number;
  reopenCount: number;
  detail: Record<string, unknown> | null;
}

export const ALARM_CHANGES = ['raised', 'repeated', 'cleared', 'acknowledged', 'escalated'] as const;
export type AlarmChangeKind = (typeof ALARM_CHANGES)[number];

export interface AlarmChange {
  change: AlarmChangeKind;
  alarm: Alarm;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** From a row of `alarm` (pg types) or its `to_jsonb` (strings): the same shape either way. */
export function toAlarm(r: Record<string, any>): Alarm {
  return {
    id: Number(r.id),
    meterId: r.meter_id,
    ...(r.serial ? { serial: r.serial } : {}),
    type: r.type,
    category: r.detail?.category ?? null,
    ruleId: r.rule_id,
    ruleVersion: r.rule_version,
    severity: r.severity,
    state: r.active ? 'active' : 'cleared',
    acknowledged: r.acknowledged,
    raisedAt: iso(r.raised_at)!,
    lastSeenAt: iso(r.last_seen_at)!,
    clearedAt: iso(r.cleared_at),
    clearedBy: r.cleared_by,
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    openedAt: iso(r.opened_at)!,
    escalatedAt: iso(r.escalated_at),
    repeatCount: r.repeat_count,
    reopenCount: r.reopen_count,
    detail: r.detail ?? null,
  };
}

/**
 * Every alarm change of this process, engine and API alike, in the order they committed. The composition root
 * subscribes here to open work orders and to push the live feed (SSE, MQTT).
 */
const changes = new Subject<AlarmChange>();
export const alarmChanges$: Observable<AlarmChange> = changes.asObservable();

export function publishAlarmChanges(list: AlarmChange[]): void {
  for (const c of list) changes.next(c);
}

/** Calls `listener` with every alarm change; returns the unsubscribe function. */
export function onAlarmChange(listener: (change: AlarmChange) => void): () => void {
  const sub = alarmChanges$.subscribe(listener);
  return () => sub.unsubscribe();
}
