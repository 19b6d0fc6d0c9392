# Two commands matter: `make run` (the platform with demo data on http://127.0.0.1:8000) and
# `make test` (everything the tests need, then the whole suite). Both work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Debian packages: WeasyPrint's libraries and fonts, gettext for the message catalogues.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra gettext
# ... and for the tests: a browser, the compose validator, PDF rasterising, a throwaway Redis server.
TEST_PACKAGES := $(RUN_PACKAGES) chromium docker-compose poppler-utils redis-server

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mobility
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test bench install install-dev messages lint check services clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
	@.ci/system-packages $(RUN_PACKAGES)

install-dev: $(VENV)/.installed-dev
	@.ci/system-packages $(TEST_PACKAGES)

messages: $(VENV)/.installed
	@$(PY) manage.py compilemessages --ignore '.venv' -v 0

run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install messages
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py run_platform --host $(HOST) --port $(PORT)

test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export REDIS_URL ?= $(TEST_REDIS_URL)
test: export DEBUG := true
test: install-dev messages
	@.ci/services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=compose-validation SITE_URL=https://mobility.example EMAIL_URL=smtp://relay.example:25 docker-compose -f docker-compose.yml config -q
	SECRET_KEY=compose-validation SITE_URL=https://mobility.example EMAIL_URL=smtp://mailpit:1025 docker-compose -f docker-compose.yml --profile dev config -q
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mobility_bench
bench: export REDIS_URL ?= redis://127.0.0.1:6379/3
bench: install-dev messages
	@.ci/services
	$(PY) bench/run.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.installed-dev
	$(VENV)/bin/mypy mobility partners certification

services:
	@.ci/services

clean:
	rm -rf var/ .venv/
