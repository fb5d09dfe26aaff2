# Quick start: `make demo` (runtime only, no Node), `make test`. Every target installs what it needs first.
# All installs take the versions of requirements.lock (the lock the Docker image installs) as constraints.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check
CONSTRAINTS := $(VENV)/constraints.txt
RUNTIME := $(VENV)/.runtime
TEST_TOOLS := $(VENV)/.test-tools
STAMP := $(VENV)/.installed
EXAMPLE := examples/nba-props-platform

.PHONY: install demo test lint bench lock schemas clean

install: $(STAMP)

# The lock without its hashes: pip takes hashed files only as requirements, not as constraints.
$(CONSTRAINTS): requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	sed -e '/^ *--hash/d' -e 's/ *\\$$//' requirements.lock > $@

# The runtime: what `make demo` needs, in seconds on a warm pip cache.
$(RUNTIME): $(CONSTRAINTS) pyproject.toml
	$(PIP) install --quiet -c $(CONSTRAINTS) setuptools
	$(PIP) install --quiet --no-build-isolation -c $(CONSTRAINTS) -e .
	touch $@

# The test tools: pytest and friends, the cloud extras, and the Node GitHub mock (prism).
$(TEST_TOOLS): $(RUNTIME) package.json package-lock.json
	$(PIP) install --quiet --no-build-isolation -c $(CONSTRAINTS) -e '.[test,fast]'
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(STAMP): $(TEST_TOOLS)
	$(PIP) install --quiet --no-build-isolation -c $(CONSTRAINTS) -e '.[test,dev,fast]'
	touch $@

demo: $(RUNTIME)
	@echo "== driftbot validate --ssot $(EXAMPLE)/ssot"
	@$(BIN)/driftbot validate --ssot $(EXAMPLE)/ssot
	@echo "== driftbot audit $(EXAMPLE)   (exit 1 = drift found, as expected here)"
	@$(BIN)/driftbot audit $(EXAMPLE); test $$? -eq 1
	@echo "== driftbot fix --dry-run $(EXAMPLE)   (the diff that fixes it; nothing is written)"
	@$(BIN)/driftbot fix --dry-run $(EXAMPLE); test $$? -eq 1
	@echo
	@echo "driftbot is installed in $(BIN)/driftbot. Try it yourself on a scratch copy of the example:"
	@echo "    cp -r $(EXAMPLE) /tmp/demo && cd /tmp/demo && $(CURDIR)/$(BIN)/driftbot fix && git diff --no-index $(CURDIR)/$(EXAMPLE) ."
	@echo "or put it on PATH for this shell:  source $(BIN)/activate   (then: driftbot --help)"

test: $(TEST_TOOLS)
	$(BIN)/pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests bench .github/scripts
	$(BIN)/ruff format --check src tests bench .github/scripts
	$(BIN)/mypy
	$(BIN)/actionlint .github/workflows/*.yml examples/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/hadolint Dockerfile
	$(BIN)/shellcheck .ci/run

bench: $(STAMP)
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/precision.py
	$(BIN)/python bench/replay.py

# Regenerate requirements.lock: resolve every extra together (so the test tools' own pins, such as
# bqemulator's sqlglot range, are honoured), then lock the image's set (runtime + bigquery + github + fast)
# within that resolution, with hashes. Needs `make install` (pip-tools is a dev dependency).
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --all-extras --allow-unsafe --no-emit-find-links --no-emit-index-url \
		--strip-extras --output-file=$(VENV)/all-extras.txt pyproject.toml
	$(BIN)/pip-compile --quiet --extra bigquery --extra github --extra fast --constraint $(VENV)/all-extras.txt \
		--all-build-deps --allow-unsafe --generate-hashes --no-emit-find-links --no-emit-index-url \
		--strip-extras --output-file=requirements.lock pyproject.toml

# The JSON Schemas shipped in the package, after a model change (a test fails while they are stale).
schemas: $(RUNTIME)
	$(BIN)/python -c "from driftbot.commands.schema import write_shipped; write_shipped()"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
