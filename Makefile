# Rare Earth Leverage: the two commands a reader needs are `make report` and `make test`.
# Each sets itself up: a venv in .venv (pinned by requirements*.txt + constraints.txt), and for
# tests Debian's chromium and the npm package axe-core. Nothing is fetched at build time
# beyond PyPI, Debian and npm.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: report test pdf bench edition check-data venv dev browser clean constraints serve audit

report: $(VENV)/.deps-report
	$(BIN)/python scripts/build.py

check-data: $(VENV)/.deps-report
	$(BIN)/python scripts/build.py --check-data

# The audit (Lighthouse, Nu HTML Checker, axe-core on every page of the built report) runs first;
# pytest's summary closes the output.
test: $(VENV)/.deps-dev browser
	$(BIN)/python scripts/build.py
	$(BIN)/python scripts/audit.py
	$(BIN)/python -m pytest

# The published report served as static hosts serve it (gzip), at http://127.0.0.1:8000/.
serve: report
	$(BIN)/python scripts/serve.py

# Lighthouse (mobile, desktop), the Nu HTML Checker and axe-core on every page, through the
# compressing server; prints a table and fails below the targets (scripts/audit.py).
audit: report browser $(VENV)/.deps-dev
	$(BIN)/python scripts/audit.py

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

# Debian's chromium (never a browser download) and Java (for the Nu HTML Checker), and from npm
# axe-core, lighthouse and vnu-jar. Install scripts are not run (vnu-jar's would fetch a Java).
browser: node_modules/axe-core/axe.min.js
	@{ command -v chromium >/dev/null 2>&1 && command -v java >/dev/null 2>&1; } || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-dejavu-core poppler-utils default-jre-headless; \
	  else echo "chromium or java is missing and apt-get is not available: install them yourself" >&2; exit 1; fi; }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

constraints: $(VENV)/.deps-dev
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze; } > constraints.new && mv constraints.new constraints.txt

clean:
	rm -rf _build
