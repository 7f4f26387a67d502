#!/usr/bin/env bash
# Install what the tests need (Debian's headless Chromium, CJK fonts and cairo, poppler's pdfinfo
# and pdffonts, a Java runtime for the Nu HTML checker, the project with its test extra) and run
# the whole test suite. Usage: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
packages="chromium-headless-shell fonts-noto-cjk libcairo2 poppler-utils"
command -v java >/dev/null 2>&1 || packages="$packages default-jre-headless"
if ! dpkg -s $packages >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        $packages >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# (pip takes 5 s to find all installed: skipped while pyproject.toml is what was installed)
installed=".venv/.installed-test-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$installed" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
    rm -f .venv/.installed-test-* && touch "$installed"
fi
# axe-core, the accessibility checker the browser tests inject into the pages, and the Nu HTML
# checker (npm, pinned)
if [ ! -f .test-tools/node_modules/axe-core/axe.min.js ] || [ ! -f .test-tools/node_modules/vnu-jar/build/dist/vnu.jar ]; then
    npm install --silent --no-audit --no-fund --prefix .test-tools axe-core@4.14.1 vnu-jar@26.9.27 >/dev/null
fi
# Python's compiled modules are kept (where the environment says not to, every worker, build
# and check started here would compile the package and rewrite the tests' asserts anew: 3 s each)
unset PYTHONDONTWRITEBYTECODE
# one worker per core (pytest-xdist), each group of tests sharing a page on one worker, in the
# order tests/conftest.py sets (the tests of the real layers' build last, while it is made)
exec .venv/bin/python -m pytest -p no:cacheprovider --numprocesses=auto --dist=loadgroup \
    --no-loadscope-reorder "$@"
