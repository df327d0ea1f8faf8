# Wayfarer: `make run` serves the site, `make test` runs lint and the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PYTEST_WORKERS ?= 2

.PHONY: install run test lint format migrate superuser demo clean chromium bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements/base.txt requirements/production.txt requirements/local.txt
	$(BIN)/python -m pip install --quiet -r requirements/local.txt
	touch $(STAMP)

install: $(STAMP)

run: install migrate demo
	@echo "Serving on http://127.0.0.1:8000 (demo login above)"
	$(MANAGE) runserver 127.0.0.1:8000

migrate: install
	$(MANAGE) migrate --noinput

demo: install
	$(MANAGE) load_demo

superuser: install
	$(MANAGE) createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

chromium:
	./scripts/ensure-chromium

test: install lint chromium
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# bench: gunicorn + wrk on a seeded data set (README, "Benchmarks"). BENCH=smoke for a quick run;
# BENCH_ARGS for more, e.g. BENCH_ARGS="--scale 1000000" or BENCH_ARGS=--update-baseline.
BENCH ?=
BENCH_ARGS ?=
bench: install
	$(BIN)/python bench/run.py $(if $(filter smoke,$(BENCH)),--smoke) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles bench/results test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
