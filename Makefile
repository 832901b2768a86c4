# One entry point for every check; .ci/run uses it too.
VENV ?= .venv
BIN := $(VENV)/bin
# Marks a venv that has the test extras (a venv made by the README's first command has not).
STAMP := $(VENV)/.installed-test

.PHONY: check lint format typecheck test test-fast demo clean

check: lint typecheck test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/pytest

# The inner loop, under a minute: everything but the tests marked slow (each over about a second), on SQLite only
# (the PostgreSQL variants and the slow tests run in `make test` and in CI).
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow and not postgres" -q

demo: $(STAMP)
	$(BIN)/ledger demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
