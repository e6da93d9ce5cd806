-- The current account (cari hesap): append-only double-entry postings, open items and their settlement, invoices.
-- Subscriptions belong to modules/subscriptions; the ledger refers to one by its id only (no foreign key), as each
-- context owns its tables. Every fact here is appended, never changed: a correction is a reversal entry plus a new
-- entry, a settlement that must be undone is a release row. The database enforces it (triggers below), so no code
-- path, script or console session can edit history.

-- The chart of general-ledger accounts, as data. `chart_code` is the Turkish uniform chart (Tekdüzen Hesap Planı)
-- number the accountants export to; `subledger` marks the account whose lines carry a subscriber's current account.
CREATE TABLE ledger_gl_account (
  code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_.]{1,63}$'),
  chart_code  text NOT NULL,
  name        text NOT NULL,
  normal_side text NOT NULL CHECK (normal_side IN ('debit', 'credit')),
  subledger   boolean NOT NULL DEFAULT false
);
INSERT INTO ledger_gl_account (code, chart_code, name, normal_side, subledger) VALUES
  ('receivables',         '120.01', 'Alıcılar: abone cari hesapları',                 'debit',  true),
  ('revenue.gas',         '600.01', 'Yurt içi satışlar: doğal gaz',                   'credit', false),
  ('revenue.water',       '600.02', 'Yurt içi satışlar: su ve atık su',               'credit', false),
  ('revenue.electricity', '600.03', 'Yurt içi satışlar: elektrik',                    'credit', false),
  ('revenue.fees',        '649.01', 'Diğer olağan gelirler: bedeller ve gecikme zammı', 'credit', false),
  ('kdv_payable',         '391.01', 'Hesaplanan KDV',                                 'credit', false),
  ('otv_payable',         '360.01', 'Ödenecek vergi ve fonlar: ÖTV',                  'credit', false),
  ('ctv_payable',         '360.02', 'Ödenecek vergi ve fonlar: ÇTV',                  'credit', false),
  ('cash_clearing',       '100.01', 'Kasa: vezne tahsilatları',                       'debit',  false),
  ('bank_clearing',       '102.01', 'Bankalar: banka ve PTT tahsilatları',            'debit',  false),
  ('suspense',            '399.01', 'Askıdaki tahsilatlar (eşleşmeyen)',              'credit', false);

-- One current account per subscription.
CREATE TABLE ledger_account (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id  text NOT NULL UNIQUE CHECK (subscription_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  opened_at        timestamptz NOT NULL DEFAULT now()
);

-- A journal entry: the header of balanced lines. `reverses` is unique, so an entry is reversed at most once even when
-- two clerks press the button together; `idempotency_key` is unique, so a retried posting is the first posting.
CREATE TABLE ledger_entry (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  kind             text NOT NULL CHECK (kind IN ('accrual', 'fee', 'payment', 'credit', 'transfer', 'reversal')),
  account_id       bigint REFERENCES ledger_account(id),
  business_date    date NOT NULL,
  description      text CHECK (length(description) <= 500),
  reverses         bigint UNIQUE REFERENCES ledger_entry(id),
  posted_at        timestamptz NOT NULL DEFAULT now(),
  actor            text NOT NULL DEFAULT 'system',
  -- The transaction that wrote the entry: its lines must come from the same one (see ledger_line.xact).
  xact             xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT ledger_entry_reversal_refers CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
  CONSTRAINT ledger_entry_id_xact UNIQUE (id, xact)
);
CREATE INDEX ledger_entry_account_idx ON ledger_entry (account_id, id) WHERE account_id IS NOT NULL;

CREATE TABLE ledger_line (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entry_id    bigint NOT NULL,
  line_no     smallint NOT NULL CHECK (line_no >= 1),
  gl_account  text NOT NULL REFERENCES ledger_gl_account(code),
  account_id  bigint REFERENCES ledger_account(id),
  debit       numeric(18,2) NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit      numeric(18,2) NOT NULL DEFAULT 0 CHECK (credit >= 0),
  description text CHECK (length(description) <= 500),
  -- Exactly one side carries the amount: a zero line or a line on both sides says nothing an accountant can read.
  CONSTRAINT ledger_line_one_side CHECK ((debit > 0) <> (credit > 0)),
  -- A line joins only an entry written by its own transaction (xact is forced by the trigger below), so an entry
  -- that balanced at its commit can never be unbalanced later by a line added to it.
  xact        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT ledger_line_entry_same_xact FOREIGN KEY (entry_id, xact) REFERENCES ledger_entry (id, xact),
  UNIQUE (entry_id, line_no)
);
CREATE INDEX ledger_line_account_idx ON ledger_line (account_id, entry_id) WHERE account_id IS NOT NULL;

-- Every entry balances (debits = credits, at least two lines), checked once per entry at COMMIT, when all its lines
-- are in: the lines of an entry come from the entry's own transaction (ledger_line.xact), so checking at the commit
-- of that transaction covers every line the entry will ever have. A header without lines fails too.
CREATE FUNCTION ledger_stamp_xact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The top-level transaction even inside a savepoint; a value given by the writer is never trusted.
  NEW.xact := pg_current_xact_id();
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_entry_stamp_xact BEFORE INSERT ON ledger_entry FOR EACH ROW EXECUTE FUNCTION ledger_stamp_xact();
CREATE TRIGGER ledger_line_stamp_xact BEFORE INSERT ON ledger_line FOR EACH ROW EXECUTE FUNCTION ledger_stamp_xact();

CREATE FUNCTION ledger_entry_check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE d numeric; c numeric; n int;
BEGIN
  SELECT coalesce(sum(debit), 0), coalesce(sum(credit), 0), count(*) INTO d, c, n FROM ledger_line WHERE entry_id = NEW.id;
  IF n < 2 OR d <> c THEN
    RAISE EXCEPTION 'ledger entry % does not balance: % lines, debit %, credit %', NEW.id, n, d, c
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_balanced';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entry DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_check_balance();

-- An open item: what an accrual (or a fee) asks the subscriber to pay, and by when. Its open amount is its amount
-- less the sum of its allocations.
CREATE TABLE ledger_item (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES ledger_account(id),
  entry_id    bigint NOT NULL UNIQUE REFERENCES ledger_entry(id),
  amount      numeric(18,2) NOT NULL CHECK (amount > 0),
  period      text CHECK (period ~ '^\d{4}-\d{2}$'),
  due_date    date NOT NULL
);
CREATE INDEX ledger_item_account_idx ON ledger_item (account_id, due_date, id);

-- Settlement: money of a credit entry (payment, credit note, the reversal of the accrual itself) applied to an item.
-- A negative row releases an earlier allocation (its payment or its item was reversed); rows are never changed.
CREATE TABLE ledger_allocation (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id          bigint NOT NULL REFERENCES ledger_item(id),
  source_entry_id  bigint NOT NULL REFERENCES ledger_entry(id),
  amount           numeric(18,2) NOT NULL CHECK (amount <> 0),
  releases         bigint UNIQUE REFERENCES ledger_allocation(id),
  on_date          date NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_allocation_release_refers CHECK ((amount < 0) = (releases IS NOT NULL))
);
CREATE INDEX ledger_allocation_item_idx ON ledger_allocation (item_id);
CREATE INDEX ledger_allocation_source_idx ON ledger_allocation (source_entry_id);

-- No item is settled beyond its amount, nor below zero, whatever code inserted the rows (checked at COMMIT).
CREATE FUNCTION ledger_allocation_check_item() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE a numeric; amt numeric;
BEGIN
  SELECT coalesce(sum(amount), 0) INTO a FROM ledger_allocation WHERE item_id = NEW.item_id;
  SELECT amount INTO amt FROM ledger_item WHERE id = NEW.item_id;
  IF a < 0 OR a > amt THEN
    RAISE EXCEPTION 'ledger item % allocated % of %', NEW.item_id, a, amt
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_item_not_over_allocated';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_allocation_within_item AFTER INSERT ON ledger_allocation DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_allocation_check_item();

-- Invoice numbers: one gap-free series per prefix and year. The counter row is locked by the UPDATE that takes a
-- number, so a rolled-back invoice gives its number back and concurrent invoices queue.
CREATE TABLE ledger_invoice_counter (
  prefix  text NOT NULL CHECK (prefix ~ '^[A-Z]{3}$'),
  year    int NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  last_no int NOT NULL CHECK (last_no BETWEEN 1 AND 999999),
  PRIMARY KEY (prefix, year)
);

CREATE TABLE ledger_invoice (
  number      text PRIMARY KEY CHECK (number ~ '^[A-Z]{3}\d{4}\d{6}$'),
  account_id  bigint NOT NULL REFERENCES ledger_account(id),
  issue_date  date NOT NULL,
  due_date    date NOT NULL,
  total       numeric(18,2) NOT NULL CHECK (total > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL DEFAULT 'system'
);
CREATE INDEX ledger_invoice_account_idx ON ledger_invoice (account_id, issue_date);

-- An item is invoiced once (the unique item_id): a bulk invoice takes the items no invoice has taken yet.
CREATE TABLE ledger_invoice_item (
  invoice_number  text NOT NULL REFERENCES ledger_invoice(number),
  item_id         bigint NOT NULL UNIQUE REFERENCES ledger_item(id),
  PRIMARY KEY (invoice_number, item_id)
);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: post a reversal or a release instead', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ledger_entry', 'ledger_line', 'ledger_item', 'ledger_allocation', 'ledger_invoice', 'ledger_invoice_item', 'ledger_gl_account', 'ledger_account'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION ledger_append_only()', t || '_no_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()', t || '_no_truncate', t);
  END LOOP;
END $$;

-- The application role for the ledger, when the migrating user may create roles: it may read and append, never
-- change. Triggers above stop the owner too; the missing privileges stop a non-owner before any trigger runs.
-- Roles are cluster-wide, so an existing one is reused; a migrating user without CREATEROLE skips this step.
DO $$
BEGIN
  BEGIN
    CREATE ROLE abone_ledger_writer NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN RAISE NOTICE 'abone_ledger_writer not created: %', SQLERRM; RETURN;
  END;
  GRANT SELECT, INSERT ON ledger_gl_account, ledger_account, ledger_entry, ledger_line, ledger_item, ledger_allocation,
    ledger_invoice, ledger_invoice_item TO abone_ledger_writer;
  GRANT SELECT, INSERT, UPDATE ON ledger_invoice_counter TO abone_ledger_writer;
  GRANT USAGE ON SEQUENCE ledger_account_id_seq, ledger_entry_id_seq, ledger_line_id_seq, ledger_item_id_seq,
    ledger_allocation_id_seq TO abone_ledger_writer;
  REVOKE UPDATE, DELETE, TRUNCATE ON ledger_gl_account, ledger_account, ledger_entry, ledger_line, ledger_item,
    ledger_allocation, ledger_invoice, ledger_invoice_item FROM abone_ledger_writer, PUBLIC;
END $$;
