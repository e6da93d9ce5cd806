-- What a monthly rollup row needs to stand in for its daily rows when a bill is rated (docs/billing.md, "Usage from
-- the monthly rollup"): how many of the month's days it was rolled up from, so a reader knows the month is complete
-- without counting them, and the sum of those days each rounded to 3 places (the litre, the watt-hour), which is
-- exactly what adding the month's daily rows as billing reads them gives. A float sum rounded once can differ from
-- it in the last place, and a bill must not depend on which rows it was read from.
--
-- The rollup worker (headend/rollups.ts) writes both in the same statement and transaction as the rest of the row,
-- right after the days it sums: the only writer of rollups, so a month row is as fresh as its days. NULL (a row of
-- a channel without days, none here after the backfill) means "not known": readers take the daily rows.
ALTER TABLE rollup_monthly
  ADD COLUMN days smallint CHECK (days BETWEEN 1 AND 31),
  ADD COLUMN days_sum numeric;

UPDATE rollup_monthly m SET days = d.days, days_sum = d.days_sum
  FROM (SELECT meter_id, channel_id, date_trunc('month', bucket, 'Europe/Istanbul') AS month, count(*) AS days, sum(round(sum::numeric, 3)) AS days_sum
          FROM rollup_daily GROUP BY 1, 2, 3) d
 WHERE (d.meter_id, d.channel_id, d.month) = (m.meter_id, m.channel_id, m.bucket);
