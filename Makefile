# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Plain-HTTP development: cookies without Secure and without the __Host- prefix; debug mode
# keeps its SECRET_KEY in instance/secret_key (created on first use, git-ignored).
DEV_ENV := FLASK_DEBUG=1 COOKIE_SECURE=false
FLASK := $(DEV_ENV) $(BIN)/flask --app app
# `make run PORT=8000`, or FLASK_RUN_PORT=8000 in the environment.
PORT ?= $(or $(FLASK_RUN_PORT),5000)
# The real OpenID provider the tests sign in at (npm's oidc-provider, pinned by its lock file).
OIDC_PROVIDER := tests/oidc_provider
# axe-core, which the every-page browser scan injects into each page (pinned by its lock file).
AXE := tests/axe

.PHONY: run test lint bench clean shell routes migrate migration flask

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: migrate  ## Serve the app on SQLite at http://127.0.0.1:$(PORT) (PORT=5000)
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

migrate: $(BIN)/.installed  ## Apply the migrations to the development database
	$(FLASK) db upgrade

migration: $(BIN)/.installed  ## Draft a migration from the models: make migration MESSAGE="..."
	$(FLASK) db migrate -m "$(MESSAGE)"

shell: $(BIN)/.installed  ## A Python shell with the app and its database
	$(FLASK) shell

routes: $(BIN)/.installed  ## List every URL and its endpoint
	$(FLASK) routes

flask: $(BIN)/.installed  ## Any flask command: make flask ARGS="sessions clear-expired"
	$(FLASK) $(ARGS)

$(OIDC_PROVIDER)/node_modules/.package-lock.json: $(OIDC_PROVIDER)/package-lock.json
	cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund

$(AXE)/node_modules/.package-lock.json: $(AXE)/package-lock.json
	cd $(AXE) && npm ci --no-audit --no-fund

test: $(BIN)/.installed $(OIDC_PROVIDER)/node_modules/.package-lock.json $(AXE)/node_modules/.package-lock.json  ## Run the tests (SQLite; set TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed  ## Check style with ruff (what CI runs)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/.installed  ## Run the benchmarks (see bench/README.md)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:  ## Start over: remove the venv, the development database and key, test output
	rm -rf $(VENV) instance test-artifacts bench/out $(OIDC_PROVIDER)/node_modules $(AXE)/node_modules
