# Quick start: `make demo`, `make test`. Every target installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/nba-props-platform

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile package.json package-lock.json
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	# Node test tools (GitHub's REST spec + prism mock, webhook payloads); no install scripts needed.
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(STAMP)

demo: install
	@echo "== driftbot validate --ssot $(EXAMPLE)/ssot"
	@$(BIN)/driftbot validate --ssot $(EXAMPLE)/ssot
	@echo "== driftbot audit $(EXAMPLE)   (exit 1 = drift found, as expected here)"
	@$(BIN)/driftbot audit $(EXAMPLE); test $$? -eq 1
	@echo "== driftbot fix --dry-run $(EXAMPLE)   (the diff that fixes it; nothing is written)"
	@$(BIN)/driftbot fix --dry-run $(EXAMPLE); test $$? -eq 1

test: install
	$(BIN)/pytest -n 2

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/actionlint .github/workflows/*.yml examples/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(BIN)/hadolint Dockerfile

bench: install
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/precision.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
