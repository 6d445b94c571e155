#!/usr/bin/env bash
# The test command: install everything, then lint, type-check and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/install-browser.sh
.venv/bin/ruff check neurolit tests benchmarks scripts
.venv/bin/ruff format --check neurolit tests benchmarks scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
