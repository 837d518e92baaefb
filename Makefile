# Rare Earth Leverage: the two commands a reader needs are `make report` and `make test`.
# Each sets itself up: a venv in .venv (pinned by requirements*.txt + constraints.txt), and for
# tests Debian's chromium and the npm package axe-core. Nothing is fetched at build time
# beyond PyPI, Debian and npm.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: report publish test lint pdf word bench edition check-data venv dev browser clean constraints fuzz serve audit preview

report: $(VENV)/.deps-report
	$(BIN)/python scripts/build.py

check-data: $(VENV)/.deps-report
	$(BIN)/python scripts/build.py --check-data

# ruff (lint) first; then the audit (Lighthouse, Nu HTML Checker, axe-core on every page of the
# built report; Lighthouse's performance category, which depends on how busy the machine is, is left
# to `make audit`); then pytest, whose test files run in parallel, TEST_JOBS at
# a time (pytest-xdist; one file to a worker, so a module's fixtures are made once; the workers
# share one build of the report, tests/conftest.py, which starts from the one just made and audited:
# REPORT_TEST_SEED); pytest's summary closes the output. (The audit
# is not run beside pytest: its browser checks time out on a machine that busy.)
TEST_JOBS ?= 2
test: $(VENV)/.deps-dev browser lint
	$(BIN)/python scripts/build.py
	$(BIN)/python scripts/audit.py --speed-advisory
	REPORT_TEST_SEED=_build/html $(BIN)/python -m pytest -n $(TEST_JOBS)

# ruff (pinned in requirements-dev.txt), configured in pyproject.toml
lint: $(VENV)/.deps-dev
	$(BIN)/ruff check scripts tests

# The published report served as static hosts serve it (gzip), at http://127.0.0.1:8000/.
serve: report
	$(BIN)/python scripts/serve.py

# The report as you edit it, at http://127.0.0.1:$(PREVIEW_PORT)/: a save in book/ or data/ rebuilds what it
# changed (in _build/preview/, never _build/html) and reloads the page; Ctrl-C stops it. scripts/preview.py
PREVIEW_PORT ?= 8001
preview: $(VENV)/.deps-report
	$(BIN)/python scripts/preview.py --port $(PREVIEW_PORT)

# Lighthouse (mobile, desktop), the Nu HTML Checker and axe-core on every page, through the
# compressing server; prints a table and fails below the targets (scripts/audit.py).
audit: report browser $(VENV)/.deps-dev
	$(BIN)/python scripts/audit.py

# The deployable site in _build/html, every address from REPORT_BASE_URL (or report: base_url):
# refuses the placeholder address before building; the report, its PDF (make pdf) and its Word
# files (make word, after the PDF: the PDF is printed from the site as built); then checks the site
# (no placeholder address in any file, every page links the PDF). scripts/publish_site.py
publish: $(VENV)/.deps-report
	$(BIN)/python scripts/publish_site.py check-address
	$(MAKE) pdf
	$(MAKE) word
	$(BIN)/python scripts/publish_site.py verify

# SITE: the built report to add the PDF / the Word files to (default _build/html, as `make report` writes it)
SITE ?= _build/html
pdf: report browser $(VENV)/.deps-dev
	$(BIN)/python scripts/pdf.py --site $(SITE)

# each page of the report as a Word file (pandoc), in the site's _downloads/word/, linked from the page
word: report browser $(VENV)/.deps-dev
	$(BIN)/python scripts/word.py --site $(SITE)

bench: $(VENV)/.deps-report
	$(BIN)/python scripts/bench.py

# A long run of generated data edits (make test runs 300) and of hard stops: FUZZ_EDITS edits,
# FUZZ_BUILDS of the valid ones built, FUZZ_SEED for new edits (unset: the same ones every run).
FUZZ_EDITS ?= 5000
FUZZ_BUILDS ?= 4
fuzz: $(VENV)/.deps-dev
	REPORT_FUZZ_EDITS=$(FUZZ_EDITS) REPORT_FUZZ_BUILDS=$(FUZZ_BUILDS) REPORT_FUZZ_REFUSED_BUILDS=4 \
	REPORT_FUZZ_SEED=$(FUZZ_SEED) REPORT_HARD_STOP_KILLS=6 REPORT_HARD_STOP_DISK=0,0.1,0.25,0.5,0.75,1 \
	  $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_generated_edits.py tests/test_hard_stops.py

# Publish a new edition: build the report, then store its record in editions/ (commit it).
edition: $(VENV)/.deps-report
	$(BIN)/python scripts/build.py --record-edition

venv: $(VENV)/.deps-report
dev: $(VENV)/.deps-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps-report: requirements.txt constraints.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.deps-dev: requirements-dev.txt $(VENV)/.deps-report
	$(PIP) -r requirements-dev.txt
	touch $@

# Debian's chromium (never a browser download), poppler-utils (pdftotext, for the PDF tests),
# pandoc (the Word files), LibreOffice Writer and Calc (soffice: the Word files' tests, the data round trip) and
# Java (for the Nu HTML Checker), each installed when it is missing, whether or not the others are
# there; from npm axe-core, lighthouse and vnu-jar. npm install scripts are not run (vnu-jar's
# would fetch a Java).
browser: node_modules/axe-core/axe.min.js
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="chromium fonts-dejavu-core"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v pandoc >/dev/null 2>&1 || missing="$$missing pandoc"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui libreoffice-calc-nogui"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	[ -z "$$missing" ] || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    echo "installing from Debian:$$missing"; \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	  else echo "missing:$$missing, and apt-get is not available: install them yourself" >&2; exit 1; fi; }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

constraints: $(VENV)/.deps-dev
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze; } > constraints.new && mv constraints.new constraints.txt

clean:
	rm -rf _build
