# Two commands on a fresh clone: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app certify
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test venv install install-test translations migrate demo lint bench-scoring bench-certificates bench-load clean

# The stamp files make re-runs fast: pip only runs again when setup.cfg changes.
$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; run 'make PYTHON=python3 …'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@touch $@

venv install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -q -d certify/translations

migrate: $(VENV)/.installed translations
	$(FLASK) db upgrade

# load-demo is idempotent: it loads the bundled content once and says so when it is already there.
demo: migrate
	$(FLASK) load-demo

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench-scoring: $(VENV)/.installed-test
	$(BIN)/python bench/bench_scoring.py

bench-certificates: $(VENV)/.installed-test
	$(BIN)/python bench/bench_certificates.py

bench-load: $(VENV)/.installed-test translations
	$(BIN)/python bench/exam_load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
