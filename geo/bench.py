"""Benchmark: ``python -m geo.bench [--runs N]`` prints build time and page sizes.

Our build is set beside a plain folium script that draws the same layers for the same maps
(folium's defaults: CDN assets, GeoJson layers, Marker with an HTML Popup), so the cost of
offline pages, escaping and validation is visible. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        ours, plain = Path(tmp) / "ours", Path(tmp) / "plain"
        ours_s = _timed([sys.executable, "build_maps.py", "build", "-q", "--layers",
                         str(args.layers), "--out", str(ours)], args.runs)
        plain_s = _timed([sys.executable, "-c",
                          "import sys; from pathlib import Path; from geo.bench import plain_folium;"
                          " plain_folium(Path(sys.argv[1]), Path(sys.argv[2]))",
                          str(args.layers), str(plain)], args.runs)
        print(f"cold build, median of {args.runs} (s)   ours {ours_s:8.2f}   plain folium {plain_s:8.2f}")
        print(f"{'page':<22}{'ours (bytes)':>14}{'plain folium':>14}   plain folium needs")
        for page in sorted(p.name for p in plain.glob("*.html")):
            text = (plain / page).read_text(encoding="utf-8")
            remote = sum(text.count(f'{a}="https://') for a in ("src", "href"))
            print(f"{page:<22}{(ours / page).stat().st_size:>14,}"
                  f"{(plain / page).stat().st_size:>14,}   {remote} network files (CDN)")


if __name__ == "__main__":
    main()
