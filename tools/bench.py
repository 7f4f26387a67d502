"""Benchmark: ``python tools/bench.py [--runs N]`` prints build times, page sizes and tile speed.

Our build is set beside a plain folium script that draws the same layers for the same maps
(folium's defaults: CDN assets, GeoJson layers, Marker with an HTML Popup), so the cost of
offline pages, escaping and validation is visible. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def plain_folium(layers_dir: Path, out_dir: Path) -> None:
    """The same maps drawn the plain way: what a quick folium script would produce."""
    import html
    import json

    import folium

    from geo.inputs.maps_toml import read_project

    project = read_project(layers_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    collections = {name: json.loads(spec.file.read_text(encoding="utf-8"))
                   for name, spec in project.layers.items()}
    for spec in project.maps.values():
        west, south, east, north = spec.extent
        fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2],
                          tiles=None, control_scale=True)
        fmap.fit_bounds([[south, west], [north, east]])
        for name in spec.layers:
            layer = project.layers[name]
            if layer.kind == "incidents":
                group = folium.FeatureGroup(name=layer.title)
                for f in collections[name]["features"]:
                    if f["geometry"] is None:  # listed without a place: no marker to draw
                        continue
                    p = f["properties"]
                    lon, lat = f["geometry"]["coordinates"]
                    popup = (f"<h3>{html.escape(p['title'])}</h3><p>{html.escape(p['date'])}</p>"
                             f"<p>{html.escape(p['summary'])}</p>")
                    folium.Marker([lat, lon], popup=folium.Popup(popup, max_width=400),
                                  tooltip=html.escape(p["title"])).add_to(group)
                group.add_to(fmap)
            else:
                folium.GeoJson(collections[name], name=layer.title,
                               style_function=lambda _, s=layer.style: {
                                   "color": s.color, "weight": s.weight,
                                   "fillColor": s.fill or s.color,
                                   "fillOpacity": s.fill_opacity if s.fill else 0}).add_to(fmap)
        folium.LayerControl().add_to(fmap)
        fmap.save(str(out_dir / f"{spec.name}.html"))


def _page_weight(ours: Path, plain: Path) -> None:
    """Bytes and time to the load event in headless Chromium, network off, for both pages."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(page weight skipped: playwright is not installed)")
        return
    from bench_pages import CHROMIUM
    if not Path(CHROMIUM).exists():
        print(f"(page weight skipped: {CHROMIUM} is not installed)")
        return
    print(f"{'page in Chromium, offline':<26}{'ours: bytes':>12}{'load ms':>9}"
          f"{'plain: bytes':>14}{'load ms':>9}{'failed':>8}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        for page_file in sorted(plain.glob("*.html")):
            row = []
            for folder in (ours, plain):
                context = browser.new_context()
                context.set_offline(True)
                failed = []
                page = context.new_page()
                page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
                page.goto((folder / page_file.name).resolve().as_uri(), wait_until="load")
                load = page.evaluate("() => { const t = performance.getEntriesByType("
                                     "'navigation')[0]; return t.loadEventEnd || t.duration; }")
                row.append(((folder / page_file.name).stat().st_size, load, len(failed)))
                context.close()
            (ob, ol, _), (pb, pl, pf) = row
            print(f"{page_file.name:<26}{ob:>12,}{ol:>9.0f}{pb:>14,}{pl:>9.0f}{pf:>8}")
        browser.close()


def _sources(layers_dir: Path) -> Path:
    import tomllib

    from geo.config import CONFIG_NAME, sources_path

    raw = tomllib.loads((layers_dir / CONFIG_NAME).read_text(encoding="utf-8"))
    return sources_path(layers_dir, raw).resolve()


def _timed(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python tools/bench.py", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median is shown)")
    parser.add_argument("--layers", type=Path, default=ROOT / "layers")
    parser.add_argument("--tiles", default="khasan", metavar="MAP",
                        help="map whose tileset is benchmarked (default: khasan; '' skips it)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--naive-sample", type=int, default=100,
                        help="tiles rendered by the naive matplotlib renderer")
    parser.add_argument("--large", action="store_true",
                        help="also time 100,000 incidents and a 1,000,000-vertex line")
    args = parser.parse_args(argv)
    if args.tiles and importlib.util.find_spec("matplotlib") is None:  # (before minutes of work)
        sys.exit("The tile benchmark's anchor draws with matplotlib: pip install -e '.[bench]' "
                 "(or --tiles '' to leave the tiles out)")

    # scratch beside the project, on the file system output/ is written to: a build creates
    # thousands of files, and their cost is the file system's
    with tempfile.TemporaryDirectory(prefix=".bench-", dir=ROOT) as tmp:
        ours, plain = Path(tmp) / "ours", Path(tmp) / "plain"
        ours_s = _timed([sys.executable, "build_maps.py", "build", "-q", "--force", "--no-tiles",
                         "--no-static", "--layers", str(args.layers), "--out", str(ours)],
                        args.runs)
        plain_s = _timed([sys.executable, "-c",
                          "import sys; from pathlib import Path; sys.path.insert(0, 'tools');"
                          " from bench import plain_folium;"
                          " plain_folium(Path(sys.argv[1]), Path(sys.argv[2]))",
                          str(args.layers), str(plain)], args.runs)
        print(f"HTML pages only (no tiles), cold, median of {args.runs}: "
              f"ours {ours_s:.2f} s, plain folium {plain_s:.2f} s")
        print(f"{'page':<22}{'ours (bytes)':>14}{'plain folium':>14}   plain folium needs")
        for page in sorted(p.name for p in plain.glob("*.html")):
            text = (plain / page).read_text(encoding="utf-8")
            remote = sum(text.count(f'{a}="https://') for a in ("src", "href"))
            print(f"{page:<22}{(ours / page).stat().st_size:>14,}"
                  f"{(plain / page).stat().st_size:>14,}   {remote} network files (CDN)")

        layers = Path(tmp) / "layers"
        shutil.copytree(args.layers, layers)
        _page_weight(ours, plain)

        from bench_edits import bench_edits

        bench_edits(layers, _sources(args.layers), Path(tmp) / "full", args.runs)

        from bench_pages import bench_pages

        bench_pages(layers, _sources(args.layers), Path(tmp) / "full", args.runs)  # its tiles
    if args.tiles:
        from bench_tiles import bench_tiles

        bench_tiles(args.layers, args.tiles, args.jobs, args.naive_sample)
    if args.large:
        from bench_large import bench_large

        bench_large(_sources(args.layers))


if __name__ == "__main__":
    main()
