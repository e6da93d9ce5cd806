-- Disconnection for unpaid debt (borç nedeniyle kesme): an order type the collections dunning opens, the closing code
-- a crew reports, and `dunning` as a source, so a dunning case opens at most one order (source_ref is unique per source).
INSERT INTO work_order_type (code, label, sla_hours, required_skill) VALUES
  ('disconnection', 'Disconnection for unpaid debt', 72, 'connection');
INSERT INTO work_order_closing_code (code, label, order_types) VALUES
  ('SUPPLY_DISCONNECTED', 'Supply disconnected and sealed for unpaid debt', ARRAY['disconnection']);
ALTER TABLE work_order DROP CONSTRAINT work_order_source_check;
ALTER TABLE work_order ADD CONSTRAINT work_order_source_check CHECK (source IN ('alarm', 'notice', 'api', 'calibration', 'dunning'));
