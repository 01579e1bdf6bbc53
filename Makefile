# hopnhat: `make run` for the demo, `make test` for the full gate. `make help` lists the rest.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
export DJANGO_SETTINGS_MODULE := hopnhat.config.settings

.PHONY: help install run demo serve worker check fmt test test-suite test-postgres i18n clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install hopnhat with its pinned dependencies

run: install ## install, migrate, load the Hải Phòng demo and serve http://127.0.0.1:8000
	HOPNHAT_DEBUG=1 $(BIN)/hopnhat demo
	HOPNHAT_DEBUG=1 $(BIN)/hopnhat serve

demo: install ## wipe the database and load the demo workspace again
	$(BIN)/hopnhat demo --fresh

worker: install ## run one background job worker
	$(BIN)/hopnhat worker

fmt: install ## format and auto-fix
	$(BIN)/ruff format hopnhat bench
	$(BIN)/ruff check --fix hopnhat bench

check: install ## lint, format check, types, import contracts, migrations, translations
	$(BIN)/ruff check hopnhat bench
	$(BIN)/ruff format --check hopnhat bench
	$(BIN)/mypy hopnhat
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m hopnhat.common.i18n_check

# Two processes by default (the machines have 2 cores); PYTEST_WORKERS=0 runs in one.
PYTEST_WORKERS ?= 2

test-suite: install ## the pytest suite alone (DATABASE_URL picks the database)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --junitxml=var/junit.xml

test: check test-suite ## the full gate: make check, then the whole suite on SQLite with browser tests

i18n: install ## extract messages into the catalogues and compile them
	cd hopnhat && ../$(PY) ../manage.py makemessages -l vi -l en --no-obsolete --no-location -i "static/vendor/*" -i "data/*"
	cd hopnhat && ../$(PY) ../manage.py compilemessages

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var
