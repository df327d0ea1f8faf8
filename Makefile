# Wayfarer: `make run` serves the site, `make test` runs lint and the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PYTEST_WORKERS ?= 2

.PHONY: install run test test-next lint lock format migrate superuser demo clean chromium bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are exact: every package pinned with its hashes in requirements/lock/ (`make lock`).
$(STAMP): $(BIN)/python requirements/lock/local.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock/local.txt
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
	$(BIN)/python -m pip check
	./scripts/audit-production-lock

# lock: the hashed locks from requirements/*.txt. Pins stay unless a range moved them;
# `make lock UPGRADE="django whitenoise"` upgrades just those. The next lock always takes the newest.
UPGRADE ?=
LOCK = $(BIN)/uv pip compile --quiet --generate-hashes --custom-compile-command "make lock"
lock: install
	for name in base production local; do \
		$(LOCK) --python-version 3.11 $(foreach package,$(UPGRADE),--upgrade-package $(package)) \
			-o requirements/lock/$$name.txt requirements/$$name.txt || exit 1; \
	done
	$(LOCK) --python-version 3.13 --upgrade --override requirements/next-overrides.txt \
		-o requirements/lock/next.txt requirements/local.txt

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

chromium:
	./scripts/ensure-chromium

test: install lint chromium
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# test-next: the suite once more on Python 3.13 and the next lock (newest Django), browser
# journeys left to `make test`; see docs/upgrading.md.
test-next: install
	./scripts/test-next

# bench: gunicorn + wrk on a seeded data set (README, "Benchmarks"). BENCH=smoke for a quick run;
# BENCH_ARGS for more, e.g. BENCH_ARGS="--scale 1000000" or BENCH_ARGS=--update-baseline.
BENCH ?=
BENCH_ARGS ?=
bench: install
	$(BIN)/python bench/run.py $(if $(filter smoke,$(BENCH)),--smoke) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-next staticfiles bench/results test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
