/**
 * Alarms into work orders and onto the live feed: the work that spans the rules engine and the work-orders module,
 * wired here in the composition root (DESIGN.md: a plain async function of the context that owns the outcome).
 *
 * Every alarm change is announced on the `alarms` stream. A raised alarm opens its work order, routed to a crew of the
 * meter's region. Opening is idempotent per alarm, so a sweep at start and every few minutes opens the orders of active
 * alarms whose first attempt failed (a database restart between the alarm's commit and its order), and nothing twice.
 */
import type pg from 'pg';
import { announce } from '../platform/feed.ts';
import { contextLogger } from '../platform/logger.ts';
import { listAlarms, onAlarmChange, type Alarm, type AlarmChange } from '../rules/index.ts';
import { openWorkOrderFromAlarm } from '../modules/work-orders/index.ts';
import type { DeviceRegistry } from '../headend/index.ts';

const log = contextLogger('alarm-orders');
const SWEEP_MS = 5 * 60_000;
const SWEEP_LIMIT = 1_000;

export interface AlarmOrders {
  /** Opens the orders of active alarms that have none yet; returns how many it opened. */
  sweep(): Promise<number>;
  stop(): void;
}

export function wireAlarmOrders(pool: pg.Pool, registry: DeviceRegistry): AlarmOrders {
  const open = async (alarm: Alarm): Promise<boolean> => {
    const [meter] = await registry.byIds([alarm.meterId]);
    const order = await openWorkOrderFromAlarm(pool, {
      alarmId: alarm.id,
      meterId: alarm.meterId,
      alarmType: alarm.category ?? 'inspection',
      severity: alarm.severity,
      raisedAt: alarm.raisedAt,
      region: meter?.region ?? undefined,
    });
    return order.created;
  };
  const handle = async ({ change, alarm }: AlarmChange) => {
    await announce(pool, {
      stream: 'alarms',
      kind: change,
      id: String(alarm.id),
      data: { meterId: alarm.meterId, serial: alarm.serial, type: alarm.type, category: alarm.category, severity: alarm.severity, state: alarm.state, acknowledged: alarm.acknowledged, raisedAt: alarm.raisedAt },
    });
    if (change === 'raised') await open(alarm);
  };
  const unsubscribe = onAlarmChange((c) => void handle(c).catch((err) => log.warn({ err: err.message, alarm: c.alarm.id }, 'alarm change not carried to the feed or a work order; the sweep retries the order')));
  const sweep = async () => {
    let opened = 0;
    for (const alarm of await listAlarms(pool, { state: 'active', limit: SWEEP_LIMIT })) if (await open(alarm)) opened++;
    if (opened) log.warn({ opened }, 'opened work orders for active alarms that had none');
    return opened;
  };
  const timer = setInterval(() => void sweep().catch((err) => log.warn({ err: err.message }, 'alarm order sweep failed')), SWEEP_MS);
  timer.unref();
  void sweep().catch((err) => log.warn({ err: err.message }, 'alarm order sweep failed'));
  return {
    sweep,
    stop() {
      unsubscribe();
      clearInterval(timer);
    },
  };
}
