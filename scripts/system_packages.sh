#!/usr/bin/env bash
# Make sure the system programs the test suite needs are present: PostgreSQL server programs,
# Chromium and Redis (the cache tests also run against a throwaway redis-server). As root (CI,
# fresh servers) it installs what is missing with apt-get; otherwise
# it says which command to run.
#
# Usage: scripts/system_packages.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

need=()
have_pg=no
for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && have_pg=yes
done
[ "$have_pg" = yes ] || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian's postgresql package starts a cluster of its own; the tests never use it.
  exit 0
fi
echo "Missing system packages: ${need[*]}" >&2
echo "  Install them with: sudo apt-get install ${need[*]}" >&2
if printf '%s\n' "${need[@]}" | grep -qx postgresql && [ -z "${DATABASE_URL:-}" ]; then
  exit 1
fi
if [ -n "${CI:-}" ]; then
  exit 1  # in CI a missing browser or Redis is a failure, never a skip
fi
echo "  Browser and Redis tests will be skipped until these are installed." >&2
