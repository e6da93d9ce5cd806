-- Why a bank statement line was refused or left in suspense, as a stable code and its parameters
-- (modules/collections/statement-reasons.ts; docs/collections.md, "Reason codes"), beside the English sentence kept in
-- `reason` for logs and API users. The console words the code in the clerk's language. Rows imported before this
-- migration keep both NULL and the console shows their English sentence.
--
-- Both tables are append-only (0018's triggers refuse UPDATE): the columns are added and no row is rewritten. The
-- checks are NOT VALID so that adding them does not scan the tables under their lock: every existing row has NULL in
-- the new columns and passes anyway, and every new row is checked. (CASE, not OR: a NULL in an OR'd check passes it.)
ALTER TABLE collections_statement_line
  ADD COLUMN reason_code text,
  ADD COLUMN reason_params jsonb,
  ADD CONSTRAINT collections_statement_line_reason_code CHECK (CASE WHEN reason_code IS NULL THEN reason_params IS NULL
    ELSE reason_code ~ '^[A-Z][A-Z_]{0,39}$' AND reason_params IS NOT NULL AND jsonb_typeof(reason_params) = 'object' AND reason IS NOT NULL END) NOT VALID;

ALTER TABLE collections_suspense
  ADD COLUMN reason_code text,
  ADD COLUMN reason_params jsonb,
  ADD CONSTRAINT collections_suspense_reason_code CHECK (CASE WHEN reason_code IS NULL THEN reason_params IS NULL
    ELSE reason_code ~ '^[A-Z][A-Z_]{0,39}$' AND reason_params IS NOT NULL AND jsonb_typeof(reason_params) = 'object' END) NOT VALID;
