#!/usr/bin/env bash
# Create .venv and install the locked dependencies into it.
#
# Usage: scripts/bootstrap.sh [prod|dev]   (default: dev)
# Installs exactly the versions in requirements(-dev).lock, with hashes checked, using uv
# (itself pinned) because it installs the whole lock in seconds. Re-running is cheap: it only
# re-syncs when a lock file is newer than the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:-dev}
lock=requirements-dev.lock
[ "$kind" = prod ] && lock=requirements.lock
stamp=.venv/.installed-$kind

if ! command -v python3 >/dev/null; then
  echo "error: python3 (3.11 or newer) is required. On Debian/Ubuntu: apt-get install python3 python3-venv" >&2
  exit 1
fi
python3 - <<'PY' || { echo "error: Python 3.11 or newer is required (found $(python3 --version))." >&2; exit 1; }
import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || { echo "error: could not create .venv. On Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
fi
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  echo "Installing locked dependencies from $lock ..."
  .venv/bin/uv pip sync --quiet --python .venv/bin/python --require-hashes "$lock"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
