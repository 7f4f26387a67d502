"""`serve` in a thread: it survives a crashing build, and rebuilds when a source text changes."""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import geo.output.build
from geo.config import BuildOptions
from geo.serve import serve

OPTIONS = BuildOptions(tiles=False, static=False, progress=False)


class ServeThread:
    """geo.serve.serve running in a thread until stopped; its log is kept."""

    def __init__(self, layers: Path, out: Path, sources: Path):
        self.log: list[str] = []
        self.stop_event = threading.Event()
        ready = threading.Event()
        self.url = ""

        def on_ready(url):
            self.url = url
            ready.set()

        self.thread = threading.Thread(target=serve, daemon=True, kwargs=dict(
            layers_dir=layers, out_dir=out, sources_dir=sources, options=OPTIONS, port=0,
            log=self.log.append, ready=on_ready, stop=self.stop_event))
        self.thread.start()
        assert ready.wait(120), "\n".join(self.log)
        time.sleep(0.5)  # let the watcher settle before the test edits anything

    def get(self, path: str) -> tuple[int, str]:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return response.status, response.read().decode("utf-8")

    def state(self) -> dict:
        return json.loads(self.get("__build__")[1])

    def wait_for(self, check, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if check(state):
                return state
            time.sleep(0.1)
        raise AssertionError(f"build state never matched: {self.state()}\n" + "\n".join(self.log))

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "serve did not stop"


MAPS_TOML = """\
[maps.tiny]
title = "Tiny"
title_in = { ru = "Крошечная", ja = "小さな地図", zh = "小地图" }
extent = [130.0, 42.0, 131.0, 43.0]
zoom = [8, 9]
layers = ["places"]

[layers.places]
file = "places.geojson"
title = "Places"
title_in = { ru = "Места", ja = "地点", zh = "地点" }
"""
PLACES = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "geometry": {"type": "Point", "coordinates": [130.5, 42.5]},
    "properties": {"id": "post", "name": "Border post",
                   "sources": [{"file": "notes.txt", "where": "line 1"}]}}]}


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path, Path]:
    """A one-map project of its own (layers, sources, output): quick to build, and not broken
    by whatever is being edited in layers/ meanwhile."""
    layers, sources = tmp_path / "layers", tmp_path / "sources"
    layers.mkdir()
    sources.mkdir()
    (layers / "maps.toml").write_text(MAPS_TOML, encoding="utf-8")
    (layers / "places.geojson").write_text(json.dumps(PLACES, indent=2), encoding="utf-8")
    (sources / "notes.txt").write_text("A note.\n", encoding="utf-8")
    return layers, sources, tmp_path / "output"


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """Each build serve starts, by outcome; the first one after ``calls.append("crash")`` fails."""
    real = geo.output.build.build
    calls: list[str] = []

    def build(*args, **kwargs):
        if calls and calls[-1] == "crash":
            calls.append("crashed")
            raise RuntimeError("disk on fire")
        calls.append("built")
        return real(*args, **kwargs)

    monkeypatch.setattr(geo.output.build, "build", build)
    return calls


def test_a_crashing_build_is_shown_and_serving_goes_on(project, calls):
    layers, sources, out = project
    server = ServeThread(layers, out, sources)
    try:
        first = server.state()
        assert first["errors"] == [] and calls == ["built"]
        assert server.get("tiny.html")[0] == 200

        calls.append("crash")
        config = layers / "maps.toml"
        config.write_text(config.read_text(encoding="utf-8") + "\n# saved\n", encoding="utf-8")
        crashed = server.wait_for(lambda s: s["errors"])
        assert crashed["version"] == first["version"]  # no new good build to reload
        assert crashed["generation"] > first["generation"]  # but a build ended: pages hear it
        assert crashed["errors"] == ["Build crashed: RuntimeError: disk on fire"]
        log = "\n".join(server.log)
        assert "Traceback (most recent call last)" in log and "RuntimeError: disk on fire" in log

        # still serving: the last good build, and a page for what it does not have
        status, page = server.get("tiny.html")
        assert status == 200 and "/__build__" in page
        status, page = server.get("no-such-map.html")
        assert status == 200 and "No map built yet" in page
        assert "Build crashed: RuntimeError: disk on fire" in page
        assert "default-src 'none'; script-src 'sha256-" in html.unescape(page)  # the script may run

        # a good save recovers
        config.write_text(config.read_text(encoding="utf-8") + "# saved again\n", encoding="utf-8")
        recovered = server.wait_for(lambda s: not s["errors"])
        assert recovered["version"] == first["version"] + 1
        assert calls[-1] == "built"
    finally:
        server.stop()


def test_editing_a_source_text_rebuilds(project, calls):
    layers, sources, out = project
    server = ServeThread(layers, out, sources)
    try:
        version = server.state()["version"]
        text = sources / "notes.txt"
        text.write_text(text.read_text(encoding="utf-8") + "\nA correction.\n", encoding="utf-8")
        server.wait_for(lambda s: s["version"] > version)
        assert calls == ["built", "built"]

        (sources / "notes.md").write_text("not a source text", encoding="utf-8")
        time.sleep(1.5)  # longer than the watcher's debounce
        assert calls == ["built", "built"] and server.state()["version"] == version + 1
    finally:
        server.stop()
