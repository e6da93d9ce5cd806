-- Read-only access for Grafana: the head-end tables the dashboards read, and nothing that holds personal data
-- (parties, contacts, users, audit). Run after migrations with the role's name as a psql variable:
--   psql -v ON_ERROR_STOP=1 -v reader=grafana_reader -f grafana-reader.sql
-- The compose stack does this in its `grafana-grants` service; dashboards/dashboards.test.ts runs every dashboard
-- query as a role holding only these grants, so a panel that reads another table fails CI until it is listed here.
-- A new dashboard adds its tables (or columns) here.
GRANT USAGE ON SCHEMA public TO :"reader";
GRANT SELECT ON
  channel, meter_model, meter_model_channel, meter,
  reading, meter_event, dead_letter,
  rollup_hourly, rollup_daily, rollup_monthly
TO :"reader";
-- Alarms (rules) and work orders (work-orders). An order's address and description may name people: Grafana gets
-- only the columns the dashboards count by.
GRANT SELECT ON alarm, rule_definition, work_order_type TO :"reader";
GRANT SELECT (id, type, status, priority, source, region, meter_id, created_at, sla_due_at, closed_at) ON work_order TO :"reader";
-- Billing: accrual figures only (no account, subscription or who decided).
GRANT SELECT (period, commodity, consumption, estimated_share, net, gross, state, outsort_reason) ON billing_accrual TO :"reader";
