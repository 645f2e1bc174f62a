# Two commands from a fresh clone: `make run` serves the demo, `make test` runs the suite.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
DEV_ENV := DEBUG=1
# two processes (each with its own test database); real-worker tests kept on one of them
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: run test install messages migrate demo lint bench bench-data clean backup restore

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are committed; recompile when GNU gettext is present.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0; \
	else echo "msgfmt not found: using the committed .mo catalogues"; fi

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v0

demo: migrate
	$(DEV_ENV) $(PY) manage.py seed_demo

run: messages demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: messages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

# National-scale data in PostgreSQL (bench/README in README.md: "Benchmarks at national scale")
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/op_national
SCALE ?= 1
SEED ?= 7

bench-data: install
	DATABASE_URL=$(BENCH_DB) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DB) nice $(PY) manage.py seed_national --scale $(SCALE) --seed $(SEED)

# gunicorn (2 workers, then 1) against BENCH_DB, the framework floor, 8 clients; bench/RESULTS.md
bench: install
	BENCH_DATABASE_URL=$(BENCH_DB) $(PY) bench/run.py

# PostgreSQL (pg_dump -Fc / pg_restore) or SQLite (a file copy) from DATABASE_URL;
# `make backup [FILE=...]`, `make restore FILE=...` into a new, empty database.
backup:
	deploy/backup.sh backup $(FILE)

restore:
	deploy/backup.sh restore $(FILE)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
