"""Shared fixtures: the real layers, the real source texts, and throw-away copies of them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "layers"
SOURCES = ROOT.parent / "shared" / "sources"


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not SOURCES.is_dir():
        pytest.skip("../shared/sources is not beside the project")
    return SOURCES


@pytest.fixture
def layers_copy(tmp_path: Path) -> Path:
    """A copy of the real layers/ that a test may break."""
    target = tmp_path / "layers"
    shutil.copytree(LAYERS, target)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory, sources_dir) -> Path:
    """output/ built once from the real layers, shared by the read-only tests.

    $MAPS_BUILT names a folder to build into instead of a new one: builds are incremental, so
    running the browser tests again after a change to the page's script rebuilds only pages.
    """
    kept = os.environ.get("MAPS_BUILT")
    out = Path(kept) if kept else tmp_path_factory.mktemp("built") / "output"
    result = run_cli("build", "--layers", str(LAYERS), "--out", str(out),
                     "--sources", str(sources_dir))
    assert result.returncode == 0, result.stderr
    return out


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build_maps.py"), *args],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def edit_layer(layers_dir: Path, name: str, change) -> None:
    """Apply ``change(collection)`` to layers_dir/name and write it back, pretty-printed."""
    path = layers_dir / name
    collection = json.loads(path.read_text(encoding="utf-8"))
    change(collection)
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=2), encoding="utf-8")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def shrink_zooms(layers_dir: Path, levels: int = 2) -> None:
    """Cut every map of layers_dir/maps.toml to its first zoom levels: quick tile builds."""
    import re

    path = layers_dir / "maps.toml"
    text = re.sub(r"zoom = \[(\d+), \d+\]",
                  lambda m: f"zoom = [{m[1]}, {int(m[1]) + levels - 1}]",
                  path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")


CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by scripts/test.sh (never `playwright install`)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where screenshots go: $MAPS_SCREENSHOTS if set (e.g. docs/), else a temp folder."""
    folder = Path(os.environ.get("MAPS_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
