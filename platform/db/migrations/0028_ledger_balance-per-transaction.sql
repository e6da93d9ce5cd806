-- Every entry balances, checked once per transaction instead of once per entry (docs/ledger.md, "What the database
-- enforces"). A bill run posts 2,000 entries in a transaction; the deferred per-row trigger ran one PL/pgSQL query
-- per entry at COMMIT. Now the first entry of a transaction queues the one deferred check, and that check looks at
-- every entry the transaction wrote (an index on xact finds them), in one query, with the same message, SQLSTATE
-- (23514) and constraint name (ledger_entry_balanced) as before.
--
-- How one check covers them all: an entry and its lines carry their transaction's id (0007, 0025: a row naming
-- another transaction is refused), so every line an entry will ever have is written by the transaction that wrote
-- the entry, and a check at that transaction's COMMIT sees them all.
--
-- Queuing it once: the trigger's WHEN condition is evaluated as each row is inserted (not deferred, as PostgreSQL
-- documents for constraint triggers) and is true only while no check of this transaction is queued; a
-- transaction-local setting remembers that one is. The check clears it when it runs, so entries written after a
-- check that ran early (SET CONSTRAINTS ledger_entry_balanced IMMEDIATE) queue another, which again checks every
-- entry of the transaction. Settings and queued trigger events are both undone by ROLLBACK TO SAVEPOINT, so the two
-- cannot disagree: a check queued inside a savepoint that is rolled back is forgotten together with the memory of it.
CREATE INDEX ledger_entry_xact_idx ON ledger_entry (xact);

DROP TRIGGER ledger_entry_balanced ON ledger_entry;
DROP FUNCTION ledger_entry_check_balance();

CREATE FUNCTION ledger_balance_check_due() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE x text := pg_current_xact_id()::text;
BEGIN
  IF current_setting('abone.ledger_balance_queued', true) = x THEN RETURN false; END IF;
  PERFORM set_config('abone.ledger_balance_queued', x, true);
  RETURN true;
END $$;

CREATE FUNCTION ledger_entries_check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE x xid8 := pg_current_xact_id(); bad record;
BEGIN
  PERFORM set_config('abone.ledger_balance_queued', '', true);
  SELECT e.id, count(l.entry_id) AS n, coalesce(sum(l.debit), 0) AS d, coalesce(sum(l.credit), 0) AS c INTO bad
    FROM ledger_entry e LEFT JOIN ledger_line l ON l.entry_id = e.id
   WHERE e.xact = x
   GROUP BY e.id
  HAVING count(l.entry_id) < 2 OR coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0)
   ORDER BY e.id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % does not balance: % lines, debit %, credit %', bad.id, bad.n, bad.d, bad.c
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_balanced';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entry DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (ledger_balance_check_due()) EXECUTE FUNCTION ledger_entries_check_balance();
