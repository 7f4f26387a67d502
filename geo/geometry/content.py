"""What one map shows, as plain values: its layers as GeoJSON, with what the project says of
every map. ``combine`` makes it from the layers; the renderers and the build's cache read it.
Kept apart from ``combine`` so that a rebuild of text alone loads no geopandas.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from geo.config import INCIDENTS, LayerKind, LayerSpec, MapSpec, Project


@dataclass(frozen=True)
class MapLayer:
    spec: LayerSpec
    collection: dict  # GeoJSON FeatureCollection, WGS84
    heavy: bool = False  # too many features or vertices to draw in the browser


@dataclass(frozen=True)
class MapContent:
    spec: MapSpec
    layers: tuple[MapLayer, ...]
    attribution: str
    bibliography: dict[str, dict]
    online_basemaps: tuple[str, ...] = ()
    overview: MapSpec | None = None  # the map shown in the inset: the one with the widest extent
    # what the locators (the page's inset, the sheets') draw across the theatre, of the layers
    # marked ``locator``: {"lines": [...], "names": [...]} (combine.locator); none on the overview
    locator: dict = field(default_factory=dict)

    def count(self, kind: LayerKind) -> int:
        return sum(len(layer.collection["features"]) for layer in self.layers
                   if layer.spec.kind == kind)


def assemble(spec: MapSpec, layers: list[MapLayer], project: Project,
             locator: dict | None = None) -> MapContent:
    """A map's content from its combined layers, what its locator draws (combine.locator)
    and what the project says of every map."""
    bibliography = {key: {"title": ref.title, "url": ref.url, "licence": ref.licence,
                          **{k: getattr(ref, k) for k in ("kind", "file", "found_in", "in_attribution")
                             if getattr(ref, k)}}
                    for key, ref in sorted(project.bibliography.items())}
    overview = widest_map(project)
    return MapContent(spec, tuple(layers), project.attribution, bibliography,
                      project.online_basemaps, overview,
                      {} if overview.name == spec.name else dict(locator or {}))


def widest_map(project: Project) -> MapSpec:
    """The map with the widest extent: the overview, shown in every inset, listing all."""
    return max(project.maps.values(),
               key=lambda m: (m.extent[2] - m.extent[0]) * (m.extent[3] - m.extent[1]))


def with_incident_text(content: MapContent, features: dict[str, dict]) -> MapContent:
    """The content with each incident's properties taken anew from ``features`` ({id:
    feature of the incident file}), keeping what the build measured (``_border_km``...):
    for an edit of text alone, whose places and measurements are those of the last build."""
    layers = []
    for layer in content.layers:
        if layer.spec.kind == INCIDENTS:
            updated = []
            for f in layer.collection["features"]:
                measured = {k: v for k, v in f["properties"].items() if k.startswith("_")}
                new = features[f["properties"]["id"]].get("properties") or {}
                updated.append({**f, "properties": {**new, **measured}})
            layer = replace(layer, collection={**layer.collection, "features": updated})
        layers.append(layer)
    return replace(content, layers=tuple(layers))


def per_content(fn):
    """``fn(content, *args)``, remembered for the last content object it was given (by
    identity; a content is not changed once made): the tile stage asks for the same style and
    geometries of a map several times, and they take a tenth of a second each to make."""
    last: dict[tuple, tuple] = {}

    @functools.wraps(fn)
    def remembered(content, *args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        hit = last.get(key)
        if hit is None or hit[0] is not content:
            hit = last[key] = (content, fn(content, *args, **kwargs))
        return hit[1]
    return remembered
