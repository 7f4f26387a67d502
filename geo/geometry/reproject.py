"""Bring layers to WGS84 and measure them in metres.

Layers in a historical datum are transformed with ``inputs.crs``. Distances are measured in the UTM zone that
pyproj picks for each feature's own location, so a figure is the same on every map it
appears on; line lengths are geodesic on the WGS84 ellipsoid.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer

from geo.inputs.crs import wgs84_transform
from geo.inputs.dates import parse_date
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
def _to_utm(epsg: int):
    """The transform from WGS84 to a UTM zone (``utm_epsg``), made once a zone."""
    return Transformer.from_crs("EPSG:4326", CRS.from_epsg(epsg), always_xy=True).transform


def line_length_km(geometry) -> float:
    """Geodesic length on the WGS84 ellipsoid, in kilometres."""
    return _GEOD.geometry_length(geometry) / 1000.0


def nearest_borders(points: list, lines, names: list) -> list[tuple[str, float]]:
    """(name, km) of the line (of ``lines``, named ``names``) nearest to each point, measured in
    the UTM zone of the first, which all share: the lines are projected once for them all;
    none if there are no lines."""
    if not len(lines) or not points:
        return []
    to_utm = _to_utm(utm_epsg(points[0].x, points[0].y))
    # GeoJSON segments are straight in longitude/latitude: densify so they stay so in UTM
    lines = shapely.transform(shapely.segmentize(lines, SEGMENT_DEGREES), to_utm, interleaved=False)
    here = shapely.transform(np.asarray(points, dtype=object), to_utm, interleaved=False)
    distances = shapely.distance(here[:, None], lines[None, :])
    best = distances.argmin(axis=1)
    return [(str(names[b]), float(row[b]) / 1000.0) for b, row in zip(best, distances, strict=True)]


def measure(incidents: gpd.GeoDataFrame, borders: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Incidents with the border line nearest to each, its name and distance, among the lines of
    the incident's own time: the border of the period (a line with no ``date``) and the claims of
    a dispute whose ``date`` the incident's overlaps. A claim of 1939 is not the border a clash
    of 1935 happened on, though it lies nearer; nor is a line ``measured: false`` (Manchukuo's
    with Korea, both Japan's side: a Khasan clash 0.4 km from the Tumen was on the Soviet border).
    (Incidents of one time and UTM zone are measured together: 6,000 of them, one at a time,
    took 5 s.)"""
    incidents = incidents.copy()
    if "measured" in borders:
        borders = borders[~borders["measured"].eq(False)]
    claimed = [None if not isinstance(d, str) else parse_date(d)
               for d in (borders["date"] if "date" in borders else [None] * len(borders))]
    lines, names = borders.geometry.values, list(borders["name"]) if len(borders) else []
    together: dict[tuple, list[tuple[int, object]]] = {}
    for i, (point, date) in enumerate(zip(incidents.geometry, incidents["date"], strict=True)):
        if point is None:  # an incident without a place has no distance
            continue
        first, last = parse_date(str(date))
        of_its_time = tuple(j for j, span in enumerate(claimed)
                            if span is None or (span[0] <= last and first <= span[1]))
        here = point.representative_point()
        together.setdefault((of_its_time, utm_epsg(here.x, here.y)), []).append((i, here))
    nearest: list = [None] * len(incidents)
    for (of_its_time, _), members in together.items():
        found = nearest_borders([here for _, here in members], lines[list(of_its_time)],
                                [names[j] for j in of_its_time])
        for (i, _), both in zip(members, found, strict=False):
            nearest[i] = both
    incidents["_border_name"] = [None if n is None else n[0] for n in nearest]
    incidents["_border_km"] = [None if n is None else round(n[1], 2) for n in nearest]
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
