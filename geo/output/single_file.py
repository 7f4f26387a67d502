"""The single-file page of a map (``<map>.standalone.html``), from the tiles already staged.

Reads the map's tiles (and those of the inset, the overview map's widest zoom) from the staging
folder and hands them to ``render.standalone``; the build writes the page with the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.geometry.tilegrid import map_tiles
from geo.render.standalone import block_of, standalone_page, tile_block

if TYPE_CHECKING:  # the no-op build imports this module and must load no geopandas
    from geo.geometry.content import MapContent

SUFFIX = ".standalone.html"


def single_file_page(content: MapContent, staging: Path, page: str, last: Path | None,
                     same_tiles: bool = False) -> str:
    """``page`` (rendered with tiles, not retina) with every tile it can ask for inside it,
    read from ``staging`` or, for the tile sets carried over whole, from ``last`` (the last
    build's folder). With ``same_tiles`` (no tile changed), they are taken from the last
    build's single file of this map, already encoded."""
    if same_tiles and last is not None:
        try:
            block = block_of((last / f"{content.spec.name}{SUFFIX}").read_text("utf-8"))
        except OSError:
            block = None
        if block is not None:
            return standalone_page(page, block)
    tiles = {}
    wanted = [(content.spec.name, t) for t in map_tiles(content.spec)]
    overview = content.overview
    if overview is not None and overview.name != content.spec.name:  # the inset's tiles
        wanted += [(overview.name, t) for t in map_tiles(overview) if t.z == overview.min_zoom]
    for name, t in wanted:
        relative = f"tiles/{name}/{t.z}/{t.x}/{t.y}.png"
        for folder in (staging, last):  # an unchanged tile set is carried over at the swap
            if folder is not None and (folder / relative).is_file():
                tiles[name, t.z, t.x, t.y] = (folder / relative).read_bytes()
                break
    return standalone_page(page, tile_block(tiles))
