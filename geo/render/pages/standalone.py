"""The single-file version of a map page: the normal page with its basemap tiles inside it.

Each distinct tile is stored once, in base64, in a JSON block (not a script: nothing runs, and
the page's Content-Security-Policy stays as it is); static/tile-source.js serves tiles from it
as data: URIs. Per map and zoom, the tiles are a grid of indexes into the distinct images, so
the 84 % of tiles that repeat another (open land, sea) cost a few bytes each. The page then
works copied alone anywhere, with no network.
"""

from __future__ import annotations

import base64
import hashlib

from geo.jsontext import compact, parse


def tile_table(tiles: dict[tuple[str, int, int, int], bytes]) -> dict:
    """{"images": [base64 PNG, ...], "maps": {map: {zoom: [x0, y0, columns, [index, ...]]}}}
    from {(map, z, x, y): PNG bytes}; -1 marks a tile of the grid that is not there."""
    images, index = [], {}
    grids: dict[str, dict[str, list]] = {}
    by_zoom: dict[tuple[str, int], dict[tuple[int, int], int]] = {}
    for (name, z, x, y), png in sorted(tiles.items()):
        digest = hashlib.sha256(png).digest()
        if digest not in index:
            index[digest] = len(images)
            images.append(base64.b64encode(png).decode("ascii"))
        by_zoom.setdefault((name, z), {})[x, y] = index[digest]
    for (name, z), cells in sorted(by_zoom.items()):
        x0, x1 = min(x for x, _ in cells), max(x for x, _ in cells)
        y0, y1 = min(y for _, y in cells), max(y for _, y in cells)
        columns = x1 - x0 + 1
        grid = [cells.get((x, y), -1) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
        grids.setdefault(name, {})[str(z)] = [x0, y0, columns, grid]
    return {"images": images, "maps": grids}


def tile_block(tiles: dict[tuple[str, int, int, int], bytes]) -> str:
    """The JSON block holding ``tiles``, as it goes into the page."""
    data = compact(tile_table(tiles))
    if "<" in data:  # base64 and digits only: nothing can close the block
        raise ValueError("tile table would close its script element")
    return f'{_BLOCK_START}{data}</script>\n'


def block_of(single_file: str) -> str | None:
    """The tile block of a single-file page this module made (None if it has none): an edit of
    text alone changes no tile, so the last build's block is the new page's."""
    start = single_file.find(_BLOCK_START)
    end = single_file.find("</script>\n", start)
    return None if start < 0 or end < 0 else single_file[start:end + len("</script>\n")]


def tiles_in(block: str) -> dict[tuple[str, int, int, int], bytes]:
    """The tiles a ``tile_block`` holds: {(map, z, x, y): PNG bytes} (its inverse)."""
    table = parse(block[len(_BLOCK_START):block.rindex("</script>")])
    images = [base64.b64decode(image) for image in table["images"]]
    tiles = {}
    for name, zooms in table["maps"].items():
        for z, (x0, y0, columns, grid) in zooms.items():
            for i, k in enumerate(grid):
                if k >= 0:
                    tiles[name, int(z), x0 + i % columns, y0 + i // columns] = images[k]
    return tiles


def standalone_page(page: str, block: str) -> str:
    """``page`` (a map page rendered with tiles, without retina) with a ``tile_block`` inside."""
    if page.count("<body>") != 1:
        raise ValueError("the page has no single <body> to put the tiles in")
    return page.replace("<body>", "<body>\n" + block, 1)


_BLOCK_START = '<script type="application/json" id="geo-maps-tiles">'
