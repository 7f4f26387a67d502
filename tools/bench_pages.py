"""Benchmark of the single-file pages: ``python tools/bench_pages.py [--out DIR] [--runs N]``.

For each map: the bytes of ``<map>.standalone.html`` (tiles inside, each distinct tile once),
its distinct tiles, and, opened alone from an empty folder in headless Chromium with the network
off, the time to the ``load`` event and to the last basemap tile shown; beside it the other
way to make one file travel, the ``--no-tiles`` page that draws the base geography as vectors,
measured the same way (its "basemap shown" is the load event: its vectors are drawn by then).
Figures are printed and returned, never asserted. ``tools/bench.py`` calls ``bench_pages``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium-headless-shell"  # Debian's, as the tests run (scripts/test.sh)
ALL_TILES_DONE = """() => {
  const tiles = [...document.querySelectorAll('img.leaflet-tile')];
  return tiles.length > 0 && tiles.every(t => t.complete && t.classList.contains('leaflet-tile-loaded'));
}"""
LOAD_MS = ("() => { const t = performance.getEntriesByType('navigation')[0]; "
           "return t.loadEventEnd || t.duration; }")


def _build(layers: Path, sources: Path | None, out: Path, *options: str) -> None:
    command = [sys.executable, str(ROOT / "build_maps.py"), "build", "--layers", str(layers),
               "--out", str(out), "-q", *options]
    if sources is not None:
        command += ["--sources", str(sources)]
    subprocess.run(command, check=True, cwd=ROOT)


def _open_alone(browser, page_file: Path, wait_tiles: bool) -> tuple[float, float, int]:
    """(ms to load, ms to the basemap shown, failed requests) of a page copied alone."""
    with tempfile.TemporaryDirectory() as scratch:
        alone = Path(scratch) / page_file.name
        shutil.copy(page_file, alone)
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        context.set_offline(True)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("file:", "data:")) else route.abort())
        page = context.new_page()
        failed = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        started = time.perf_counter()
        page.goto(alone.as_uri(), wait_until="load")
        load = page.evaluate(LOAD_MS)
        shown = load
        if wait_tiles:
            page.wait_for_function(ALL_TILES_DONE, timeout=60_000)
            shown = (time.perf_counter() - started) * 1000
        context.close()
        return load, shown, len(failed)


def bench_pages(layers: Path = ROOT / "layers", sources: Path | None = None,
                out: Path | None = None, runs: int = 3) -> list[dict]:
    """Measure the single-file pages of ``out`` (a build with tiles; built into a temporary
    folder if None) against the vector (--no-tiles) pages; print a table, return its rows."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(single-file pages skipped: playwright is not installed)")
        return []
    if not Path(CHROMIUM).exists():
        print(f"(single-file pages skipped: {CHROMIUM} is not installed)")
        return []
    with tempfile.TemporaryDirectory() as scratch:
        if out is None:
            out = Path(scratch) / "tiles"
            _build(layers, sources, out)
        vectors = Path(scratch) / "vectors"
        _build(layers, sources, vectors, "--no-tiles", "--no-static")
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu"])
            for single in sorted(out.glob("*.standalone.html")):
                name = single.name.removesuffix(".standalone.html")
                text = single.read_text(encoding="utf-8")
                start = text.index('id="geo-maps-tiles">') + len('id="geo-maps-tiles">')
                table = json.loads(text[start:text.index("</script>", start)])
                ours = [_open_alone(browser, single, True) for _ in range(runs)]
                plain = [_open_alone(browser, vectors / f"{name}.html", False) for _ in range(runs)]
                rows.append({
                    "map": name, "single_file_bytes": single.stat().st_size,
                    "page_bytes": (out / f"{name}.html").stat().st_size,
                    "distinct_tiles": len(table["images"]),
                    "tiles": sum(i >= 0 for z in table["maps"].get(name, {}).values() for i in z[3]),
                    "load_ms": statistics.median(r[0] for r in ours),
                    "basemap_ms": statistics.median(r[1] for r in ours),
                    "failed": max(r[2] for r in ours),
                    "vector_bytes": (vectors / f"{name}.html").stat().st_size,
                    "vector_load_ms": statistics.median(r[0] for r in plain),
                })
            browser.close()
    print(f"{'single file, opened alone':<26}{'bytes':>11}{'tiles':>7}{'distinct':>9}{'load ms':>9}"
          f"{'basemap ms':>11}{'failed':>7}{'vector page':>13}{'load ms':>9}")
    for r in rows:
        print(f"{r['map']:<26}{r['single_file_bytes']:>11,}{r['tiles']:>7}{r['distinct_tiles']:>9}"
              f"{r['load_ms']:>9.0f}{r['basemap_ms']:>11.0f}{r['failed']:>7}"
              f"{r['vector_bytes']:>13,}{r['vector_load_ms']:>9.0f}")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=Path, default=ROOT / "layers")
    parser.add_argument("--sources", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None,
                        help="an output folder built with tiles (default: build one)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    bench_pages(args.layers, args.sources, args.out, args.runs)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
