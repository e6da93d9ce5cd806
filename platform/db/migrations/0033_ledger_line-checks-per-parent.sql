-- A statement of ledger lines checks each parent once, and a line takes one index entry fewer.
--
-- A bill run's shard writes 2,000 entries and 8,000 lines in one statement each. The lines' statement check (0025)
-- probed the entry, the GL account and the current account once per line: 8,000 + 8,000 + 2,000 index probes for
-- 2,000 entries, 4 GL accounts and 2,000 accounts. It now probes each distinct parent once (a hash of the statement's
-- rows first). Same rules, SQLSTATE (23503) and constraint names.
CREATE OR REPLACE FUNCTION ledger_line_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  SELECT n.entry_id INTO bad FROM (SELECT DISTINCT entry_id, xact FROM new_rows) n
  WHERE n.xact <> pg_current_xact_id() OR NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.id = n.entry_id AND e.xact = n.xact) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_line_entry_same_xact', format('entry %s is not of this transaction', bad.entry_id)); END IF;
  SELECT n.gl_account INTO bad FROM (SELECT DISTINCT gl_account FROM new_rows) n
  WHERE NOT EXISTS (SELECT 1 FROM ledger_gl_account g WHERE g.code = n.gl_account) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_line_gl_account_fkey', format('no GL account %s', bad.gl_account)); END IF;
  SELECT n.account_id INTO bad FROM (SELECT DISTINCT account_id FROM new_rows WHERE account_id IS NOT NULL) n
  WHERE NOT EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = n.account_id) LIMIT 1;
  IF FOUND THEN PERFORM ledger_missing_parent('ledger_line_account_id_fkey', format('no account %s', bad.account_id)); END IF;
  RETURN NULL;
END $$;

-- A line is identified by (entry_id, line_no), which is unique and never null; nothing refers to a line by its `id`
-- (no foreign key, no query), so the primary key on `id` was an index entry per line (four per bill) that nothing
-- read. The unique (entry_id, line_no) index stays and identifies lines for logical replication; `id` stays as a
-- column.
ALTER TABLE ledger_line DROP CONSTRAINT ledger_line_pkey;
ALTER TABLE ledger_line REPLICA IDENTITY USING INDEX ledger_line_entry_id_line_no_key;
