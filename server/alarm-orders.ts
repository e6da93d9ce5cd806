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

export function wireAlarmOrders(pool: pg.Pool, registry: DeviceRegistry, opts: { sweep?: boolean } = {}): AlarmOrders {
  const open = async (alarm: Alarm, region: string | null | undefined): Promise<boolean> => {
    const order = await openWorkOrderFromAlarm(pool, {
      alarmId: alarm.id,
      meterId: alarm.meterId,
      alarmType: alarm.category ?? 'inspection',
      severity: alarm.severity,
      raisedAt: alarm.raisedAt,
      region: region ?? undefined,
    });
    return order.created;
  };
  const regionsOf = async (alarms: Alarm[]) => new Map((await registry.byIds([...new Set(alarms.map((a) => a.meterId))])).map((m) => [m.id, m.region]));
  const handle = async ({ change, alarm }: AlarmChange) => {
    await announce(pool, {
      stream: 'alarms',
      kind: change,
      id: String(alarm.id),
      data: { meterId: alarm.meterId, serial: alarm.serial, type: alarm.type, category: alarm.category, severity: alarm.severity, state: alarm.state, acknowledged: alarm.acknowledged, raisedAt: alarm.raisedAt },
    });
    if (change === 'raised') await open(alarm, (await regionsOf([alarm])).get(alarm.meterId));
  };
  const unsubscribe = onAlarmChange((c) => void handle(c).catch((err) => log.warn({ err: err.message, alarm: c.alarm.id }, 'alarm change not carried to the feed or a work order; the sweep retries the order')));
  const sweep = async () => {
    const alarms = await listAlarms(pool, { state: 'active', limit: SWEEP_LIMIT });
    const regions = await regionsOf(alarms);
    let opened = 0;
    for (const alarm of alarms) if (await open(alarm, regions.get(alarm.meterId))) opened++;
    if (opened) log.warn({ opened }, 'opened work orders for active alarms that had none');
    return opened;
  };
  // Only where alarms are raised (the processes running the rules): elsewhere the sweep would repeat the same work.
  const sweepQuietly = () => void sweep().catch((err) => log.warn({ err: err.message }, 'alarm order sweep failed'));
  const timer = (opts.sweep ?? true) ? setInterval(sweepQuietly, SWEEP_MS) : undefined;
  timer?.unref();
  if (timer) sweepQuietly();
  return {
    sweep,
    stop() {
      unsubscribe();
      if (timer) clearInterval(timer);
    },
  };
}
