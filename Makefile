# Every target uses the project's own virtual environment in .venv/ (created on first use).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo serve test test-postgres lint check bench bench-postgres bench-pages bench-booklet bench-imports clean-db

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## make demo: set up everything and serve the portal with a generated medium council on http://127.0.0.1:8000
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_setup
	$(PY) manage.py runserver 127.0.0.1:8000

serve: install
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole test suite
test: install
	$(PY) manage.py makemigrations --check --dry-run --settings=portal.settings.test
	$(PY) -m pytest -n 2 --dist loadfile -m "not transactional"
	$(PY) -m pytest -p no:xdist -m transactional

## make test-postgres: the KPI, import and access tests again on a throwaway PostgreSQL server
test-postgres: install
	scripts/with-postgres $(PY) -m pytest -n 2 --dist loadfile -m "not browser and not transactional" \
		tests/kpis tests/imports tests/accounts tests/people tests/api tests/scorecards
	scripts/with-postgres $(PY) -m pytest -p no:xdist -m transactional tests/kpis/test_backfill_processes.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: install
	DJANGO_SECRET_KEY=check-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdefghij \
	$(PY) manage.py check --deploy --fail-level WARNING --settings=portal.settings.prod

## make bench: the snapshot benchmark on a large council in its own SQLite file (never the demo database)
bench: install
	mkdir -p var
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-large.sqlite3 $(PY) manage.py migrate -v0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-large.sqlite3 $(PY) manage.py bench_snapshots --size large

## make bench-postgres: the same on a throwaway PostgreSQL server, six years with two workers
bench-postgres: install
	PORTAL_PG_DURABLE=1 scripts/with-postgres sh -c '$(PY) manage.py migrate -v0 && \
		$(PY) manage.py bench_snapshots --size large --months 72 --workers 2'

## make bench-pages: server time of the scorecard, a page, a chart and a drill-down on the large council left by make bench
bench-pages: install
	for role in director team_manager viewer; do \
		DJANGO_DEBUG=0 DATABASE_URL=sqlite:///$(CURDIR)/var/bench-large.sqlite3 \
		$(PY) manage.py bench_pages --as $$role || exit 1; done

## make bench-booklet: seconds and peak memory of the LA's booklet as PDF and Excel on the large council
bench-booklet: install
	DJANGO_DEBUG=0 DATABASE_URL=sqlite:///$(CURDIR)/var/bench-large.sqlite3 $(PY) manage.py bench_booklet
	DJANGO_DEBUG=0 DATABASE_URL=sqlite:///$(CURDIR)/var/bench-large.sqlite3 $(PY) manage.py bench_booklet --as viewer

## make bench-imports: a synthetic 100,000-row Annex A workbook imported into a fresh SQLite file under var/
bench-imports: install
	mkdir -p var
	rm -f var/bench-imports.sqlite3 var/bench-imports.sqlite3-wal var/bench-imports.sqlite3-shm
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-imports.sqlite3 $(PY) manage.py migrate -v0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-imports.sqlite3 $(PY) manage.py bench_imports --format annex_a --rows 100000

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
