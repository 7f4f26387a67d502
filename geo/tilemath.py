"""Web-mercator XYZ tile arithmetic: small pure functions, as in mercantile.

Longitude/latitude values are WGS84 degrees; x/y in metres are EPSG:3857.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["Tile", "LngLatBbox", "Bbox", "tile", "bounds", "xy_bounds", "tiles", "xy",
           "EARTH_RADIUS", "MAX_LATITUDE"]

EARTH_RADIUS = 6378137.0
MAX_LATITUDE = 85.0511287798066
ORIGIN = math.pi * EARTH_RADIUS  # half the width of the world in metres


class Tile(NamedTuple):
    x: int
    y: int
    z: int


class LngLatBbox(NamedTuple):
    west: float
    south: float
    east: float
    north: float


class Bbox(NamedTuple):
    left: float
    bottom: float
    right: float
    top: float


def xy(lng: float, lat: float) -> tuple[float, float]:
    """Web-mercator metres of a longitude/latitude."""
    lat = max(min(lat, MAX_LATITUDE), -MAX_LATITUDE)
    x = EARTH_RADIUS * math.radians(lng)
    y = EARTH_RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return x, y


def tile(lng: float, lat: float, zoom: int) -> Tile:
    """The tile containing a point (points on an edge belong to the tile east/south of it)."""
    lat = max(min(lat, MAX_LATITUDE), -MAX_LATITUDE)
    n = 2 ** zoom
    fx = (lng + 180.0) / 360.0
    sinlat = math.sin(math.radians(lat))
    fy = 0.5 - 0.25 * math.log((1.0 + sinlat) / (1.0 - sinlat)) / math.pi
    x = min(max(int(math.floor(fx * n)), 0), n - 1)
    y = min(max(int(math.floor(fy * n)), 0), n - 1)
    return Tile(x, y, zoom)


def bounds(t: Tile) -> LngLatBbox:
    """Longitude/latitude bounds of a tile."""
    n = 2 ** t.z
    west = t.x / n * 360.0 - 180.0
    east = (t.x + 1) / n * 360.0 - 180.0
    north = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * t.y / n))))
    south = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (t.y + 1) / n))))
    return LngLatBbox(west, south, east, north)


def xy_bounds(t: Tile) -> Bbox:
    """Web-mercator bounds of a tile, in metres."""
    size = 2 * ORIGIN / 2 ** t.z
    left = -ORIGIN + t.x * size
    top = ORIGIN - t.y * size
    return Bbox(left, top - size, left + size, top)


def tiles(extent: tuple[float, float, float, float], zooms) -> Iterator[Tile]:
    """Every tile of the given zooms that touches a (west, south, east, north) extent."""
    west, south, east, north = extent
    for z in zooms:
        nw, se = tile(west, north, z), tile(east - 1e-9, south + 1e-9, z)
        for x in range(nw.x, se.x + 1):
            for y in range(nw.y, se.y + 1):
                yield Tile(x, y, z)
