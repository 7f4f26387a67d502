"""The tile renderer: addressing, pixels, incremental rebuilds, archives, distributed runs."""

from __future__ import annotations

import io
import json
import re

import mercantile
import pytest

from geo.geometry.tilegrid import Tile, mercator_bounds, mercator_xy
from tests.conftest import edit_layer, run_cli, shrink_zooms


def test_a_map_has_every_tile_of_its_padded_extent_at_each_zoom():
    from geo.config import MapSpec
    from geo.geometry.tilegrid import lnglat_bounds, map_tiles

    spec = MapSpec("t", "T", "", (130.45, 42.36, 130.75, 42.54), 11, 14, ("x",))
    found = map_tiles(spec)
    assert len(found) == len(set(found))
    for z in range(11, 15):
        west, south, east, north = spec.padded_extent(z)  # the margin is wider in degrees further out
        assert (west, south, east, north) == spec.zoom_extents()[z]
        tiles_z = [t for t in found if t.z == z]
        xs, ys = {t.x for t in tiles_z}, {t.y for t in tiles_z}
        assert len(tiles_z) == len(xs) * len(ys)  # a full rectangle
        w, n = lnglat_bounds(min(tiles_z, key=lambda t: (t.x, t.y)))[0::3]
        e, s = lnglat_bounds(max(tiles_z, key=lambda t: (t.x, t.y)))[2:0:-1]
        assert w <= west and e >= east and s <= south and n >= north


def test_every_mbtiles_bounds_is_covered_by_every_zoom(built):
    """MBTiles 1.3: `bounds` is an area every zoom covers (GDAL opened Khasan at z16 96 % empty
    under the padded extent's bounds), `center` lies inside it with no float noise
    (42.447106000000005), and GDAL reads each archive at its deepest zoom with data."""
    import sqlite3

    import numpy as np
    import rasterio

    archives = sorted((built / "tiles").glob("*.mbtiles"))
    assert len(archives) >= 5
    for path in archives:
        db = sqlite3.connect(path)
        meta = dict(db.execute("SELECT name, value FROM metadata"))
        west, south, east, north = map(float, meta["bounds"].split(","))
        lon, lat, zoom = meta["center"].split(",")
        assert all(len(v.split(".")[-1]) <= 6 for v in (*meta["bounds"].split(","), lon, lat)), meta
        assert west < float(lon) < east and south < float(lat) < north and zoom == meta["minzoom"]
        for z, x0, x1, r0, r1 in db.execute("SELECT zoom_level, min(tile_column), max(tile_column), "
                                            "min(tile_row), max(tile_row) FROM tiles GROUP BY zoom_level"):
            w, n = mercantile.bounds(x0, 2 ** z - 1 - r1, z)[0::3]
            e, s = mercantile.bounds(x1, 2 ** z - 1 - r0, z)[2:0:-1]
            assert w <= west + 1e-6 and e >= east - 1e-6 and s <= south + 1e-6 and n >= north - 1e-6, (path, z)
        db.close()
        with rasterio.open(path) as dataset:  # GDAL's MBTiles driver, at the deepest zoom
            alpha = dataset.read(dataset.count, window=((0, min(dataset.height, 512)), (0, min(dataset.width, 512))))
            assert np.count_nonzero(alpha) / alpha.size > 0.99, path.name


@pytest.fixture(scope="module")
def khasan_content(contents):
    return contents["khasan"]


def pixel(png: bytes, lon: float, lat: float, t: Tile) -> tuple[int, int, int]:
    from PIL import Image

    west, south, east, north = mercator_bounds(t)
    x, y = mercator_xy(lon, lat)
    px = int((x - west) / (east - west) * 256)
    py = int((north - y) / (north - south) * 256)
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((px, py))


def test_lake_khasan_tile_shows_water_and_land(khasan_content):
    pytest.importorskip("mapnik")
    from geo.render.style import style_xml
    from geo.render.tiles.tileset import render_chunk

    lake = (130.6081, 42.4486)  # the lake's centre
    t = mercantile.tile(*lake, 12)  # (a layer of the map's own: in print, over the tiles' land)
    [(_, png)] = render_chunk(style_xml(khasan_content, sheet=True), [tuple(t)])
    r, g, b = pixel(png, *lake, t)
    assert b > r + 30, (r, g, b)  # water: clearly blue
    r, g, b = pixel(png, 130.625, 42.425, t)  # 2 km south-east of the lake: land
    assert abs(r - g) < 20 and r > b, (r, g, b)  # land: pale beige


def test_mbtiles_round_trip(tmp_path, khasan_content):
    pytest.importorskip("mapnik")
    from geo.output.tilesets import write_tileset
    from geo.render.executors import InlineExecutor
    from geo.render.tiles.mbtiles import read_mbtiles

    report = write_tileset(_small(khasan_content), tmp_path, None, InlineExecutor())
    folder = tmp_path / "tiles" / "khasan"
    archive = tmp_path / "tiles" / "khasan.mbtiles"
    stored = read_mbtiles(archive.read_bytes())
    assert len(stored) == report.tiles
    for t, data in stored.items():
        assert data == (folder / f"{t.z}/{t.x}/{t.y}.png").read_bytes()
    import sqlite3

    with sqlite3.connect(archive) as db:
        images = db.execute("SELECT count(*) FROM images").fetchone()[0]
    assert images == report.unique < report.tiles  # identical tiles stored once


def test_dask_cluster_renders_the_same_tiles(tmp_path, khasan_content):
    pytest.importorskip("mapnik")
    distributed = pytest.importorskip("distributed")
    from geo.output.tilesets import write_tileset
    from geo.render.executors import InlineExecutor, make_executor

    small = _small(khasan_content)
    write_tileset(small, tmp_path / "inline", None, InlineExecutor())
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        with make_executor(scheduler=cluster.scheduler_address) as executor:
            report = write_tileset(small, tmp_path / "dask", None, executor)
    assert report.rendered == report.tiles > 0
    inline = sorted((tmp_path / "inline").rglob("*.png"))
    dask = sorted((tmp_path / "dask").rglob("*.png"))
    assert [p.read_bytes() for p in inline] == [p.read_bytes() for p in dask]


def _small(content):
    """The same map over two zoom levels: enough tiles to test with, quick to render."""
    from dataclasses import replace

    spec = replace(content.spec, min_zoom=11, max_zoom=12)
    return replace(content, spec=spec)


def test_incremental_rebuild_renders_only_what_changed(layers_copy, tmp_path, sources_dir):
    pytest.importorskip("mapnik")
    shrink_zooms(layers_copy)
    # deep enough that the maps span several blocks of 8×8 tiles (what is re-rendered at least)
    toml = layers_copy / "maps.toml"
    text = toml.read_text(encoding="utf-8").replace("zoom = [4, 5]", "zoom = [7, 8]")
    text = text.replace("zoom = [8, 9]", "zoom = [10, 11]")
    # a base layer (the tiles draw base geography) that only the overview and the Amur map draw
    (layers_copy / "base" / "channel.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {
            "type": "LineString", "coordinates": [[127.5, 49.9], [127.7, 50.0], [127.9, 50.1]]},
            "properties": {"id": "test-channel", "name": "A channel", "kind": "river", "rank": 1,
                           "sources": [{"ref": "gshhg", "where": "test"}]}}]}), encoding="utf-8")
    for name in ("overview", "amur"):
        head, tail = text.split(f"[maps.{name}]\n")
        tail = tail.replace('"base-rivers"', '"base-rivers", "test-channel"', 1)
        text = f"{head}[maps.{name}]\n{tail}"
    text += '\n[layers.test-channel]\nfile = "base/channel.geojson"\ntitle = "A channel"\n' \
        'title_in = { ru = "Протока", ja = "水路", zh = "水道" }\nkind = "base"\n'
    toml.write_text(text, encoding="utf-8")
    assert toml.read_text(encoding="utf-8").count('"test-channel"') == 2
    out = tmp_path / "output"
    args = ("build", "--layers", str(layers_copy), "--out", str(out), "--sources",
            str(sources_dir), "--no-static")

    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert _rendered(first.stderr)["amur"][0] > 0

    again = run_cli(*args)
    assert again.returncode == 0, again.stderr
    assert "is up to date" in again.stderr and not _rendered(again.stderr)

    def move_the_bend(collection):
        collection["features"][0]["geometry"]["coordinates"][1] = [127.75, 49.95]
    edit_layer(layers_copy, "base/channel.geojson", move_the_bend)
    edited = run_cli(*args)
    assert edited.returncode == 0, edited.stderr
    counts = _rendered(edited.stderr)
    assert set(counts) == {"overview", "amur"}  # the maps that draw the layer
    for name in ("overview", "amur"):
        rendered, total = counts[name]
        assert 0 < rendered < total / 2, name  # only the blocks around the bend
    # the other maps' single files hold the overview's widest zoom in their inset: made anew
    assert re.findall(r"^([a-z-]+): its single file has the overview's new inset", edited.stderr,
                      re.M) == ["khasan", "khalkhin-gol", "suifenhe"]
    # and all of it is what a fresh build makes, byte for byte
    fresh = tmp_path / "fresh"
    assert run_cli(*args[:4], str(fresh), *args[5:]).returncode == 0
    files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert [f for f in files if (fresh / f).read_bytes() != (out / f).read_bytes()] == []


def _rendered(log: str) -> dict[str, tuple[int, int]]:
    """{tileset: (rendered, total)} from the build's log lines."""
    found = re.findall(r"^Tiles ([a-z-]+): (\d+) tiles \((\d+) rendered", log, re.M)
    return {name: (int(rendered), int(total)) for name, total, rendered in found}


def test_retina_tiles_are_512_pixels(khasan_content):
    pytest.importorskip("mapnik")
    from PIL import Image

    from geo.render.style import style_xml
    from geo.render.tiles.tileset import render_chunk

    t = mercantile.tile(130.6081, 42.4486, 12)
    [(_, png)] = render_chunk(style_xml(khasan_content), [tuple(t)], scale=2)
    assert Image.open(io.BytesIO(png)).size == (512, 512)
