#!/usr/bin/env bash
# `make superuser`: create a staff login with every permission, on the same database and with
# the same local settings as `make run` (its PostgreSQL in .local/postgres unless DATABASE_URL
# is set). The first sign-in then asks for two-step sign-in with an authenticator app.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

# shellcheck source=scripts/local_env.sh
. "$here/local_env.sh"

# shellcheck source=scripts/pg_common.sh
. "$here/pg_common.sh"
pg_use_local_cluster

.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py createsuperuser "$@"
