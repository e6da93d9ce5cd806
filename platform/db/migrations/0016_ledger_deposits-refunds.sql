-- What collections needs of the current account: security deposits (güvence bedeli) are the subscriber's money the
-- utility holds, a liability of their own; card payments arrive through the POS provider days later; and two kinds
-- of entry that open an item: a deposit demanded (paid like a bill, in instalments if agreed) and a refund (money the
-- utility pays back, settled at once by the credit it returns).
INSERT INTO ledger_gl_account (code, chart_code, name, normal_side, subledger) VALUES
  ('deposits_held', '326.01', 'Alınan depozito ve teminatlar: güvence bedelleri', 'credit', false),
  ('pos_clearing',  '108.01', 'Diğer hazır değerler: kredi kartı tahsilatları',   'debit',  false);

ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_kind_check;
ALTER TABLE ledger_entry ADD CONSTRAINT ledger_entry_kind_check
  CHECK (kind IN ('accrual', 'fee', 'deposit', 'refund', 'payment', 'credit', 'transfer', 'reversal'));
