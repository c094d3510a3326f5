#!/bin/sh
# One-shot job (the postgres image): the engine's own database on the compose PostgreSQL, where the
# API and every worker keep the identity documents (CARDFLOW_DATABASE_URL). Creates the `cardflow`
# role (password from its secret file) and the `cardflow` database it owns; safe on every
# `docker compose up`: what exists is kept, and the role's password follows the file. The tables
# are the engine's own migrations, run by the API and the workers at start.
#
#   PGHOST, PGPORT                      where (default postgresql:5432)
#   POSTGRES_USER, POSTGRES_PASSWORD_FILE   the administrator (compose: the temporal superuser)
#   CARDFLOW_DB_PASSWORD_FILE           the cardflow role's password
set -eu

: "${PGHOST:=postgresql}"
: "${PGPORT:=5432}"
export PGHOST PGPORT
PGPASSWORD=$(cat "${POSTGRES_PASSWORD_FILE:?POSTGRES_PASSWORD_FILE names the administrator password file}")
export PGPASSWORD
password=$(cat "${CARDFLOW_DB_PASSWORD_FILE:?CARDFLOW_DB_PASSWORD_FILE names the cardflow role password file}")

psql -U "${POSTGRES_USER:?POSTGRES_USER names the administrator}" -d postgres -v ON_ERROR_STOP=1 -v password="$password" <<'SQL'
SELECT 'CREATE ROLE cardflow LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cardflow')\gexec
ALTER ROLE cardflow WITH LOGIN PASSWORD :'password';
SELECT 'CREATE DATABASE cardflow OWNER cardflow' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'cardflow')\gexec
-- A database made beforehand by someone else: the role owns it (and so its public schema).
ALTER DATABASE cardflow OWNER TO cardflow;
SQL
echo 'cardflow database: ready'
