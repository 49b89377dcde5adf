#!/usr/bin/env bash
# Run a command against PostgreSQL: the server in $DATABASE_URL if set, otherwise a private
# throwaway cluster that lives only as long as the command.
#
# Usage: scripts/with_postgres.sh COMMAND [ARGS...]
# The throwaway cluster: initdb into a temp dir, trust auth, 127.0.0.1 on a free port, socket in
# the temp dir, fsync off (it is thrown away). initdb/postgres refuse to run as root, so as root
# they run as the `postgres` system user. The cluster is stopped and removed on any exit, and the
# command's exit status is passed through.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ -n "${DATABASE_URL:-}" ]; then
  exec "$@"
fi

# shellcheck source=scripts/pg_common.sh
. "$here/pg_common.sh"
pg_find_bindir

tmp=$(mktemp -d /tmp/clinic-pg.XXXXXX)
chmod 755 "$tmp"
cleanup() {
  pg_as_owner "$tmp" "$PG_BIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_init "$tmp/data" "$tmp"
port=$(pg_free_port)
pg_as_owner "$tmp" "$PG_BIN/pg_ctl" -D "$tmp/data" -w -t 30 -l "$tmp/server.log" \
  -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export PG_TMP_CLUSTER_DIR="$tmp"
set +e
"$@"
status=$?
set -e
exit $status
