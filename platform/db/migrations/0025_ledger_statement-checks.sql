-- The ledger's references checked once per statement instead of once per row (docs/decisions.md, "Ledger references
-- checked per statement"). A bill run or a payment file writes thousands of lines in one statement; a foreign key
-- checks each row with its own lookup and FOR KEY SHARE lock on the parent (the few GL account rows are locked by
-- every concurrent writer), and the transaction stamp was a PL/pgSQL call per row. Together they were about four
-- fifths of the database's time for a payment file and a quarter of a bill's.
--
-- The guarantees stay: every row inserted must name an existing parent, and every entry and line carries its own
-- transaction's id. What made a row-level check with locks necessary for a foreign key — a parent deleted
-- concurrently — cannot happen here: every parent table is append-only (0007: no UPDATE, DELETE or TRUNCATE, for the
-- owner too), so a parent a statement sees stays. A parent written by another transaction that has not committed
-- yet is not seen, and the row is refused (a foreign key would have waited for it): safe, and no code path does it.
-- The same SQLSTATEs and constraint names are raised as before, so callers and tests read the same errors.

-- A writer may not give a row another transaction's id (the default is the writer's own; before, a trigger
-- overwrote any given value, now it is refused).
DROP TRIGGER ledger_entry_stamp_xact ON ledger_entry;
DROP TRIGGER ledger_line_stamp_xact ON ledger_line;
DROP FUNCTION ledger_stamp_xact();

ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_account_id_fkey;
ALTER TABLE ledger_line DROP CONSTRAINT ledger_line_gl_account_fkey;
ALTER TABLE ledger_line DROP CONSTRAINT ledger_line_account_id_fkey;
ALTER TABLE ledger_line DROP CONSTRAINT ledger_line_entry_same_xact;
ALTER TABLE ledger_item DROP CONSTRAINT ledger_item_account_id_fkey;
ALTER TABLE ledger_item DROP CONSTRAINT ledger_item_entry_id_fkey;
ALTER TABLE ledger_allocation DROP CONSTRAINT ledger_allocation_item_id_fkey;
ALTER TABLE ledger_allocation DROP CONSTRAINT ledger_allocation_source_entry_id_fkey;
-- It existed only as the target of the line → (entry, transaction) foreign key; the primary key finds an entry.
ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_id_xact;

-- Raises a foreign-key violation under the name the constraint had.
CREATE FUNCTION ledger_missing_parent(constraint_name text, detail text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'insert violates % (%)', constraint_name, detail USING ERRCODE = 'foreign_key_violation', CONSTRAINT = constraint_name;
END $$;

CREATE FUNCTION ledger_entry_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  SELECT n.id INTO bad FROM new_rows n WHERE n.xact <> pg_current_xact_id() LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_entry_own_xact', format('entry %s names another transaction', bad.id)); END IF;
  SELECT n.account_id INTO bad FROM new_rows n WHERE n.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = n.account_id) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_entry_account_id_fkey', format('no account %s', bad.account_id)); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entry_checked AFTER INSERT ON ledger_entry REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_check_rows();

-- A line joins only an entry of its own transaction (so an entry that balanced at its commit stays balanced), on a
-- known GL account and, when it names one, a known current account.
CREATE FUNCTION ledger_line_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  SELECT n.entry_id INTO bad FROM new_rows n
  WHERE n.xact <> pg_current_xact_id() OR NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.id = n.entry_id AND e.xact = n.xact) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_line_entry_same_xact', format('entry %s is not of this transaction', bad.entry_id)); END IF;
  SELECT n.gl_account INTO bad FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM ledger_gl_account g WHERE g.code = n.gl_account) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_line_gl_account_fkey', format('no GL account %s', bad.gl_account)); END IF;
  SELECT n.account_id INTO bad FROM new_rows n WHERE n.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = n.account_id) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_line_account_id_fkey', format('no account %s', bad.account_id)); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_line_checked AFTER INSERT ON ledger_line REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_line_check_rows();

CREATE FUNCTION ledger_item_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  SELECT n.account_id INTO bad FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = n.account_id) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_item_account_id_fkey', format('no account %s', bad.account_id)); END IF;
  SELECT n.entry_id INTO bad FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.id = n.entry_id) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_item_entry_id_fkey', format('no entry %s', bad.entry_id)); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_item_checked AFTER INSERT ON ledger_item REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_item_check_rows();

CREATE FUNCTION ledger_allocation_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  SELECT n.item_id INTO bad FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM ledger_item i WHERE i.id = n.item_id) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_allocation_item_id_fkey', format('no item %s', bad.item_id)); END IF;
  SELECT n.source_entry_id INTO bad FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.id = n.source_entry_id) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_allocation_source_entry_id_fkey', format('no entry %s', bad.source_entry_id)); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_allocation_checked AFTER INSERT ON ledger_allocation REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_allocation_check_rows();
