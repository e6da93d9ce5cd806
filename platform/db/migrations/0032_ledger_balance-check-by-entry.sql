-- The balance check at COMMIT (0028) costs what the transaction wrote, not what the ledger holds.
--
-- 0028 found the transaction's entries by the xact index and joined them to their lines in one query. PL/pgSQL runs
-- it as a generic plan (the transaction id a parameter), and PostgreSQL chose a hash join over a sequential scan of
-- all of ledger_line: at 1,000,000 subscriptions a bill run's shard of 2,000 entries read ~78,000 blocks at COMMIT in
-- the second month (pg_stat_statements, bench:billing --statements), 238 s of the month's 500 shards, and every
-- payment's commit scanned the whole ledger too. Now each entry's lines are summed through the (entry_id, line_no)
-- index, one probe per entry (a LATERAL subquery cannot be hash-joined), so a transaction of N entries reads ~4 N
-- blocks whatever the size of the ledger. Same rule, message, SQLSTATE (23514) and constraint name.
CREATE OR REPLACE FUNCTION ledger_entries_check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE x xid8 := pg_current_xact_id(); bad record;
BEGIN
  PERFORM set_config('abone.ledger_balance_queued', '', true);
  SELECT e.id, s.n, s.d, s.c INTO bad
    FROM ledger_entry e
   CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(l.debit), 0) AS d, coalesce(sum(l.credit), 0) AS c
                         FROM ledger_line l WHERE l.entry_id = e.id) s
   WHERE e.xact = x AND (s.n < 2 OR s.d <> s.c)
   ORDER BY e.id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % does not balance: % lines, debit %, credit %', bad.id, bad.n, bad.d, bad.c
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_balanced';
  END IF;
  RETURN NULL;
END $$;
