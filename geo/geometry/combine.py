"""Put together what one map draws: its layers clipped to its extent and simplified for it.

Lines and polygons are simplified to half a pixel at the map's deepest zoom, so the overview
does not carry the metre-level detail that the Lake Khasan map needs. A layer still too heavy
for a browser (over HEAVY_FEATURES features or HEAVY_VERTICES vertices) is marked so: it is
then drawn in the map's tiles instead of the page.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import box, mapping

from geo.config import INCIDENTS, LayerSpec, MapSpec, Project
from geo.geometry.content import MapContent, MapLayer, assemble, widest_map
from geo.geometry.reproject import PROPERTIES

COORDINATE_GRID = 1e-6  # degrees (about 0.1 m): what the HTML keeps of each coordinate
# Above these, a layer is too heavy for a responsive page: it is drawn in the tiles only.
HEAVY_FEATURES = 5_000
HEAVY_VERTICES = 200_000


def simplify_tolerance(max_zoom: int) -> float:
    """Half a web-mercator pixel at ``max_zoom``, in degrees of longitude."""
    return 360.0 / (256 * 2 ** max_zoom) / 2


def locator(project: Project, frames: dict[str, gpd.GeoDataFrame]) -> dict:
    """What every map's locator draws (MapContent.locator) of the layers marked ``locator``,
    across the theatre: {"lines": [{"color": the layer's, "paths": [[[lon, lat], ...]]}],
    "names": [{"name", "names", "lon", "lat"}]}: their lines but the claims (the subject of
    the maps, too small there), simplified to half a pixel of the widest map at its widest zoom
    and a grid as fine, and the names of their countries that map shows at that zoom."""
    widest = widest_map(project)
    tolerance = simplify_tolerance(widest.min_zoom)
    lines, names = [], {}
    for name, spec in project.layers.items():
        if not spec.locator:
            continue
        frame = frames[name]
        kept = [g for g, p in zip(frame.geometry.values, frame[PROPERTIES], strict=True)
                if g is not None and g.geom_type.endswith("LineString") and p.get("kind") != "claimed-border"]
        simple = shapely.set_precision(shapely.simplify(kept, tolerance), tolerance)
        paths = [[[round(float(x), 6), round(float(y), 6)] for x, y in shapely.get_coordinates(part)]
                 for part in shapely.get_parts(simple) if shapely.get_num_coordinates(part) > 1]
        if paths:
            lines.append({"color": spec.style.color, "paths": paths})
        for g, p in zip(frame.geometry.values, frame[PROPERTIES], strict=True):
            if g is not None and g.geom_type == "Point" and p.get("kind") == "country" and \
                    p.get("min_zoom", 0) <= widest.min_zoom <= p.get("max_zoom", 99):
                label = p.get("label_name", p["name"])
                names.setdefault(label, {"name": label, "names": p.get("label_names", p.get("names", {})),
                                         "lon": round(g.x, 6), "lat": round(g.y, 6)})
    return {"lines": lines, "names": list(names.values())}


def combine(spec: MapSpec, frames: dict[str, gpd.GeoDataFrame], project: Project,
            kept: dict[str, tuple[dict, bool]] | None = None, drawn: dict | None = None
            ) -> MapContent:
    """The map's layers, each clipped to its padded extent and ready to serialise; those in
    ``kept`` ({layer: (collection, heavy), or None for nothing on this map}, made before from
    the same inputs) as they are; and what its locator draws (``drawn``: ``locator``)."""
    area = box(*spec.padded_extent())
    widest = widest_map(project)
    layers = []
    for name in spec.layers:
        layer_spec = project.layers[name]
        if name in (kept or {}) and layer_spec.kind != INCIDENTS:
            if kept[name] is not None:
                layers.append(MapLayer(layer_spec, *kept[name]))
            continue
        frame = frames[name]
        if layer_spec.kind == INCIDENTS:
            shown = frame.intersects(box(*spec.incident_extent()))
            shown |= _listed_without_place(frame, spec, widest)
        else:
            shown = frame.intersects(area)
        frame = frame[shown]
        if layer_spec.kind != INCIDENTS:
            frame = frame.copy()
            clipped = _same_dimension(shapely.intersection(frame.geometry.values, area),
                                      frame.geometry.values)
            # half a pixel at the deepest zoom: invisible, and a 1,000,000-vertex line shrinks
            clipped = shapely.simplify(clipped, simplify_tolerance(spec.max_zoom),
                                       preserve_topology=True)
            frame["geometry"] = shapely.set_precision(clipped, COORDINATE_GRID)
            frame = frame[~frame.is_empty]
            if layer_spec.invert:
                frame = _inverse(frame, area, layer_spec)
        if frame.empty and layer_spec.kind != INCIDENTS:
            continue  # nothing of this layer on this map: keep it out of the control and legend
        heavy = (len(frame) > HEAVY_FEATURES
                 or int(shapely.get_num_coordinates(frame.geometry.values).sum()) > HEAVY_VERTICES)
        layers.append(MapLayer(layer_spec, _collection(frame), heavy))
    return assemble(spec, layers, project, drawn)


def _collection(frame: gpd.GeoDataFrame) -> dict:
    """The frame as GeoJSON: each feature's properties as its layer file gives them, with the
    measurements the build adds (``_border_km``, ``_length_km``...) where it has them."""
    if PROPERTIES not in frame:  # a frame the build made (the sea, inverted from the land)
        return frame.to_geo_dict(na="drop", drop_id=True)
    extra = {c: frame[c].tolist() for c in frame.columns if c.startswith("_") and c != PROPERTIES}
    features = []
    for i, (geometry, properties) in enumerate(zip(frame.geometry.values, frame[PROPERTIES],
                                                   strict=True)):
        measured = {c: values[i] for c, values in extra.items()
                    if values[i] is not None and values[i] == values[i]}  # not None, not NaN
        features.append({"type": "Feature", "properties": {**properties, **measured},
                         "geometry": None if geometry is None else mapping(geometry)})
    return {"type": "FeatureCollection", "features": features}


def _listed_without_place(frame: gpd.GeoDataFrame, spec: MapSpec, widest: MapSpec):
    """Incidents without a place that this map lists: all on the overview (the widest map),
    elsewhere those whose ``maps`` property names this map."""
    unplaced = frame.geometry.isna()
    if spec.name == widest.name or "maps" not in frame:
        return unplaced & (spec.name == widest.name)
    named = frame["maps"].map(lambda names: isinstance(names, list) and spec.name in names)
    return unplaced & named


def _inverse(frame: gpd.GeoDataFrame, area, spec: LayerSpec) -> gpd.GeoDataFrame:
    """One feature covering what the frame's polygons leave open inside ``area``."""
    rest = shapely.set_precision(area.difference(shapely.union_all(frame.geometry.values)),
                                 COORDINATE_GRID)
    if rest.is_empty:  # e.g. no sea on an inland map
        return frame.iloc[0:0]
    return gpd.GeoDataFrame({"id": [f"{spec.name}-inverse"], "name": [spec.title]},
                            geometry=[rest], crs=frame.crs)


def _same_dimension(clipped, originals):
    """Drop the points and lines that clipping leaves where a line or polygon meets the edge."""
    kept = []
    for part, original in zip(clipped, originals, strict=True):
        dim = shapely.get_dimensions(original)
        if shapely.get_dimensions(part) != dim or part.geom_type == "GeometryCollection":
            pieces = [g for g in shapely.get_parts(part) if shapely.get_dimensions(g) == dim]
            part = shapely.unary_union(pieces) if pieces else shapely.Point()
        kept.append(part)
    return kept
