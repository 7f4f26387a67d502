"""Store a map's tiles, archive and static images, reusing what the last build already made.

Each tile's inputs are hashed (``render.tiles.tileset.tile_hashes``) into
``tiles/<map>/manifest.json``; a tile whose hash is unchanged is hard-linked from the last
build instead of rendered, so editing one feature re-renders only the blocks around it, and a
re-rendered tile that comes out the same is linked too: only tiles that changed are rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from geo.geometry.content import MapContent
from geo.geometry.tilegrid import Tile, map_tiles
from geo.jsontext import compact, parse
from geo.output.folder import DistinctFiles, link_files, link_or_copy, link_tree, write, write_or_link
from geo.render.sheets.images import static_files
from geo.render.tiles.mbtiles import archive_metadata, mbtiles_bytes, read_mbtiles
from geo.render.tiles.tileset import render_tiles, solid_tiles, tile_hashes, tileset_digest


@dataclass(frozen=True)
class TilesetReport:
    name: str
    tiles: int
    rendered: int
    reused: int
    unique: int
    seconds: float
    bytes: int
    pngs: dict[Tile, bytes] | None = field(default=None, repr=False)  # 256 px tiles drawn anew


def tile_path(t: Tile, suffix: str = "") -> str:
    return f"{t.z}/{t.x}/{t.y}{suffix}.png"


def write_tileset(content: MapContent, out_dir: Path, previous_dir: Path | None,
                  executor: Executor, scale: int = 1,
                  progress: Callable[[int, int], None] = lambda done, total: None
                  ) -> TilesetReport:
    """Write ``out_dir/tiles/<map>/{z}/{x}/{y}.png`` (``@2x`` with scale 2), its manifest and
    ``out_dir/tiles/<map>.mbtiles``; reuse from ``previous_dir`` what has not changed."""
    started = time.perf_counter()
    name = content.spec.name
    suffix = "@2x" if scale == 2 else ""
    folder = out_dir / "tiles" / name
    archive = f"tiles/{name}{suffix}.mbtiles"
    old_folder = previous_dir / "tiles" / name if previous_dir else None
    old = _read_manifest(old_folder, suffix) if old_folder else {}
    digest = tileset_digest(content, scale)
    tile_list = map_tiles(content.spec)
    metadata = archive_metadata(content, tile_list)
    same_archive = old.get("archive") == metadata and previous_dir is not None and \
        (previous_dir / archive).is_file()
    if old.get("digest") == digest and same_archive:
        # nothing the tiles draw has changed (an edit of text the page alone shows): link all
        link_tree(old_folder, folder, lambda file: file.endswith(f"{suffix}.png")
                  and (suffix or "@2x" not in file) or file == f"manifest{suffix}.json")
        link_or_copy(previous_dir / archive, out_dir / archive)
        progress(old["count"], old["count"])
        return TilesetReport(name=name + suffix, tiles=old["count"], rendered=0,
                             reused=old["count"], unique=old["unique"],
                             seconds=time.perf_counter() - started, bytes=old["bytes"])

    hashes = tile_hashes(content, tile_list, scale)
    old_hashes = old.get("tiles", {})
    paths = {t: tile_path(t, suffix) for t in tile_list}
    same = [paths[t] for t in tile_list if old_hashes.get(_key(t)) == hashes[t]]
    linked = set(same).difference(link_files(old_folder, folder, same) if old_folder else same)
    todo = [t for t in tile_list if paths[t] not in linked]
    reused = len(tile_list) - len(todo)
    progress(reused, len(tile_list))
    known = solid_tiles(content, todo)
    drawn: dict[Tile, bytes] = {}
    files = DistinctFiles(out_dir, previous_dir)
    for t, png in render_tiles(content, todo, executor, scale,
                               lambda done: progress(reused + done, len(tile_list)), known):
        files.put(f"tiles/{name}/{tile_path(t, suffix)}", png)
        drawn[t] = png
    kept = _archived(previous_dir / archive) if previous_dir and len(drawn) < len(tile_list) else {}
    pngs = [(t, drawn.get(t) or kept.get(t) or _read(os.path.join(folder, paths[t])))
            for t in tile_list]
    if not todo and same_archive:
        link_or_copy(previous_dir / archive, out_dir / archive)
    else:
        write(out_dir, archive, mbtiles_bytes(metadata, pngs))
    report = TilesetReport(name=name + suffix, tiles=len(tile_list), rendered=len(todo),
                           reused=reused, unique=len({hashlib.sha256(p).digest() for _, p in pngs}),
                           seconds=time.perf_counter() - started,
                           bytes=sum(len(p) for _, p in pngs),
                           pngs=dict(pngs) if scale == 1 else None)  # for the single file
    write(folder, f"manifest{suffix}.json", compact({
        "digest": digest, "archive": metadata,
        "count": report.tiles, "unique": report.unique, "bytes": report.bytes,
        "tiles": {_key(t): hashes[t] for t in tile_list}}) + "\n")
    return report


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _archived(path: Path) -> dict[Tile, bytes]:
    """The tiles of the last build's archive: one read for the thousands of unchanged tiles
    the new archive and single file need, instead of a file each."""
    try:
        return read_mbtiles(path.read_bytes())
    except (OSError, sqlite3.Error):
        return {}


def _key(t: Tile) -> str:
    return f"{t.z}/{t.x}/{t.y}"


def _read_manifest(folder: Path, suffix: str) -> dict:
    """The last build's record of a tile set: its digest, figures and per-tile hashes."""
    try:
        manifest = parse((folder / f"manifest{suffix}.json").read_bytes())
        return manifest if isinstance(manifest.get("tiles"), dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def last_static_digests(name: str, previous_dir: Path | None
                        ) -> tuple[dict[str, tuple[str, str]], str | None]:
    """({width suffix: digests (``render.sheets.images.redrawn``)}, basemap digest) of the last
    build's print images of map ``name``, for the widths whose files are all there."""
    try:
        recorded = json.loads((previous_dir / _stamp(name)).read_text())
    except (OSError, TypeError, ValueError):
        return {}, None
    basemap = recorded.get("basemap") if isinstance(recorded, dict) else None
    return {suffix: tuple(pair) for suffix, pair in recorded.items() if isinstance(pair, list)
            and all((previous_dir / f).is_file() for f in static_files(name, [suffix]))}, (
        basemap if isinstance(basemap, str) else None)


def write_static(out_dir: Path, previous_dir: Path | None, name: str, suffix: str,
                 images: dict[str, bytes] | None) -> None:
    """Write the print images of one width (``render.sheets.images.static_files``: ``<map>.png``,
    ``.svg``, ``.pdf`` at 2 columns, ``<map>-1col.*`` at 1 column); ``None``: link the last
    build's, which are the same."""
    if images is None:
        for file in static_files(name, [suffix]):
            link_or_copy(previous_dir / file, out_dir / file)
    for file_suffix, data in (images or {}).items():
        write(out_dir, f"{name}{file_suffix}", data)


def write_static_digests(out_dir: Path, previous_dir: Path | None, name: str,
                         digests: dict[str, tuple[str, str]], basemap: str) -> None:
    """Record what the print images of map ``name`` were drawn from, for the next build."""
    write_or_link(out_dir, _stamp(name), json.dumps({**digests, "basemap": basemap},
                                                    sort_keys=True) + "\n", previous_dir)


def keep_last_static(out_dir: Path, previous_dir: Path | None, name: str) -> None:
    """Link the last build's print images of map ``name``, and their digests, as they are."""
    for file in [*static_files(name), _stamp(name)]:
        if previous_dir is not None and (previous_dir / file).is_file():
            link_or_copy(previous_dir / file, out_dir / file)


def _stamp(name: str) -> str:
    return f".{name}.static.sha256"
