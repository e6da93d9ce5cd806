/**
 * Alarms into work orders and onto the live feed: the work that spans the rules engine and the work-orders module,
 * wired here in the composition root (DESIGN.md: a plain async function of the context that owns the outcome).
 *
 * Every alarm change is announced on the `alarms` stream, after its commit. A raised alarm opens its work order,
 * routed to a crew of the meter's region. Where the rules run with `inAlarmWrite` (server/alarm-work.ts), the order is
 * opened in the alarm write's own transaction, so the two commit together: no second hop, no crash between them.
 * Otherwise, and for a write whose orders were refused, the raised alarm opens its order after its commit, with the
 * changes carried in batches (everything queued while the last batch was carried). Opening is idempotent per alarm, so
 * a sweep at start and every few minutes opens the orders of active alarms whose first attempt failed (a database
 * restart between the alarm's commit and its order), and nothing twice.
 */
import type pg from 'pg';
import { announceMany } from '../platform/feed.ts';
import { contextLogger } from '../platform/logger.ts';
import { listAlarms, onAlarmChange, type Alarm, type AlarmChange, type AlarmWriteHook } from '../rules/index.ts';
import { alarmOrderCrews, alarmOrdersStatement, openWorkOrderFromAlarm, openWorkOrdersFromAlarms, type AlarmForOrder } from '../modules/work-orders/index.ts';
import type { DeviceRegistry } from '../headend/index.ts';

const log = contextLogger('alarm-orders');
const SWEEP_MS = 5 * 60_000;
const SWEEP_LIMIT = 1_000;
const BATCH_MAX = 500;

export interface AlarmOrders {
  /** Opens the orders of active alarms that have none yet; returns how many it opened. */
  sweep(): Promise<number>;
  /** Opens the raised alarms' orders in the alarm write's transaction: `startRules`' `alongAlarmWrite`. */
  inAlarmWrite: AlarmWriteHook;
  stop(): void;
}

export function wireAlarmOrders(pool: pg.Pool, registry: DeviceRegistry, opts: { sweep?: boolean } = {}): AlarmOrders {
  const forOrder = (alarm: Alarm, region: string | null | undefined): AlarmForOrder => ({
    alarmId: alarm.id,
    meterId: alarm.meterId,
    alarmType: alarm.category ?? 'inspection',
    severity: alarm.severity,
    raisedAt: alarm.raisedAt,
    region: region ?? undefined,
  });
  const open = async (alarm: Alarm, region: string | null | undefined): Promise<boolean> => (await openWorkOrderFromAlarm(pool, forOrder(alarm, region))).created;
  let stopped = false;
  // The alarms whose orders were opened in their own write: the change listener leaves them alone.
  const carried = new WeakSet<Alarm>();
  // The region comes from the engine's meter directory (the one its rules attach by), so the write needs no lookup.
  const inAlarmWrite: AlarmWriteHook = {
    before: (raises, meter) => (stopped ? undefined : alarmOrderCrews(raises.map((t) => meter(t.meterId)?.region), raises.length)),
    decide: (changes, before, meter) => {
      const raised = changes.filter((c) => c.change === 'raised').map((c) => c.alarm);
      if (!raised.length || !before) return {};
      const { statement, committed } = alarmOrdersStatement(raised.map((a) => forOrder(a, meter(a.meterId)?.region)), before[0]);
      for (const a of raised) carried.add(a); // a write that fails discards these objects: its retry publishes new ones
      return { statement, committed };
    },
  };
  const regionsOf = async (alarms: Alarm[]) => new Map((await registry.byIds([...new Set(alarms.map((a) => a.meterId))])).map((m) => [m.id, m.region]));

  // Changes arrive in bursts (a fault wave, a rule reload): they queue while a batch is carried, and the next batch
  // takes everything queued, so a burst costs a few transactions instead of one per alarm.
  const queue: AlarmChange[] = [];
  let draining: Promise<void> | undefined;
  // The feed and the orders go out side by side: neither waits for the other's round trips.
  const carry = async (batch: AlarmChange[]) => {
    await Promise.all([announce(batch), openOrders(batch)]);
  };
  const announce = (batch: AlarmChange[]) =>
    announceMany(
      pool,
      batch.map(({ change, alarm }) => ({
        stream: 'alarms',
        kind: change,
        id: String(alarm.id),
        data: { meterId: alarm.meterId, serial: alarm.serial, type: alarm.type, category: alarm.category, severity: alarm.severity, state: alarm.state, acknowledged: alarm.acknowledged, raisedAt: alarm.raisedAt },
      })),
    );
  const openOrders = async (batch: AlarmChange[]) => {
    const raised = batch.filter((c) => c.change === 'raised' && !carried.has(c.alarm)).map((c) => c.alarm);
    if (!raised.length) return;
    const regions = await regionsOf(raised);
    try {
      await openWorkOrdersFromAlarms(pool, raised.map((a) => forOrder(a, regions.get(a.meterId))));
    } catch (err) {
      // One alarm the orders refuse, or a deadlock with another process's batch: open them one by one instead.
      log.warn({ err: (err as Error).message, alarms: raised.length }, 'batch of alarm orders failed; opening one by one');
      for (const a of raised) await open(a, regions.get(a.meterId)).catch((e) => log.warn({ err: e.message, alarm: a.id }, 'work order not opened; the sweep retries'));
    }
  };
  const drain = async () => {
    while (queue.length) {
      const batch = queue.splice(0, BATCH_MAX);
      await carry(batch).catch((err) => log.warn({ err: err.message, changes: batch.length }, 'alarm changes not carried to the feed or a work order; the sweep retries the orders'));
    }
  };
  const kick = () => {
    // Started on the next tick, so the changes of one commit, told in one loop, make one batch.
    draining ??= Promise.resolve().then(drain).finally(() => {
      draining = undefined;
      if (queue.length) kick(); // arrived between the last check and now
    });
  };
  const unsubscribe = onAlarmChange((c) => {
    queue.push(c);
    kick();
  });
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
    inAlarmWrite,
    stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearInterval(timer);
    },
  };
}
