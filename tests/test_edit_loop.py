"""The edit–rebuild loop: incremental builds, locking, interrupted builds, fmt, serve."""

from __future__ import annotations

import fcntl
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import LAYERS, MAPS, ROOT, copy_output, edit_layer, run_cli, shrink_zooms, tree_bytes

FAST = ("--no-tiles", "--no-static")


def build_args(layers: Path, out: Path, sources: Path, *extra: str) -> tuple[str, ...]:
    return ("build", "--layers", str(layers), "--out", str(out), "--sources", str(sources), *extra)


def written_maps(log: str) -> set[str]:
    return {line.split(":")[0] for line in log.splitlines() if ": wrote " in line}


def test_unchanged_rebuild_does_nothing_and_loads_no_heavy_library(small_built, layers_copy,
                                                                   tmp_path, sources_dir):
    out = copy_output(small_built(*FAST), tmp_path / "output")  # a build of these layers
    before = tree_bytes(out)
    probe = (
        "import sys, build_maps;"
        f"code = build_maps.main({list(build_args(layers_copy, out, sources_dir, *FAST))!r});"
        "heavy = [m for m in ('geopandas', 'shapely', 'folium', 'mapnik', 'pyproj') if m in sys.modules];"
        "print(code, heavy)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.strip() == "0 []", result.stderr
    assert "is up to date" in result.stderr
    assert tree_bytes(out) == before


def test_editing_one_layer_rebuilds_exactly_the_maps_that_use_it(layers_copy, tmp_path,
                                                                 sources_dir):
    out = tmp_path / "output"
    first = run_cli(*build_args(layers_copy, out, sources_dir, *FAST))
    assert written_maps(first.stderr) == set(MAPS)

    edit_layer(layers_copy, "amur.geojson",
               lambda c: c["features"][0]["properties"].update(name="Blagoveshchensk (Heihe opposite)"))
    second = run_cli(*build_args(layers_copy, out, sources_dir, "-v", *FAST))
    assert second.returncode == 0, second.stderr
    assert written_maps(second.stderr) == {"overview", "amur"}  # the maps drawing layer 'amur'
    assert "khasan: unchanged" in second.stderr
    manifest = json.loads((out / ".manifest.json").read_text())
    assert set(manifest["maps"]) == set(MAPS)
    assert "Heihe opposite" in (out / "amur.html").read_text(encoding="utf-8")

    forced = run_cli(*build_args(layers_copy, out, sources_dir, "--force", *FAST))
    assert len(written_maps(forced.stderr)) == 5


def test_a_geometry_edit_redoes_that_layer_alone_and_builds_what_a_fresh_build_builds(
        layers_copy, tmp_path, sources_dir, monkeypatch):
    from geo.geometry import reproject
    from geo.inputs import load
    from geo.output.build import build

    out, fresh = tmp_path / "output", tmp_path / "fresh"
    assert run_cli(*build_args(layers_copy, out, sources_dir, *FAST)).returncode == 0

    def move(collection):
        point = collection["features"][0]["geometry"]["coordinates"]
        point[0] = round(point[0] + 0.001, 7)
    edit_layer(layers_copy, "amur.geojson", move)
    framed, parsed = [], []
    to_frame, parse = reproject.to_frame, load._parse
    monkeypatch.setattr(reproject, "to_frame", lambda layer: framed.append(layer.spec.name)
                        or to_frame(layer))
    monkeypatch.setattr(load, "_parse", lambda text: parsed.append(text) or parse(text))
    from geo.config import BuildOptions

    build(layers_copy, out, sources_dir, options=BuildOptions(tiles=False, static=False))
    # the moved layer, the incidents (measured anew), the borders they are measured to and the
    # layers every map's locator draws (the countries' 13 kB); the base geography of the
    # overview and the Amur map is as the last build made it
    assert set(framed) == {"amur", "incidents", "borders", "river-borders", "claims-soviet",
                           "claims-japanese", "countries"}
    # and its files, checked by the last build with the same text, are not even parsed
    assert sorted(parsed) == sorted((layers_copy / f"{name}.geojson").read_text("utf-8")
                                    for name in set(framed))
    assert run_cli(*build_args(layers_copy, fresh, sources_dir, *FAST)).returncode == 0
    for page in fresh.glob("*.html"):
        assert (out / page.name).read_bytes() == page.read_bytes(), page.name


def test_builds_that_share_the_contents_they_read_build_what_a_fresh_build_builds(
        layers_copy, tmp_path, sources_dir):
    """In serve, each build reuses the map contents the last one left (parsed once while the
    file is the same): after an edit of geometry and then one of text (which reads the
    contents the geometry edit wrote), the pages are a fresh build's, byte for byte."""
    from geo.config import BuildOptions
    from geo.output import content_cache
    from geo.output.build import build

    out, fresh = tmp_path / "output", tmp_path / "fresh"
    options = BuildOptions(tiles=False, static=False, progress=False)

    def reword(collection):
        collection["features"][0]["properties"]["summary"] += " Reworded."

    def move(collection):
        point = collection["features"][0]["geometry"]["coordinates"]
        point[0] = round(point[0] + 0.05, 7)
    with content_cache.remembering():
        build(layers_copy, out, sources_dir, options=options)
        for file, edit in (("amur.geojson", move), ("incidents.geojson", reword)):
            edit_layer(layers_copy, file, edit)
            assert build(layers_copy, out, sources_dir, options=options).rebuilt
        assert str(out / content_cache.path("overview")) in content_cache._READ  # (remembered)
    build(layers_copy, fresh, sources_dir, options=options)
    for page in fresh.glob("*.html"):
        assert (out / page.name).read_bytes() == page.read_bytes(), page.name


def test_with_images_later_the_print_images_follow_in_the_next_build(
        small_built, layers_copy, tmp_path, sources_dir):
    """serve swaps the pages in first: the last print images stand until the build after,
    which draws them as a fresh build would, and the one after that has nothing to do."""
    from geo.config import BuildOptions
    from geo.output.build import build

    fresh = tmp_path / "fresh"
    out = copy_output(small_built("--no-tiles"), tmp_path / "output")  # a build of these layers
    options = BuildOptions(tiles=False, jobs=1, progress=False)
    before = {f.name: f.read_bytes() for f in out.glob("amur*.*")}

    def move(collection):  # far enough to show at print size
        point = collection["features"][0]["geometry"]["coordinates"]
        point[0] = round(point[0] + 0.05, 7)
    edit_layer(layers_copy, "amur.geojson", move)
    first = build(layers_copy, out, sources_dir,
                  options=BuildOptions(tiles=False, jobs=1, progress=False, images_later=True))
    assert first.images_pending == ["overview", "amur"]
    assert (out / "amur.html").read_bytes() != before["amur.html"]
    for name in ("amur.png", "amur.svg", "amur-1col.pdf"):
        assert (out / name).read_bytes() == before[name], name
    manifest = json.loads((out / ".manifest.json").read_text())
    assert {n for n, m in manifest["maps"].items() if m.get("images_pending")} == {
        "overview", "amur"}

    second = build(layers_copy, out, sources_dir, options=options)
    assert second.rebuilt == ["overview", "amur"] and second.images_pending == []
    assert (out / "amur.png").read_bytes() != before["amur.png"]
    build(layers_copy, fresh, sources_dir, options=options)
    for made in fresh.iterdir():
        if made.is_file() and not made.name.startswith("."):
            assert (out / made.name).read_bytes() == made.read_bytes(), made.name
    assert build(layers_copy, out, sources_dir, options=options).rebuilt == []


def test_print_images_left_for_later_follow_an_edit_of_the_basemap_alone(
        small_built, layers_copy, tmp_path, sources_dir):
    """A border line moved (drawn in the images' basemap raster, not among their marks): the
    build after serve's first draws the images anew, as a fresh build does."""
    from geo.config import BuildOptions
    from geo.output.build import build

    fresh = tmp_path / "fresh"
    out = copy_output(small_built("--no-tiles"), tmp_path / "output")  # a build of these layers
    options = BuildOptions(tiles=False, jobs=1, progress=False)

    def shift(collection):
        line = collection["features"][0]["geometry"]["coordinates"]
        line[len(line) // 2][0] = round(line[len(line) // 2][0] + 0.05, 7)
    edit_layer(layers_copy, "borders.geojson", shift)
    build(layers_copy, out, sources_dir,
          options=BuildOptions(tiles=False, jobs=1, progress=False, images_later=True))
    build(layers_copy, out, sources_dir, options=options)
    build(layers_copy, fresh, sources_dir, options=options)
    drawn = sorted(f.name for f in fresh.glob("*.png"))
    assert [n for n in drawn if (out / n).read_bytes() != (fresh / n).read_bytes()] == []


def test_a_second_build_is_refused_while_one_runs(tmp_path, layers_copy, sources_dir):
    out = tmp_path / "output"
    with open(tmp_path / ".output.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        result = run_cli(*build_args(layers_copy, out, sources_dir, *FAST))
    assert result.returncode == 1
    assert "another build is writing to this folder right now" in result.stderr
    assert not out.exists()


def test_killed_build_leaves_output_untouched(small_built, layers_copy, tmp_path, sources_dir):
    pytest.importorskip("mapnik")
    shrink_zooms(layers_copy, levels=3)  # a build of these layers:
    out = copy_output(small_built(levels=3), tmp_path / "output")  # (test_relief's "plain")
    before = tree_bytes(out)

    saved = (layers_copy / "khasan.geojson").read_bytes()
    edit_layer(layers_copy, "khasan.geojson",
               lambda c: c["features"][1]["properties"].update(name="Zaozernaya (Changkufeng)"))
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build_maps.py"),
         *build_args(layers_copy, out, sources_dir, "--no-static", "--force", "--jobs", "1")],
        cwd=ROOT, stderr=subprocess.PIPE, text=True)
    for line in process.stderr:  # wait until it is busy writing tiles, then kill it
        if line.startswith("Tiles ") and "/" in line:
            break
    staging = list(tmp_path.glob(".output-new-*"))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert staging, "the build was writing into a staging folder"
    assert tree_bytes(out) == before

    # the next build clears them, even one with next to nothing to draw (the edit undone: no
    # tile to draw, 0.7 s, where with the edit it drew the Khasan tiles again, 4 s)
    (layers_copy / "khasan.geojson").write_bytes(saved)
    after = run_cli(*build_args(layers_copy, out, sources_dir, "--no-static", "--jobs", "1"))
    assert after.returncode == 0, after.stderr
    assert not list(tmp_path.glob(".output-new-*")), "a killed build's leftovers are cleared"


def test_terminated_build_stops_its_workers_and_leaves_output_untouched(
        small_built, layers_copy, tmp_path, sources_dir):
    """SIGTERM (kill, a CI's time limit) stops a build as Ctrl-C does: no worker or fork
    server is left running, the staging folder is removed, the output is as it was."""
    pytest.importorskip("mapnik")
    shrink_zooms(layers_copy, levels=3)  # a build of these layers:
    out = copy_output(small_built(levels=3), tmp_path / "output")  # (test_relief's "plain")
    before = tree_bytes(out)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build_maps.py"),
         *build_args(layers_copy, out, sources_dir, "--force", "--jobs", "2")],
        cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
    for line in process.stderr:  # wait until the workers are drawing tiles
        if line.startswith("Tiles ") and "/" in line:
            break
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 143
    assert "Interrupted; the previous output is unchanged." in process.stderr.read()
    assert tree_bytes(out) == before
    assert not list(tmp_path.glob(".output-new-*"))
    deadline = time.monotonic() + 10  # the fork server leaves once the build has gone
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # anyone left in the build's process group?
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("processes of the terminated build are still running")


def test_fmt_normalises_a_messy_layer_and_keeps_a_backup(layers_copy, sources_dir):
    path = layers_copy / "khasan.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    lake = collection["features"][0]
    ring = lake["geometry"]["coordinates"][0]
    ring.reverse()  # clockwise: against the right-hand rule
    x, y = ring[0]  # and its first point given to 13 decimals, a hair east of where it was
    ring[0] = ring[-1] = [round(x, 5) + 0.0000012345678, y]
    messy = json.dumps(collection, ensure_ascii=False)  # one long line, keys unsorted
    path.write_text(messy, encoding="utf-8")

    check = run_cli("check", "--layers", str(layers_copy), "--sources", str(sources_dir))
    assert check.returncode == 0
    assert "'lake-khasan': property 'geometry': warning: polygon ring against the right-hand rule" \
        in check.stderr
    strict = run_cli("check", "--strict", "--layers", str(layers_copy), "--sources", str(sources_dir))
    assert strict.returncode == 1

    assert run_cli("fmt", "--check", "--layers", str(layers_copy)).returncode == 1
    assert path.read_text(encoding="utf-8") == messy  # --check changes nothing
    result = run_cli("fmt", "--layers", str(layers_copy))
    assert result.returncode == 0 and "reformatted" in result.stderr
    assert (layers_copy / "khasan.geojson.bak").read_text(encoding="utf-8") == messy
    text = path.read_text(encoding="utf-8")
    seven = f"{round(x, 5) + 0.0000012345678:.7f}"
    assert seven in text and f"{round(x, 5) + 0.0000012345678:.8f}" not in text  # 7 decimals
    clean = run_cli("check", "--strict", "--layers", str(layers_copy), "--sources", str(sources_dir))
    assert clean.returncode == 0, clean.stderr
    assert run_cli("fmt", "--check", "--layers", str(layers_copy)).returncode == 0


def test_committed_layers_are_canonical():
    """Every committed layer is as `fmt` writes it. The base geography (14 of its 15 MB) is
    test_layers' test_basedata_regenerates_the_committed_base_layers: written by `basedata`
    through fmt's own dumps, byte for byte; the command itself is tested on a messy copy."""
    from geo.inputs.fmt import format_file
    from geo.inputs.maps_toml import read_project

    files = sorted({spec.file for spec in read_project(LAYERS).layers.values()
                    if (LAYERS / "base") not in spec.file.parents})
    assert len(files) >= 8
    assert [f.name for f in files if format_file(f, check=True)] == []


def test_unknown_property_is_a_warning(layers_copy, sources_dir):
    edit_layer(layers_copy, "amur.geojson",
               lambda c: c["features"][0]["properties"].update(population_1937=58000))
    result = run_cli("check", "--layers", str(layers_copy), "--sources", str(sources_dir))
    assert result.returncode == 0
    assert "'blagoveshchensk': property 'properties': warning: unknown property" in result.stderr
    assert "unknown property 'population_1937': kept in the file, but no map shows it" in result.stderr


class Server:
    """`build_maps.py serve` in a subprocess, with its log collected line by line. It starts
    as from a terminal, Ctrl-C in its default: a suite run in the background by a shell (`&`)
    ignores SIGINT, and a child inherits that, so the server never stopped on the test's Ctrl-C."""

    def __init__(self, layers: Path, out: Path, sources: Path):
        self.process = subprocess.Popen(  # (-X faulthandler: see stop)
            [sys.executable, "-X", "faulthandler", str(ROOT / "build_maps.py"), "serve", "--port", "0",
             "--layers", str(layers), "--out", str(out), "--sources", str(sources), *FAST],
            cwd=ROOT, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for("Serving ").split(" at ")[1].split(" ")[0]

    def _read(self):
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, *texts: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if any(text in line for text in texts):
                return line
        raise AssertionError(f"server never said any of {texts!r}")

    def stop(self) -> int:
        """Ctrl-C, and the exit code. A server still running 30 s later is made to write where
        each of its threads is (faulthandler, on SIGABRT), which the failure shows."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)
            self.process.wait(timeout=30)
            time.sleep(0.5)  # (the reader thread takes the last lines)
            log = []
            while not self.lines.empty():
                log.append(self.lines.get())
            raise AssertionError("serve did not stop on Ctrl-C in 30 s:\n" + "\n".join(log[-80:])) from None


@pytest.mark.browser
def test_serve_rebuilds_reloads_and_shows_errors(browser, layers_copy, tmp_path, sources_dir):
    server = Server(layers_copy, tmp_path / "output", sources_dir)
    try:
        with browser.new_context() as context:
            page = context.new_page()
            outside = []
            page.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "data:"))
                    or outside.append(r.url))
            page.goto(server.url + "amur.html")
            marker = page.locator('.incident-marker[data-incident="kanchazu-1937"]')
            assert "Kanchazu Island incident" in marker.get_attribute("aria-label")

            # a saved edit is rebuilt and the open page reloads by itself
            edit_layer(layers_copy, "incidents.geojson", lambda c: next(
                f for f in c["features"] if f["properties"]["id"] == "kanchazu-1937"
            )["properties"].update(title="Kanchazu Island gunboat clash"))
            server.wait_for("amur: wrote")
            page.wait_for_function("""() => { const m = document.querySelector(
                '.incident-marker[data-incident="kanchazu-1937"]');
                return m && m.getAttribute('aria-label').startsWith('Kanchazu Island gunboat'); }""",
                                   timeout=30000)

            # a broken layer: the page shows the error over the map, naming file and line
            path = layers_copy / "incidents.geojson"
            good = path.read_text(encoding="utf-8")
            path.write_text(good.replace('"type": "battle"', '"type": "battle",,', 1),
                            encoding="utf-8")
            server.wait_for("Build failed")
            overlay = page.locator("#build-errors")
            overlay.wait_for(timeout=30000)
            assert "incidents.geojson:" in overlay.inner_text()
            assert "invalid JSON" in overlay.inner_text()

            # fixed again: the overlay goes, the map is back (the last good build still stands)
            path.write_text(good, encoding="utf-8")
            server.wait_for("amur: wrote", "is up to date")
            page.wait_for_selector("#build-errors", state="detached", timeout=30000)
            page.wait_for_selector('.incident-marker[data-incident="kanchazu-1937"]', timeout=30000)
            assert outside == []
    finally:
        assert server.stop() == 0
