"""Which coordinate reference system a layer is in, and how to bring it to WGS84.

Coordinates may be declared in a historical datum (Tokyo, EPSG:4301; Pulkovo 1942,
EPSG:4284); pyproj transforms them to WGS84. Validation uses this to check positions; the
geometry stage uses it to reproject whole layers.
"""

from __future__ import annotations

from functools import cache

WGS84 = "OGC:CRS84"


@cache
def wgs84_transform(crs_name: str):
    """A vectorised (x, y) -> (lon, lat) function, or None if already WGS84 lon/lat.

    Raises pyproj.exceptions.CRSError for a CRS that pyproj does not know. (pyproj is imported
    here, not above: a build with nothing to do reads no layer and loads no geodesy.)
    """
    from pyproj import CRS, Transformer

    crs = CRS.from_user_input(crs_name)
    if crs.equals(CRS.from_user_input(WGS84), ignore_axis_order=True):
        return None
    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return transformer.transform
