#!/usr/bin/env bash
# `make serve`: the production-like server, for Lighthouse, benchmarks and a last look before
# deploying. Not for production itself (it keeps its own SECRET_KEY and serves plain HTTP).
#
# Uses $DATABASE_URL when set; otherwise the same project-local PostgreSQL as `make run`
# (.local/postgres). Collects the static files (hashed, compressed names served by whitenoise),
# migrates, creates the cache table, loads the starter content, then runs gunicorn on
# http://127.0.0.1:${PORT:-8000} with DEBUG off.
#
# SECRET_KEY: unless set, a random key made on the first run and kept in .local/secret_key
# (gitignored, readable by its owner only), so sessions and signed form tokens survive restarts
# and nobody can work the key out from the machine's name.
#
# gunicorn runs threaded workers (gthread): a client sending its request slowly holds one thread,
# not a whole worker, so a few slow clients cannot take the server offline. Production still
# needs a buffering proxy in front (see the README's deploy section).
#
# Environment: PORT (8000), WEB_CONCURRENCY (2 workers), WEB_THREADS (8 per worker), and any
# setting from .env.example.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

export DEBUG=false

# Print this checkout's SECRET_KEY, making it once: random, owner-only, never committed.
local_secret_key() {
  local file=.local/secret_key tmp=.local/secret_key.$$
  if [ ! -e "$file" ]; then
    mkdir -p .local
    # Written under umask 077, then linked into place: never readable by others, and of two
    # first runs at once, one key wins whole.
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >"$tmp")
    ln "$tmp" "$file" 2>/dev/null || true
    rm -f "$tmp"
  fi
  chmod 600 "$file"
  [ -s "$file" ] || { echo "error: $file is empty; delete it and run again." >&2; exit 1; }
  cat "$file"
}

# Local-only values; a real deployment sets its own (see .env.example).
SECRET_KEY=${SECRET_KEY:-$(local_secret_key)}
export SECRET_KEY
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
# There is no TLS proxy in front of this local server: redirecting to https:// would send the
# browser to a port nothing answers on. Production keeps the default (redirect on).
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
port=${PORT:-8000}
workers=${WEB_CONCURRENCY:-2}
threads=${WEB_THREADS:-8}

# shellcheck source=scripts/pg_common.sh
. "$here/pg_common.sh"
pg_use_local_cluster

py=.venv/bin/python
$py manage.py collectstatic --noinput --clear -v 0
$py manage.py migrate --noinput -v 0
$py manage.py createcachetable
$py manage.py load_starter_content --demo  # articles live (marked not reviewed), as in make run: local use only
$py manage.py load_demo_schedule  # patients can pick a time from a sample caller: local use only

echo "Production-like server at http://127.0.0.1:$port/ ($workers workers x $threads threads, DEBUG off; Ctrl-C stops it)"
gunicorn_args=(
  clinic_site.wsgi
  --bind "127.0.0.1:$port"
  --workers "$workers"
  # A sync worker is stuck with one slow client until it finishes; a gthread worker parks idle
  # connections in its poller and gives a thread only to a request that is arriving.
  --worker-class gthread
  --threads "$threads"
  --timeout 30           # a worker silent this long is restarted
  --graceful-timeout 20  # a restart waits this long for requests in flight
  --keep-alive 5         # idle kept-alive connections close after this many seconds
  # gunicorn's own ceilings, stated: request line and header sizes, and header count.
  --limit-request-line 4094
  --limit-request-fields 100
  --limit-request-field_size 8190
  --no-control-socket  # gunicorn 27 otherwise opens a control socket under $HOME/.gunicorn
  --worker-tmp-dir /dev/shm
  --error-logfile -
)
if [ -n "${PG_LOCAL_DATA:-}" ]; then
  # Keep this shell alive so its EXIT trap stops the local PostgreSQL after gunicorn.
  .venv/bin/gunicorn "${gunicorn_args[@]}"
else
  exec .venv/bin/gunicorn "${gunicorn_args[@]}"
fi
