# Two commands do all set-up on a fresh machine:
#   make demo   the main job: the whole product on local stand-ins
#   make test   lint, type-check and the whole test suite (what CI runs)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint pytest bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml package.json scripts/install-system-packages
	@command -v python3 >/dev/null || { echo "setup: python3 (3.11+) is required" >&2; exit 2; }
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	npm install --no-audit --no-fund --loglevel=error
	./scripts/install-system-packages
	@touch $(STAMP)

demo: setup
	$(VENV)/bin/tether demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/zizmor --offline .github

pytest: setup
	$(PY) -m pytest -n auto

test: lint pytest

bench: setup
	./bench/run

clean:
	rm -rf $(VENV) node_modules .tether .pytest_cache .mypy_cache .ruff_cache
