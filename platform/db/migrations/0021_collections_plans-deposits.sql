-- Collections: instalment plans, fixed payment plans (budget billing), security deposits (güvence bedeli) and the
-- period-end late-fee run. Each is an overlay on the current account: ledger items are never rewritten; these tables
-- say which items a plan covers and on what terms. Ledger rows (accounts, items, entries) and other contexts' rows
-- (subscriptions, parties) are referred to by id only. Plans and deposits are appended; an end is its own row.

-- An instalment plan (taksitlendirme) over chosen open items of one account. `enforcement` plans (icra taksiti) are
-- tied to an enforcement file number. While the plan has no end row, its items are shielded: no late fee, no dunning.
CREATE TABLE collections_instalment_plan (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id        bigint NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('normal', 'enforcement')),
  enforcement_file  text CHECK (enforcement_file ~ '^[0-9A-Za-zÇĞİÖŞÜçğıöşü/ .-]{1,40}$'),
  total             numeric(18,2) NOT NULL CHECK (total > 0),
  -- Default rule: `miss_limit` instalments unpaid `grace_days` after their due dates cancel the plan.
  miss_limit        smallint NOT NULL CHECK (miss_limit BETWEEN 1 AND 36),
  grace_days        smallint NOT NULL CHECK (grace_days BETWEEN 0 AND 90),
  business_date     date NOT NULL,
  actor             text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT collections_instalment_plan_file CHECK ((kind = 'enforcement') = (enforcement_file IS NOT NULL))
);
CREATE INDEX collections_instalment_plan_account_idx ON collections_instalment_plan (account_id, id);

-- The items a plan covers, in the order its instalments settle them, with the open amount each had at the start.
CREATE TABLE collections_instalment_plan_item (
  plan_id   bigint NOT NULL REFERENCES collections_instalment_plan(id),
  item_id   bigint NOT NULL,
  position  smallint NOT NULL CHECK (position >= 1),
  amount    numeric(18,2) NOT NULL CHECK (amount > 0),
  PRIMARY KEY (plan_id, item_id),
  UNIQUE (plan_id, position)
);
CREATE INDEX collections_instalment_plan_item_item_idx ON collections_instalment_plan_item (item_id);

CREATE TABLE collections_instalment (
  plan_id   bigint NOT NULL REFERENCES collections_instalment_plan(id),
  no        smallint NOT NULL CHECK (no BETWEEN 1 AND 72),
  due_date  date NOT NULL,
  amount    numeric(18,2) NOT NULL CHECK (amount > 0),
  PRIMARY KEY (plan_id, no)
);

-- How a plan ended: paid in full, defaulted (missed instalments: the debt revives on its original terms) or cancelled
-- by a clerk (same effect). A plan without a row here is active.
CREATE TABLE collections_instalment_plan_end (
  plan_id    bigint PRIMARY KEY REFERENCES collections_instalment_plan(id),
  outcome    text NOT NULL CHECK (outcome IN ('completed', 'defaulted', 'cancelled')),
  on_date    date NOT NULL,
  reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  actor      text NOT NULL,
  ended_at   timestamptz NOT NULL DEFAULT now()
);

-- A fixed payment plan (sabit ödeme, budget billing) for a plan year: the subscriber pays `monthly_amount` each month
-- while bills accrue as usual; the plan year's bills are shielded from late fees until the true-up is due.
CREATE TABLE collections_fixed_plan (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id        bigint NOT NULL,
  year_start        date NOT NULL,
  year_end          date NOT NULL CHECK (year_end > year_start),
  monthly_amount    numeric(18,2) NOT NULL CHECK (monthly_amount > 0),
  -- What the amount was computed from: the accruals of `history_months` months (0 when set by hand).
  history_total     numeric(18,2) NOT NULL CHECK (history_total >= 0),
  history_months    smallint NOT NULL CHECK (history_months BETWEEN 0 AND 12),
  actor             text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collections_fixed_plan_account_idx ON collections_fixed_plan (account_id, year_start);

-- The true-up at the end of the plan year (or the plan's cancellation, true_up = false): what accrued, what was paid,
-- the difference and when it is due. Appended once per plan.
CREATE TABLE collections_fixed_plan_end (
  plan_id        bigint PRIMARY KEY REFERENCES collections_fixed_plan(id),
  true_up        boolean NOT NULL,
  accrued        numeric(18,2) NOT NULL,
  paid           numeric(18,2) NOT NULL,
  -- accrued − paid: > 0 the subscriber owes it by `due_date`; < 0 the overpayment stays as credit on the account.
  difference     numeric(18,2) NOT NULL,
  due_date       date NOT NULL,
  actor          text NOT NULL,
  ended_at       timestamptz NOT NULL DEFAULT now()
);

-- Security deposit amounts by subscriber class and commodity, effective-dated (a row holds until the next row's
-- date). Configuration the utility sets, not law: nothing is seeded.
CREATE TABLE collections_deposit_rate (
  class           text NOT NULL CHECK (class ~ '^[a-z_]{1,40}$'),
  commodity       text NOT NULL CHECK (commodity IN ('gas', 'water', 'electricity')),
  effective_from  date NOT NULL,
  amount          numeric(18,2) NOT NULL CHECK (amount >= 0),
  note            text NOT NULL CHECK (length(note) BETWEEN 1 AND 200),
  PRIMARY KEY (class, commodity, effective_from)
);

-- Who pays no deposit. A class either exempts every subscription of a subscriber class (public institutions) or is
-- granted to a party on evidence (martyrs' relatives, veterans). Data, so the utility's regulation can change it.
CREATE TABLE collections_deposit_exemption_class (
  code              text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,40}$'),
  description       text NOT NULL,
  subscriber_class  text UNIQUE
);
INSERT INTO collections_deposit_exemption_class (code, description, subscriber_class) VALUES
  ('public_institution', 'Kamu kurum ve kuruluşları (abone sınıfı: public)', 'public'),
  ('martyr_relative',    'Şehit yakınları (belgeye dayanarak kişiye tanınır)', NULL),
  ('veteran',            'Gaziler (belgeye dayanarak kişiye tanınır)', NULL);

CREATE TABLE collections_deposit_exemption_grant (
  party_id    bigint NOT NULL,
  class_code  text NOT NULL REFERENCES collections_deposit_exemption_class(code),
  evidence    text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 200),
  actor       text NOT NULL,
  granted_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (party_id, class_code)
);

-- A deposit held for one subscription: demanded in 1 to 6 interest-free instalments (ledger `deposit` items), or
-- carried over from the party's previous subscription in the same il/ilçe (no new demand).
CREATE TABLE collections_deposit (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id        bigint NOT NULL,
  subscription_id   text NOT NULL UNIQUE,
  party_id          bigint NOT NULL,
  amount            numeric(18,2) NOT NULL CHECK (amount > 0),
  instalments       smallint NOT NULL CHECK (instalments BETWEEN 1 AND 6),
  carried_from      bigint UNIQUE REFERENCES collections_deposit(id),
  -- The amount already paid on the deposit it was carried from (0 for a fresh demand).
  carried_amount    numeric(18,2) NOT NULL DEFAULT 0 CHECK (carried_amount >= 0),
  business_date     date NOT NULL,
  actor             text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collections_deposit_party_idx ON collections_deposit (party_id);

-- The ledger items of a deposit's instalments (item ids: the ledger owns them).
CREATE TABLE collections_deposit_item (
  deposit_id  bigint NOT NULL REFERENCES collections_deposit(id),
  no          smallint NOT NULL CHECK (no BETWEEN 1 AND 6),
  item_id     bigint NOT NULL UNIQUE,
  amount      numeric(18,2) NOT NULL CHECK (amount > 0),
  PRIMARY KEY (deposit_id, no)
);

-- How a deposit stopped being held: carried to the next subscription, or closed (offset against the final debt,
-- the rest refunded).
CREATE TABLE collections_deposit_end (
  deposit_id        bigint PRIMARY KEY REFERENCES collections_deposit(id),
  outcome           text NOT NULL CHECK (outcome IN ('carried', 'closed')),
  held              numeric(18,2) NOT NULL CHECK (held >= 0),
  offset_amount     numeric(18,2) NOT NULL DEFAULT 0 CHECK (offset_amount >= 0),
  refund_amount     numeric(18,2) NOT NULL DEFAULT 0 CHECK (refund_amount >= 0),
  payment_id        bigint REFERENCES collections_payment(id),
  entry_id          bigint,
  on_date           date NOT NULL,
  actor             text NOT NULL,
  ended_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT collections_deposit_end_sum CHECK (outcome = 'carried' OR offset_amount + refund_amount = held)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['collections_instalment_plan', 'collections_instalment_plan_item', 'collections_instalment',
    'collections_instalment_plan_end', 'collections_fixed_plan', 'collections_fixed_plan_end', 'collections_deposit',
    'collections_deposit_item', 'collections_deposit_end', 'collections_deposit_exemption_grant'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION collections_append_only()', t || '_no_change', t);
  END LOOP;
END $$;
