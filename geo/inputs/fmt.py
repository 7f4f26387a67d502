"""``build_maps.py fmt``: rewrite layer files in one canonical form, on request only.

Canonical form: keys sorted; coordinates rounded to 7 decimals (about 1 cm) and written on one
line per geometry; polygons oriented by the GeoJSON right-hand rule (exterior rings
counter-clockwise, holes clockwise); properties indented, one per line, so that diffs of
edits stay small. The original of every changed file is kept as ``<file>.bak``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

PRECISION = 7


def dumps(collection: dict) -> str:
    """The canonical text of a FeatureCollection."""
    lines = ["{"]
    members = sorted(k for k in collection if k != "features")
    for key in members:
        lines.append(f"  {json.dumps(key)}: {_compact(collection[key])},")
    lines.append('  "features": [')
    features = collection.get("features", [])
    for i, feature in enumerate(features):
        lines.append("    {")
        keys = sorted(feature)
        for j, key in enumerate(keys):
            comma = "," if j < len(keys) - 1 else ""
            value = feature[key]
            if key == "geometry":
                text = _compact(_canonical_geometry(value))
            elif key == "properties" and isinstance(value, dict) and value:
                text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2)
                text = text.replace("\n", "\n      ")
            else:
                text = _compact(value)
            lines.append(f"      {json.dumps(key)}: {text}{comma}")
        lines.append("    }" + ("," if i < len(features) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def format_file(path: Path, check: bool = False) -> bool:
    """Rewrite ``path`` canonically (keeping ``path.bak``); True if it was, or would be, changed.

    The file must be valid JSON; ``build_maps.py check`` reports anything else wrong with it.
    """
    text = path.read_text(encoding="utf-8-sig")
    formatted = dumps(json.loads(text))
    if formatted == text:
        return False
    if not check:
        shutil.copy2(path, path.with_name(path.name + ".bak"))
        temporary = path.with_name(f".{path.name}.fmt-tmp")
        temporary.write_text(formatted, encoding="utf-8")
        os.replace(temporary, path)
    return True


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def _canonical_geometry(geometry):
    if not isinstance(geometry, dict) or "coordinates" not in geometry:
        return geometry
    try:
        geom = shape(geometry)
    except Exception:  # malformed: leave it for `check` to report
        return geometry
    coordinates = geometry["coordinates"]
    if geom.geom_type in ("Polygon", "MultiPolygon") and geom.is_valid:
        oriented = shapely.orient_polygons(geom, exterior_cw=False)
        # (mostly they are, written by fmt or basedata: their rings as given, if closed)
        if not oriented.equals_exact(geom, 0) or not _closed(coordinates, _DEPTH[geom.geom_type]):
            coordinates = mapping(oriented)["coordinates"]
    return {"coordinates": _round(coordinates, _DEPTH.get(geom.geom_type, -1)), "type": geom.geom_type}


# how deep a geometry's coordinate pairs lie in its nested lists
_DEPTH = {"Point": 0, "LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2,
          "MultiPolygon": 3}


def _closed(coordinates, depth: int) -> bool:
    """Whether every ring of a polygon's coordinates (``depth`` 2, or 3 for several) ends
    where it starts, as shapely writes them."""
    if depth == 2:
        return all(ring and list(ring[0]) == list(ring[-1]) for ring in coordinates)
    return all(_closed(part, depth - 1) for part in coordinates)


def _round(coordinates, depth: int = -1):
    """Every number rounded to PRECISION decimals, nested as given (``depth``: how deep the
    pairs lie, if known: the pairs are then rounded without looking at each)."""
    if depth == 0:
        return [round(float(c), PRECISION) for c in coordinates]
    if depth == 1:
        return [[round(float(c), PRECISION) for c in pair] for pair in coordinates]
    if depth > 1:
        return [_round(part, depth - 1) for part in coordinates]
    if isinstance(coordinates, (list, tuple)) and coordinates and isinstance(coordinates[0], float | int):
        return [round(float(c), PRECISION) for c in coordinates]
    return [_round(c) for c in coordinates]
