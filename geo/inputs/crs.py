"""Which coordinate reference system a layer is in, and how to bring it to WGS84.

Coordinates may be declared in a historical datum (Tokyo, EPSG:4301; Pulkovo 1942,
EPSG:4284); pyproj transforms them to WGS84. Validation uses this to check positions; the
geometry stage uses it to reproject whole layers.
"""

from __future__ import annotations

from functools import cache

WGS84 = "OGC:CRS84"


class UnknownCRS(ValueError):
    """A CRS name that pyproj does not know."""


@cache
def wgs84_transform(crs_name: str):
    """A vectorised (x, y) -> (lon, lat) function, or None if already WGS84 lon/lat.

    Raises UnknownCRS for a CRS that pyproj does not know. (pyproj is imported
    here, not above: a build with nothing to do reads no layer and loads no geodesy.)
    """
    if crs_name == WGS84:  # what a file without "crs" is in: no geodesy needed
        return None
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(crs_name)
    except CRSError as exc:
        raise UnknownCRS(crs_name) from exc
    if crs.equals(CRS.from_user_input(WGS84), ignore_axis_order=True):
        return None
    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return transformer.transform
