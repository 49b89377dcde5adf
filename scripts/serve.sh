#!/usr/bin/env bash
# `make serve`: the production-like server, for Lighthouse, benchmarks and a last look before
# deploying. Not for production itself (it invents a local SECRET_KEY and serves plain HTTP).
#
# Uses $DATABASE_URL when set; otherwise the same project-local PostgreSQL as `make run`
# (.local/postgres). Collects the static files (hashed, compressed names served by whitenoise),
# migrates, creates the cache table, loads the starter content, then runs gunicorn with 2 sync
# workers on http://127.0.0.1:${PORT:-8000} with DEBUG off.
#
# Environment: PORT (8000), WEB_CONCURRENCY (2 workers), and any setting from .env.example.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

export DEBUG=false
# Local-only values; a real deployment sets its own (see .env.example).
export SECRET_KEY=${SECRET_KEY:-local-serve-only-not-secret-$(hostname)-0123456789abcdef}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
# There is no TLS proxy in front of this local server: redirecting to https:// would send the
# browser to a port nothing answers on. Production keeps the default (redirect on).
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
port=${PORT:-8000}
workers=${WEB_CONCURRENCY:-2}

# shellcheck source=scripts/pg_common.sh
. "$here/pg_common.sh"
pg_use_local_cluster

py=.venv/bin/python
$py manage.py collectstatic --noinput --clear -v 0
$py manage.py migrate --noinput -v 0
$py manage.py createcachetable
$py manage.py load_starter_content

echo "Production-like server at http://127.0.0.1:$port/ ($workers workers, DEBUG off; Ctrl-C stops it)"
gunicorn_args=(
  clinic_site.wsgi
  --bind "127.0.0.1:$port"
  --workers "$workers"
  --worker-class sync
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
