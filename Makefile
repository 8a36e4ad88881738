# Colloque — developer commands. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Every command here runs the development settings; manage.py alone defaults to production.
export DJANGO_SETTINGS_MODULE ?= colloque.settings.local
# Python >= 3.12: the pyenv version named in .python-version, else the first one on PATH
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)

.PHONY: help install run serve worker test lint bench lock messages superuser clean

help:
	@echo "make run    - install, migrate the SQLite database, load the demo, serve on http://$(HOST):$(PORT)"
	@echo "make test   - run the whole test suite"
	@echo "make lint   - ruff on the whole project"
	@echo "make bench  - public pages and registration rush against gunicorn on PostgreSQL, page cost"
	@echo "make lock   - regenerate requirements.lock (production) and requirements-dev.lock"

# A developer's machine installs requirements-dev.lock (production's requirements.lock plus
# pytest, Playwright, ruff); production installs requirements.lock alone.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is required (pyenv install 3.13)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v0 || echo "msgfmt missing: using the committed .mo files"

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

run: install locale/en/LC_MESSAGES/django.mo
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(VENV)/bin/honcho -f Procfile.dev start -p $(PORT)

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py db_worker

superuser: install
	$(PY) manage.py createsuperuser

test: install locale/en/LC_MESSAGES/django.mo
	DJANGO_SETTINGS_MODULE=colloque.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

bench: install
	$(PY) bench/registration_rush.py
	$(PY) bench/page_cost.py

lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra s3 --python-version 3.12 --generate-hashes -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra s3 --extra dev --python-version 3.12 --generate-hashes -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* media private-media
