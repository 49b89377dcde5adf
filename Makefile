# The two commands a newcomer needs: `make run` and `make test`. See the README.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: help run superuser test lint serve worker bench bench-scheduling lighthouse drill backup-check install install-prod

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install:  ## Create .venv with the locked development dependencies
	@scripts/bootstrap.sh dev

install-prod:  ## Create .venv with the locked production dependencies only
	@scripts/bootstrap.sh prod

run: install  ## Run the site at http://127.0.0.1:8000 on a local PostgreSQL
	@scripts/run.sh

superuser: install  ## Create a staff login with every permission, for the site `make run` serves
	@scripts/superuser.sh $(ARGS)

test: install  ## Run linting, the migrations check and the whole test suite
	@scripts/system_packages.sh
	@scripts/with_postgres.sh scripts/with_redis.sh scripts/test.sh $(ARGS)

lint: install  ## Lint and format-check the code
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

serve: install  ## Run the production-like server (gunicorn, DEBUG off, collected static)
	@scripts/serve.sh

worker: install  ## Run the background worker that sends notifications
	$(PY) manage.py db_worker

backup-check: install  ## Dump the database, restore it into a fresh one, compare every table's rows
	@scripts/with_postgres.sh scripts/backup_check.sh

drill: install  ## The failure drill: two app servers under load while PostgreSQL, a worker and mail fail
	@timeout --foreground -s INT 300 $(PY) scripts/drill.py

lighthouse: install  ## Run Lighthouse (mobile) on home, an article and the form; print the scores
	@scripts/with_postgres.sh $(PY) bench/lighthouse.py

bench: install  ## Benchmark the production-like server against a static file (takes ~8 min)
	@scripts/with_postgres.sh $(PY) bench/run.py

bench-scheduling: install  ## Benchmark booked calls: slot CPU, form, booking POST, 50-way race
	@scripts/with_postgres.sh $(PY) bench/scheduling.py
