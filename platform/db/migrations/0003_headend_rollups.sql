-- Rollups per meter and channel: hourly from raw readings, daily from hourly, monthly from daily. Days and months
-- are Europe/Istanbul business days, the calendar billing uses. Each bucket keeps enough to answer any channel
-- kind: sum (interval consumption), min/max/avg (instant values), first/last (register indexes, whose difference
-- is the consumption over the bucket).
CREATE TABLE rollup_hourly (
  meter_id    integer NOT NULL,
  channel_id  smallint NOT NULL,
  bucket      timestamptz NOT NULL,
  n           integer NOT NULL,
  sum         double precision NOT NULL,
  min         double precision NOT NULL,
  max         double precision NOT NULL,
  first_ts    timestamptz NOT NULL,
  first_value double precision NOT NULL,
  last_ts     timestamptz NOT NULL,
  last_value  double precision NOT NULL,
  PRIMARY KEY (meter_id, channel_id, bucket)
);
CREATE TABLE rollup_daily (LIKE rollup_hourly INCLUDING ALL);
CREATE TABLE rollup_monthly (LIKE rollup_hourly INCLUDING ALL);
CREATE INDEX rollup_hourly_bucket_idx ON rollup_hourly (bucket);
CREATE INDEX rollup_daily_bucket_idx ON rollup_daily (bucket);
CREATE INDEX rollup_monthly_bucket_idx ON rollup_monthly (bucket);

-- The (meter, hour) buckets touched by committed writes and not yet rolled up. The writer appends in the same
-- transaction as the readings, so a crash can never leave readings whose rollup is forgotten.
CREATE TABLE rollup_pending (
  meter_id integer NOT NULL,
  hour     timestamptz NOT NULL
);
