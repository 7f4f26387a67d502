"""A tile set as one MBTiles 1.3 archive, returned as bytes, identical tiles stored once.

MBTiles is one SQLite file that QGIS, GDAL, MapLibre servers and tileserver-gl read; its
standard images/map split stores each distinct tile once, which suits our maps, where many
tiles are plain land or sea. The database is built in memory and serialised, so this stage
writes no file.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable

from geo.geometry.content import MapContent
from geo.geometry.tilegrid import Tile, lnglat_bounds

SCHEMA = """
    CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE images (tile_id TEXT PRIMARY KEY, tile_data BLOB);
    CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                      tile_id TEXT, PRIMARY KEY (zoom_level, tile_column, tile_row));
    CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level,
        map.tile_column AS tile_column, map.tile_row AS tile_row,
        images.tile_data AS tile_data FROM map JOIN images ON images.tile_id = map.tile_id;
"""


def covered_by_every_zoom(tiles: Iterable[Tile]) -> tuple[float, float, float, float]:
    """(west, south, east, north), rounded to 6 decimals: the area the tiles of every zoom
    cover, which MBTiles 1.3 asks `bounds` to be (a deeper zoom has a narrower margin, so the
    map's padded extent would promise GDAL tiles its deepest zoom does not have)."""
    ranges: dict[int, list[int]] = {}  # zoom -> [least x, least y, most x, most y]
    for t in tiles:
        r = ranges.setdefault(t.z, [t.x, t.y, t.x, t.y])
        r[:] = [min(r[0], t.x), min(r[1], t.y), max(r[2], t.x), max(r[3], t.y)]
    boxes = []  # each zoom's (west, south, east, north): its south-west and north-east tiles'
    for z, (x0, y0, x1, y1) in ranges.items():
        west, south = lnglat_bounds(Tile(x0, y1, z))[:2]
        east, north = lnglat_bounds(Tile(x1, y0, z))[2:]
        boxes.append((west, south, east, north))
    west, south = (max(b[i] for b in boxes) for i in (0, 1))
    east, north = (min(b[i] for b in boxes) for i in (2, 3))
    return tuple(round(v, 6) for v in (west, south, east, north))


def archive_metadata(content: MapContent, tiles: Iterable[Tile]) -> dict[str, str]:
    """The archive's metadata table: what, with the tiles, decides its bytes. A build keeps the
    last archive only if this is as it was (an edit of a map's title alone changes no tile but
    changes its archive)."""
    spec = content.spec
    west, south, east, north = covered_by_every_zoom(tiles)
    return {
        "name": spec.title, "format": "png", "type": "baselayer", "version": "1.0",
        "description": spec.description, "attribution": content.attribution,
        "minzoom": str(spec.min_zoom), "maxzoom": str(spec.max_zoom),
        "bounds": f"{west},{south},{east},{north}",
        "center": f"{round((west + east) / 2, 6)},{round((south + north) / 2, 6)},{spec.min_zoom}",
    }


def mbtiles_bytes(metadata: dict[str, str], tiles: Iterable[tuple[Tile, bytes]]) -> bytes:
    """The archive of ``tiles`` ((tile, PNG) pairs, in a stable order) with ``metadata``
    (``archive_metadata``)."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SCHEMA)
        db.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(metadata.items()))
        for t, data in tiles:
            tile_id = hashlib.sha256(data).hexdigest()
            db.execute("INSERT OR IGNORE INTO images VALUES (?, ?)", (tile_id, data))
            db.execute("INSERT INTO map VALUES (?, ?, ?, ?)",
                       (t.z, t.x, 2 ** t.z - 1 - t.y, tile_id))  # MBTiles rows count from the south
        db.commit()
        return db.serialize()
    finally:
        db.close()


def read_mbtiles(data: bytes) -> dict[Tile, bytes]:
    """Every tile of an MBTiles archive's bytes, keyed by XYZ address."""
    db = sqlite3.connect(":memory:")
    try:
        db.deserialize(data)
        rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
        return {Tile(x, 2 ** z - 1 - row, z): bytes(data) for z, x, row, data in rows}
    finally:
        db.close()
