# Two commands do all the set-up: `make run` and `make test`.
# Each creates the local virtual environment .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench bench-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -c constraints.txt -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -c constraints.txt -e '.[test,dev]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/nnplay $(ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check engine server tests bench
	$(BIN)/mypy engine server

test: lint
	$(BIN)/pytest

# PyTorch (CPU) for the benchmarks' reference runs and the exported-script test.
$(VENV)/.bench-installed: $(VENV)/.test-installed
	$(BIN)/pip install -c constraints.txt -e '.[bench]'
	touch $@

bench-deps: $(VENV)/.bench-installed

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV)
