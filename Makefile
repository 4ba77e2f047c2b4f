# BlinaTrial EDC: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test lint check-migrations install worker beat bench messages catalogue

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.lock
	touch $@

install: $(VENV)/.installed

# The translation catalogues: locale/*/LC_MESSAGES/django.po is kept in git, its compiled .mo is built here.
messages: install
	bash scripts/ensure_system_packages.sh
	$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

# For translators: gather the marked strings into the catalogue again (then translate what is new).
catalogue: install
	$(PY) manage.py makemessages --locale zh_Hans --ignore=.venv --ignore=staticfiles --no-obsolete --verbosity 0

# A secret key made on first run for this install only (in .data/, git-ignored; never committed).
SECRET_FILE := .data/secret_key
# `make run` shows the app as users see it: DEBUG off (error pages in words, compressed static files served by
# whitenoise) but over plain http on this machine (BLINATRIAL_LOCAL_HTTP: no https redirect, no secure cookies).
LOCAL_RUN := DJANGO_DEBUG=false BLINATRIAL_LOCAL_HTTP=true BLINATRIAL_DEMO_ALLOWED=true DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,[::1] DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))"

$(SECRET_FILE): | install
	mkdir -p $(dir $@)
	umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# Embedded default: private PostgreSQL (pgserver), tasks inline, demo sites/users/participants.
run: install $(SECRET_FILE) messages
	$(LOCAL_RUN) $(PY) manage.py migrate --noinput
	$(LOCAL_RUN) $(PY) manage.py demo
	$(LOCAL_RUN) $(PY) manage.py collectstatic --noinput
	$(LOCAL_RUN) $(PY) manage.py runserver $(HOST):$(PORT)

# For developers: the same, with DEBUG on (tracebacks, static files from static/, the development key).
dev: install messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r blinatrial enrollment cycles assessments safety endpoints integrity exports api

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# All set-up (venv, packages, Chromium for browser tests), lint, migration check, whole suite.
test: install messages
	$(MAKE) --no-print-directory lint check-migrations
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/run.py
