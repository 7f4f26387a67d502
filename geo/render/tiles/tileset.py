"""Render a map's tiles to PNG bytes with Mapnik: metatiles, tiles known without rendering.

As map servers do (mod_tile), tiles are rendered in blocks of N×N (``metatile_size``) with one
Mapnik call each and sliced, which costs far fewer calls per tile and places each label once
per block, so that none is cut at a tile edge inside it. Before that, tiles that the geometry
alone shows to be one flat fill (open sea, inland, outside the data) touched by no line, label
or symbol are "known": one canonical tile per fill is rendered, and every such tile is those
bytes. Work goes to any ``concurrent.futures`` executor as plain values (the style XML and
tile addresses), and each worker keeps its parsed Mapnik map across blocks. Nothing is written
here; ``output.tilesets`` decides which tiles to render and stores them.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, as_completed

import numpy as np
import shapely
from shapely.geometry import box

from geo.geometry.content import MapContent, per_content
from geo.geometry.tilegrid import Tile, lnglat_bounds, mercator_bounds
from geo.jsontext import compact
from geo.render.relief import relief_area
from geo.render.style import (
    BUFFER_PX,
    PNG_FORMAT,
    TILE_SIZE,
    drawn,
    in_tiles,
    load_style,
    register_system_fonts,
    style_xml,
)

METATILE = 8  # tiles per side of a block at the deeper zooms (mod_tile's default; measured)

_WORKER = threading.local()  # a Dask worker runs blocks on several threads: a Map each
_SOLID: dict[tuple, bytes] = {}  # PNG of a one-colour tile, by colour, size and format


def metatile_size(zoom: int) -> int:
    """Tiles per side of a block: 8, or the whole world where it is smaller than that."""
    return min(METATILE, 2 ** zoom)


def block_of(t: Tile) -> tuple[int, int, int]:
    """(z, bx, by): the block holding a tile."""
    n = metatile_size(t.z)
    return t.z, t.x // n, t.y // n


def _mapnik_map(xml: str, width: int, height: int):
    """A mapnik.Map for this style and size, parsed once per worker thread."""
    import mapnik

    key = hashlib.sha256(xml.encode()).hexdigest()
    if getattr(_WORKER, "key", None) != key:  # one style at a time: tilesets come one by one
        register_system_fonts()
        _WORKER.map = mapnik.Map(width, height)
        load_style(_WORKER.map, xml)
        _WORKER.key = key
    m = _WORKER.map
    if (m.width, m.height) != (width, height):
        m.resize(width, height)
    return m


def render_block(xml: str, block: tuple[int, int, int], wanted: list[tuple[int, int]],
                 scale: int = 1, image_format: str = PNG_FORMAT
                 ) -> list[tuple[tuple[int, int, int], bytes]]:
    """Render the ``wanted`` (x, y) tiles of one block in a single Mapnik call, and slice.

    The call covers the smallest rectangle of the block that holds them. Runs in a worker:
    plain values in and out.
    """
    import mapnik

    z = block[0]
    tile_px = TILE_SIZE * scale
    x0, x1 = min(x for x, _ in wanted), max(x for x, _ in wanted)
    y0, y1 = min(y for _, y in wanted), max(y for _, y in wanted)
    width, height = (x1 - x0 + 1) * tile_px, (y1 - y0 + 1) * tile_px
    m = _mapnik_map(xml, width, height)
    left, bottom, _, _ = mercator_bounds(Tile(x0, y1, z))
    _, _, right, top = mercator_bounds(Tile(x1, y0, z))
    m.zoom_to_box(mapnik.Box2d(left, bottom, right, top))
    image = mapnik.Image(width, height)
    mapnik.render(m, image, float(scale))
    out = []
    for x, y in wanted:
        left_px, top_px = (x - x0) * tile_px, (y - y0) * tile_px
        view = image.view(left_px, top_px, tile_px, tile_px)
        if view.is_solid():  # one colour after all (a label's buffer, but no label): encode once
            colour = (image.get_pixel(left_px, top_px), tile_px, image_format)
            if colour not in _SOLID:
                _SOLID[colour] = view.to_string(image_format)
            out.append(((x, y, z), _SOLID[colour]))
        else:
            out.append(((x, y, z), view.to_string(image_format)))
    return out


def render_chunk(xml: str, chunk: list[tuple[int, int, int]], scale: int = 1,
                 image_format: str = PNG_FORMAT) -> list[tuple[tuple[int, int, int], bytes]]:
    """Render tiles (x, y, z) one Mapnik call each: the yardstick metatiles are held to."""
    import mapnik

    size = TILE_SIZE * scale
    m = _mapnik_map(xml, size, size)
    out = []
    for x, y, z in chunk:
        m.zoom_to_box(mapnik.Box2d(*mercator_bounds(Tile(x, y, z))))
        image = mapnik.Image(size, size)
        mapnik.render(m, image, float(scale))
        out.append(((x, y, z), image.to_string(image_format)))
    return out


def render_tiles(content: MapContent, todo: list[Tile], executor: Executor, scale: int = 1,
                 progress: Callable[[int], None] = lambda done: None,
                 known: dict[Tile, str] | None = None) -> Iterator[tuple[Tile, bytes]]:
    """(tile, PNG bytes) for each tile of ``todo``, as the workers finish them.

    Tiles in ``known`` (tile -> fill key, from ``solid_tiles``) are not rendered: one tile per
    fill is, and the others get its bytes. The rest are rendered by blocks, the largest first,
    so that every worker finishes at about the same time.
    """
    if not todo:
        return
    known = known or {}
    canonical: dict[str, Tile] = {}
    blocks: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    for t in todo:
        key = known.get(t)
        if key is not None and key in canonical:
            continue
        if key is not None:
            canonical[key] = t
        blocks.setdefault(block_of(t), []).append((t.x, t.y))
    copies: dict[Tile, list[Tile]] = {}
    for t in todo:
        key = known.get(t)
        if key is not None and canonical[key] != t:
            copies.setdefault(canonical[key], []).append(t)
    xml = style_xml(content)
    order = sorted(blocks, key=lambda b: (-len(blocks[b]), b))
    futures = [executor.submit(render_block, xml, b, blocks[b], scale) for b in order]
    done = 0
    for future in as_completed(futures):
        for (x, y, z), png in future.result():
            t = Tile(x, y, z)
            yield t, png
            for same in copies.get(t, ()):
                yield same, png
            done += 1 + len(copies.get(t, ()))
        progress(done)


def solid_tiles(content: MapContent, tile_list: list[Tile]) -> dict[Tile, str]:
    """The tiles the geometry shows to be one flat fill: {tile: fill key}.

    A tile is solid when every line or polygon whose stroke can reach it is a polygon
    covering it whole, and no point's symbol (or label, where the tiles draw labels) reaches it.
    Its pixels then depend only on which fills lie over it: tiles with the same fills are the
    same picture. (Three spatial-index queries over all tiles at once: this runs in the main
    process while the workers wait.)
    """
    geometries, layers = _tile_features(content)
    if not tile_list:
        return {}
    is_point = np.isin(shapely.get_type_id(geometries), (0, 4))  # Point, MultiPoint
    stroke_px = max((layer.spec.style.weight for layer in content.layers if in_tiles(layer)),
                    default=0) / 2 + 2  # half the widest stroke, and its anti-aliasing
    # a point's symbol is a few pixels; its label, if the tiles draw labels, reaches further
    style = style_xml(content, with_data=False)
    symbols = [float(w) for w in re.findall(r'<MarkersSymbolizer[^>]*\bwidth="([\d.]+)"', style)]
    labelled = re.search(r"<(Text|Shield|Point)Symbolizer", style)  # sizes we cannot tell
    point_px = BUFFER_PX if labelled else max(symbols, default=0) / 2 + 4
    tight = _buffered_boxes(tile_list, stroke_px)
    blocked = np.zeros(len(tile_list), dtype=bool)
    if is_point.any():
        ti, _, near = _intersecting(geometries[is_point], _buffered_boxes(tile_list, point_px))
        blocked[ti[near]] = True
    zooms = np.array([t.z for t in tile_list])
    for zoom in np.unique(zooms).tolist():  # relief shades its area: no tile there is flat
        relief = relief_area(content, zoom)
        if relief is not None:
            at = zooms == zoom
            blocked[at] |= shapely.intersects(relief, tight[at])
    shapes = np.flatnonzero(~is_point)
    touching: dict[int, list[int]] = {}
    covering: set[tuple[int, int]] = set()
    if len(shapes):
        ti, fi, near = _intersecting(geometries[shapes], tight)
        whole = shapely.contains(geometries[shapes][fi], tight[ti])
        for t, f, is_near, covers in zip(ti.tolist(), fi.tolist(), near.tolist(), whole.tolist(),
                                         strict=True):
            if is_near:
                touching.setdefault(t, []).append(f)
            if covers:
                covering.add((t, f))
    result = {}
    for ti, t in enumerate(tile_list):
        found = sorted(touching.get(ti, []))
        if not blocked[ti] and all((ti, f) in covering for f in found):
            result[t] = "+".join(layers[shapes[f]] for f in found) or "background"
    return result


def _intersecting(geometries: np.ndarray, boxes: np.ndarray):
    """(box index, geometry index, intersects?) for each pair whose bounding boxes meet.

    The geometries are prepared, and tested against the boxes, not the other way round (as a
    spatial-index query with a predicate would): a box against a prepared coastline of 10^5
    vertices is a lookup, not a walk along it.
    """
    box_index, geometry_index = shapely.STRtree(geometries).query(boxes)
    shapely.prepare(geometries)
    return box_index, geometry_index, shapely.intersects(geometries[geometry_index],
                                                         boxes[box_index])


def tileset_digest(content: MapContent, scale: int = 1) -> str:
    """A hash of everything a map's tiles show: the same digest, the same tile set."""
    return hashlib.sha256(style_xml(content).encode() + f"@{scale}".encode()).hexdigest()


def tile_hashes(content: MapContent, tile_list: list[Tile], scale: int = 1) -> dict[Tile, str]:
    """For each tile, a hash of everything that decides its pixels: the style and what is
    drawn of the features that reach its block (labels are placed per block)."""
    style = hashlib.sha256(style_xml(content, with_data=False).encode() + f"@{scale}".encode())
    geometries, _ = _tile_features(content)
    digests = [hashlib.sha256(d.encode()).hexdigest() for d in _feature_texts(content)]
    block_list = sorted({block_of(t) for t in tile_list})
    touching: dict[int, list[str]] = {}
    if len(geometries) and block_list:
        block_index, feature_index, near = _intersecting(
            geometries, np.array([_buffered_block(b) for b in block_list]))
        for bi, fi in zip(block_index[near].tolist(), feature_index[near].tolist(), strict=True):
            touching.setdefault(bi, []).append(digests[fi])
    by_block = {}
    for i, b in enumerate(block_list):
        h = style.copy()
        for d in sorted(touching.get(i, [])):
            h.update(d.encode())
        by_block[b] = h
    result = {}
    for t in tile_list:
        h = by_block[block_of(t)].copy()
        h.update(f"{t.z}/{t.x}/{t.y}".encode())
        result[t] = h.hexdigest()[:32]
    return result


@per_content
def _tile_features(content: MapContent) -> tuple[np.ndarray, list[str]]:
    """The shapely geometry and layer name of every feature the tiles draw."""
    geometries, layers = [], []
    for layer in content.layers:
        if in_tiles(layer):
            for feature in drawn(layer)["features"]:  # (not an unplaced incident, a town)
                geometries.append(compact(feature["geometry"]))
                layers.append(layer.spec.name)
    return shapely.from_geojson(np.array(geometries, dtype=object)), layers


def _feature_texts(content: MapContent) -> list[str]:
    """What the tiles draw of each feature, as text (in _tile_features' order)."""
    texts = []
    for layer in content.layers:
        if in_tiles(layer):
            for feature in drawn(layer)["features"]:
                texts.append(compact([layer.spec.name, feature]))
    return texts


def _buffered_boxes(tile_list: list[Tile], margin_px: float = BUFFER_PX) -> np.ndarray:
    """Each tile's box in degrees, widened by ``margin_px`` on every side (as
    ``lnglat_bounds``, for all tiles at once)."""
    x, y, z = (np.array(column, dtype=float) for column in zip(*tile_list, strict=True))
    n = 2.0 ** z
    west, east = x / n * 360.0 - 180.0, (x + 1) / n * 360.0 - 180.0
    north = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * y / n))))
    south = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (y + 1) / n))))
    margin = margin_px / TILE_SIZE
    dx, dy = (east - west) * margin, (north - south) * margin
    return shapely.box(west - dx, south - dy, east + dx, north + dy)


def _buffered_block(block: tuple[int, int, int]):
    z, bx, by = block
    n = metatile_size(z)
    west, _, _, north = lnglat_bounds(Tile(bx * n, by * n, z))
    _, south, east, _ = lnglat_bounds(Tile(bx * n + n - 1, by * n + n - 1, z))
    margin = BUFFER_PX / TILE_SIZE / n
    dx, dy = (east - west) * margin, (north - south) * margin
    return box(west - dx, south - dy, east + dx, north + dy)
