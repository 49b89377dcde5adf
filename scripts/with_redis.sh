#!/usr/bin/env bash
# Run a command with a throwaway Redis server: the one in $TEST_REDIS_URL if set, otherwise a
# private redis-server on a free loopback port that keeps nothing on disk and lives only as
# long as the command. The command's exit status is passed through.
#
# Usage: scripts/with_redis.sh COMMAND [ARGS...]
# The test suite runs its cache tests against this server as well as against PostgreSQL's
# database cache; without one, those tests skip on a developer's machine and fail in CI.
set -euo pipefail

if [ -n "${TEST_REDIS_URL:-}" ]; then
  exec "$@"
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "warning: redis-server not found; the Redis cache tests cannot run." >&2
  exec "$@"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
tmp=$(mktemp -d /tmp/clinic-redis.XXXXXX)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" \
  --daemonize yes --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log"
cleanup() {
  [ -f "$tmp/redis.pid" ] && kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for _ in $(seq 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done

export TEST_REDIS_URL="redis://127.0.0.1:$port"
set +e
"$@"
status=$?
set -e
exit $status
