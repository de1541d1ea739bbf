# Guitu: `make run` serves the demo site, `make test` runs the test suite. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev
APPS := portal home stations policies events notices tip_reports

.PHONY: install run test e2e lint format messages compilemessages migrate seed lock clean bench bench-search

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock changes; `pip check` proves the lock is consistent.
$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip check
	touch $(STAMP)

install: $(STAMP)

compilemessages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

migrate: compilemessages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v1

# update_index: the demo is small, and a var/ database from an older checkout gets the current
# search index (docs/search.md) instead of waiting for each page to be saved again.
seed: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py update_index -v0

run: seed
	$(BIN)/python manage.py serve

# One test process per core (pytest-xdist), whole files per process; `PYTEST_JOBS=0` runs
# them in this process (for a debugger or -x on one file).
PYTEST_JOBS ?= auto
test: compilemessages
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest \
		-n $(PYTEST_JOBS) $(if $(filter 0,$(PYTEST_JOBS)),,--dist loadfile) $(PYTEST_ARGS)

# Browser journeys and accessibility checks (tests/e2e; not part of `make test`): a live demo
# site served as by `make run`, Debian's /usr/bin/chromium (never downloaded), axe-core from
# the npm registry (`npm ci` in tests/e2e whenever its lock changes).
E2E_NPM := tests/e2e/node_modules/.package-lock.json

$(E2E_NPM): tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error

e2e: compilemessages $(E2E_NPM)
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# HTTP benchmark (not part of `make test`): gunicorn under production settings on a generated
# database, pinned to one core, a load generator on the other; see docs/performance.md.
bench: compilemessages
	DATABASE_URL= $(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Search benchmark (not part of `make test`): 10,000 generated notices in a throwaway test
# database, on SQLite and then, when DATABASE_URL is set, on that PostgreSQL server.
bench-search: compilemessages
	DATABASE_URL= DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python scripts/bench_search.py $(BENCH_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python scripts/bench_search.py $(BENCH_ARGS); \
	else echo "DATABASE_URL is not set: PostgreSQL skipped."; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh every app's catalogues from the code (English msgids; fill zh_Hans by hand).
messages: install
	for app in $(APPS); do \
		(cd $$app && mkdir -p locale && ../$(BIN)/python ../manage.py makemessages \
			-l zh_Hans -l en --no-location --no-obsolete -v0) || exit 1; \
	done
	$(BIN)/python scripts/fill_english_catalogues.py

# Keeps the versions already locked; `make lock UPGRADE=1` re-resolves everything.
lock:
	$(PYTHON) scripts/lock.py $(if $(UPGRADE),--upgrade)

clean:
	rm -rf var/guitu.sqlite3* var/media var/mail var/static
