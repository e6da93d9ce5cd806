-- Billing: tariffs stored as data, accruals (tahakkuk), bill runs split into shards that worker processes claim.
-- Subscriptions, meters and rollups belong to other contexts and are referred to by id only; the ledger entry of an
-- accrual is found by its idempotency key ('billing-accrual:<id>'), so no column here points into the ledger.

-- A tariff is its whole validated document (billing-core's format) kept as append-only revisions: revision 1 is the
-- tariff as created, each later one adds a version (ending the previous one). Old revisions stay for audit; rating
-- always reads the newest, whose earlier versions are those the old revisions had.
CREATE TABLE billing_tariff_revision (
  code        text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  revision    integer NOT NULL CHECK (revision >= 1),
  commodity   text NOT NULL CHECK (commodity IN ('gas', 'water', 'electricity')),
  unit        text NOT NULL,
  document    jsonb NOT NULL,
  actor       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, revision)
);

CREATE FUNCTION billing_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: add a revision instead', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER billing_tariff_revision_no_change BEFORE UPDATE OR DELETE ON billing_tariff_revision
  FOR EACH ROW EXECUTE FUNCTION billing_append_only();

-- Gas: the period's correction factor K and gross calorific value (kcal/m³), per province or for all ('*').
CREATE TABLE billing_gas_factor (
  period             text NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  il_key             text NOT NULL DEFAULT '*',
  correction_factor  numeric(8, 6) NOT NULL CHECK (correction_factor > 0),
  calorific_value    numeric(8, 2) NOT NULL CHECK (calorific_value > 0),
  PRIMARY KEY (period, il_key)
);

-- A bill run: one billing period (a calendar month), optionally one region (il_key). Starting the same run again
-- finds this row (the unique index), so a second start resumes instead of billing twice.
CREATE TABLE billing_run (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  period       text NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  region       text,
  shard_count  integer NOT NULL CHECK (shard_count >= 0),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE UNIQUE INDEX billing_run_period_region_idx ON billing_run (period, coalesce(region, ''));

-- A shard: a range of subscription ids. A worker claims it (FOR UPDATE SKIP LOCKED), beats its heart while working
-- and commits the shard's accruals together with status 'done'. A claim whose heartbeat is older than the stale
-- limit belonged to a crashed worker and is claimed again; its work had rolled back with the worker's transaction.
CREATE TABLE billing_run_shard (
  run_id        bigint NOT NULL REFERENCES billing_run(id),
  shard_no      integer NOT NULL CHECK (shard_no >= 0),
  first_id      bigint NOT NULL,
  last_id       bigint NOT NULL CHECK (last_id >= first_id),
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'done')),
  worker        text,
  heartbeat_at  timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  bills         integer NOT NULL DEFAULT 0,
  posted        integer NOT NULL DEFAULT 0,
  outsorted     integer NOT NULL DEFAULT 0,
  errors        integer NOT NULL DEFAULT 0,
  done_at       timestamptz,
  PRIMARY KEY (run_id, shard_no)
);
CREATE INDEX billing_run_shard_open_idx ON billing_run_shard (run_id, shard_no) WHERE status <> 'done';

-- An accrual: one subscription's bill for one period, with billing-core's lines. Its state moves only forward:
-- posted → reversed (a correction: a ledger reversal, then a new accrual superseding it), outsorted → posted
-- (released after review) or outsorted → superseded (re-rated: a new accrual). Amounts never change.
CREATE TABLE billing_accrual (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id  bigint NOT NULL,
  period           text NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  run_id           bigint REFERENCES billing_run(id),
  account_id       bigint NOT NULL,
  commodity        text NOT NULL,
  tariff_code      text,
  tariff_revision  integer,
  from_date        date NOT NULL,
  to_date          date NOT NULL,
  source           text NOT NULL CHECK (source IN ('interval', 'register', 'none')),
  consumption      numeric(15, 3),
  estimated_share  numeric(5, 4),
  net              numeric(18, 2),
  taxes            numeric(18, 2),
  gross            numeric(18, 2),
  lines            jsonb,
  state            text NOT NULL CHECK (state IN ('posted', 'outsorted', 'reversed', 'superseded')),
  outsort_reason   text CHECK (outsort_reason IN ('above_average', 'negative', 'zero_on_active', 'no_usage', 'rating_error')),
  outsort_detail   text,
  supersedes       bigint REFERENCES billing_accrual(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  decided_at       timestamptz,
  decided_by       text,
  -- A held bill says why; a released or re-rated one keeps the reason it was held for.
  CONSTRAINT billing_accrual_outsort_reason CHECK (state <> 'outsorted' OR outsort_reason IS NOT NULL)
);
-- At most one live accrual per subscription and period, whatever code path or how many workers: the idempotency of
-- bill runs rests on this index.
CREATE UNIQUE INDEX billing_accrual_live_idx ON billing_accrual (subscription_id, period) WHERE state IN ('posted', 'outsorted');
CREATE INDEX billing_accrual_sub_idx ON billing_accrual (subscription_id, period);
CREATE INDEX billing_accrual_run_idx ON billing_accrual (run_id, state);
CREATE INDEX billing_accrual_outsorted_idx ON billing_accrual (period, id) WHERE state = 'outsorted';
