# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-pgbouncer install messages po-missing migrate seed lint worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The translations (da, sv, nb): .po in git, .mo built here with Babel (no system gettext).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

locale/%.mo: locale/%.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

messages: $(MO_FILES)

# What translators still have to do: untranslated, fuzzy or new strings per language.
po-missing: install
	$(BIN)/python scripts/po_missing.py

install: $(STAMP) messages

# Local demo: SQLite, Celery eager, DEBUG on.  Seeds once (the seed is idempotent anyway).
run: export DJANGO_DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput
	@if [ ! -f .demo-seeded ]; then $(BIN)/python manage.py seed_demo && touch .demo-seeded; \
	else echo "Demo already seeded (rm .demo-seeded to seed again)."; fi
	@echo ""
	@echo "  Store pages : http://$(HOST):$(PORT)/store/    (e.g. manager-dk-cph01 / demo-password)"
	@echo "  HQ admin    : http://$(HOST):$(PORT)/admin/    (admin / admin)"
	@echo "  API docs    : http://$(HOST):$(PORT)/api/docs/ (Authorization: Api-Key <key printed by seed_demo>)"
	@echo "  Health      : http://$(HOST):$(PORT)/healthz"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The concurrency tests through PgBouncer (transaction pooling, 127.0.0.1:6432); needs
# DATABASE_URL (PostgreSQL on 127.0.0.1:5432) and REDIS_URL.  CI runs it after `make test`.
test-pgbouncer: install
	.ci/pgbouncer-tests.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Production layout (needs DATABASE_URL and REDIS_URL).  `make worker` consumes every
# queue; `make worker QUEUES=notifications` only some (README, "Deployment").
QUEUES ?=
worker: install
	$(BIN)/celery -A retail worker --loglevel=INFO $(if $(QUEUES),--queues=$(QUEUES))

beat: install
	$(BIN)/celery -A retail beat --loglevel=INFO

clean:
	rm -rf $(VENV) .demo-seeded db.sqlite3 staticfiles .pytest_cache
	rm -f locale/*/LC_MESSAGES/*.mo
