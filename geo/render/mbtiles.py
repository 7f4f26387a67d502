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
from geo.geometry.tilegrid import Tile

SCHEMA = """
    CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE images (tile_id TEXT PRIMARY KEY, tile_data BLOB);
    CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                      tile_id TEXT, PRIMARY KEY (zoom_level, tile_column, tile_row));
    CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level,
        map.tile_column AS tile_column, map.tile_row AS tile_row,
        images.tile_data AS tile_data FROM map JOIN images ON images.tile_id = map.tile_id;
"""


def mbtiles_bytes(content: MapContent, tiles: Iterable[tuple[Tile, bytes]]) -> bytes:
    """The archive of ``tiles`` ((tile, PNG) pairs, in a stable order) with the map's metadata."""
    spec = content.spec
    west, south, east, north = spec.padded_extent()
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SCHEMA)
        metadata = {
            "name": spec.title, "format": "png", "type": "baselayer", "version": "1.0",
            "description": spec.description, "attribution": content.attribution,
            "minzoom": str(spec.min_zoom), "maxzoom": str(spec.max_zoom),
            "bounds": f"{west},{south},{east},{north}",
            "center": f"{(west + east) / 2},{(south + north) / 2},{spec.min_zoom}",
        }
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
