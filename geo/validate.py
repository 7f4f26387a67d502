"""Check every layer against the rules a map needs, collecting all problems at once.

Rules: GeoJSON structure, geometry (numbers, ranges, validity), properties against the JSON
Schemas in ``geo/schemas``, ISO 8601 dates, ids unique across the project, sources that
exist, and features inside the extent of a map that draws them (which catches swapped
longitude and latitude).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from functools import cache
from importlib import resources
from pathlib import Path

import fastjsonschema
import jsonschema
import numpy as np
import shapely
from pyproj.exceptions import CRSError
from shapely.geometry import box, shape

from geo.config import Project
from geo.errors import Problem
from geo.load import Layer, Position
from geo.project import wgs84_transform

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection"}
EARLIEST_YEAR, LATEST_YEAR = 1850, 1950
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def validate(project: Project, layers: list[Layer]) -> list[Problem]:
    """Every problem in the given layers, errors and warnings, in file order."""
    _is_file.cache_clear()  # files may have come or gone since the last build (serve)
    _is_dir.cache_clear()
    problems: list[Problem] = []
    if not project.sources_dir.is_dir():
        problems.append(Problem(str(project.sources_dir), severity="warning", message=(
            "source texts not found, so cited file names are not checked "
            "(pass --sources DIR or set `sources` in maps.toml)")))
    seen_ids: dict[str, str] = {}
    seen_files: set = set()
    for layer in layers:
        if layer.spec.file in seen_files:
            continue  # one file drawn as two layers (land and, inverted, sea) is checked once
        seen_files.add(layer.spec.file)
        problems += _validate_layer(project, layer, seen_ids)
    return problems


def parse_date(value: str) -> tuple[dt.date, dt.date]:
    """First and last day an ISO 8601 date, partial date or START/END range can mean.

    Raises ValueError with a message fit for the user.
    """
    parts = value.split("/")
    if len(parts) > 2:
        raise ValueError(f"{value!r} is not a date or a START/END range")
    start = _date_bounds(parts[0])[0]
    end = _date_bounds(parts[-1])[1]
    if end < start:
        raise ValueError(f"range {value!r} ends before it starts")
    return start, end


def _date_bounds(text: str) -> tuple[dt.date, dt.date]:
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a valid ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m[1]), m[2], m[3]
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"{text!r} is outside {EARLIEST_YEAR}–{LATEST_YEAR}")
    try:
        if day:
            d = dt.date(year, int(month), int(day))
            return d, d
        if month:
            first = dt.date(year, int(month), 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return first, last - dt.timedelta(days=1)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid ISO 8601 date") from None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@cache
def _schemas(kind: str):
    """(fast check, full validator) for a layer kind's properties schema.

    fastjsonschema compiles the schema to Python and answers "valid?" about ten times faster
    than jsonschema; jsonschema then runs only on the features that fail, to name every
    problem precisely.
    """
    files = resources.files("geo") / "schemas"
    incident = json.loads((files / "incident.schema.json").read_text(encoding="utf-8"))
    schema = incident
    if kind != "incidents":
        schema = json.loads((files / "feature.schema.json").read_text(encoding="utf-8"))
        # the shipped file refers to incident.schema.json for sources; resolve that here
        schema["definitions"] = incident["definitions"]
        text = json.dumps(schema).replace("incident.schema.json#/definitions/", "#/definitions/")
        schema = json.loads(text)
    return fastjsonschema.compile(schema), jsonschema.Draft7Validator(schema)


def _schema_errors(kind: str, props: dict) -> list:
    fast, full = _schemas(kind)
    try:
        fast(props)
        return []
    except fastjsonschema.JsonSchemaException:
        return sorted(full.iter_errors(props), key=lambda e: list(e.absolute_path))


def _validate_layer(project: Project, layer: Layer, seen_ids: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    spec = layer.spec

    try:
        to_wgs84 = wgs84_transform(layer.crs)
    except CRSError:
        return [Problem(layer.label, 1, 1, prop="crs", message=(
            f"unknown CRS {layer.crs!r}; use a name like \"EPSG:4301\" (Tokyo) or "
            "\"EPSG:4284\" (Pulkovo 1942), or leave \"crs\" out for WGS84"))]

    map_extents = [box(*m.padded_extent()) for m in project.maps.values()
                   if spec.name in m.layers]
    if not map_extents:
        problems.append(Problem(layer.label, severity="warning",
                                message=f"layer {spec.name!r} is not drawn by any map"))

    for index, feature in enumerate(layer.features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        fid = props.get("id") if isinstance(props, dict) and isinstance(props.get("id"), str) else None

        report = functools.partial(_report, problems, layer, index, fid)

        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            report('not a GeoJSON Feature (needs "type": "Feature")')
            continue
        if not isinstance(props, dict):
            report('has no "properties" object', "properties")
            continue

        geometry = _check_geometry(feature.get("geometry"), to_wgs84, report)
        if geometry is not None and map_extents and not any(
                geometry.intersects(e) for e in map_extents):
            x, y = geometry.representative_point().coords[0]
            hint = " (longitude and latitude swapped?)" if _looks_swapped(x, y, map_extents) else ""
            report(f"lies at {y:.4f}°N {x:.4f}°E, outside every map that draws layer "
                   f"{spec.name!r}{hint}", "geometry")

        for error in _schema_errors(spec.kind, props):
            prop, message = _schema_message(error)
            # an unknown property is kept and ignored: worth a warning, not a failed build
            report(message, prop, "warning" if error.validator == "additionalProperties" else "error")

        if geometry is not None and _clockwise(feature["geometry"]):
            report("polygon ring against the right-hand rule (exterior rings counter-clockwise, "
                   "holes clockwise); `build_maps.py fmt` fixes it", "geometry", "warning")

        if fid is not None:
            if fid in seen_ids:
                report(f"duplicate id {fid!r} (also in {seen_ids[fid]})", "id")
            else:
                seen_ids[fid] = f"{layer.label}, feature {index}"

        if isinstance(props.get("date"), str):
            try:
                parse_date(props["date"])
            except ValueError as exc:
                report(str(exc), "date")

        for prop, source in _sources(props):
            _check_source(project, source, prop, report)
    return problems


def _report(problems: list[Problem], layer: Layer, index: int, fid: str | None, message: str,
            prop: str | None = None, severity: str = "error") -> None:
    """Add a problem, placed at the property's position if known, else at the feature's.

    Positions are looked up in the file's text only here, when there is a problem to place.
    """
    fpos = _at(layer.feature_positions, index)
    ppos = layer.property_positions[index] if index < len(layer.property_positions) else {}
    pos = ppos.get(prop.split(".")[0].split("[")[0], fpos) if prop else fpos
    problems.append(Problem(layer.label, pos.line if pos else None, pos.column if pos else None,
                            index, fid, prop, message, severity))


def _at(positions: list[Position], index: int) -> Position | None:
    return positions[index] if index < len(positions) else None


def _check_geometry(geometry, to_wgs84, report):
    """The feature's geometry in WGS84 as shapely, or None after reporting why not."""
    if geometry is None:
        report("has no geometry (null); every feature must be placed", "geometry")
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        report(f"geometry type {kind!r} is not a GeoJSON geometry", "geometry")
        return None
    depth_problem = _depth_problem(geometry)
    if depth_problem:
        report(depth_problem, "geometry")
        return None
    if _unclosed_ring(geometry):
        report("a polygon ring is not closed (its last position must repeat the first)",
               "geometry")
        return None
    try:
        geom = shape(geometry)
        usable = (not geom.is_empty and bool(np.isfinite(shapely.get_coordinates(geom)).all())
                  and _only_numbers(geometry))
    except Exception as exc:  # shapely raises several types for malformed input
        geom, usable, error = None, False, exc
    if not usable:  # find out what exactly is wrong, for the message
        bad = (_bad_coordinate(geometry.get("coordinates"))
               if geometry["type"] != "GeometryCollection" else None)
        if bad or geom is None:
            report(f"coordinates: {bad}" if bad else f"malformed {geometry['type']}: {error}",
                   "geometry")
            return None
    if geom.is_empty:
        report(f"empty {geometry['type']}", "geometry")
        return None
    if to_wgs84 is not None:
        geom = shapely.transform(geom, to_wgs84, interleaved=False)
    west, south, east, north = geom.bounds
    if not (-180 <= west and east <= 180 and -90 <= south and north <= 90):
        hint = " (longitude and latitude swapped?)" if abs(south) > 90 >= abs(west) else ""
        report(f"coordinates outside longitude ±180 / latitude ±90: bounds "
               f"{west:g}, {south:g}, {east:g}, {north:g}{hint}", "geometry")
        return None
    reason = shapely.is_valid_reason(geom)
    if reason != "Valid Geometry":
        report(f"invalid {geom.geom_type}: {reason}", "geometry")
        return None
    return geom


DEPTHS = {"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3, "Polygon": 3,
          "MultiPolygon": 4}


def _depth_problem(geometry: dict) -> str | None:
    """Why the coordinates' nesting does not fit the geometry type, or None."""
    expected = DEPTHS.get(geometry["type"])
    coordinates = geometry.get("coordinates")
    if expected is None or not isinstance(coordinates, list):
        return None
    depth, value = 0, coordinates
    while isinstance(value, list) and value:
        depth, value = depth + 1, value[0]
    if value == [] or depth == expected:
        return None
    return (f"coordinates are nested {depth} levels deep; a {geometry['type']} has {expected}"
            " (a position is [longitude, latitude])")


def _only_numbers(geometry: dict) -> bool:
    """No strings, booleans or nulls among the coordinates (shapely would coerce "131.1")."""
    if geometry.get("type") == "GeometryCollection":
        return all(_only_numbers(g) for g in geometry.get("geometries", []) if isinstance(g, dict))
    text = json.dumps(geometry.get("coordinates"))
    return not any(token in text for token in ('"', "true", "false", "null"))


def _unclosed_ring(geometry: dict) -> bool:
    """True if a Polygon or MultiPolygon has a ring whose ends differ (shapely would close it)."""
    polygons = {"Polygon": [geometry.get("coordinates")],
                "MultiPolygon": geometry.get("coordinates")}.get(geometry.get("type"), [])
    try:
        return any(ring[0] != ring[-1] for rings in polygons for ring in rings if ring)
    except (TypeError, IndexError, KeyError):
        return False  # malformed: reported with a better message below


def _clockwise(geometry: dict) -> bool:
    """True if a Polygon or MultiPolygon breaks RFC 7946's right-hand rule."""
    polygons = {"Polygon": [geometry.get("coordinates")],
                "MultiPolygon": geometry.get("coordinates")}.get(geometry.get("type"), [])
    for rings in polygons:
        for i, ring in enumerate(rings):
            if len(ring) >= 4 and shapely.LinearRing(ring).is_ccw != (i == 0):
                return True
    return False


def _bad_coordinate(coords, depth: int = 0) -> str | None:
    """Why a GeoJSON coordinates array is unusable, or None if it is fine."""
    if depth > 4:
        return "nested deeper than any GeoJSON geometry"
    if not isinstance(coords, list) or not coords:
        return "missing or empty"
    if all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords):
        if len(coords) < 2:
            return f"position {coords} needs longitude and latitude"
        if not all(math.isfinite(c) for c in coords):
            return f"position {coords} is not finite"
        return None
    for c in coords:
        if isinstance(c, int | float) or not isinstance(c, list):
            return f"{c!r} is not a position [longitude, latitude]"
        bad = _bad_coordinate(c, depth + 1)
        if bad:
            return bad
    return None


def _looks_swapped(x: float, y: float, extents) -> bool:
    swapped = shapely.Point(y, x)
    return any(e.intersects(swapped) for e in extents)


def _schema_message(error: jsonschema.ValidationError) -> tuple[str, str]:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    path = path.lstrip(".")
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else "?"
        return (f"{path}.{name}" if path else name), "missing (required)"
    if error.validator == "additionalProperties":
        return path or "properties", error.message.replace("Additional properties", "unknown property")
    if error.validator == "oneOf" and path.startswith(("sources", "casualties")):
        return path, "a source needs exactly one of \"file\" or \"ref\", and \"where\""
    return path or "properties", error.message


def _sources(props: dict):
    sources = props.get("sources")
    if isinstance(sources, list):
        for i, s in enumerate(sources):
            yield f"sources[{i}]", s
    casualties = props.get("casualties")
    if isinstance(casualties, list):
        for i, c in enumerate(casualties):
            if isinstance(c, dict):
                yield f"casualties[{i}].source", c.get("source")


@functools.lru_cache(maxsize=4096)
def _is_file(path: Path) -> bool:
    return path.is_file()  # asked once per cited file, not once per citation


@functools.lru_cache(maxsize=64)
def _is_dir(path: Path) -> bool:
    return path.is_dir()


def _check_source(project: Project, source, prop: str, report) -> None:
    if not isinstance(source, dict):
        return  # the schema has reported it
    if isinstance(source.get("file"), str) and _is_dir(project.sources_dir):
        if not _is_file(project.sources_dir / source["file"]):
            report(f"source file {source['file']!r} is not in {project.sources_dir.name}/", prop)
    if isinstance(source.get("ref"), str) and source["ref"] not in project.bibliography:
        report(f"reference {source['ref']!r} is not in the bibliography of maps.toml", prop)
