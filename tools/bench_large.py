"""Large layers for the benchmark: time and peak memory of check and build on 100,000
incidents and a 1,000,000-vertex line. Run through ``python tools/bench.py --large``."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
                raise RuntimeError(f"{label} failed:\n{result.stderr}")
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"  {label:<26} {seconds:6.1f} s, peak memory so far {peak:,.0f} MiB")
        page = out / "large.html"
        print(f"  page: {page.stat().st_size:,} bytes (incidents drawn in the tiles)")
