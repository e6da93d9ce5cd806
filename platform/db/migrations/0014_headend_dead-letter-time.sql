-- Dashboards and the dead-letters API filter by time first (last hour, last day) across all reasons: the
-- (reason, received_at) index cannot serve that, and a year of rejections is a large table.
CREATE INDEX dead_letter_received_at_idx ON dead_letter (received_at);
