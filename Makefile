# Rostrum: `make demo` to see it running, `make test` to run every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

# The newest Python >= 3.12 we can run (PATH first, then pyenv's versions).
PYTHON ?= $(shell .ci/find-python)

.PHONY: demo test fmt check bench clean

$(BIN)/rostrum: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Rostrum needs Python 3.12 or newer. Install it (e.g. 'apt install python3.12' or 'pyenv install 3.13') and run make again."; \
	  exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(BIN)/rostrum

.venv: $(BIN)/rostrum

demo: $(BIN)/rostrum
	$(BIN)/rostrum demo

test: $(BIN)/rostrum
	$(BIN)/pytest -q $(PYTEST_ARGS)

fmt: $(BIN)/rostrum
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

check: $(BIN)/rostrum
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/rostrum check
	$(BIN)/rostrum makemigrations --check --dry-run >/dev/null

clean:
	rm -rf $(VENV) var
