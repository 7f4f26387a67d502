#!/usr/bin/env bash
# Set up .venv (first run only) and build the maps into output/.
# Usage: bash scripts/build.sh [build_maps.py options]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/python build_maps.py "$@"
