-- A year of hourly rollups for 300 meters (4 hourly channels: 10.5 M rows) and 200,000 dead letters, on the head-end
-- schema alone, for dashboards/query-timings.ts. Meter ids divisible by 50 go silent 3 days before now (late).
-- Run in an empty database: psql -d abone_timing -f dashboards/fill-year.sql (about 2 minutes).
\set ON_ERROR_STOP on
\ir ../platform/db/migrations/0001_headend_registry.sql
\ir ../platform/db/migrations/0002_headend_readings.sql
\ir ../platform/db/migrations/0003_headend_rollups.sql
INSERT INTO meter_model (code, manufacturer, commodity) VALUES ('DEMO-GAS-G4-AMI','Demo','gas'), ('DEMO-WATER-DN20-AMI','Demo','water');
INSERT INTO meter_model_channel SELECT m.id, c, CASE WHEN c = 8 THEN 86400 ELSE 3600 END FROM meter_model m, unnest(ARRAY[1,3,6,7,8]::smallint[]) c;
INSERT INTO meter (serial, model_id, commodity) SELECT 'FILL-' || lpad(i::text, 6, '0'), 1 + i % 2, CASE WHEN i % 2 = 0 THEN 'gas' ELSE 'water' END FROM generate_series(1, 300) i;
-- a year of hourly rollups for 4 hourly channels, ending at the last whole hour
INSERT INTO rollup_hourly
SELECT m.id, c, h, 1, v, v, v, h, v, h, v
FROM meter m CROSS JOIN unnest(ARRAY[1,3,6,7]::smallint[]) c
CROSS JOIN generate_series(date_trunc('hour', now()) - interval '365 days', date_trunc('hour', now()) - interval '1 hour', interval '1 hour') h
CROSS JOIN LATERAL (SELECT (random() * 2)::float8 AS v) x
WHERE m.id % 50 <> 0 OR h < now() - interval '3 days';
INSERT INTO rollup_daily SELECT meter_id, channel_id, date_trunc('day', bucket, 'Europe/Istanbul'), sum(n), sum(sum), min(min), max(max), min(first_ts), min(first_value), max(last_ts), max(last_value) FROM rollup_hourly GROUP BY 1,2,3;
INSERT INTO rollup_monthly SELECT meter_id, channel_id, date_trunc('month', bucket, 'Europe/Istanbul'), sum(n), sum(sum), min(min), max(max), min(first_ts), min(first_value), max(last_ts), max(last_value) FROM rollup_daily GROUP BY 1,2,3;
INSERT INTO dead_letter (received_at, source, topic, reason, raw_size) SELECT now() - random() * interval '365 days', 'mqtt', 'x', (ARRAY['json_invalid','meter_unknown','unit_invalid','ts_out_of_window'])[1 + (i % 4)], 10 FROM generate_series(1, 200000) i;
VACUUM ANALYZE;
