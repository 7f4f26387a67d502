#!/usr/bin/env bash
# Set up .venv (first run only) and build the maps into output/.
# Usage: bash scripts/build.sh [build_maps.py options]
set -euo pipefail
cd "$(dirname "$0")/.."
# cairo draws the print PDFs (cairosvg); Debian's python3-venv makes the virtual environment
if ! dpkg -s libcairo2 >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libcairo2 >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/python build_maps.py "$@"
