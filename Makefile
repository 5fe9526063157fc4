# The two commands: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
FRAMEWORK := frameworks/definitions/nhs-digital-maturity-2026.yaml
NEXT_FRAMEWORK := frameworks/definitions/nhs-digital-maturity-2026.2.yaml
# Every package, transitive ones too, pinned for Python 3.11 on Linux; `make lock` regenerates it.
# Used as pip constraints (not requirements) so the project itself still installs editable.
LOCK := constraints.txt
UV_VERSION := 0.13.9

.PHONY: install lock demo demo-data serve test lint format frontend clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# Re-pins $(LOCK) after a change to pyproject.toml, keeping existing pins where they still fit.
# To move pins on: `make lock LOCK_FLAGS=--upgrade` (all) or `LOCK_FLAGS='-P django'` (one).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --custom-compile-command 'make lock' \
		--quiet $(LOCK_FLAGS) --output-file $(LOCK)

# Every `make demo` starts the same: a fresh embedded database (or, with DATABASE_URL set, the
# demo's own rows undone). `make serve` serves what is there and keeps your changes.
demo-data: install
	@if [ -z "$$DATABASE_URL" ]; then rm -f db.sqlite3; fi
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_organisations
	$(BIN)/python manage.py load_framework $(FRAMEWORK) --publish
	$(BIN)/python manage.py load_framework $(NEXT_FRAMEWORK) --publish
	$(BIN)/python manage.py seed_demo --reset

demo: demo-data serve

serve: install
	@echo "Serving on http://127.0.0.1:8000 (sign in with a demo login above; Ctrl+C stops)"
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rebuilds static/css and static/js from the pinned npm packages (needs Node.js; output is committed).
frontend:
	cd frontend && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles private_media .pytest_cache .ruff_cache .hypothesis
