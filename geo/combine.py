"""Put together what one map draws: its layers clipped to its extent and simplified for it.

Base geography is simplified to half a pixel at the map's deepest zoom, so the overview does
not carry the metre-level detail that the Lake Khasan map needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry import box

from geo.config import LayerSpec, MapSpec, Project

COORDINATE_GRID = 1e-6  # degrees (about 0.1 m): what the HTML keeps of each coordinate


@dataclass(frozen=True)
class MapLayer:
    spec: LayerSpec
    collection: dict  # GeoJSON FeatureCollection, WGS84


@dataclass(frozen=True)
class MapContent:
    spec: MapSpec
    layers: tuple[MapLayer, ...]
    attribution: str
    bibliography: dict[str, dict]

    def count(self, kind: str) -> int:
        return sum(len(layer.collection["features"]) for layer in self.layers
                   if layer.spec.kind == kind)


def simplify_tolerance(max_zoom: int) -> float:
    """Half a web-mercator pixel at ``max_zoom``, in degrees of longitude."""
    return 360.0 / (256 * 2 ** max_zoom) / 2


def combine(spec: MapSpec, frames: dict[str, gpd.GeoDataFrame], project: Project) -> MapContent:
    """The map's layers, each clipped to its extent (with a margin) and ready to serialise."""
    west, south, east, north = spec.extent
    margin_x, margin_y = (east - west) * 0.05, (north - south) * 0.05
    area = box(west - margin_x, south - margin_y, east + margin_x, north + margin_y)
    layers = []
    for name in spec.layers:
        layer_spec = project.layers[name]
        frame = frames[name]
        frame = frame[frame.intersects(area)]
        if layer_spec.kind != "incidents":
            frame = frame.copy()
            clipped = shapely.intersection(frame.geometry.values, area)
            if layer_spec.kind == "base":
                clipped = shapely.simplify(clipped, simplify_tolerance(spec.max_zoom),
                                           preserve_topology=True)
            frame["geometry"] = shapely.set_precision(clipped, COORDINATE_GRID)
            frame = frame[~frame.is_empty]
        layers.append(MapLayer(layer_spec, frame.to_geo_dict(na="drop", drop_id=True)))
    bibliography = {key: {"title": ref.title, "url": ref.url, "licence": ref.licence}
                    for key, ref in sorted(project.bibliography.items())}
    return MapContent(spec, tuple(layers), project.attribution, bibliography)
