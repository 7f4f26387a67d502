"""Shared fixtures: the real layers, the real source texts, and throw-away copies of them."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "layers"


def _maps() -> list[str]:
    from geo.inputs.maps_toml import read_project

    return list(read_project(LAYERS).maps)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under --dist=loadgroup a grouped test's id ends in @group, which sends the group to one
    worker; where pytest-xdist could not mark it, the group's shared builds are made on every
    worker, and the suite fails rather than runs slow."""
    if (getattr(item.config.option, "loadgroup", False) and item.get_closest_marker("xdist_group")
            and "@" not in item.nodeid):
        pytest.fail("pytest-xdist did not group this test: this pytest and pytest-xdist do not "
                    "fit together (the pins in pyproject.toml)", pytrace=False)


# The maps of layers/maps.toml, in its order: a sixth map there needs no test edit
MAPS = _maps()
SOURCES = ROOT.parent / "shared" / "sources"


@functools.cache
def real_layer(file: str | Path) -> dict:
    """A layer file of the real layers/ (a path, or one relative to it) as parsed GeoJSON, read
    once a worker and shared: read-only (the base geography is 15 MB, 1-2 s to parse)."""
    return json.loads((LAYERS / file).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not SOURCES.is_dir():
        pytest.skip("../shared/sources is not beside the project")
    return SOURCES


@pytest.fixture(scope="session")
def small_layers(tmp_path_factory) -> Path:
    """The real layers with their base geography cut to the maps and simplified to about 5 km
    (15 MB to about 0.5 MB): the same maps, layers, ids and incidents, built 6-15 times faster.
    For tests of behaviour that does not depend on the shape of the coast and rivers."""
    target = shared_folder(tmp_path_factory) / "small" / "layers"
    with open(shared_folder(tmp_path_factory) / ".small.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # made by the first pytest-xdist worker (2 s)
        if not target.is_dir():
            made = target.with_name("layers.new")
            shutil.copytree(LAYERS, made)
            simplify_base(made)
            shrink_zooms(made, 2)
            made.rename(target)
    return target


def simplify_base(layers_dir: Path, tolerance: float = 0.05) -> None:
    """Simplify layers_dir/base/*.geojson in place: features cut to a degree around the maps
    (the continent's coast is most of the bytes), lines and polygons simplified by
    ``tolerance`` degrees, topology and ring orientation kept."""
    import shapely
    from shapely.geometry import box, mapping, shape

    from geo.inputs.maps_toml import read_project

    extents = [box(*m.padded_extent()) for m in read_project(layers_dir).maps.values()]
    area = box(*shapely.union_all(extents).buffer(1.0).bounds)
    for path in sorted((layers_dir / "base").glob("*.geojson")):
        collection = json.loads(path.read_text(encoding="utf-8"))
        features = []
        for f in collection["features"]:
            geometry = f.get("geometry") and shape(f["geometry"])
            if geometry is not None and not geometry.intersects(area):
                continue
            if geometry is not None and geometry.geom_type not in ("Point", "MultiPoint"):
                simpler = shapely.set_precision(shapely.simplify(
                    geometry.intersection(area), tolerance, preserve_topology=True), 1e-5)
                if simpler.is_empty or 0 < simpler.area < tolerance ** 2:
                    continue  # (an islet smaller than the tolerance)
                f["geometry"] = mapping(shapely.orient_polygons(simpler))  # right-hand rule
            features.append(f)
        collection["features"] = features
        path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="session")
def small_built(tmp_path_factory, small_layers: Path, sources_dir: Path):
    """built(*flags, levels=2) -> the output of one build of small_layers (cut to ``levels``
    zooms a map, as shrink_zooms cuts them) with those build flags, made once in the session
    by the first pytest-xdist worker to ask and read-only: a test that edits and rebuilds
    starts from a copy of it (copy_output), a build with nothing to do, instead of its own.
    Cut to other than 2 zooms, the layers it was built from lie beside it (out.parent/layers)."""
    shared = shared_folder(tmp_path_factory) / "small-builds"
    shared.mkdir(exist_ok=True)

    def built(*flags: str, levels: int = 2) -> Path:
        key = "-".join(["z%d" % levels, *(f.strip("-") for f in flags)])
        out = shared / key / "output"
        with open(shared / f".{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not out.is_dir():
                layers = small_layers
                if levels != 2:
                    layers = shared / key / "layers"
                    shutil.copytree(small_layers, layers)
                    shrink_zooms(layers, levels)
                result = run_cli("build", "--layers", str(layers), "--out", str(out),
                                 "--sources", str(sources_dir), *flags)
                assert result.returncode == 0, result.stderr
        return out
    return built


def copy_output(built: Path, out: Path) -> Path:
    """A copy of a build's output folder that a test may rebuild into (times kept: copied
    files read as the build's own)."""
    shutil.copytree(built, out, symlinks=True)
    return out


@pytest.fixture
def layers_copy(tmp_path: Path, small_layers: Path) -> Path:
    """A copy of the layers that a test may break, with the base geography simplified
    (small_layers): for tests of what the build does, not of the real geography."""
    target = tmp_path / "layers"
    shutil.copytree(small_layers, target)
    return target


@pytest.fixture
def real_layers_copy(tmp_path: Path) -> Path:
    """A copy of the real layers/ that a test may break: for tests of the real geography."""
    target = tmp_path / "layers"
    shutil.copytree(LAYERS, target)
    return target


def _built_out(shared: Path) -> Path:
    """Where the real layers are built for the session: $MAPS_BUILT names a folder to build into
    instead of a new one (builds are incremental: running the browser tests again after a change
    to the page's script rebuilds only pages)."""
    kept = os.environ.get("MAPS_BUILT")
    return Path(kept) if kept else shared / "built" / "output"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests that read the real layers' build run last, and the build starts now in the
    background (the first pytest-xdist worker to collect starts it for all): the tests before
    them run meanwhile, rather than a worker waiting half a minute for it."""
    needing = [item for item in items if "built" in getattr(item, "fixturenames", ())]
    if not needing or not SOURCES.is_dir():
        return
    group = {id(item): _group(item) for item in needing}
    sizes = Counter(group.values())
    # (pytest-xdist keeps this order with --no-loadscope-reorder: scripts/test.sh)
    items[:] = [item for item in items if id(item) not in group] + sorted(
        needing, key=lambda item: -sizes[group[id(item)]])  # the big groups first, the rest fill in
    shared = shared_folder(config._tmp_path_factory)  # (the tmp_path_factory fixture's value)
    with open(shared / ".built.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (shared / "built.started").exists():
            return
        out = _built_out(shared)
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(shared / "built.log", "w") as log:  # (the build writes to its own copy)
            _BACKGROUND.append(subprocess.Popen(
                [sys.executable, "-c", _RECORD_EXIT, str(shared / "built.rc"), sys.executable,
                 str(ROOT / "build_maps.py"), "build", "--layers", str(LAYERS), "--out", str(out),
                 "--sources", str(SOURCES)], cwd=ROOT, stdout=log, stderr=log, start_new_session=True))
        (shared / "built.started").touch()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The background build is waited for (the other workers' tests read it), or stopped if the
    run was (it stops as on Ctrl-C: SIGTERM, output left as it was)."""
    import signal

    for process in _BACKGROUND:
        if exitstatus == pytest.ExitCode.INTERRUPTED and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait()


def _group(item: pytest.Item) -> str:
    """The pytest-xdist group of a test: its xdist_group, or the test alone."""
    mark = item.get_closest_marker("xdist_group")
    return str(mark.args[0]) if mark and mark.args else item.nodeid


_BACKGROUND: list[subprocess.Popen] = []  # the build this process started
# runs a command and leaves its exit status in a file, whole once it is there
_RECORD_EXIT = ("import os, subprocess, sys; code = subprocess.run(sys.argv[2:]).returncode; "
                "open(sys.argv[1] + '.new', 'w').write(str(code)); os.replace(sys.argv[1] + '.new', sys.argv[1])")


@pytest.fixture(scope="session")
def built(tmp_path_factory, sources_dir) -> Path:
    """output/ built once from the real layers, shared by the read-only tests: the build
    started at collection (pytest_collection_modifyitems), waited for."""
    shared = shared_folder(tmp_path_factory)
    out, status = _built_out(shared), shared / "built.rc"
    if not (shared / "built.started").exists():  # (a test run alone, by its node id)
        result = run_cli("build", "--layers", str(LAYERS), "--out", str(out),
                         "--sources", str(sources_dir))
        assert result.returncode == 0, result.stderr
        return out
    deadline = time.monotonic() + 900
    while not status.exists():
        assert time.monotonic() < deadline, "the build of the real layers did not end in 15 min"
        time.sleep(0.2)
    assert status.read_text() == "0", (shared / "built.log").read_text()
    return out


@pytest.fixture(scope="session")
def contents(built, sources_dir) -> dict:
    """{map name: MapContent} of every map of the real layers, as the build of ``built`` made
    them: its kept geometry (geo.output.content_cache) and the incidents read anew, as a rebuild
    after an edit of their text takes them (0.6 s, where making them takes 9 s); read-only."""
    from geo.config import INCIDENTS
    from geo.inputs.check import load_and_check
    from geo.output.content_cache import with_new_text

    project, layers, _ = load_and_check(LAYERS, sources_dir, {INCIDENTS})
    return {content.spec.name: content
            for content in with_new_text(built, project, layers, list(project.maps))}


def shared_folder(tmp_path_factory) -> Path:
    """The session's temporary folder that every pytest-xdist worker shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """build_maps.py run with ``args``: its ``main``, the CLI's own parsing, messages and exit
    status, called in this process (a process of its own spends 1 CPU-s importing before it
    starts; a test of what only a process of its own shows, a kill, a library left unloaded,
    starts one itself). A build draws in this process unless the test asks for workers
    (``--jobs``), which then run in a process of their own: under pytest-xdist both cores are
    busy already, and a pool's start costs a small build 2 CPU-s for nothing."""
    import contextlib
    import io

    if args[:1] == ("build",) and "--jobs" not in args:
        args = (*args, "--jobs", "1")
    if "--jobs" in args and args[args.index("--jobs") + 1] != "1":
        return subprocess.run([sys.executable, str(ROOT / "build_maps.py"), *args],
                              cwd=cwd, capture_output=True, text=True, timeout=600)
    import build_maps

    stdout, stderr, here = io.StringIO(), io.StringIO(), os.getcwd()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        os.chdir(cwd)
        try:
            code = build_maps.main(list(args))
        except SystemExit as exit:  # (argparse's errors)
            code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
        finally:
            os.chdir(here)
    return subprocess.CompletedProcess(["build_maps.py", *args], code, stdout.getvalue(),
                                       stderr.getvalue())


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


# Debian's Chromium headless shell, installed by scripts/test.sh (never `playwright install`):
# the same Blink as /usr/bin/chromium without the browser's own UI, what Playwright itself
# runs headless; a map's load takes about a third less CPU (the suite: 209 -> 143 CPU-s)
CHROMIUM = "/usr/bin/chromium-headless-shell"


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def views(browser, built: Path):
    """look(map, width, lang="en"): what the reader sees as a map opens, loaded once (tests.views)."""
    from tests.views import Views

    return Views(browser, built)
