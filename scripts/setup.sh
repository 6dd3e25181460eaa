#!/usr/bin/env bash
# Create (or reuse) the virtual environment .venv (or $VENV) with the CPU route:
# the package, CPU-only TensorFlow and the test/notebook tools, at the
# versions pinned in ci/constraints.txt.  Idempotent; ~1 minute the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
EXTRAS=${EXTRAS:-cpu,dev}   # add ",jax" for the JAX backend (CI does)
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -c ci/constraints.txt -e ".[$EXTRAS]"
