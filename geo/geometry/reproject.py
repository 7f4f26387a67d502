"""Bring layers to WGS84 and measure them in metres.

Layers in a historical datum are transformed with ``inputs.crs``. Distances are measured in the UTM zone that
pyproj picks for each feature's own location, so a figure is the same on every map it
appears on; line lengths are geodesic on the WGS84 ellipsoid.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import shapely
from pyproj import CRS, Geod, Transformer

from geo.inputs.crs import wgs84_transform
from geo.inputs.load import Layer

_GEOD = Geod(ellps="WGS84")
PROPERTIES = "_properties"  # the column of each feature's properties, untouched
SEGMENT_DEGREES = 0.005  # longest segment projected as a straight line (about 500 m)


def to_frame(layer: Layer) -> gpd.GeoDataFrame:
    """The layer's features as a GeoDataFrame in WGS84 (EPSG:4326, lon/lat order)."""
    frame = gpd.GeoDataFrame.from_features(layer.features)
    # the properties as the file gives them, for the maps: a frame's columns would make every
    # number of a column with a gap a float (400 -> 400.0) and turn missing values into NaN
    frame[PROPERTIES] = [f.get("properties") or {} for f in layer.features]
    transform = wgs84_transform(layer.crs)
    if transform is not None:
        frame["geometry"] = shapely.transform(frame.geometry.values, transform, interleaved=False)
    return frame.set_crs("EPSG:4326", allow_override=True)


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone holding a point (standard 6° zones).

    The same zone pyproj's ``query_utm_crs_info`` picks (the tests check it), without its
    database query, which costs about 0.1 s a call.
    """
    zone = min(int((lon + 180) // 6) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


@cache
def local_utm(lon: float, lat: float) -> CRS:
    """The WGS84 UTM zone for a point, as a pyproj CRS."""
    return CRS.from_epsg(utm_epsg(lon, lat))


def line_length_km(geometry) -> float:
    """Geodesic length on the WGS84 ellipsoid, in kilometres."""
    return _GEOD.geometry_length(geometry) / 1000.0


def nearest_border(point, borders: gpd.GeoDataFrame) -> tuple[str, float] | None:
    """(name, km) of the border line nearest to a point, measured in its local UTM zone."""
    if borders.empty:
        return None
    utm = local_utm(point.x, point.y)
    to_utm = Transformer.from_crs("EPSG:4326", utm, always_xy=True).transform
    here = shapely.transform(point, to_utm, interleaved=False)
    # GeoJSON segments are straight in longitude/latitude: densify so they stay so in UTM
    lines = shapely.segmentize(borders.geometry.values, SEGMENT_DEGREES)
    lines = shapely.transform(lines, to_utm, interleaved=False)
    distances = shapely.distance(here, lines)
    best = int(distances.argmin())
    return str(borders.iloc[best]["name"]), float(distances[best]) / 1000.0


# The border layers draw the lines of the time only where the incidents are (near Suifenhe, on
# the Amur, the claims at Khasan and the Khalkhin Gol): a line farther than this from an
# incident is the border of another place or dispute, and its distance would mislead (a 1935
# clash on the Mongolian border read 30 km from the 1939 Khalkhin Gol claim).
BORDER_REACH_KM = 10.0


def measure(incidents: gpd.GeoDataFrame, borders: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Incidents with the distance to the nearest border line drawn, and its name; where none
    lies within BORDER_REACH_KM, a name that says so and no distance."""
    incidents = incidents.copy()
    nearest = [nearest_border(p.representative_point(), borders) if p is not None else None
               for p in incidents.geometry]  # an incident without a place has no distance
    near = [n is not None and n[1] <= BORDER_REACH_KM for n in nearest]
    incidents["_border_name"] = [
        None if n is None else n[0] if close
        else f"none of the lines drawn lies within {BORDER_REACH_KM:g} km"
        for n, close in zip(nearest, near, strict=True)]
    incidents["_border_km"] = [round(n[1], 2) if close else None
                               for n, close in zip(nearest, near, strict=True)]
    return incidents


def with_lengths(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A line layer with ``_length_km`` (geodesic) on each feature."""
    frame = frame.copy()
    frame["_length_km"] = [round(line_length_km(g), 2) for g in frame.geometry]
    return frame


def concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Several WGS84 frames as one (an empty one if none)."""
    import pandas as pd

    if not frames:
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")
