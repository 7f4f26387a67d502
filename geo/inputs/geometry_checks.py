"""Is a GeoJSON geometry usable, and if not, exactly why: one message a user can act on.

shapely accepts much that a map must not (strings as numbers, unclosed rings, NaN), and
fails on the rest with messages about its internals; these checks come first and say what is
wrong in GeoJSON terms.
"""

from __future__ import annotations

import json
import math

import numpy as np
import shapely
from shapely.geometry import shape

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection"}


def check_geometry(geometry, to_wgs84, report):
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


def clockwise(geometry: dict) -> bool:
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


def looks_swapped(x: float, y: float, extents) -> bool:
    swapped = shapely.Point(y, x)
    return any(e.intersects(swapped) for e in extents)
