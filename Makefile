# Följsam. `make demo` serves the demo, `make test` runs the whole suite. Needs Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_DB ?= sqlite:///$(CURDIR)/demo.sqlite3
# The demo's clock: a Monday when the area programme runs and the ESF projects are finished.
DEMO_TODAY ?= 2015-06-22
CHROMIUM ?= /usr/bin/chromium

.PHONY: help setup demo test lint browser messages screenshots prod-smoke clean

help:
	@echo "make demo   - set up, build the demo database and serve http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run ruff, the migration check and the whole test suite"
	@echo "make messages - extract and compile the Swedish and English message files"
	@echo "make prod-smoke - start the production configuration on PostgreSQL and smoke-test it"

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Följsam needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

setup: $(VENV)/.installed

demo: setup
	@rm -f demo.sqlite3
	DEBUG=1 DATABASE_URL=$(DEMO_DB) $(PY) manage.py migrate --verbosity 0
	DEBUG=1 FOLJSAM_TODAY=$(DEMO_TODAY) DATABASE_URL=$(DEMO_DB) $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving the demo on http://127.0.0.1:$(PORT) (Ctrl-C stops it); its today is $(DEMO_TODAY)"
	@echo "A task worker runs beside the server for background work (imports, reminders); e-mails print here."
	@# Served with DEBUG off: the product's own error pages, never Django's technical ones;
	@# WhiteNoise serves the collected static files, DEMO_MODE lets the demo's keys be used.
	@export DEBUG=0 DEMO_MODE=1 FOLJSAM_TODAY=$(DEMO_TODAY) DATABASE_URL=$(DEMO_DB) SITE_URL=http://127.0.0.1:$(PORT); \
	  $(PY) manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium drives the browser tests; installed when missing and we may (root + apt).
browser:
	@if [ -x $(CHROMIUM) ]; then \
	  echo "Browser tests: using $(CHROMIUM)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Browser tests: installing Debian's chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "Browser tests: could not install chromium; they will be skipped"; \
	else \
	  echo "Browser tests: no chromium at $(CHROMIUM) and no way to install it; they will be skipped"; \
	fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: setup browser lint
	DEBUG=1 $(PY) -m pytest

messages: setup
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run >/dev/null
	cd $(CURDIR) && DEBUG=1 $(PY) manage.py makemessages -l sv -l en --no-obsolete \
	  --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# The guide's screenshots (docs/screenshots/) come from the case-work journeys in the browser.
screenshots: setup browser
	rm -f docs/screenshots/journey-*.png
	DEBUG=1 SCREENSHOTS=1 $(PY) -m pytest tests/browser/test_case_work_journeys.py -k identified -q

# The production configuration (gunicorn with two processes, one task worker, DEBUG off) on a
# scratch PostgreSQL database, smoke-tested over HTTP (deploy/smoke.py, docs/deploy.md).
# SMOKE_PG_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres).
prod-smoke: setup
	$(PY) deploy/smoke.py

clean:
	rm -rf $(VENV) demo.sqlite3 staticfiles .pytest_cache .ruff_cache
