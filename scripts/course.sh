#!/usr/bin/env bash
# Set up .venv (scripts/setup.sh) and execute every notebook headless,
# printing a table: notebook, status, headline metric, seconds.
# Extra arguments go to `python -m coursework run` (e.g. a notebook subset).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=${VENV:-.venv}
exec "$VENV/bin/python" -m coursework run "$@"
