#!/usr/bin/env bash
# The body of `make test`, run with DATABASE_URL pointing at PostgreSQL.
# Lint, then check for missing migrations, then the whole pytest suite. Any failure fails it.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== migrations"
DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python manage.py makemigrations --check --dry-run

echo "== pytest"
set +e
.venv/bin/python -m pytest --cov --cov-report=term "$@"
status=$?
set -e
if [ $status -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
fi
exit $status
