# records-dms: the two commands are `make run` and `make test` (see README.md).
PORT ?= 8000
VENV := .venv/bin

.PHONY: run test setup setup-test lint typecheck pytest bench bench-search messages clean

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

bench: setup bench-search
	$(VENV)/python benchmarks/run.py

# Search at archive scale: PAGES=1000000 for the 1M goal (results in benchmarks/search-results.md).
PAGES ?= 100000
bench-search: setup
	$(VENV)/python benchmarks/search.py --pages $(PAGES)

messages:
	cd records_dms && ../$(VENV)/python -m django makemessages -l zh_Hans --settings=records_dms.settings

clean:
	rm -rf .venv var .mypy_cache .ruff_cache .pytest_cache
