# Jangter — the two commands: `make run` (demo on SQLite at http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export JANGTER_VAR ?= var

.PHONY: run test lint typecheck unit integration e2e bench clean install

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	JANGTER_DEMO_CLOCK=1 $(BIN)/jangter migrate
	JANGTER_DEMO_CLOCK=1 $(BIN)/jangter demo
	JANGTER_DEMO_CLOCK=1 $(BIN)/jangter serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

test: $(STAMP)
	$(MAKE) lint typecheck
	bash scripts/ensure-test-tools
	$(BIN)/pytest -q -p no:cacheprovider

bench: $(STAMP)
	bash scripts/ensure-bench-tools
	$(BIN)/python -m bench.submission

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
