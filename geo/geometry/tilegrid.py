"""Which web-mercator XYZ tiles a map has, and where they lie: mercantile, applied to a map;
and how far apart two places are on the ground.

The arithmetic itself is mercantile's (small pure functions, property-tested upstream); this
module only says which tiles make up a map's tile set and gives their bounds in the units the
renderer wants.
"""

from __future__ import annotations

import math

import mercantile
from mercantile import Tile

from geo.config import MapSpec

__all__ = ["Tile", "map_tiles", "lnglat", "lnglat_bounds", "mercator_bounds", "mercator_xy",
           "metres_between"]


def map_tiles(spec: MapSpec) -> list[Tile]:
    """Every tile of the map's zooms that touches its padded extent at that zoom, zoom by zoom."""
    return [t for z, extent in spec.zoom_extents().items() for t in mercantile.tiles(*extent, [z])]


def lnglat_bounds(t: Tile) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a tile in degrees."""
    return tuple(mercantile.bounds(t))


def mercator_bounds(t: Tile) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a tile in web-mercator metres, as Mapnik's Box2d takes."""
    return tuple(mercantile.xy_bounds(t))


def mercator_xy(lng: float, lat: float) -> tuple[float, float]:
    """Web-mercator metres of a longitude/latitude."""
    return mercantile.xy(lng, lat)


def lnglat(x: float, y: float) -> tuple[float, float]:
    """Longitude/latitude of web-mercator metres (mercator_xy undone)."""
    return tuple(mercantile.lnglat(x, y))


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius): enough to match a town."""
    (lon1, lat1), (lon2, lat2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371008.8 * math.asin(math.sqrt(h))
