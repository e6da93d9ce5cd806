-- Collections, the channels that arrive in files or batches: bank statements (CAMT.053, CSV) with the suspense queue
-- for what cannot be matched, payments a field device took offline, and direct debit orders (otomatik ödeme
-- talimatı) with their due-date lists and result files. Money still goes only through collections_payment and the
-- ledger; these tables say where it came from, so a file or a batch sent twice changes nothing the second time.

-- A statement is known by its account and the bank's statement id: importing it again finds this row.
CREATE TABLE collections_statement (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_iban   text NOT NULL CHECK (account_iban ~ '^TR[0-9]{24}$'),
  statement_id   text NOT NULL CHECK (length(statement_id) BETWEEN 1 AND 100),
  format         text NOT NULL CHECK (format IN ('camt053', 'csv')),
  imported_at    timestamptz NOT NULL DEFAULT now(),
  actor          text NOT NULL,
  CONSTRAINT collections_statement_once UNIQUE (account_iban, statement_id)
);

-- Each credit line of a statement and what became of it. A line's reference is unique per account, so a line that
-- shows up again in another statement (an intraday and an end-of-day statement) is booked once.
CREATE TABLE collections_statement_line (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  statement_id   bigint NOT NULL REFERENCES collections_statement(id),
  line_no        int NOT NULL CHECK (line_no >= 1),
  account_iban   text NOT NULL,
  reference      text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
  booking_date   date,
  amount         numeric(18,2),
  payer_iban     text,
  payer_name     text CHECK (length(payer_name) <= 140),
  remittance     text CHECK (length(remittance) <= 500),
  -- matched: a payment was taken; suspense: booked to suspense to wait for a clerk; refused: not booked (reason).
  outcome        text NOT NULL CHECK (outcome IN ('matched', 'suspense', 'refused')),
  matched_by     text CHECK (matched_by IN ('invoice', 'subscription', 'iban')),
  payment_id     bigint REFERENCES collections_payment(id),
  reason         text,
  UNIQUE (statement_id, line_no),
  CONSTRAINT collections_statement_line_once UNIQUE (account_iban, reference),
  CONSTRAINT collections_statement_line_matched CHECK ((outcome = 'matched') = (payment_id IS NOT NULL))
);

-- Money on the bank account that no subscriber could be found for: booked bank_clearing → suspense by `entry_id`
-- and waiting here until a clerk matches it (a payment debiting suspense) or refunds it (suspense → bank_clearing).
CREATE TABLE collections_suspense (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  line_id        bigint NOT NULL UNIQUE REFERENCES collections_statement_line(id),
  amount         numeric(18,2) NOT NULL CHECK (amount > 0),
  entry_id       bigint NOT NULL UNIQUE,
  reason         text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
-- One resolution per suspense item (the primary key): two clerks pressing at once resolve it once.
CREATE TABLE collections_suspense_resolution (
  suspense_id    bigint PRIMARY KEY REFERENCES collections_suspense(id),
  outcome        text NOT NULL CHECK (outcome IN ('matched', 'refunded')),
  payment_id     bigint REFERENCES collections_payment(id),
  refund_entry_id bigint UNIQUE,
  refund_iban    text CHECK (refund_iban ~ '^TR[0-9]{24}$'),
  note           text NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
  actor          text NOT NULL,
  resolved_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT collections_suspense_resolution_shape CHECK (
    (outcome = 'matched' AND payment_id IS NOT NULL AND refund_entry_id IS NULL) OR
    (outcome = 'refunded' AND payment_id IS NULL AND refund_entry_id IS NOT NULL))
);

-- Field devices: a device belongs to the field crew user who first synced it; only that user syncs it afterwards.
CREATE TABLE collections_field_device (
  device_id      text PRIMARY KEY CHECK (device_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  username       text NOT NULL,
  bound_at       timestamptz NOT NULL DEFAULT now()
);
-- When a field payment was taken on the device (the payment row's taken_at is when it reached us).
CREATE TABLE collections_field_payment (
  payment_id     bigint PRIMARY KEY REFERENCES collections_payment(id),
  device_id      text NOT NULL REFERENCES collections_field_device(device_id),
  taken_on_device timestamptz NOT NULL,
  synced_by      text NOT NULL
);

-- Direct debit orders: one subscription, one bank, one payer IBAN. Only one order that is not cancelled per
-- subscription (the partial unique index), so two banks can never collect the same bill.
CREATE TABLE collections_dd_order (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id text NOT NULL,
  account_id      bigint NOT NULL,
  bank            text NOT NULL CHECK (bank ~ '^[0-9]{4,5}$'),
  payer_iban      text NOT NULL CHECK (payer_iban ~ '^TR[0-9]{24}$'),
  status          text NOT NULL CHECK (status IN ('requested', 'approved', 'active', 'cancelled')),
  bank_reference  text CHECK (length(bank_reference) <= 100),
  requested_at    timestamptz NOT NULL DEFAULT now(),
  approved_at     timestamptz,
  activated_at    timestamptz,
  cancelled_at    timestamptz,
  cancel_reason   text CHECK (length(cancel_reason) <= 500),
  actor           text NOT NULL,
  CONSTRAINT collections_dd_order_cancelled CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE UNIQUE INDEX collections_dd_order_one_bank ON collections_dd_order (subscription_id) WHERE status <> 'cancelled';
CREATE INDEX collections_dd_order_bank_idx ON collections_dd_order (bank, status);

-- Every step of an order's life, appended: who asked, which bank approved, who cancelled and why.
CREATE TABLE collections_dd_order_event (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES collections_dd_order(id),
  status     text NOT NULL,
  detail     text,
  actor      text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);

-- A due-date collection list: for a bank and a day, the open items of its active orders due that day.
CREATE TABLE collections_dd_list (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bank        text NOT NULL CHECK (bank ~ '^[0-9]{4,5}$'),
  due_date    date NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  CONSTRAINT collections_dd_list_once UNIQUE (bank, due_date)
);
CREATE TABLE collections_dd_list_item (
  list_id     bigint NOT NULL REFERENCES collections_dd_list(id),
  line_no     int NOT NULL CHECK (line_no >= 1),
  order_id    bigint NOT NULL REFERENCES collections_dd_order(id),
  account_id  bigint NOT NULL,
  subscription_id text NOT NULL,
  item_id     bigint NOT NULL,
  amount      numeric(18,2) NOT NULL CHECK (amount > 0),
  payer_iban  text NOT NULL,
  PRIMARY KEY (list_id, line_no),
  UNIQUE (list_id, item_id)
);
-- The bank's answer per line, recorded once: a result file sent again finds its rows here.
CREATE TABLE collections_dd_result (
  list_id      bigint NOT NULL,
  line_no      int NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN ('paid', 'failed')),
  reason_code  text CHECK (length(reason_code) <= 20),
  reason       text CHECK (length(reason) <= 200),
  payment_id   bigint REFERENCES collections_payment(id),
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL,
  PRIMARY KEY (list_id, line_no),
  FOREIGN KEY (list_id, line_no) REFERENCES collections_dd_list_item(list_id, line_no),
  CONSTRAINT collections_dd_result_paid CHECK ((outcome = 'paid') = (payment_id IS NOT NULL))
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['collections_statement', 'collections_statement_line', 'collections_suspense', 'collections_suspense_resolution',
                           'collections_field_payment', 'collections_dd_order_event', 'collections_dd_list', 'collections_dd_list_item', 'collections_dd_result'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION collections_append_only()', t || '_no_change', t);
  END LOOP;
END $$;
