"""The single-file page of a map (``<map>.standalone.html``), from the tiles already staged.

Reads the map's tiles (and those of the inset, the overview map's widest zoom) from the staging
folder and hands them to ``render.standalone``; the build writes the page with the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.geometry.tilegrid import map_tiles
from geo.render.pages.standalone import block_of, standalone_page, tile_block, tiles_in

if TYPE_CHECKING:  # the no-op build imports this module and must load no geopandas
    from geo.config import MapSpec
    from geo.geometry.content import MapContent

SUFFIX = ".standalone.html"


def single_file_page(content: MapContent, staging: Path, page: str, last: Path | None,
                     same_tiles: bool = False, drawn: dict[str, dict] | None = None) -> str:
    """``page`` (rendered with tiles, not retina) with every tile it can ask for inside it:
    from ``drawn`` ({tile set: {tile: PNG bytes}}, those this build has in hand), else read
    from ``staging`` or, for the tile sets carried over whole, from ``last`` (the last
    build's folder). With ``same_tiles`` (no tile changed), they are taken from the last
    build's single file of this map, already encoded."""
    if same_tiles and last is not None:
        try:
            block = block_of((last / f"{content.spec.name}{SUFFIX}").read_text("utf-8"))
        except OSError:
            block = None
        if block is not None:
            return standalone_page(page, block)
    wanted = [(content.spec.name, t) for t in map_tiles(content.spec)]
    overview = content.overview
    if overview is not None and overview.name != content.spec.name:  # the inset's tiles
        wanted += _inset(overview)
    return standalone_page(page, tile_block(_read_tiles(wanted, staging, last, drawn)))


def with_new_inset(name: str, overview: MapSpec, staging: Path, last: Path,
                   drawn: dict | None = None) -> str | None:
    """The last build's single-file page of map ``name`` (carried over unchanged) with the
    inset tiles of this build, if the overview's tiles at its widest zoom are no longer the
    ones it holds (an edit the overview shows there); None if they are."""
    if name == overview.name:
        return None
    try:
        page = (last / f"{name}{SUFFIX}").read_text("utf-8")
    except OSError:
        return None
    block = block_of(page)
    if block is None:
        return None
    tiles = tiles_in(block)
    inset = _read_tiles(_inset(overview), staging, last, drawn)
    if all(tiles.get(key) == png for key, png in inset.items()):
        return None
    tiles = {key: png for key, png in tiles.items() if key[0] != overview.name}
    return page.replace(block, tile_block({**tiles, **inset}), 1)


def _inset(overview: MapSpec) -> list:
    """(map, tile) of the inset: the overview map's tiles at its widest zoom."""
    return [(overview.name, t) for t in map_tiles(overview) if t.z == overview.min_zoom]


def _read_tiles(wanted: list, staging: Path, last: Path | None, drawn: dict | None = None
                ) -> dict:
    """{(map, z, x, y): PNG bytes} of the ``wanted`` (map, tile) that this build has in hand
    (``drawn``), or has written, or the last build has: an unchanged tile set stays in the last
    build's folder until the swap."""
    tiles = {}
    for name, t in wanted:
        png = drawn.get(name, {}).get(t) if drawn else None
        if png is not None:
            tiles[name, t.z, t.x, t.y] = png
            continue
        relative = f"tiles/{name}/{t.z}/{t.x}/{t.y}.png"
        for folder in (staging, last):
            if folder is not None and (folder / relative).is_file():
                tiles[name, t.z, t.x, t.y] = (folder / relative).read_bytes()
                break
    return tiles
