# chiso — the two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python -m chiso.manage
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
CHROMIUM ?= /usr/bin/chromium
# Re-install whenever pyproject.toml changes (the stamp carries its hash).
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
# Front-end assets come from npm (package-lock.json) and are copied into a gitignored folder.
VENDOR := src/chiso/static/vendor
VENDOR_STAMP := $(VENDOR)/.stamp-$(shell cat package.json package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
LOCALE := src/chiso/site/locale
# One catalogue for the project (site/locale) plus one per app (<app>/locale), which Django finds itself.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(LOCALE)/*/LC_MESSAGES/django.po src/chiso/*/locale/*/LC_MESSAGES/django.po))

.PHONY: report-deps install run test lint bench vendor messages browser-deps postgres test-sqlite test-postgres test-browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[web,test]"
	rm -f $(VENV)/.installed-*
	touch $@

$(VENDOR_STAMP): package.json package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y --no-install-recommends nodejs npm)
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chart.umd.min.js
	cp node_modules/htmx.org/LICENSE $(VENDOR)/htmx.LICENSE
	cp node_modules/chart.js/LICENSE.md $(VENDOR)/chart.js.LICENSE.md
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	cp node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/LICENSE
	rm -f $(VENDOR)/.stamp-*
	touch $@

vendor: $(VENDOR_STAMP)

# Translations: the .po files are the source; .mo files are compiled here (gitignored).
%/LC_MESSAGES/django.mo: %/LC_MESSAGES/django.po
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y --no-install-recommends gettext)
	msgfmt --check -o $@ $<

messages: $(MO_FILES)

# Reports: DOCX -> PDF with LibreOffice; poppler-utils (pdftotext, pdftoppm) for the tests and screenshots;
# Liberation Serif 2.x (fonts-liberation2), metric-compatible with Times New Roman and, unlike 1.x
# (fonts-liberation), with every Vietnamese glyph (U+1EA0-1EF9).
report-deps:
	command -v soffice >/dev/null || (apt-get update -qq && apt-get install -y --no-install-recommends libreoffice-writer-nogui)
	command -v pdftoppm >/dev/null || (apt-get update -qq && apt-get install -y --no-install-recommends poppler-utils)
	fc-list ':family=Liberation Serif:charset=1ea0' | grep -q . || (apt-get update -qq && apt-get install -y --no-install-recommends fonts-liberation2)

# Bytecode compiled as an installed package has it (the command line starts in a fraction of a second even
# where PYTHONDONTWRITEBYTECODE is set); compileall skips what is up to date.
install: $(STAMP) vendor messages report-deps
	$(BIN)/python -m compileall -q src

run: install
	mkdir -p var
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) load_reference_case --demo
	$(MANAGE) load_demo_results
	$(MANAGE) load_program_936 --demo
	$(MANAGE) load_quarterly_demo --demo
	$(MANAGE) load_internal_demo --demo
	$(MANAGE) setup_province "Ninh Bình" --as-of $$(date +%F) --demo
	$(MANAGE) load_province_ranking_demo "Ninh Bình" --as-of $$(date +%F) --demo
	$(MANAGE) import_program src/chiso/cases/demo_dti_2026/program.yaml --demo --keep-existing
	$(BIN)/chiso demo
	@echo ""
	@echo "  chiso: http://127.0.0.1:$(PORT)/   (demo users: docs/web.md)"
	@echo ""
	@# background work (report jobs) runs in the task runner's worker process, stopped with the server
	$(MANAGE) qcluster & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver --noreload 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/lint-imports
	$(BIN)/mypy src/chiso/engine src/chiso/lib src/chiso/orgs/services.py src/chiso/review src/chiso/collection/services.py src/chiso/collection/round_dates.py src/chiso/results/services src/chiso/program/services src/chiso/assessment/services src/chiso/reports/services.py

browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y --no-install-recommends chromium)

postgres:
	pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

test-sqlite: install
	$(BIN)/pytest -m "not browser"

test-postgres: install postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" --create-db

# axe-core (npm, package-lock.json) checks accessibility in the browser tests (tests/browser/test_accessibility.py):
# a test-only asset, read from node_modules and never copied into $(VENDOR) or served.  `npm ci` (the vendor
# target) installs it; this rule installs it again when node_modules lost it.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y --no-install-recommends nodejs npm)
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

test-browser: install $(AXE) browser-deps
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest -m browser tests/browser

test: lint browser-deps postgres
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	$(MAKE) test-browser

bench: install
	$(BIN)/python benchmarks/run
	$(BIN)/python benchmarks/web/run_pages.py
	$(BIN)/python benchmarks/web/run_reports.py
