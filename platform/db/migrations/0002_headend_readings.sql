-- Readings, meter events and the dead-letter table.
--
-- `reading` is keyed (meter, channel, ts): storing the same reading twice is impossible, which is what makes
-- at-least-once delivery exactly-once in storage. With TimescaleDB present it is a hypertable with compression;
-- otherwise a natively range-partitioned table whose monthly partitions the head-end creates ahead of time
-- (headend/storage.ts). Both shapes have the same columns and key.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    CREATE TABLE reading (
      meter_id    integer NOT NULL,
      channel_id  smallint NOT NULL,
      ts          timestamptz NOT NULL,
      value       double precision NOT NULL,
      quality     smallint NOT NULL DEFAULT 0,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (meter_id, channel_id, ts)
    );
    PERFORM create_hypertable('reading', 'ts', chunk_time_interval => interval '7 days');
    ALTER TABLE reading SET (timescaledb.compress, timescaledb.compress_segmentby = 'meter_id, channel_id', timescaledb.compress_orderby = 'ts');
    PERFORM add_compression_policy('reading', interval '30 days');
  ELSE
    CREATE TABLE reading (
      meter_id    integer NOT NULL,
      channel_id  smallint NOT NULL,
      ts          timestamptz NOT NULL,
      value       double precision NOT NULL,
      -- 0 good, 1 estimated, 2 suspect (device-flagged), 3 clock-corrected
      quality     smallint NOT NULL DEFAULT 0,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (meter_id, channel_id, ts)
    ) PARTITION BY RANGE (ts);
  END IF;
END $$;

-- Events a meter reports: tamper, leak, valve, battery low, reverse flow. Keyed like readings so a re-sent event
-- is stored once.
CREATE TABLE meter_event (
  meter_id    integer NOT NULL,
  ts          timestamptz NOT NULL,
  code        text NOT NULL,
  detail      jsonb,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (meter_id, code, ts)
);
CREATE INDEX meter_event_ts_idx ON meter_event (ts);

-- Everything that could not be parsed or failed validation, with the raw bytes (capped) and the reason.
CREATE TABLE dead_letter (
  id          bigserial PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  source      text NOT NULL,          -- 'mqtt', 'modbus', 'http', ...
  topic       text,                   -- MQTT topic or device address
  reason      text NOT NULL,          -- stable reason code, e.g. 'json_invalid', 'meter_unknown'
  detail      text,
  raw         bytea,                  -- first ABONE_DEAD_LETTER_RAW_BYTES bytes of the payload
  raw_size    integer NOT NULL,
  raw_sha256  bytea
);
CREATE INDEX dead_letter_reason_idx ON dead_letter (reason, received_at);
