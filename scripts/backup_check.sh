#!/usr/bin/env bash
# `make backup-check`: prove a backup restores. Dumps the database in $DATABASE_URL with pg_dump
# (custom format, the format the README's backup procedure uses), restores it into a fresh
# database on the same server, and compares the row count of every table. Exit 0 only if every
# table matches. The restored copy is dropped afterwards; the source database is only read.
#
# Usage: scripts/backup_check.sh            (DATABASE_URL set: check that database)
#        scripts/with_postgres.sh scripts/backup_check.sh   (a throwaway database with the
#        site's tables and starter content, which is what `make backup-check` does)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
: "${DATABASE_URL:?DATABASE_URL must point at the database to check}"

. "$here/pg_common.sh"
pg_find_bindir

if [ -n "${PG_TMP_CLUSTER_DIR:-}" ]; then
  echo "== preparing a throwaway database (migrate, starter content)"
  export DEBUG=true SECRET_KEY=backup-check-only
  .venv/bin/python manage.py migrate --noinput >/dev/null
  .venv/bin/python manage.py createcachetable
  .venv/bin/python manage.py load_starter_content >/dev/null
fi

restore_db="clinic_restore_check_$$"
restore_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$DATABASE_URL" "$restore_db")
dump=$(mktemp /tmp/clinic-backup.XXXXXX.dump)
cleanup() {
  rm -f "$dump"
  "$PG_BIN/psql" -q -X "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $restore_db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== pg_dump (custom format)"
"$PG_BIN/pg_dump" --format=custom --no-owner --no-privileges --file "$dump" "$DATABASE_URL"
echo "   $(du -h "$dump" | cut -f1) written"

echo "== restore into a fresh database ($restore_db)"
"$PG_BIN/psql" -q -X -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "CREATE DATABASE $restore_db" >/dev/null
"$PG_BIN/pg_restore" --no-owner --no-privileges --exit-on-error --dbname "$restore_url" "$dump"

echo "== comparing row counts"
tables=$("$PG_BIN/psql" -At -X "$DATABASE_URL" -c \
  "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
   WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
   ORDER BY 1")
count() { "$PG_BIN/psql" -At -X "$1" -c "SELECT count(*) FROM $2"; }
checked=0 mismatched=0 rows=0
for table in $tables; do
  source_rows=$(count "$DATABASE_URL" "$table")
  restored_rows=$(count "$restore_url" "$table" 2>/dev/null || echo missing)
  checked=$((checked + 1))
  rows=$((rows + source_rows))
  if [ "$source_rows" != "$restored_rows" ]; then
    echo "   MISMATCH $table: source $source_rows, restored $restored_rows"
    mismatched=$((mismatched + 1))
  fi
done
[ "$checked" -gt 0 ] || { echo "error: no tables found in the source database" >&2; exit 1; }
if [ "$mismatched" -ne 0 ]; then
  echo "FAILED: $mismatched of $checked tables differ after restore" >&2
  exit 1
fi
echo "OK: $checked tables, $rows rows, every count matches after restore"
