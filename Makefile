# The two commands of the README. Each bootstraps its own virtual environment,
# so a machine with only Python 3.11, bash and make can run them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## demo: sync a sample workspace from the bundled Trello emulator (no account needed)
demo: $(BIN)/.installed
	$(BIN)/python -m trello_emulator.demo

## test: the whole test suite against the emulator
test: $(BIN)/.installed
	$(BIN)/python -m pytest

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
