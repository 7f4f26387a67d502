"""Benchmark: ``python -m geo.bench [--runs N]`` prints build times, page sizes and tile speed.

Our build is set beside a plain folium script that draws the same layers for the same maps
(folium's defaults: CDN assets, GeoJson layers, Marker with an HTML Popup), so the cost of
offline pages, escaping and validation is visible. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
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

    from geo.config import read_project

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


def _content(layers_dir: Path, map_name: str):
    from geo.inputs.check import load_and_check
    from geo.geometry.combine import combine
    from geo.geometry.reproject import to_frame

    project, layers, _ = load_and_check(layers_dir)
    frames = {layer.spec.name: to_frame(layer) for layer in layers}
    return combine(project.maps[map_name], frames, project)


def bench_tiles(layers_dir: Path, map_name: str, jobs: int, naive_sample: int) -> None:
    """Tiles/s of our renderer (one process, all cores) against a bare Mapnik loop and a
    naive matplotlib renderer; bytes per tile and the share of duplicates in the archive."""
    import hashlib

    import mapnik

    from geo import tiles
    from geo.tilemath import xy_bounds

    content = _content(layers_dir, map_name)
    tile_list = tiles.tileset_tiles(content)
    xml = tiles.style_xml(content)
    n = len(tile_list)

    m = mapnik.Map(256, 256)
    mapnik.load_map_from_string(m, xml)
    started = time.perf_counter()
    for t in tile_list:
        m.zoom_to_box(mapnik.Box2d(*xy_bounds(t)))
        image = mapnik.Image(256, 256)
        mapnik.render(m, image)
        image.to_string(tiles.PNG_FORMAT)
    bare = n / (time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as tmp:
        report1 = tiles.render_tileset(content, Path(tmp) / "one", None, tiles.InlineExecutor())
        with tiles.make_executor(jobs) as pool:
            report_n = tiles.render_tileset(content, Path(tmp) / "all", None, pool)
        again = tiles.render_tileset(content, Path(tmp) / "again", Path(tmp) / "all",
                                     tiles.InlineExecutor())
        archive = Path(tmp) / "a.mbtiles"
        tiles.write_mbtiles(archive, Path(tmp) / "all" / "tiles" / map_name, content)
        archive_bytes = archive.stat().st_size
        distinct = len({hashlib.sha256(p.read_bytes()).digest()
                        for p in (Path(tmp) / "all").rglob("*.png")})

    naive = _naive_matplotlib(content, tile_list[:: max(1, n // naive_sample)][:naive_sample])
    print(f"\ntiles of '{map_name}': {n} tiles, zooms {content.spec.min_zoom}-{content.spec.max_zoom}")
    print(f"  bare Mapnik loop (floor)       {bare:8.0f} tiles/s")
    print(f"  ours, 1 process                {n / report1.seconds:8.0f} tiles/s"
          f"  ({report1.seconds:.1f} s, hashing and writing included)")
    print(f"  ours, {jobs} processes            {n / report_n.seconds:8.0f} tiles/s"
          f"  ({report_n.seconds:.1f} s)")
    print(f"  ours, unchanged rebuild        {n / again.seconds:8.0f} tiles/s"
          f"  ({again.seconds:.2f} s, every tile reused)")
    print(f"  naive matplotlib per tile      {naive:8.1f} tiles/s  (sample of {naive_sample})")
    print(f"  bytes per tile (PNG, mean)     {report_n.bytes / n:8.0f}")
    print(f"  distinct tiles                 {distinct:8d}  ({1 - distinct / n:.0%} duplicates)")
    print(f"  MBTiles archive                {archive_bytes:8,d} bytes "
          f"(folder: {report_n.bytes:,d} bytes of PNG)")


def _naive_matplotlib(content, sample) -> float:
    """What a quick script would do: one matplotlib figure per tile, every layer plotted."""
    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from geo.tilemath import xy_bounds

    frames = []
    for layer in content.layers:
        if layer.spec.kind == "incidents" or not layer.collection["features"]:
            continue
        frame = gpd.GeoDataFrame.from_features(layer.collection["features"], crs="EPSG:4326")
        frames.append((frame.to_crs("EPSG:3857"), layer.spec.style))
    started = time.perf_counter()
    for t in sample:
        fig = plt.figure(figsize=(2.56, 2.56), dpi=100)
        ax = fig.add_axes([0, 0, 1, 1])
        ax.set_axis_off()
        for frame, style in frames:
            frame.plot(ax=ax, color=style.fill or "none", edgecolor=style.color,
                       linewidth=style.weight)
        left, bottom, right, top = xy_bounds(t)
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    return len(sample) / (time.perf_counter() - started)


LARGE_MAP = """
sources = "{sources}"
[maps.large]
title = "Large layers"
description = "100,000 incidents and a 1,000,000-vertex line."
extent = [130.8, 44.0, 131.8, 44.8]
zoom = [8, 10]
layers = ["lines", "incidents"]
[layers.lines]
file = "lines.geojson"
title = "Lines"
[layers.incidents]
file = "incidents.geojson"
title = "Incidents"
kind = "incidents"
[bibliography.test]
title = "Generated for the benchmark"
"""


def bench_large(sources: Path, points: int = 100_000, vertices: int = 1_000_000) -> None:
    """Time and peak memory of `check` and `build` on generated large layers."""
    import json
    import math
    import random
    import resource

    rng = random.Random(1938)
    with tempfile.TemporaryDirectory() as tmp:
        layers = Path(tmp) / "layers"
        layers.mkdir()
        (layers / "maps.toml").write_text(LARGE_MAP.format(sources=sources), encoding="utf-8")
        source = {"file": "000_fc639ac41e9a29ba.txt", "where": "generated"}
        incidents = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [
            round(rng.uniform(130.85, 131.75), 5), round(rng.uniform(44.05, 44.75), 5)]},
            "properties": {"id": f"i{i}", "title": f"Incident {i}", "date": "1936-04",
                           "place": "Generated", "precision_m": 1000, "type": "skirmish",
                           "belligerents": ["Japan", "USSR"], "summary": "Generated.",
                           "sources": [source]}} for i in range(points)]
        line = [[round(130.85 + 0.9 * i / vertices, 7), round(44.4 + 0.05 * math.sin(i / 60), 7)]
                for i in range(vertices)]
        lines = [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
                  "properties": {"id": "long-line", "name": "Long line",
                                 "sources": [{"ref": "test", "where": "generated"}]}}]
        for name, features in (("incidents", incidents), ("lines", lines)):
            (layers / f"{name}.geojson").write_text(
                json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
        sizes = {p.name: p.stat().st_size for p in layers.glob("*.geojson")}
        out = Path(tmp) / "out"
        print(f"\nlarge layers: {points:,} incidents ({sizes['incidents.geojson']:,} bytes), "
              f"a {vertices:,}-vertex line ({sizes['lines.geojson']:,} bytes)")
        for label, command in (
                ("check", ["check", "-q", "--layers", str(layers)]),
                ("build (tiles, no static)", ["build", "-q", "--no-static", "--layers",
                                              str(layers), "--out", str(out)])):
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "build_maps.py", *command], cwd=ROOT,
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"{label} failed:\n{result.stderr}")
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"  {label:<26} {seconds:6.1f} s, peak memory so far {peak:,.0f} MiB")
        page = out / "large.html"
        print(f"  page: {page.stat().st_size:,} bytes (incidents drawn in the tiles)")


def _page_weight(ours: Path, plain: Path) -> None:
    """Bytes and time to the load event in headless Chromium, network off, for both pages."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("(page weight skipped: playwright is not installed)")
        return
    if not Path("/usr/bin/chromium").exists():
        print("(page weight skipped: /usr/bin/chromium is not installed)")
        return
    print(f"{'page in Chromium, offline':<26}{'ours: bytes':>12}{'load ms':>9}"
          f"{'plain: bytes':>14}{'load ms':>9}{'failed':>8}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
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

    raw = tomllib.loads((layers_dir / "maps.toml").read_text(encoding="utf-8"))
    return (layers_dir / raw.get("sources", "../../shared/sources")).resolve()


def _timed(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m geo.bench", description=__doc__)
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

    with tempfile.TemporaryDirectory() as tmp:
        ours, plain = Path(tmp) / "ours", Path(tmp) / "plain"
        ours_s = _timed([sys.executable, "build_maps.py", "build", "-q", "--force", "--no-tiles",
                         "--no-static", "--layers", str(args.layers), "--out", str(ours)],
                        args.runs)
        plain_s = _timed([sys.executable, "-c",
                          "import sys; from pathlib import Path; from geo.bench import plain_folium;"
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

        full = Path(tmp) / "full"
        command = [sys.executable, "build_maps.py", "build", "-q", "--layers", str(layers),
                   "--sources", str(_sources(args.layers)), "--out", str(full)]
        cold = _timed(command, 1)
        noop = _timed(command, args.runs)
        edits = []
        for run in range(args.runs):  # one edit to one layer, as an editor saves it
            path = layers / "amur.geojson"
            path.write_text(path.read_text(encoding="utf-8").replace(
                '"Blagoveshchensk', f'"Blagoveshchensk{run}', 1), encoding="utf-8")
            edits.append(_timed(command, 1))
        edit = statistics.median(edits)
        print(f"full build with tiles and static images: cold {cold:.1f} s; "
              f"no-op rebuild {noop:.2f} s ({noop / cold:.1%} of cold); "
              f"one-layer edit (amur.geojson) {edit:.1f} s ({edit / cold:.1%} of cold)")
    if args.tiles:
        bench_tiles(args.layers, args.tiles, args.jobs, args.naive_sample)
    if args.large:
        bench_large(_sources(args.layers))


if __name__ == "__main__":
    main()
