#!/usr/bin/env bash
# `make run`: serve the site for local use at http://127.0.0.1:8000.
#
# Uses $DATABASE_URL when set; otherwise a project-local PostgreSQL cluster in .local/postgres
# (created once, data kept between runs, listening on 127.0.0.1 only), which is stopped again
# when the server stops. Migrates, loads the starter content (never overwriting staff edits)
# and runs Django's development server.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

export DEBUG=${DEBUG:-true}
export SECRET_KEY=${SECRET_KEY:-local-development-only-not-secret}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
port=${PORT:-8000}

if [ -z "${DATABASE_URL:-}" ]; then
  . "$here/pg_common.sh"
  pg_find_bindir
  root_dir=$(pwd)/.local
  data=$root_dir/postgres
  pg_port=${LOCAL_PG_PORT:-54329}
  mkdir -p "$root_dir"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root_dir"; then
    echo "error: running as root, the 'postgres' user must be able to reach $root_dir." >&2
    echo "  Clone the project somewhere outside /root, or set DATABASE_URL to an existing server." >&2
    exit 1
  fi
  pg_init "$data" "$root_dir"
  if ! pg_as_owner "$root_dir" "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "Starting the local PostgreSQL in .local/postgres (port $pg_port) ..."
    pg_as_owner "$root_dir" "$PG_BIN/pg_ctl" -D "$data" -w -t 30 -l "$root_dir/postgres.log" \
      -o "-p $pg_port -k $data -c listen_addresses=127.0.0.1" start >/dev/null \
      || { tail -n 20 "$root_dir/postgres.log" >&2; exit 1; }
    trap 'pg_as_owner "$root_dir" "$PG_BIN/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true' EXIT
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
fi

py=.venv/bin/python
$py manage.py migrate --noinput
$py manage.py createcachetable
$py manage.py load_starter_content

cat <<MSG

  The clinic site is running at http://127.0.0.1:$port/  (Ctrl-C stops it)
  Staff admin: http://127.0.0.1:$port/${ADMIN_PATH:-admin/}
  No staff login yet? In another terminal run:
      DATABASE_URL=$DATABASE_URL .venv/bin/python manage.py createsuperuser
  The first sign-in asks you to set up two-step sign-in with an authenticator app.

MSG
$py manage.py runserver "127.0.0.1:$port"
