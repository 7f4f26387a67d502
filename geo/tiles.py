"""Render a map's layers to XYZ tiles, an MBTiles archive and static print images, with Mapnik.

The style is Mapnik XML generated from maps.toml (land, sea, lakes, rivers, modern borders
faint, historical and claimed borders prominent, labels with halos). Tiles are rendered in
parallel through any ``concurrent.futures`` executor: a process pool on one machine or a Dask
cluster's executor. Rendering is incremental: each tile's inputs (the style and the features
that can reach it) are hashed, and a tile whose hash is unchanged since the last build is
reused instead of rendered.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import shapely
from shapely.geometry import box, shape

from geo.combine import MapContent
from geo.config import Style
from geo.tilemath import Tile, bounds, tiles, xy, xy_bounds

TILE_SIZE = 256
BUFFER_PX = 128  # labels and symbols may reach this far into a tile from outside it
CHUNK = 64  # tiles per task sent to a worker
PNG_FORMAT = "png8:m=h:z=9"  # palette PNG: a quarter of the bytes of RGBA, no visible loss here
PRINT_WIDTH_PX = 3000
LABEL_FONTS = ("DejaVu Sans Book", "Noto Sans CJK JP Regular")
HALO = "#ffffff"
INCIDENT_COLOURS = {
    "battle": "#a50f15", "skirmish": "#c24100", "air": "#6a51a3", "river": "#08519c",
    "defection": "#01665e", "diplomatic": "#ffffff", "raid": "#f16913",
    "reconnaissance": "#74c476", "deployment": "#fee391", "command": "#bdbdbd",
}


@dataclass(frozen=True)
class TilesetReport:
    name: str
    tiles: int
    rendered: int
    reused: int
    unique: int
    seconds: float
    bytes: int


# ---------------------------------------------------------------- style

def style_xml(content: MapContent, with_data: bool = True, incidents: bool = False) -> str:
    """Mapnik XML for the map's tile layers (base, features, borders; incidents on request).

    With ``with_data=False`` the layers' data are left out: what remains is the style alone,
    whose hash decides whether every tile must be re-rendered.
    """
    layers, styles = [], []
    fontset = "".join(f'<Font face-name={quoteattr(f)}/>' for f in _available_fonts())
    for layer in content.layers:
        kind = layer.spec.kind
        if not (in_tiles(layer) or incidents):
            continue
        name = layer.spec.name
        styles.append(f'<Style name={quoteattr(name)}>{_rules(layer.spec.style, kind)}</Style>')
        data = json.dumps(layer.collection, sort_keys=True, separators=(",", ":")) if with_data else ""
        layers.append(
            f'<Layer name={quoteattr(name)} srs="epsg:4326">'
            f"<StyleName>{escape(name)}</StyleName>"
            f'<Datasource><Parameter name="type">geojson</Parameter>'
            f'<Parameter name="cache_features">true</Parameter>'
            f'<Parameter name="inline">{escape(data)}</Parameter></Datasource></Layer>')
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Map srs="epsg:3857" background-color="#dcdcd8" buffer-size="{BUFFER_PX}">'
        f'<FontSet name="labels">{fontset}</FontSet>'
        + "".join(styles) + "".join(layers) + "</Map>")


def in_tiles(layer) -> bool:
    """Tiles draw everything but incidents, which the page draws as markers unless too many."""
    return layer.spec.kind != "incidents" or layer.heavy


def _rules(style: Style, kind: str) -> str:
    stroke = (f'<LineSymbolizer stroke={quoteattr(style.color)} stroke-width="{style.weight}" '
              f'stroke-opacity="{style.opacity}" stroke-linejoin="round" stroke-linecap="round"'
              + (f' stroke-dasharray={quoteattr(style.dash.replace(" ", ","))}' if style.dash else "")
              + "/>")
    if style.weight == 0:
        stroke = ""
    fill = (f'<PolygonSymbolizer fill={quoteattr(style.fill)} fill-opacity="{style.fill_opacity}" '
            'gamma="0.5"/>' if style.fill else "")
    if kind == "incidents":
        return "".join(
            f"<Rule><Filter>[type] = '{t}'</Filter>"
            f'<MarkersSymbolizer fill="{colour}" stroke="#3b1f00" stroke-width="1.5" width="14" '
            'height="14" allow-overlap="true"/></Rule>'
            for t, colour in sorted(INCIDENT_COLOURS.items()))
    label = ('<TextSymbolizer fontset-name="labels" size="12" fill="#222222" halo-fill="'
             f'{HALO}" halo-radius="2" dx="8" placement="point" '
             'horizontal-alignment="right" allow-overlap="false">[name]</TextSymbolizer>')
    point = (f'<MarkersSymbolizer fill={quoteattr(style.color)} stroke="#ffffff" '
             'stroke-width="1.5" width="9" height="9" allow-overlap="true"/>')
    return (
        f'<Rule><Filter>[mapnik::geometry_type] = polygon</Filter>{fill}{stroke}</Rule>'
        f'<Rule><Filter>[mapnik::geometry_type] = linestring</Filter>{stroke}</Rule>'
        f'<Rule><Filter>[mapnik::geometry_type] = point</Filter>{point}'
        + (label if kind != "base" else "") + "</Rule>")


def _available_fonts() -> list[str]:
    import mapnik

    _register_system_fonts()
    faces = set(mapnik.FontEngine.face_names())
    return [f for f in LABEL_FONTS if f in faces] or sorted(faces)[:1]


_fonts_registered = False


def _register_system_fonts() -> None:
    """Add Debian's fonts (e.g. fonts-noto-cjk) to the DejaVu that the mapnik wheel ships."""
    global _fonts_registered
    if not _fonts_registered:
        import mapnik

        for folder in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto"):
            if os.path.isdir(folder):
                mapnik.register_fonts(folder)
        _fonts_registered = True


# ---------------------------------------------------------------- rendering (in workers)

_MAPS: dict[str, object] = {}


def _mapnik_map(xml: str, size: int):
    """A mapnik.Map for this style, parsed once per worker process."""
    import mapnik

    key = hashlib.sha256(xml.encode()).hexdigest() + f":{size}"
    if key not in _MAPS:
        _register_system_fonts()
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
        m.zoom_to_box(mapnik.Box2d(*xy_bounds(Tile(x, y, z))))
        image = mapnik.Image(size, size)
        mapnik.render(m, image, float(scale))
        out.append(((x, y, z), image.to_string(PNG_FORMAT)))
    return out


# ---------------------------------------------------------------- incremental inputs

def tile_hashes(content: MapContent, tile_list: list[Tile], scale: int = 1) -> dict[Tile, str]:
    """For each tile, a hash of everything that decides its pixels."""
    style = hashlib.sha256(style_xml(content, with_data=False).encode() + f"@{scale}".encode())
    geometries, digests = [], []
    for layer in content.layers:
        if not in_tiles(layer):
            continue
        for feature in layer.collection["features"]:
            geometries.append(shape(feature["geometry"]))
            text = json.dumps([layer.spec.name, feature], sort_keys=True, separators=(",", ":"))
            digests.append(hashlib.sha256(text.encode()).hexdigest())
    tree = shapely.STRtree(geometries)
    margin = BUFFER_PX / TILE_SIZE
    areas = []
    for t in tile_list:
        west, south, east, north = bounds(t)
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


# ---------------------------------------------------------------- tilesets

def tileset_tiles(content: MapContent) -> list[Tile]:
    spec = content.spec
    return list(tiles(spec.padded_extent(), range(spec.min_zoom, spec.max_zoom + 1)))


def render_tileset(content: MapContent, out_dir: Path, previous_dir: Path | None,
                   executor: Executor, scale: int = 1,
                   progress: Callable[[int, int], None] = lambda done, total: None
                   ) -> TilesetReport:
    """Write ``out_dir/tiles/<map>/{z}/{x}/{y}.png`` (``@2x`` with scale 2) and the manifest.

    Tiles whose input hash matches ``previous_dir``'s manifest are hard-linked from there.
    """
    started = time.perf_counter()
    name = content.spec.name
    suffix = "@2x" if scale == 2 else ""
    folder = out_dir / "tiles" / name
    tile_list = tileset_tiles(content)
    hashes = tile_hashes(content, tile_list, scale)
    old_folder = previous_dir / "tiles" / name if previous_dir else None
    old_hashes = _read_manifest(old_folder, suffix) if old_folder else {}

    todo, reused = [], 0
    for t in tile_list:
        target = folder / f"{t.z}/{t.x}/{t.y}{suffix}.png"
        source = old_folder / f"{t.z}/{t.x}/{t.y}{suffix}.png" if old_folder else None
        if old_hashes.get(_key(t)) == hashes[t] and source and source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source, target)
            reused += 1
        else:
            todo.append(t)
    progress(reused, len(tile_list))

    if todo:
        xml = style_xml(content)
        chunks = [[tuple(t) for t in todo[i:i + CHUNK]] for i in range(0, len(todo), CHUNK)]
        done = reused
        futures = [executor.submit(render_chunk, xml, chunk, scale) for chunk in chunks]
        for future in as_completed(futures):
            rendered = future.result()
            for (x, y, z), png in rendered:
                target = folder / f"{z}/{x}/{y}{suffix}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(png)
            done += len(rendered)
            progress(done, len(tile_list))

    _write_manifest(folder, suffix, {_key(t): hashes[t] for t in tile_list})
    pngs = [folder / f"{t.z}/{t.x}/{t.y}{suffix}.png" for t in tile_list]
    unique = len({hashlib.sha256(p.read_bytes()).digest() for p in pngs})
    return TilesetReport(name=name + suffix, tiles=len(tile_list), rendered=len(todo),
                         reused=reused, unique=unique, seconds=time.perf_counter() - started,
                         bytes=sum(p.stat().st_size for p in pngs))


def _key(t: Tile) -> str:
    return f"{t.z}/{t.x}/{t.y}"


def _read_manifest(folder: Path, suffix: str) -> dict[str, str]:
    try:
        return json.loads((folder / f"manifest{suffix}.json").read_text())["tiles"]
    except (OSError, ValueError, KeyError):
        return {}


def _write_manifest(folder: Path, suffix: str, hashes: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"manifest{suffix}.json").write_text(
        json.dumps({"tiles": hashes}, sort_keys=True, indent=0) + "\n")


def link_or_copy(source: Path, target: Path) -> None:
    """Reuse an unchanged file of the previous build: a hard link where the disk allows."""
    try:
        os.link(source, target)
    except OSError:
        target.write_bytes(source.read_bytes())


# ---------------------------------------------------------------- MBTiles archive

def write_mbtiles(path: Path, folder: Path, content: MapContent, suffix: str = "") -> None:
    """Pack a tile folder into MBTiles 1.3, identical tiles stored once (images + map tables).

    MBTiles is one SQLite file that QGIS, GDAL, MapLibre servers and tileserver-gl read; its
    standard image/map split stores each distinct tile once, which suits our maps, where
    many tiles are plain land or sea.
    """
    spec = content.spec
    west, south, east, north = spec.padded_extent()
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript("""
            CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE images (tile_id TEXT PRIMARY KEY, tile_data BLOB);
            CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                              tile_id TEXT, PRIMARY KEY (zoom_level, tile_column, tile_row));
            CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level,
                map.tile_column AS tile_column, map.tile_row AS tile_row,
                images.tile_data AS tile_data FROM map JOIN images ON images.tile_id = map.tile_id;
        """)
        metadata = {
            "name": spec.title, "format": "png", "type": "baselayer", "version": "1.0",
            "description": spec.description, "attribution": content.attribution,
            "minzoom": str(spec.min_zoom), "maxzoom": str(spec.max_zoom),
            "bounds": f"{west},{south},{east},{north}",
            "center": f"{(west + east) / 2},{(south + north) / 2},{spec.min_zoom}",
        }
        db.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(metadata.items()))
        for t in tileset_tiles(content):
            data = (folder / f"{t.z}/{t.x}/{t.y}{suffix}.png").read_bytes()
            tile_id = hashlib.sha256(data).hexdigest()
            db.execute("INSERT OR IGNORE INTO images VALUES (?, ?)", (tile_id, data))
            db.execute("INSERT INTO map VALUES (?, ?, ?, ?)",
                       (t.z, t.x, 2 ** t.z - 1 - t.y, tile_id))  # MBTiles rows count from the south
        db.commit()
    finally:
        db.close()


def read_mbtiles(path: Path) -> dict[Tile, bytes]:
    """Every tile of an MBTiles file, keyed by XYZ address."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
        return {Tile(x, 2 ** z - 1 - row, z): bytes(data) for z, x, row, data in rows}
    finally:
        db.close()


# ---------------------------------------------------------------- static images

def render_static(content: MapContent, png_path: Path, svg_path: Path | None = None,
                  width: int = PRINT_WIDTH_PX) -> None:
    """The whole map with its incidents, for print (PNG) and no-script pages (PNG, SVG)."""
    import mapnik

    _register_system_fonts()
    west, south, east, north = content.spec.extent
    (left, bottom), (right, top) = xy(west, south), xy(east, north)
    height = max(1, round(width * (top - bottom) / (right - left)))
    m = mapnik.Map(width, height)
    mapnik.load_map_from_string(m, style_xml(content, incidents=True))
    m.zoom_to_box(mapnik.Box2d(left, bottom, right, top))
    image = mapnik.Image(width, height)
    mapnik.render(m, image, width / 1200)  # symbols and labels sized as on a 1200 px screen
    png_path.write_bytes(image.to_string("png8:m=h:z=9"))
    if svg_path is not None:
        small = mapnik.Map(1200, round(1200 * height / width))
        mapnik.load_map_from_string(small, style_xml(content, incidents=True))
        small.zoom_to_box(mapnik.Box2d(left, bottom, right, top))
        mapnik.render_to_file(small, str(svg_path), "svg")


def render_static_cached(content: MapContent, out_dir: Path, previous_dir: Path | None) -> bool:
    """Write ``<map>.png`` and ``<map>.svg``; reuse last build's if the inputs are unchanged.

    Returns True if the images were rendered, False if reused.
    """
    name = content.spec.name
    digest = hashlib.sha256(style_xml(content, incidents=True).encode()).hexdigest()
    stamp = f".{name}.static.sha256"
    if previous_dir is not None:
        old = [previous_dir / f"{name}.png", previous_dir / f"{name}.svg", previous_dir / stamp]
        if all(p.is_file() for p in old) and old[2].read_text().strip() == digest:
            for p in old:
                link_or_copy(p, out_dir / p.name)
            return False
    render_static(content, out_dir / f"{name}.png", out_dir / f"{name}.svg")
    (out_dir / stamp).write_text(digest + "\n")
    return True


# ---------------------------------------------------------------- executors

class InlineExecutor(Executor):
    """Runs each task at once in this process: the ``--jobs 1`` executor."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            future.set_exception(exc)
        return future


@contextmanager
def make_executor(jobs: int | None = None, scheduler: str | None = None):
    """The executor tiles are rendered with: Dask, a process pool, or this process."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise SystemExit("--scheduler needs Dask: pip install 'distributed'") from None
        with Client(scheduler) as client:
            yield client.get_executor()
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        yield InlineExecutor()
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield pool


# ---------------------------------------------------------------- progress

class Progress:
    """Tiles done, tiles/s and ETA on one refreshed line (a line per 10% when not a TTY)."""

    def __init__(self, label: str, stream=sys.stderr):
        self.label, self.stream = label, stream
        self.started = time.perf_counter()
        self.last_print = 0.0
        self.last_decile = -1
        self.tty = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0
        line = (f"{self.label}: {done}/{total} tiles, {rate:,.0f} tiles/s, "
                f"ETA {eta:,.0f} s")
        if self.tty:
            if now - self.last_print > 0.2 or done == total:
                self.stream.write("\r" + line + (" " * 4) + ("\n" if done == total else ""))
                self.stream.flush()
                self.last_print = now
        else:
            decile = done * 10 // max(total, 1)
            if decile != self.last_decile and (decile == 10 or done == 0 or decile % 5 == 0):
                print(line, file=self.stream)
                self.last_decile = decile

