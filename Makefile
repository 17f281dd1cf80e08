# The two commands of the README: `make run` (demo) and `make test` (lint + whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
export ROLODEX_TEST_PG_URL ?= $(PG_URL)
export ROLODEX_TEST_REDIS_URL ?= $(REDIS_URL)

.PHONY: install run test lint format bench services browser clean

VENDOR := src/rolodex/web/static/vendor
ASSETS := $(VENDOR)/.installed

install: $(STAMP) $(ASSETS)

# Dashboard libraries come from the npm registry at install time; they are not committed.
$(ASSETS): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the dashboard's htmx and Chart.js (apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	@touch $(ASSETS)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install
	$(BIN)/rolodex demo

lint: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

services: install
	@$(BIN)/python tests/check_services.py

# Browser tests drive Debian's Chromium; install it where it is missing and we are root (CI).
browser:
	@if command -v chromium >/dev/null; then echo "Chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Chromium: installing Debian's chromium package"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; \
	else echo "Chromium: missing and not root; browser tests will be skipped (CI=true fails them)"; fi

# Three workers on two cores: a test spends much of its time waiting on PostgreSQL, Chromium
# or a child process (tests/imports + tests/exports: 231 s with two workers, 183 s with three).
test: install lint services browser
	$(BIN)/python -m pytest -n 3 --dist loadgroup -q

# The HTTP benchmarks load the server with wrk (Debian's package), installed like Chromium.
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "wrk: installing Debian's wrk package" && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; } || \
	  echo "wrk: missing (apt-get install wrk); the HTTP benchmarks will fail"
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
