# One entry point for every check; .ci/run uses it too.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: check lint format typecheck test demo bench clean

check: lint typecheck test

$(BIN)/ledger: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

lint: $(BIN)/ledger
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/ledger
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(BIN)/ledger
	$(BIN)/mypy

test: $(BIN)/ledger
	$(BIN)/pytest

demo: $(BIN)/ledger
	$(BIN)/ledger demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
