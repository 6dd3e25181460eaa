#!/usr/bin/env bash
# Regenerate ci/constraints-lowest.txt: the lowest versions that the ranges in
# pyproject.toml allow for the direct dependencies (the cpu and dev extras),
# resolved for Python 3.11 by uv.  CI installs them in its lowest-versions step.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
python3 -m venv "$tmp/uv" && "$tmp/uv/bin/pip" install --quiet uv
"$tmp/uv/bin/uv" pip compile pyproject.toml --extra cpu --extra dev \
    --resolution lowest-direct --python-version 3.11 --no-annotate --no-header -o "$tmp/lowest.txt"
{
    echo "# Lowest versions that pyproject.toml's ranges allow (Python 3.11), for CI's"
    echo "# lowest-versions step.  Regenerate with: bash ci/compile-lowest.sh"
    grep -v '^-e\|^coursework' "$tmp/lowest.txt"
} > ci/constraints-lowest.txt
rm -rf "$tmp"
