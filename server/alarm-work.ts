/**
 * The alarm work of one process, wired the same wherever it runs (`abone start`, and the head-end process of
 * bench:alarms): alarm changes announced on the feed and turned into routed work orders in every process (the API
 * acknowledges and clears), and, where the process ingests and the rules are enabled, the rules engine on the
 * pipeline's commits, opening each raised alarm's order in the alarm's own transaction. The wiring subscribes first,
 * so every alarm the rules raise opens its work order; only the processes running the rules sweep for orders
 * (elsewhere the sweep would repeat the same work).
 */
import type pg from 'pg';
import { loadSettings } from '../platform/config.ts';
import { DeviceRegistry, type IngestPipeline } from '../headend/index.ts';
import { startRules, rulesSettings, type Rules } from '../rules/index.ts';
import { suppliedMeterIds } from '../modules/subscriptions/index.ts';
import { wireAlarmOrders, type AlarmOrders } from './alarm-orders.ts';

export interface AlarmWork {
  orders: AlarmOrders;
  /** The rules engine, when this process runs it. */
  rules?: Rules;
  /** Stops the rules (their last transitions are written and carried), then the wiring. */
  stop(): Promise<void>;
}

/**
 * `pipeline`: the ingest pipeline of this process, if it has one. Call it before any collector submits, so no commit
 * goes unseen; what the rules miss at stop is replayed from storage at the next start (rules/rebuild.ts).
 */
export async function startAlarmWork(pool: pg.Pool, pipeline?: IngestPipeline): Promise<AlarmWork> {
  const runsRules = pipeline !== undefined && loadSettings(rulesSettings).enabled;
  const orders = wireAlarmOrders(pool, new DeviceRegistry(pool), { sweep: runsRules });
  let rules: Rules | undefined;
  try {
    if (runsRules) rules = await startRules(pool, pipeline, {}, { suppliedMeters: () => suppliedMeterIds(pool), alongAlarmWrite: orders.inAlarmWrite });
  } catch (err) {
    orders.stop();
    throw err;
  }
  return {
    orders,
    rules,
    stop: async () => {
      await rules?.stop();
      orders.stop();
    },
  };
}
