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

# shellcheck source=scripts/local_env.sh
. "$here/local_env.sh"
port=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$port}  # links in pages and emails name this port

# shellcheck source=scripts/pg_common.sh
. "$here/pg_common.sh"
pg_use_local_cluster

py=.venv/bin/python
$py manage.py migrate --noinput
$py manage.py createcachetable
$py manage.py load_starter_content --demo  # a fictional clinic: local use only
$py manage.py load_demo_schedule  # patients can pick a time from a sample caller: local use only

cat <<MSG

  The clinic site is running at http://127.0.0.1:$port/  (Ctrl-C stops it)
  Staff admin: http://127.0.0.1:$port/${ADMIN_PATH:-admin/}
  No staff login yet? In another terminal run:
      make superuser
  The first sign-in asks you to set up two-step sign-in with an authenticator app.

MSG
$py manage.py runserver "127.0.0.1:$port"
