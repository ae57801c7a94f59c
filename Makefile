# PlanCycle: `make run` sets everything up and serves on SQLite with demo data;
# `make test` runs every check and test (SQLite, then PostgreSQL).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
PLANCYCLE_TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export PLANCYCLE_TEST_PG_URL

.PHONY: setup run test test-sqlite test-postgres lint benchmark clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/plancycle db upgrade
	$(BIN)/plancycle demo --if-empty
	$(BIN)/plancycle deploy
	$(BIN)/plancycle serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test-sqlite: $(STAMP)
	$(BIN)/pytest

test-postgres: $(STAMP)
	PLANCYCLE_TEST_DB=postgresql $(BIN)/pytest -m db

test: lint test-sqlite test-postgres

benchmark: $(STAMP)
	$(BIN)/python benchmarks/step_cost.py --units 10,1000,10000
	$(BIN)/python benchmarks/history_cost.py --returns 1,10,100,300
	$(BIN)/python benchmarks/open_period.py --units 10,1000,11000
	$(BIN)/python benchmarks/fire_timers.py --timers 10000 --workers 1,2

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
