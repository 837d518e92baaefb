# Rare Earth Leverage: the two commands a reader needs are `make report` and `make test`.
# Each sets itself up: a venv in .venv (pinned by requirements*.txt + constraints.txt), and for
# tests Debian's chromium and the npm package axe-core. Nothing is fetched at build time
# beyond PyPI, Debian and npm.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: report test pdf bench edition check-data venv dev browser clean constraints

report: $(VENV)/.deps-report
	$(BIN)/python scripts/build.py

check-data: $(VENV)/.deps-report
	$(BIN)/python scripts/build.py --check-data

test: $(VENV)/.deps-dev browser
	$(BIN)/python -m pytest

pdf: report browser $(VENV)/.deps-dev
	$(BIN)/python scripts/pdf.py

bench: $(VENV)/.deps-report
	$(BIN)/python scripts/bench.py

# Publish a new edition: build the report, then store its record in editions/ (commit it).
edition: $(VENV)/.deps-report
	$(BIN)/python scripts/build.py --record-edition

venv: $(VENV)/.deps-report
dev: $(VENV)/.deps-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps-report: requirements.txt constraints.txt | $(VENV)/bin/python
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.deps-dev: requirements-dev.txt $(VENV)/.deps-report
	$(PIP) -r requirements-dev.txt
	touch $@

# Debian's chromium (never a browser download) and poppler-utils (pdftotext, for the PDF tests),
# each installed when it is missing, whether or not the other is there; axe-core from npm.
browser: node_modules/axe-core/axe.min.js
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="chromium fonts-dejavu-core"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	[ -z "$$missing" ] || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    echo "installing from Debian:$$missing"; \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	  else echo "missing:$$missing, and apt-get is not available: install them yourself" >&2; exit 1; fi; }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

constraints: $(VENV)/.deps-dev
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze; } > constraints.new && mv constraints.new constraints.txt

clean:
	rm -rf _build
