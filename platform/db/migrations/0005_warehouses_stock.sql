-- Warehouses (ambar/depo) and the meters in their stock, with the append-only history of every movement.
-- Meters are referred to by serial only, with no foreign key into the head-end's `meter` table: each context owns its
-- tables, and modules/warehouses checks that a serial is a registered meter through the head-end's door instead.

CREATE TABLE warehouse (
  -- Upper case only, so a scope granted as 'ANK-01' can never be dodged by asking for 'ank-01'.
  code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  region      text NOT NULL CHECK (region ~ '^[A-Za-z0-9_-]{1,64}$'),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX warehouse_region_idx ON warehouse (region);

-- Where each meter in stock sits. The serial is the key, so a meter is in at most one warehouse at a time; a meter
-- issued to the field has no row here.
CREATE TABLE warehouse_stock (
  serial          text PRIMARY KEY CHECK (serial ~ '^[A-Za-z0-9_-]{1,64}$'),
  warehouse_code  text NOT NULL REFERENCES warehouse(code),
  since           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX warehouse_stock_code_idx ON warehouse_stock (warehouse_code, serial);

-- Every receipt (from_code null), move between warehouses, and issue to the field (to_code null). Append-only:
-- the stock table says where a meter is now, this table says how it got there and who moved it.
CREATE TABLE stock_move (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  serial         text NOT NULL CHECK (serial ~ '^[A-Za-z0-9_-]{1,64}$'),
  from_code      text REFERENCES warehouse(code),
  to_code        text REFERENCES warehouse(code),
  at             timestamptz NOT NULL DEFAULT now(),
  actor_user_id  integer,
  actor          text NOT NULL,          -- username or 'token:<name>', as in audit_log
  reason         text CHECK (length(reason) <= 500),
  CONSTRAINT stock_move_somewhere CHECK (from_code IS NOT NULL OR to_code IS NOT NULL),
  CONSTRAINT stock_move_not_in_place CHECK (from_code IS DISTINCT FROM to_code)
);
CREATE INDEX stock_move_from_idx ON stock_move (from_code, id) WHERE from_code IS NOT NULL;
CREATE INDEX stock_move_to_idx ON stock_move (to_code, id) WHERE to_code IS NOT NULL;
CREATE INDEX stock_move_serial_idx ON stock_move (serial, id);

CREATE FUNCTION stock_move_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'stock_move is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER stock_move_no_update BEFORE UPDATE OR DELETE ON stock_move FOR EACH ROW EXECUTE FUNCTION stock_move_append_only();
CREATE TRIGGER stock_move_no_truncate BEFORE TRUNCATE ON stock_move FOR EACH STATEMENT EXECUTE FUNCTION stock_move_append_only();
