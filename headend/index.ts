/**
 * The head-end: device registry, reading storage, ingest pipeline and rollup worker, started together.
 * Collectors (MQTT, Modbus, DLMS) are started by the server around it and only call `pipeline.submit`.
 */
import type pg from 'pg';
import { loadSettings, type SettingsOf } from '../platform/config.ts';
import { contextLogger } from '../platform/logger.ts';
import { DeviceRegistry } from './device-registry.ts';
import { IngestPipeline } from './pipeline.ts';
import { startRollupWorker } from './rollups.ts';
import { headendSettings } from './settings.ts';
import { ReadingStorage } from './storage.ts';

export { DeviceRegistry, type KnownMeter, type MeterModelInput, type MeterInput, type Commodity } from './device-registry.ts';
export { IngestPipeline, type IngestMessage } from './pipeline.ts';
export { ReadingStorage } from './storage.ts';
export { runRollups, rollUpMonthsFromDays } from './rollups.ts';
export { CHANNELS, CHANNEL_BY_CODE, CHANNEL_BY_ID, EVENT_CODES, type Channel } from './channels.ts';
export type { Envelope, Quality, RejectReason } from './envelope.ts';
export { REJECT_REASONS } from './envelope.ts';
export { headendSettings } from './settings.ts';
export { querySeries, RESOLUTIONS, type Resolution, type SeriesPoint } from './series.ts';
export { unitFactor, EVENT_CODE_SET, type ChannelKind } from './channels.ts';

const log = contextLogger('headend');

export type HeadendSettings = SettingsOf<typeof headendSettings>;

export interface Headend {
  registry: DeviceRegistry;
  storage: ReadingStorage;
  pipeline: IngestPipeline;
  settings: HeadendSettings;
  runRollupsNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHeadend(pool: pg.Pool, connectionString: string, overrides: Partial<HeadendSettings> = {}): Promise<Headend> {
  const settings = loadSettings(headendSettings, process.env, overrides);
  const registry = new DeviceRegistry(pool);
  const storage = new ReadingStorage(pool);
  const meters = await registry.load();
  await storage.ensureAhead(settings.partitionsAhead);
  await storage.applyRetention(settings.retentionDays);
  const pipeline = new IngestPipeline(registry, storage, { connectionString, ...settings });
  // Busy: the pipeline holds more than half of what it may queue, i.e. the writers are the bottleneck right now.
  const rollups = startRollupWorker(pool, settings.rollupIntervalMs, () => pipeline.metrics.queueDepth > settings.maxQueuedRows / 2);
  // Partitions ahead and retention are checked daily; a long-running head-end never meets a missing month.
  const daily = setInterval(() => {
    storage.ensureAhead(settings.partitionsAhead).then(() => storage.applyRetention(settings.retentionDays)).catch((err) => log.warn({ err: err.message }, 'partition maintenance failed'));
  }, 86_400_000);
  daily.unref();
  log.info({ meters, timescale: await storage.isTimescale() }, 'head-end ready');
  return {
    registry,
    storage,
    pipeline,
    settings,
    runRollupsNow: () => rollups.runNow(),
    stop: async () => {
      clearInterval(daily);
      await pipeline.stop();
      await rollups.stop();
    },
  };
}
