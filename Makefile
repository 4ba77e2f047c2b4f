# BlinaTrial EDC: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check-migrations install worker beat bench

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.lock
	touch $@

install: $(VENV)/.installed

# Embedded default: private PostgreSQL (pgserver), tasks inline, demo sites/users/participants.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r blinatrial enrollment cycles assessments safety endpoints integrity exports

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

# All set-up (venv, packages, Chromium for browser tests), lint, migration check, whole suite.
test: install
	bash scripts/ensure_chromium.sh
	$(MAKE) --no-print-directory lint check-migrations
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/run.py
