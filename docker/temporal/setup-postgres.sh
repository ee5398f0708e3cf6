#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the version the server
# image expects. Runs in temporalio/admin-tools before the server starts (docker-compose.yml);
# safe to re-run: existing databases are kept and only missing schema versions are applied.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
PORT="${DB_PORT:-5432}"
SCHEMAS=/etc/temporal/schema/postgresql/v12

until nc -z "$POSTGRES_SEEDS" "$PORT"; do
  echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT"
  sleep 1
done

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$SCHEMAS/temporal/versioned" ;;
    *) dir="$SCHEMAS/visibility/versioned" ;;
  esac
  sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" --db "$db" "$@"; }
  sql create || echo "database $db exists"
  sql setup-schema -v 0.0 || echo "schema of $db already set up"
  sql update-schema -d "$dir"
done
echo "Temporal schemas are current"
