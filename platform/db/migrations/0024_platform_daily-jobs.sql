-- Jobs the workers run once a day (dunning, instalment plan review, the period-end late fees): a row claims a job
-- for a day, so several worker processes run it once. The jobs are idempotent themselves; a claim left unfinished
-- by a crashed process is taken again after an hour.
CREATE TABLE platform_daily_job (
  job          text NOT NULL CHECK (job ~ '^[a-z][a-z0-9-]{1,63}$'),
  run_date     date NOT NULL,
  claimed_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  outcome      jsonb,
  PRIMARY KEY (job, run_date)
);
