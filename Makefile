# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Plain-HTTP development: cookies without Secure and without the __Host- prefix.
DEV_ENV := FLASK_DEBUG=1 COOKIE_SECURE=false

.PHONY: run test lint bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(BIN)/.installed  ## Serve the app on SQLite at http://127.0.0.1:5000
	$(DEV_ENV) $(BIN)/flask --app app db upgrade
	$(DEV_ENV) $(BIN)/flask --app app run --host 127.0.0.1 --port 5000

test: $(BIN)/.installed  ## Run the tests (SQLite; set TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed  ## Check style with ruff (what CI runs)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/.installed  ## Run the benchmarks (see bench/README.md)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance test-artifacts bench/out
