#!/bin/sh
# One-shot job (temporalio/admin-tools): creates the Temporal persistence and visibility databases
# on PostgreSQL and brings both schemas to the versions this admin-tools release ships. Safe to
# run on every `docker compose up`: existing databases are kept and the schema tool only applies
# the versions a database does not have yet (also how a Temporal upgrade migrates them).
#
#   POSTGRES_SEEDS, DB_PORT, POSTGRES_USER   where and as whom
#   POSTGRES_PWD_FILE                        the password, as a file (a compose secret)
#   TEMPORAL_SQL_TOOL, TEMPORAL_SCHEMA_DIR   the tool and the schema/postgresql/v12 folder (the
#                                            admin-tools image's by default; `cardflow cluster`
#                                            runs this same script with its own build's)
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:=temporal}"
SQL_PASSWORD=$(cat "${POSTGRES_PWD_FILE:?POSTGRES_PWD_FILE names the password file}")
export SQL_PASSWORD

schema=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}
sql() { "${TEMPORAL_SQL_TOOL:-temporal-sql-tool}" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }

for db in temporal temporal_visibility; do
  case $db in
    temporal) versioned=$schema/temporal/versioned ;;
    *) versioned=$schema/visibility/versioned ;;
  esac
  echo "schema: $db"
  sql --db "$db" create || echo "schema: database $db exists"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$versioned"
done
echo 'schema: done'
