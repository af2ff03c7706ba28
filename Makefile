# Open Innovation Exchange — the commands you need. `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint fmt check bench install install-dev

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install ## Set up and serve the exchange with demo data on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_workflows
	$(PY) manage.py seed_demo_events
	@echo "Open http://$(HOST):$(PORT)  — demo logins: see README (password: exchange-demo)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev ## Install dev dependencies and run the whole test suite
	$(BIN)/pytest -n 2 --dist loadfile -q $(PYTEST_ARGS)

lint: install-dev ## Ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

fmt: install-dev ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-dev ## Django system checks and missing-migration check
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench: install-dev ## Run every bench/*.py (SQLite, and PostgreSQL if DATABASE_URL is set); one summary table
	$(PY) -m bench.summary
