#!/usr/bin/env bash
# Set up .venv (scripts/setup.sh) and run the whole test suite, slow
# notebook-executing tests included.  Extra arguments go to pytest,
# e.g. `bash scripts/test.sh -m "not slow"` for the quick unit tests.
# The tests run on every core (pytest-xdist; PYTEST_WORKERS=0 runs them in
# one process, for -s or --pdb); tests/conftest.py keeps each test file, and
# each folder sharing a costly fixture, on one worker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=${VENV:-.venv}
WORKERS=${PYTEST_WORKERS:-auto}
if [ "$WORKERS" = 0 ]; then
    exec "$VENV/bin/python" -m pytest "$@"
fi
exec "$VENV/bin/python" -m pytest -n "$WORKERS" --dist loadscope "$@"
