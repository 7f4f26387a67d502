"""Render a map's tiles to PNG bytes with Mapnik, in parallel, and say what each tile depends on.

Tiles are rendered through any ``concurrent.futures`` executor (``render.executors``): plain
values go to the workers (the style XML and tile addresses) and PNG bytes come back. Nothing
is written here; ``output.tilesets`` decides which tiles to render and stores them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, as_completed

import shapely
from shapely.geometry import box, shape

from geo.geometry.combine import MapContent
from geo.geometry.tilegrid import Tile, lnglat_bounds, mercator_bounds
from geo.render.style import BUFFER_PX, TILE_SIZE, in_tiles, register_system_fonts, style_xml

CHUNK = 64  # tiles per task sent to a worker
PNG_FORMAT = "png8:m=h:z=9"  # palette PNG: a quarter of the bytes of RGBA, no visible loss here

_MAPS: dict[str, object] = {}


def _mapnik_map(xml: str, size: int):
    """A mapnik.Map for this style, parsed once per worker process."""
    import mapnik

    key = hashlib.sha256(xml.encode()).hexdigest() + f":{size}"
    if key not in _MAPS:
        register_system_fonts()
        m = mapnik.Map(size, size)
        mapnik.load_map_from_string(m, xml)
        _MAPS.clear()  # one style at a time: a worker renders one tileset after another
        _MAPS[key] = m
    return _MAPS[key]


def render_chunk(xml: str, chunk: list[tuple[int, int, int]], scale: int = 1
                 ) -> list[tuple[tuple[int, int, int], bytes]]:
    """Render tiles (x, y, z) to PNG bytes. Runs in a worker: plain values in and out."""
    import mapnik

    size = TILE_SIZE * scale
    m = _mapnik_map(xml, size)
    out = []
    for x, y, z in chunk:
        m.zoom_to_box(mapnik.Box2d(*mercator_bounds(Tile(x, y, z))))
        image = mapnik.Image(size, size)
        mapnik.render(m, image, float(scale))
        out.append(((x, y, z), image.to_string(PNG_FORMAT)))
    return out


def render_tiles(content: MapContent, todo: list[Tile], executor: Executor, scale: int = 1,
                 progress: Callable[[int], None] = lambda done: None
                 ) -> Iterator[tuple[Tile, bytes]]:
    """(tile, PNG bytes) for each tile of ``todo``, in the order the workers finish them."""
    if not todo:
        return
    xml = style_xml(content)
    chunks = [[tuple(t) for t in todo[i:i + CHUNK]] for i in range(0, len(todo), CHUNK)]
    futures = [executor.submit(render_chunk, xml, chunk, scale) for chunk in chunks]
    done = 0
    for future in as_completed(futures):
        rendered = future.result()
        for (x, y, z), png in rendered:
            yield Tile(x, y, z), png
        done += len(rendered)
        progress(done)


def tile_hashes(content: MapContent, tile_list: list[Tile], scale: int = 1) -> dict[Tile, str]:
    """For each tile, a hash of everything that decides its pixels: the style and the
    features that can reach it (within the label buffer)."""
    style = hashlib.sha256(style_xml(content, with_data=False).encode() + f"@{scale}".encode())
    geometries, digests = [], []
    for layer in content.layers:
        if not in_tiles(layer):
            continue
        for feature in layer.collection["features"]:
            if feature["geometry"] is None:
                continue  # an incident without a place is in no tile
            geometries.append(shape(feature["geometry"]))
            text = json.dumps([layer.spec.name, feature], sort_keys=True, separators=(",", ":"))
            digests.append(hashlib.sha256(text.encode()).hexdigest())
    tree = shapely.STRtree(geometries)
    margin = BUFFER_PX / TILE_SIZE
    areas = []
    for t in tile_list:
        west, south, east, north = lnglat_bounds(t)
        dx, dy = (east - west) * margin, (north - south) * margin
        areas.append(box(west - dx, south - dy, east + dx, north + dy))
    tile_index, feature_index = tree.query(areas, predicate="intersects")
    touching: dict[int, list[str]] = {}
    for ti, fi in zip(tile_index.tolist(), feature_index.tolist(), strict=True):
        touching.setdefault(ti, []).append(digests[fi])
    result = {}
    for i, t in enumerate(tile_list):
        h = style.copy()
        for d in sorted(touching.get(i, [])):
            h.update(d.encode())
        result[t] = h.hexdigest()[:32]
    return result
