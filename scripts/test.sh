#!/usr/bin/env bash
# Set up .venv (scripts/setup.sh) and run the whole test suite, slow
# notebook-executing tests included.  Extra arguments go to pytest,
# e.g. `bash scripts/test.sh -m "not slow"` for the quick unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=${VENV:-.venv}
exec "$VENV/bin/python" -m pytest "$@"
