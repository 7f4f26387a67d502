"""Datum transformation and measurements, checked against pyproj directly."""

from __future__ import annotations

import json
import math

import pytest
import shapely
from pyproj import Geod, Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info

from geo.config import LayerSpec
from geo.geometry.reproject import line_length_km, nearest_borders, to_frame, utm_epsg, wgs84_transform
from geo.inputs.load import Layer


def point_layer(lon: float, lat: float, crs: str) -> Layer:
    spec = LayerSpec(name="test", file=None, title="test", kind="feature")
    collection = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": crs}},
                  "features": [{"type": "Feature", "properties": {"id": "p", "name": "p"},
                                "geometry": {"type": "Point", "coordinates": [lon, lat]}}]}
    return Layer(spec=spec, label="test", text=json.dumps(collection))


@pytest.mark.parametrize("crs", ["EPSG:4301", "EPSG:4284"])
def test_historical_datum_lands_within_a_metre_of_pyproj(crs):
    lon, lat = 130.5945, 42.4465
    frame = to_frame(point_layer(lon, lat, crs))
    expected = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(lon, lat)
    got = frame.geometry.iloc[0]
    _, _, metres = Geod(ellps="WGS84").inv(got.x, got.y, *expected)
    assert metres < 1.0
    # and the shift itself is real: a datum is not silently ignored
    _, _, shift = Geod(ellps="WGS84").inv(lon, lat, got.x, got.y)
    assert shift > 50


def test_wgs84_needs_no_transformation():
    assert wgs84_transform("OGC:CRS84") is None
    assert wgs84_transform("EPSG:4326") is None
    frame = to_frame(point_layer(130.5, 42.5, "OGC:CRS84"))
    assert frame.geometry.iloc[0].coords[0] == (130.5, 42.5)
    assert frame.crs.to_epsg() == 4326


@pytest.mark.parametrize("lon, lat, epsg", [(130.59, 42.45, 32652), (118.7, 47.7, 32650),
                                            (127.5, 50.3, 32652), (131.2, 44.4, 32652)])
def test_local_utm_zone(lon, lat, epsg):
    assert utm_epsg(lon, lat) == epsg
    chosen = query_utm_crs_info(datum_name="WGS 84",
                                area_of_interest=AreaOfInterest(lon, lat, lon, lat))
    assert int(chosen[0].code) == epsg  # the zone pyproj itself would choose


def test_line_length_is_geodesic():
    # one degree of latitude near 45°N is about 111.1 km
    assert line_length_km(shapely.LineString([(131, 44.5), (131, 45.5)])) == pytest.approx(111.1, abs=0.2)


def test_nearest_border_distance():
    lines = shapely.linestrings([[(130.0, 43.0), (131.0, 43.0)], [(130.0, 42.0), (131.0, 42.0)]])
    ((name, km),) = nearest_borders([shapely.Point(130.5, 42.9)], lines, ["north", "south"])
    assert name == "north"
    geodesic_km = Geod(ellps="WGS84").inv(130.5, 42.9, 130.5, 43.0)[2] / 1000
    assert km == pytest.approx(geodesic_km, rel=0.001)
    assert math.isfinite(km)
