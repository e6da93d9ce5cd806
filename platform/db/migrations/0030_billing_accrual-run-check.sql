-- An accrual's run checked once per statement instead of once per row, and the accrual indexes a bill run writes
-- cut to those a query needs (docs/billing.md, "2026-12-08").
--
-- A bill run inserts 2,000 accruals of one run in one statement; the foreign key on run_id looked the run up and
-- locked it FOR KEY SHARE once per row (6–10 ms of a shard's 34 ms insert). The guarantee stays: an accrual names a
-- run that exists, or none. What made the per-row check with a lock necessary — the run deleted, or its id changed,
-- by another transaction meanwhile — is refused outright now: a run is the record of what was billed and is never
-- deleted (no code path ever did; the shards' foreign key already refused it for any run with a shard). So a run a
-- statement sees stays, as 0025 argued for the ledger. A run written by another transaction that has not committed
-- yet is not seen, and the accrual is refused (the foreign key would have waited): safe, and no code path does it.
-- The same SQLSTATE (23503) and constraint name are raised as before. A side effect: the planner's FOR UPDATE of the
-- run row no longer waits for every shard transaction in flight (their per-row FOR KEY SHARE locks conflicted).
ALTER TABLE billing_accrual DROP CONSTRAINT billing_accrual_run_id_fkey;

CREATE FUNCTION billing_accrual_check_run() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  SELECT n.run_id INTO bad FROM (SELECT DISTINCT run_id FROM new_rows WHERE run_id IS NOT NULL) n
   WHERE NOT EXISTS (SELECT 1 FROM billing_run r WHERE r.id = n.run_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "billing_accrual" violates foreign key constraint "billing_accrual_run_id_fkey"'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'billing_accrual_run_id_fkey', TABLE = 'billing_accrual',
            DETAIL = format('Key (run_id)=(%s) is not present in table "billing_run".', bad.run_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER billing_accrual_run_checked AFTER INSERT ON billing_accrual REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION billing_accrual_check_run();
-- No code path changes an accrual's run (only its state and decision); one that did is checked the same way.
CREATE TRIGGER billing_accrual_run_checked_on_update AFTER UPDATE ON billing_accrual REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION billing_accrual_check_run();

CREATE FUNCTION billing_run_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a bill run is kept: its accruals and shards name it (% refused)', TG_OP
    USING ERRCODE = 'restrict_violation', TABLE = 'billing_run';
END $$;
CREATE TRIGGER billing_run_no_delete BEFORE DELETE ON billing_run FOR EACH ROW EXECUTE FUNCTION billing_run_kept();
CREATE TRIGGER billing_run_id_kept BEFORE UPDATE OF id ON billing_run FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION billing_run_kept();
CREATE TRIGGER billing_run_no_truncate BEFORE TRUNCATE ON billing_run FOR EACH STATEMENT EXECUTE FUNCTION billing_run_kept();

-- (run_id, state) served two queries, both of held bills only (a run's bills awaiting review; the held list by run),
-- yet took an entry for every accrual. A partial index of the held ones serves both and a posted bill skips it.
DROP INDEX billing_accrual_run_idx;
CREATE INDEX billing_accrual_run_outsorted_idx ON billing_accrual (run_id) WHERE state = 'outsorted';

-- (subscription_id, period) over every state served one query, a subscription's history, and doubled the live
-- unique index for nearly every row. The history now reads the live index for posted and held bills and this one
-- for the few reversed or superseded (accrual-reads.ts says both states sets, so the planner takes both).
DROP INDEX billing_accrual_sub_idx;
CREATE INDEX billing_accrual_sub_closed_idx ON billing_accrual (subscription_id, period) WHERE state IN ('reversed', 'superseded');

-- A correction finds the accrual that superseded another (corrections.ts) by this column, which had no index (a
-- scan of every accrual). Only re-accruals set it, so a bill run's rows take no entry.
CREATE INDEX billing_accrual_supersedes_idx ON billing_accrual (supersedes) WHERE supersedes IS NOT NULL;
