# Every target sets up what it needs: a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build serve test check new import bench lint format golden clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)
	$(PY) -m site_gen build

serve: $(STAMP)
	$(PY) -m site_gen serve

check: $(STAMP)
	$(PY) -m site_gen check

new: $(STAMP)
	$(PY) -m site_gen new "$(TITLE)"

# Turn pasted wire copy into articles: make import FILES="inbox/*.txt"
import: $(STAMP)
	$(PY) -m site_gen import $(FILES)

bench: $(STAMP)
	$(PY) bench/bench_import.py

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff format --check site_gen tests
	$(PY) -m ruff check site_gen tests

format: $(STAMP)
	$(PY) -m ruff format site_gen tests
	$(PY) -m ruff check --fix site_gen tests

# Rewrite the golden output of the fixture site after an intended change.
golden: $(STAMP)
	$(PY) -m tests.golden

clean:
	rm -rf build .site-gen-cache
