# Two commands on a fresh machine:
#   make demo   create .venv, generate MovieLens-shaped data, load, build, check, report (embedded engine)
#   make test   create .venv and run the default test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= .netflix_elt/demo-data

.PHONY: install demo test test-slow test-snowflake lint browser clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --constraint constraints.txt -e '.[dev]'
	# bytecode up front: start-up reads it even where PYTHONDONTWRITEBYTECODE forbids writing it later
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/netflix-elt demo --out $(DEMO_DIR)

# Headless Chromium from Debian packages, for the HTML report tests.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# ruff (lint and format), mypy over src ([tool.mypy] in pyproject.toml; its cache is .mypy_cache), then the tests on two
# workers (the machine has two cores); a test module stays on one worker (its module fixtures).
test: install browser
	$(BIN)/ruff check src tests flows benchmarks
	$(BIN)/ruff format --check src tests flows benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=15

test-slow: install
	$(BIN)/python -m pytest -q -m slow

# The live tier: the tests marked `snowflake` (the end-to-end of tests/wire on a real account, in a
# throwaway database dropped afterwards) with SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_ROLE and
# SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY_FILE set; skipped without them.
test-snowflake: install
	$(BIN)/python -m pytest -q -rs -m snowflake

lint: install
	$(BIN)/ruff check src tests flows benchmarks
	$(BIN)/ruff format --check src tests flows benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .netflix_elt .mypy_cache
