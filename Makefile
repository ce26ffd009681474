# Two entry points for a fresh clone: `make run` and `make test`.
# Everything else (virtualenv, locked dependencies, system packages for the
# tests) is set up by the targets themselves.

PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9

.PHONY: run test lint sync sandbox screenshots bench package package-test clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "msp-desk needs Python 3.11 or newer, found " + sys.version.split()[0])'
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || tools/system-deps venv
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

sync: $(UV)
	$(UV) sync --frozen --quiet

run: sync
	tools/system-deps run
	$(VENV)/bin/msp-desk

test: sync
	tools/system-deps test
	tools/run-tests $(ARGS)

lint: sync
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

sandbox: sync
	$(VENV)/bin/msp-desk sandbox --port 8765

screenshots: sync
	tools/system-deps test
	QT_QPA_PLATFORM=offscreen tools/with-test-keyring $(VENV)/bin/python tools/screenshots.py docs/screenshots

bench: sync
	$(VENV)/bin/python benchmarks/startup.py
	$(VENV)/bin/python benchmarks/sandbox_load.py
	$(VENV)/bin/python benchmarks/bulk_lookup.py
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python benchmarks/history.py

package: sync
	tools/system-deps package
	packaging/build-deb

# Builds the .deb, then runs the unpacked package headless (packaging/smoke-test).
package-test: package
	packaging/smoke-test

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
