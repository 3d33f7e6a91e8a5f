# records-dms: the two commands are `make run` and `make test` (see README.md).
PORT ?= 8000
VENV := .venv/bin

.PHONY: run test setup setup-test lint typecheck pytest bench bench-search messages clean \
	services test-postgres bench-workers bench-load chaos bench-bombs

run: setup
	$(VENV)/dms manage migrate --noinput -v0
	$(VENV)/dms demo
	$(VENV)/dms run --port $(PORT)

test: setup-test lint typecheck pytest

setup:
	@scripts/bootstrap.sh

setup-test:
	@scripts/bootstrap.sh test

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

typecheck:
	$(VENV)/mypy .

pytest:
	$(VENV)/pytest -n 2 --dist loadgroup

# The scale-out engines (PostgreSQL, Redis) installed and started; see scripts/services.sh.
services:
	@scripts/services.sh >/dev/null

# The whole suite again, on PostgreSQL (DMS_TEST_DATABASE_URL, else the role services.sh makes),
# but the load scenario's smoke test: its server always runs the embedded SQLite size.
test-postgres: setup-test services
	DMS_DATABASE_URL=$${DMS_TEST_DATABASE_URL:-postgres://dms:dms@127.0.0.1:5432/dms} \
		$(VENV)/pytest -n 2 --dist loadgroup --deselect tests/benchmarks/test_load.py

bench: setup bench-search bench-workers
	$(VENV)/python benchmarks/run.py

# Ingestion with 1, 2 and 4 RQ workers on Redis (results in benchmarks/workers-results.md).
bench-workers: setup services
	$(VENV)/python benchmarks/workers.py

# Crash injection: filing and destruction killed with SIGKILL, invariants checked after each
# run (RUNS=50 by default; results in benchmarks/chaos-results.md).
RUNS ?= 50
chaos: setup
	$(VENV)/python benchmarks/chaos.py --runs $(RUNS)

# Search at archive scale: PAGES=1000000 for the 1M goal (results in benchmarks/search-results.md).
PAGES ?= 100000
bench-search: setup
	$(VENV)/python benchmarks/search.py --pages $(PAGES)

# Peak memory of the whole `dms import --wait` of 1 and 2 GiB decompression bombs (results in
# benchmarks/bombs-results.md).
bench-bombs: setup-test
	$(VENV)/python benchmarks/bombs.py

# Searches and dossier views by 20 concurrent users against `dms run` (locust, headless; results
# in benchmarks/load-results.md). On the 100,000-page index benchmarks/search.py built when it is
# there (LOAD_INDEX), else on LOAD_PAGES pages indexed now.
LOAD_INDEX ?= /tmp/bench-search-100k/search.sqlite3
LOAD_PAGES ?= 2000
bench-load: setup-test
	$(VENV)/python benchmarks/load.py --users 20 --spawn-rate 5 --seconds 60 \
		$(if $(wildcard $(LOAD_INDEX)),--index $(LOAD_INDEX),--pages $(LOAD_PAGES))

messages:
	cd records_dms && ../$(VENV)/python -m django makemessages -l zh_Hans --settings=records_dms.settings

clean:
	rm -rf .venv var .mypy_cache .ruff_cache .pytest_cache
