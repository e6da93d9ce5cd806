-- Dunning (borç takibi): what happens to a bill left unpaid after its due date, as rows a utility tunes, and the
-- notices issued, append-only. docs/collections.md ("Dunning") explains the run.
--
-- A case is an account's oldest overdue open accrual that no plan shields and no direct debit list is still waiting
-- on. Its steps come in `seq` order, each once: a step is due when the case's item is `days_overdue` past due, at
-- least `days_after_previous` days have passed since the step before it, and the account's overdue total reaches
-- `min_overdue`. Paying the item ends the case; the next overdue item starts a new one from the first step.
CREATE TABLE collections_dunning_step (
  code                 text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,32}$'),
  seq                  int NOT NULL UNIQUE CHECK (seq >= 1),
  label                text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  days_overdue         int NOT NULL CHECK (days_overdue >= 1),
  days_after_previous  int NOT NULL DEFAULT 0 CHECK (days_after_previous >= 0),
  min_overdue          numeric(18,2) NOT NULL DEFAULT 0 CHECK (min_overdue >= 0),
  -- notice: a letter or message to send (the run lists them); disconnection: a work order for a crew.
  action               text NOT NULL CHECK (action IN ('notice', 'disconnection'))
);
-- Defaults, not law: each utility sets its own periods (for water, its own regulation; for gas, the licence terms).
INSERT INTO collections_dunning_step (code, seq, label, days_overdue, days_after_previous, min_overdue, action) VALUES
  ('reminder',      1, 'Ödeme hatırlatması', 7,  0, 0,      'notice'),
  ('final_notice',  2, 'İhtarname',          20, 7, 0,      'notice'),
  ('disconnection', 3, 'Kesme iş emri',      30, 7, 100.00, 'disconnection');

CREATE TABLE collections_dunning_notice (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id       bigint NOT NULL,
  case_item_id     bigint NOT NULL,
  step             text NOT NULL REFERENCES collections_dunning_step(code),
  as_of            date NOT NULL,
  oldest_due_date  date NOT NULL,
  overdue_amount   numeric(18,2) NOT NULL CHECK (overdue_amount > 0),
  items            bigint[] NOT NULL CHECK (cardinality(items) >= 1),
  -- The disconnection order a `disconnection` step opened (work orders are another context: no foreign key).
  work_order_id    bigint,
  actor            text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT collections_dunning_notice_once UNIQUE (account_id, case_item_id, step)
);
CREATE INDEX collections_dunning_notice_as_of_idx ON collections_dunning_notice (as_of);
CREATE TRIGGER collections_dunning_notice_no_change BEFORE UPDATE OR DELETE ON collections_dunning_notice
  FOR EACH ROW EXECUTE FUNCTION collections_append_only();
