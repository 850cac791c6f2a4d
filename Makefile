# Kith — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the demo's emails and calendar files point at the site make run serves.
SITE_URL ?= http://$(HOST):$(PORT)

# Tests run against the real PostgreSQL and Redis of this machine by default.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kith
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-fast lint check worker housekeeper beat clean chromium wrk bench bench-pages bench-reminders

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## The demo: SQLite, no Redis, tasks run in-process, mail and texts printed here.
run: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo --quiet
	@# Reminders: the sweeper runs beside the web server (every 60 s) and prints
	@# emails and text messages here; production uses celery worker + beat. Its
	@# first pass runs now; the sign-ins are printed once the site is up.
	DEBUG=1 SITE_URL=$(SITE_URL) $(PY) manage.py deliver_reminders
	@export DEBUG=1 SITE_URL=$(SITE_URL); \
	  { $(PY) manage.py seed_demo --sign-ins --when-up $(HOST):$(PORT); \
	    exec $(PY) manage.py deliver_reminders --every 60; } & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

## Debian's Chromium for the browser journeys (Playwright never downloads one),
## and Pango, which WeasyPrint draws the evidence pack's PDF text with.
chromium:
	@test -x /usr/bin/chromium && ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { \
	  echo "Installing Debian's chromium and pango for the browser and PDF tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

## Every test: unit, view, integration and browser journeys, on PostgreSQL and Redis.
## In TEST_PROCESSES processes (pytest-xdist; each test file in one, each process
## with its own test database and Redis database), then the tests marked
## "serial" (they time the outbox under load) alone. Exit 5 is "none selected".
TEST_PROCESSES ?= 2
test: $(VENV)/.dev chromium
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile -m "not serial" $(PYTEST_ARGS) \
	  || [ $$? -eq 5 ]
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

## Without the browser journeys (quicker while working).
test-fast: $(VENV)/.dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile -m "not e2e and not serial" $(PYTEST_ARGS) \
	  || [ $$? -eq 5 ]
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(PY) -m pytest -m "serial and not e2e" $(PYTEST_ARGS) || [ $$? -eq 5 ]

## Debian's wrk for the page benchmark.
wrk:
	@command -v wrk >/dev/null || { \
	  echo "Installing Debian's wrk for the page benchmark..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

## Both benchmarks, one after the other; fails if either misses a target.
bench: $(VENV)/.dev wrk
	@status=0; \
	  $(PY) bench/pages.py || status=1; \
	  $(PY) bench/reminders.py || status=1; \
	  exit $$status

## Every page at provider scale against a signed-in baseline in the same run (env: see bench/pages.py).
bench-pages: $(VENV)/.dev wrk
	$(PY) bench/pages.py

## Reminder throughput: 10,000 due reminders, one then two workers, against a plain send loop (env: see bench/reminders.py).
bench-reminders: $(VENV)/.dev
	$(PY) bench/reminders.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

check: $(VENV)/.dev
	$(VENV)/bin/lint-imports
	SECRET_KEY=check ALLOW_CONSOLE_MESSAGES=1 $(PY) manage.py check
	SECRET_KEY=check ALLOW_CONSOLE_MESSAGES=1 $(PY) manage.py makemigrations --check --dry-run

## Production-style: a worker on every queue, a one-process housekeeping worker, beat (README).
worker: $(VENV)/.runtime
	$(VENV)/bin/celery -A carehome worker --loglevel=INFO

housekeeper: $(VENV)/.runtime
	$(VENV)/bin/celery -A carehome worker -Q housekeeping -c 2 -n housekeeping@%h --loglevel=INFO

beat: $(VENV)/.runtime
	$(VENV)/bin/celery -A carehome beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
