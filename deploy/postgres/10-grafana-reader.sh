#!/bin/sh
# Runs once, when the database volume is created (docker-entrypoint-initdb.d): the login role Grafana uses.
# Its grants come later, after the head-end's migrations made the tables (deploy/postgres/grafana-reader.sql, run
# by the grafana-grants service on every start).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v pw="$GRAFANA_DB_PASSWORD" <<'SQL'
CREATE ROLE grafana_reader LOGIN PASSWORD :'pw' CONNECTION LIMIT 20;
ALTER ROLE grafana_reader SET statement_timeout = '30s';
ALTER ROLE grafana_reader SET default_transaction_read_only = on;
SQL
