"""The edit loop for the benchmark: a cold build and where its time goes, its peak memory, a
no-op rebuild, an edit of one incident's text, a geometry edit of one layer, and in `serve`
the time from a file's save to the reloaded page's `load` event in headless Chromium.
Run through ``python tools/bench.py``; every figure is printed, none is asserted."""

from __future__ import annotations

import json
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _build(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"build failed:\n{result.stderr}")
    return time.perf_counter() - started, result.stderr


def _edit_incident_text(layers: Path, run: int) -> None:
    """Reword one incident's summary, as an editor saves it: nothing drawn changes."""
    path = layers / "incidents.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["summary"] += f" (edit {run})"
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")


def _move_a_feature(layers: Path, run: int) -> None:
    """Move one point of the Amur layer by about 100 m: its tiles must be redrawn."""
    path = layers / "amur.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    point = collection["features"][0]["geometry"]["coordinates"]
    point[0] = round(point[0] + (0.001 if run % 2 == 0 else -0.001), 7)
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")


def bench_edits(layers: Path, sources: Path, out: Path, runs: int) -> None:
    command = [sys.executable, "build_maps.py", "build", "--layers", str(layers),
               "--sources", str(sources), "--out", str(out)]
    cold, log = _build(command)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stages = re.search(r"^Built .* in [\d.]+ s \((.*)\)$", log, re.M)
    print(f"\nfull build with tiles and static images: cold {cold:.1f} s"
          f" ({stages.group(1) if stages else 'stages not logged'});"
          f" peak memory of the largest process {peak:,.0f} MiB")
    figures = {}
    for label, edit in (("no-op rebuild", None), ("one incident's text edited", _edit_incident_text),
                        ("one layer's geometry edited (amur)", _move_a_feature)):
        times = []
        for run in range(runs):
            if edit:
                edit(layers, run)
            times.append(_build(command)[0])
        figures[label] = statistics.median(times)
    for label, seconds in figures.items():
        print(f"  {label:<38} {seconds:6.2f} s  ({seconds / cold:6.1%} of cold)")
    _serve_reload(layers, sources, out, runs)


def _serve_reload(layers: Path, sources: Path, out: Path, runs: int) -> None:
    """With serve: from the file's save to the reloaded page's load event, for an edit of an
    incident's text (khasan.html) and for a geometry edit of the Amur layer (amur.html, its
    tiles redrawn; the print images follow in a second build, awaited before the next edit)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("  (serve reload skipped: playwright is not installed)")
        return
    from bench_pages import CHROMIUM
    if not Path(CHROMIUM).exists():
        print(f"  (serve reload skipped: {CHROMIUM} is not installed)")
        return
    server = subprocess.Popen(
        [sys.executable, "build_maps.py", "serve", "--port", "0", "--layers", str(layers),
         "--sources", str(sources), "--out", str(out)],
        cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in server.stderr:
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if found:
                url = found.group(1)
                break
        if url is None:
            print("  (serve reload skipped: the server did not start)")
            return
        threading.Thread(target=server.stderr.read, daemon=True).start()  # keep the pipe open
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            for label, name, edit in (("an incident's text", "khasan", _edit_incident_text),
                                      ("the Amur layer's geometry", "amur", _move_a_feature)):
                page.goto(url + f"{name}.html", wait_until="load")
                times = []
                for run in range(runs):
                    _images_drawn(out)
                    page.wait_for_timeout(300)  # the page's long poll is in place
                    with page.expect_event("load", timeout=60_000):
                        saved = time.perf_counter()
                        edit(layers, 100 + run)
                    times.append(time.perf_counter() - saved)
                print(f"  serve, {label}: save to reloaded load {statistics.median(times):5.2f} s"
                      f"  (median of {runs}, headless Chromium)")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _images_drawn(out: Path, timeout: float = 120) -> None:
    """Wait until serve's last build has drawn the print images it left for later."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            maps = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))["maps"]
            if not any(entry.get("images_pending") for entry in maps.values()):
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.1)
