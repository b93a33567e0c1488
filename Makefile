# Every target sets up what it needs: a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build serve test check new lint format golden clean bench

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

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff format --check site_gen tests bench
	$(PY) -m ruff check site_gen tests bench

format: $(STAMP)
	$(PY) -m ruff format site_gen tests bench
	$(PY) -m ruff check --fix site_gen tests bench

# Rewrite the golden output of the fixture site after an intended change.
golden: $(STAMP)
	$(PY) -m tests.golden

# Speed figures of issue 5 on a generated corpus: `make bench`, `make bench N=100000`,
# options RUNS=5 JOBS=1 PELICAN=1 STEPS=noop,edit_body (see bench/README.md).
N ?= 10000
bench: $(STAMP)
	$(PY) bench/run.py --n $(N) $(if $(RUNS),--runs $(RUNS)) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(STEPS),--steps $(STEPS)) $(if $(PELICAN),--pelican)

clean:
	rm -rf build .site-gen-cache
