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

.PHONY: setup system-packages frontend run test test-sqlite test-postgres lint benchmark clean translations

# Debian packages the documents need: a Times-compatible font with Vietnamese, and poppler's tools.
DEBIAN_PACKAGES := fonts-liberation2 poppler-utils

setup: $(STAMP) system-packages frontend

# The modeler page's script: npm packages pinned in package-lock.json, bundled by esbuild.
NODE_STAMP := node_modules/.installed
FRONTEND   := web/static/build/modeler.js

frontend: $(FRONTEND)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

$(FRONTEND): $(NODE_STAMP) $(wildcard web/frontend/*)
	npm run build

system-packages:
	@command -v dpkg >/dev/null || exit 0; \
	missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "PlanCycle's documents need:$$missing (sudo apt-get install$$missing)"; fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) system-packages frontend
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

test: system-packages frontend lint test-sqlite test-postgres

benchmark: $(STAMP)
	$(BIN)/python benchmarks/step_cost.py --units 10,1000,10000
	$(BIN)/python benchmarks/history_cost.py --returns 1,10,100,300
	$(BIN)/python benchmarks/open_period.py --units 10,1000,11000
	$(BIN)/python benchmarks/fire_timers.py --timers 10000 --workers 1,2
	$(BIN)/python benchmarks/inbox_pages.py --db sqlite,postgresql --tasks 100000,1000000
	$(BIN)/python benchmarks/render_documents.py --units 10,100,700
	$(BIN)/python benchmarks/check_diagrams.py --repeat 10

clean:
	rm -rf $(VENV) node_modules web/static/build instance .pytest_cache .mypy_cache .ruff_cache

# Refresh the English catalogue after changing interface texts (then fill in the new msgstr).
translations: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o build/messages.pot .
	$(BIN)/pybabel update -i build/messages.pot -d web/translations -l en --no-fuzzy-matching --ignore-obsolete
