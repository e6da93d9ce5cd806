-- The office each cashier works at, set by a supervisor: the cashier's drawer opens there and nowhere else. A cashier
-- without a row opens a drawer at the office they type (a utility with one desk needs no assignment).
CREATE TABLE collections_cashier_office (
  cashier      text PRIMARY KEY CHECK (length(cashier) BETWEEN 1 AND 200),
  office       text NOT NULL CHECK (office ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
  assigned_by  text NOT NULL,
  assigned_at  timestamptz NOT NULL DEFAULT now()
);
