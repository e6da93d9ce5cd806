-- Collections: every payment that reached the utility, through whatever channel, and what it settled. The money
-- itself is in the ledger (a `payment` entry and its allocations); a payment row says where it came from and carries
-- the channel's own reference, unique per source, so a retried bank call, a resent statement line or a field device
-- syncing twice is still one payment. Rows are appended, never changed: a cancellation is its own row beside the
-- ledger's reversal. Ledger rows are referred to by id only (the ledger owns its tables).

CREATE TABLE collections_payment (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      bigint NOT NULL,
  subscription_id text NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('cash', 'card', 'card_instalment', 'offset', 'bank', 'ptt', 'wire', 'field', 'direct_debit')),
  -- Who vouches for the reference: 'desk:<office>', 'bank:<code>', 'ptt', 'device:<id>', 'statement:<iban>', 'dd:<bank>'.
  source          text NOT NULL CHECK (source ~ '^[a-z]+(:[A-Za-z0-9_.-]{1,64})?$'),
  reference       text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
  amount          numeric(18,2) NOT NULL CHECK (amount > 0),
  business_date   date NOT NULL,
  entry_id        bigint NOT NULL UNIQUE,
  drawer_id       bigint,
  instalments     smallint CHECK (instalments BETWEEN 2 AND 18),
  receipt_no      text UNIQUE,
  payer_note      text CHECK (length(payer_note) <= 200),
  actor           text NOT NULL,
  taken_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT collections_payment_source_reference UNIQUE (source, reference),
  CONSTRAINT collections_payment_instalments_card CHECK ((instalments IS NOT NULL) = (channel = 'card_instalment'))
);
CREATE INDEX collections_payment_account_idx ON collections_payment (account_id, id);
CREATE INDEX collections_payment_subscription_idx ON collections_payment (subscription_id, id);
CREATE INDEX collections_payment_day_idx ON collections_payment (business_date, source);
CREATE INDEX collections_payment_drawer_idx ON collections_payment (drawer_id) WHERE drawer_id IS NOT NULL;

CREATE TABLE collections_payment_cancellation (
  payment_id          bigint PRIMARY KEY REFERENCES collections_payment(id),
  reversal_entry_id   bigint NOT NULL UNIQUE,
  reason              text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  actor               text NOT NULL,
  cancelled_at        timestamptz NOT NULL DEFAULT now()
);

-- The late payment surcharge (gecikme zammı) rate per month, effective-dated: a row holds from its date until the
-- next row's. Law 6183 art. 51; the rate is set by Presidential decision.
CREATE TABLE collections_late_fee_rate (
  effective_from  date PRIMARY KEY,
  monthly_rate    numeric(7,6) NOT NULL CHECK (monthly_rate >= 0 AND monthly_rate < 1),
  source          text NOT NULL
);
INSERT INTO collections_late_fee_rate (effective_from, monthly_rate, source) VALUES
  ('2019-12-30', 0.016, '6183 sayılı Kanun md. 51; oran 30.12.2019 tarihinden itibaren'),
  ('2022-07-21', 0.025, 'Cumhurbaşkanı Kararı 5801, Resmî Gazete 21.07.2022 sayı 31899'),
  ('2023-11-14', 0.035, 'Cumhurbaşkanı Kararı 7782, Resmî Gazete 14.11.2023 sayı 32369'),
  ('2024-05-21', 0.045, 'Cumhurbaşkanı Kararı 8484, Resmî Gazete 21.05.2024 sayı 32552'),
  ('2025-11-13', 0.037, 'Cumhurbaşkanı Kararı, Resmî Gazete 13.11.2025');

-- Each late fee posted on an item: the principal it was charged on, the days it covers (from the day after
-- `from_date` through `to_date`), and its fee entry. A fee posted at a period end (payment_id NULL) covers the item's
-- whole open principal, so the next fee on the item counts from its `to_date`.
CREATE TABLE collections_late_fee (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id       bigint NOT NULL,
  principal     numeric(18,2) NOT NULL CHECK (principal > 0),
  from_date     date NOT NULL,
  to_date       date NOT NULL CHECK (to_date > from_date),
  amount        numeric(18,2) NOT NULL CHECK (amount > 0),
  fee_entry_id  bigint NOT NULL UNIQUE,
  payment_id    bigint REFERENCES collections_payment(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collections_late_fee_item_idx ON collections_late_fee (item_id, to_date);
CREATE INDEX collections_late_fee_payment_idx ON collections_late_fee (payment_id) WHERE payment_id IS NOT NULL;

-- Cashier desk: a drawer session per cashier and office, from opening (with its float) to the count at closing.
CREATE TABLE collections_drawer (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  office          text NOT NULL CHECK (office ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
  cashier         text NOT NULL,
  business_date   date NOT NULL,
  opening_float   numeric(18,2) NOT NULL CHECK (opening_float >= 0),
  opened_at       timestamptz NOT NULL DEFAULT now()
);
-- A drawer is open until its close row exists; opening takes a per-cashier lock, so a cashier has one open drawer.
CREATE TABLE collections_drawer_close (
  drawer_id       bigint PRIMARY KEY REFERENCES collections_drawer(id),
  expected_cash   numeric(18,2) NOT NULL,
  counted_cash    numeric(18,2) NOT NULL CHECK (counted_cash >= 0),
  difference      numeric(18,2) NOT NULL,
  closed_at       timestamptz NOT NULL DEFAULT now(),
  closed_by       text NOT NULL
);
CREATE INDEX collections_drawer_cashier_idx ON collections_drawer (cashier, id);

-- Receipt numbers: one gap-free series per office and year, like invoice numbers.
CREATE TABLE collections_receipt_counter (
  office   text NOT NULL,
  year     int NOT NULL,
  last_no  int NOT NULL CHECK (last_no >= 1),
  PRIMARY KEY (office, year)
);

CREATE FUNCTION collections_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: cancel or close with a new row instead', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['collections_payment', 'collections_payment_cancellation', 'collections_late_fee', 'collections_drawer', 'collections_drawer_close'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION collections_append_only()', t || '_no_change', t);
  END LOOP;
END $$;

-- Accounts holding money not yet applied to items (an overpayment): the credit sweep applies it when items appear,
-- and removes the row once nothing is left. A work queue, not history: rows come and go.
CREATE TABLE collections_credit_waiting (
  account_id  bigint PRIMARY KEY,
  since       timestamptz NOT NULL DEFAULT now()
);
