import { defineSettings, setting, int } from '../platform/config.ts';

export const headendSettings = defineSettings('headend', {
  batchRows: setting('ABONE_INGEST_BATCH_ROWS', int(100, 1_000_000), 20_000, 'readings per write transaction (a flush happens earlier when the batch delay passes)'),
  batchDelayMs: setting('ABONE_INGEST_BATCH_DELAY_MS', int(1, 10_000), 50, 'longest a reading waits for its batch to fill before it is written'),
  maxQueuedRows: setting('ABONE_INGEST_MAX_QUEUED_ROWS', int(1000, 10_000_000), 200_000, 'readings buffered or being written before sources are slowed down (back-pressure)'),
  writers: setting('ABONE_INGEST_WRITERS', int(1, 32), 2, 'database connections writing batches in parallel'),
  maxFutureSeconds: setting('ABONE_INGEST_MAX_FUTURE_SECONDS', int(0, 31 * 86400), 900, 'readings stamped further ahead of the head-end clock than this are rejected (ts_future)'),
  retentionDays: setting('ABONE_READINGS_RETENTION_DAYS', int(1, 36_500), 1095, 'raw readings older than this are dropped by partition (rollups stay); older incoming readings are rejected (ts_too_old)'),
  partitionsAhead: setting('ABONE_PARTITIONS_AHEAD_MONTHS', int(1, 24), 2, 'monthly reading partitions created ahead of time'),
  deadLetterRawBytes: setting('ABONE_DEAD_LETTER_RAW_BYTES', int(0, 16 * 1024 * 1024), 65_536, 'bytes of a rejected payload kept in the dead-letter table (its size and SHA-256 are always kept)'),
  rollupIntervalMs: setting('ABONE_ROLLUP_INTERVAL_MS', int(100, 3_600_000), 2000, 'how often pending rollups are brought up to date'),
});
