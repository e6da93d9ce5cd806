-- The balance check at COMMIT (0028) costs what the transaction wrote, not what the ledger holds.
--
-- 0028 found the transaction's entries and joined them to their lines in one query ending `ORDER BY e.id LIMIT 1`
-- (to name the first bad entry). PL/pgSQL runs it as a generic plan (the transaction id a parameter), and
-- PostgreSQL planned it as a walk of the entry primary key in id order from the oldest entry, testing each entry's
-- xact, in the hope of an early match, which never comes when every entry balances: the whole ledger_entry table at
-- every COMMIT (`EXPLAIN (ANALYZE) EXECUTE` with plan_cache_mode=force_generic_plan on a 200,000-entry ledger: "Rows
-- Removed by Filter: 198000", 67 ms; a smaller ledger in balance-check-cost.test.ts got a merge join over every
-- line instead). At 1,000,000 subscriptions a bill run's month spent 238-265 s of database time in it
-- (bench:billing --statements), and every payment's commit walked the ledger too. Now the transaction's entries are
-- found first, by the xact index, in a MATERIALIZED CTE that the ORDER BY cannot reach past, and each entry's lines
-- are summed through the (entry_id, line_no) index, one probe per entry (a LATERAL subquery cannot be merge- or
-- hash-joined over all lines): 8 ms on the same ledger, and a transaction of N entries reads ~4 N blocks whatever
-- the ledger's size. Same rule, message, SQLSTATE (23514) and constraint name.
CREATE OR REPLACE FUNCTION ledger_entries_check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE x xid8 := pg_current_xact_id(); bad record;
BEGIN
  PERFORM set_config('abone.ledger_balance_queued', '', true);
  WITH mine AS MATERIALIZED (SELECT id FROM ledger_entry WHERE xact = x)
  SELECT m.id, s.n, s.d, s.c INTO bad
    FROM mine m
   CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(l.debit), 0) AS d, coalesce(sum(l.credit), 0) AS c
                         FROM ledger_line l WHERE l.entry_id = m.id) s
   WHERE s.n < 2 OR s.d <> s.c
   ORDER BY m.id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % does not balance: % lines, debit %, credit %', bad.id, bad.n, bad.d, bad.c
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_balanced';
  END IF;
  RETURN NULL;
END $$;
