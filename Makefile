# Two commands set everything up on a fresh machine: `make demo` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The test extra plus the optional backends and engines, so that their tests run rather than skip.
EXTRAS ?= test,postgresql,ray
# A throwaway PostgreSQL for the store tests and benchmarks (`make postgres`; see scripts/throwaway-postgres).
PG_DIR ?= .pg
PG_PORT ?= 54329

LOCK_VENV := .lock-venv

.PHONY: demo test lint install clean bench accuracy lock postgres postgres-stop test-all vendor serve

# The exact versions of everything claimgraph and its tests use (requirements.lock), then claimgraph itself,
# editable, built with the locked setuptools; pip check fails if the lock misses a dependency of pyproject.toml.
$(STAMP): pyproject.toml requirements.lock package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	$(MAKE) vendor
	touch $(STAMP)

# Regenerate requirements.lock from pyproject.toml's ranges: resolve them (with $(EXTRAS)) in a fresh venv and
# record every installed version. Run after changing a dependency; commit the result.
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --upgrade pip==26.3
	$(LOCK_VENV)/bin/pip install --quiet '.[$(EXTRAS)]'
	{ echo "# Exact versions for make and CI, resolved from pyproject.toml's ranges (extras $(EXTRAS)) by"; \
	  echo "# 'make lock' on Python $$($(LOCK_VENV)/bin/python -c 'import sys; print(sys.version.split()[0])'). Do not edit by hand."; \
	  $(LOCK_VENV)/bin/pip freeze --all --exclude claimgraph --exclude pip; } > requirements.lock
	rm -rf $(LOCK_VENV) build

# The workbench's graph libraries: from npm at the versions of package-lock.json, bundled into
# claimgraph/web/static/vendor/ (not committed). Needs Node.js and npm.
vendor:
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/claimgraph demo
	@echo
	@echo "Open the workbench on demo.db: $(BIN)/claimgraph serve --db demo.db   (then http://127.0.0.1:8750/)"

serve: $(STAMP)
	$(BIN)/claimgraph serve --db demo.db

test: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -rs

# ruff (errors and likely bugs) and mypy (strict for the models, identity, the store and the Doc annotations), as
# configured in pyproject.toml; the pre-commit hooks (.pre-commit-config.yaml) and CI run the same.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

accuracy: $(STAMP)
	$(BIN)/claimgraph eval all --write-docs docs/accuracy.md

# Start a throwaway PostgreSQL in $(PG_DIR) on 127.0.0.1:$(PG_PORT) and print the line that points the tests at it.
postgres:
	@scripts/throwaway-postgres start $(PG_DIR) $(PG_PORT) >/dev/null
	@echo "export CLAIMGRAPH_TEST_POSTGRES=$$(scripts/throwaway-postgres dsn $(PG_DIR))"

postgres-stop:
	scripts/throwaway-postgres stop $(PG_DIR)

# `make test` with a throwaway PostgreSQL started before and stopped after, as CI runs it.
test-all: $(STAMP)
	scripts/throwaway-postgres start $(PG_DIR) $(PG_PORT) >/dev/null
	CLAIMGRAPH_TEST_POSTGRES=$$(scripts/throwaway-postgres dsn $(PG_DIR)) $(MAKE) test; \
		status=$$?; scripts/throwaway-postgres stop $(PG_DIR); exit $$status

clean:
	rm -rf $(VENV) $(LOCK_VENV) build *.egg-info node_modules claimgraph/web/static/vendor
