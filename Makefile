# The two commands of the README. Each bootstraps its own virtual environment,
# so a machine with only Python 3.11, bash and make can run them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## demo: sync a sample workspace from the bundled Trello emulator (no account needed)
demo: $(BIN)/.installed
	$(BIN)/python -m devtools.demo

## test: the whole test suite against the emulator (what CI runs)
test: $(BIN)/.installed
	$(BIN)/python -m pytest

## test-fast: the tests that need no Meltano install, PostgreSQL or dbt
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -n 2 -m "not e2e and not slow"

## lint: ruff and mypy
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: this tap against singer-io's tap-trello on a sized workspace, then on many boards (--scale)
bench: $(BIN)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
