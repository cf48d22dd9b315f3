# Two commands set everything up on a fresh machine: `make demo` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install clean bench accuracy vendor serve

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3
	$(BIN)/pip install --quiet -e '.[test]'
	$(MAKE) vendor
	touch $(STAMP)

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

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

accuracy: $(STAMP)
	$(BIN)/claimgraph eval all --write-docs docs/accuracy.md

clean:
	rm -rf $(VENV) build *.egg-info node_modules claimgraph/web/static/vendor
