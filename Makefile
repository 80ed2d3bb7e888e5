# Two commands on a fresh clone: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app certify
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Two processes run the suite side by side; each gets its own database.
PYTEST_ARGS ?= -n auto

.PHONY: run test venv install install-test translations translations-update migrate demo lint bench-scoring bench-certificates bench-load clean

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
	$(BIN)/pybabel compile --use-fuzzy -d certify/translations

# Extract every _() string from the code and templates and merge it into the catalogs.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o certify/translations/messages.pot .
	$(BIN)/pybabel update -i certify/translations/messages.pot -d certify/translations --no-fuzzy-matching

migrate: $(VENV)/.installed translations
	$(FLASK) db upgrade

# load-demo is idempotent: it loads the bundled content once and says so when it is already there.
demo: migrate
	$(FLASK) load-demo

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff, then the layering contracts of setup.cfg [importlinter] (docs/developing.md, "Layers").
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench-scoring: $(VENV)/.installed-test
	$(BIN)/python bench/bench_scoring.py

bench-certificates: $(VENV)/.installed-test
	$(BIN)/python bench/bench_certificates.py

bench-load: $(VENV)/.installed-test translations
	$(BIN)/python bench/exam_load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
