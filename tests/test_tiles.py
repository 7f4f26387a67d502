"""The tile renderer: addressing, pixels, incremental rebuilds, archives, distributed runs."""

from __future__ import annotations

import io
import random
import re

import pytest

from geo import tilemath
from geo.build import load_and_check
from geo.combine import combine
from geo.project import to_frame
from tests.conftest import LAYERS, edit_layer, run_cli, shrink_zooms

mercantile = pytest.importorskip("mercantile")


@pytest.mark.parametrize("lon, lat, zoom", [(130.5945, 42.4465, 12), (118.7, 47.7, 9),
                                            (-179.99, 84.9, 3), (0.0, 0.0, 1), (179.99, -84.9, 18)])
def test_tile_addressing_matches_mercantile(lon, lat, zoom):
    ours = tilemath.tile(lon, lat, zoom)
    theirs = mercantile.tile(lon, lat, zoom)
    assert tuple(ours) == tuple(theirs)
    assert tilemath.bounds(ours) == pytest.approx(tuple(mercantile.bounds(theirs)), abs=1e-9)
    assert tilemath.xy_bounds(ours) == pytest.approx(tuple(mercantile.xy_bounds(theirs)), abs=1e-6)


def test_tile_round_trip_on_random_points():
    rng = random.Random(1938)
    for _ in range(500):
        lon, lat, z = rng.uniform(-180, 179.999), rng.uniform(-85, 85), rng.randint(0, 20)
        t = tilemath.tile(lon, lat, z)
        west, south, east, north = tilemath.bounds(t)
        assert west <= lon <= east and south <= lat <= north
        assert tuple(t) == tuple(mercantile.tile(lon, lat, z))


def test_tiles_of_an_extent_match_mercantile():
    extent = (130.45, 42.36, 130.75, 42.54)
    ours = {tuple(t) for t in tilemath.tiles(extent, range(11, 15))}
    theirs = {tuple(t) for t in mercantile.tiles(*extent, zooms=range(11, 15))}
    assert ours == theirs


@pytest.fixture(scope="module")
def khasan_content(sources_dir):
    project, layers, _ = load_and_check(LAYERS, sources_dir)
    frames = {layer.spec.name: to_frame(layer) for layer in layers}
    return combine(project.maps["khasan"], frames, project)


def pixel(png: bytes, lon: float, lat: float, t: tilemath.Tile) -> tuple[int, int, int]:
    from PIL import Image

    west, south, east, north = tilemath.xy_bounds(t)
    x, y = tilemath.xy(lon, lat)
    px = int((x - west) / (east - west) * 256)
    py = int((north - y) / (north - south) * 256)
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((px, py))


def test_lake_khasan_tile_shows_water_and_land(khasan_content):
    pytest.importorskip("mapnik")
    from geo import tiles

    lake = (130.6081, 42.4486)  # the lake's centre
    t = tilemath.tile(*lake, 12)
    [(_, png)] = tiles.render_chunk(tiles.style_xml(khasan_content), [tuple(t)])
    r, g, b = pixel(png, *lake, t)
    assert b > r + 30, (r, g, b)  # water: clearly blue
    r, g, b = pixel(png, 130.625, 42.425, t)  # 2 km south-east of the lake: land
    assert abs(r - g) < 20 and r > b, (r, g, b)  # land: pale beige


def test_mbtiles_round_trip(tmp_path, khasan_content):
    pytest.importorskip("mapnik")
    from geo import tiles

    report = tiles.render_tileset(_small(khasan_content), tmp_path, None, tiles.InlineExecutor())
    folder = tmp_path / "tiles" / "khasan"
    archive = tmp_path / "khasan.mbtiles"
    tiles.write_mbtiles(archive, folder, _small(khasan_content))
    stored = tiles.read_mbtiles(archive)
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
    from geo import tiles

    small = _small(khasan_content)
    tiles.render_tileset(small, tmp_path / "inline", None, tiles.InlineExecutor())
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        with tiles.make_executor(scheduler=cluster.scheduler_address) as executor:
            report = tiles.render_tileset(small, tmp_path / "dask", None, executor)
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
    out = tmp_path / "output"
    args = ("build", "--layers", str(layers_copy), "--out", str(out), "--sources",
            str(sources_dir), "--jobs", "2", "--no-static")

    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert _rendered(first.stderr)["amur"][0] > 0

    again = run_cli(*args)
    assert again.returncode == 0, again.stderr
    assert "is up to date" in again.stderr and not _rendered(again.stderr)

    def move_kanchazu(collection):
        collection["features"][1]["geometry"]["coordinates"] = [128.70, 49.60]
    edit_layer(layers_copy, "amur.geojson", move_kanchazu)
    edited = run_cli(*args)
    assert edited.returncode == 0, edited.stderr
    counts = _rendered(edited.stderr)
    assert set(counts) == {"overview", "amur"}  # the maps that draw the Amur layer
    for name in ("overview", "amur"):
        rendered, total = counts[name]
        assert 0 < rendered < total, name  # only the tiles around the island


def _rendered(log: str) -> dict[str, tuple[int, int]]:
    """{tileset: (rendered, total)} from the build's log lines."""
    found = re.findall(r"^Tiles ([a-z-]+): (\d+) tiles \((\d+) rendered", log, re.M)
    return {name: (int(rendered), int(total)) for name, total, rendered in found}


def test_retina_tiles_are_512_pixels(khasan_content):
    pytest.importorskip("mapnik")
    from PIL import Image

    from geo import tiles

    t = tilemath.tile(130.6081, 42.4486, 12)
    [(_, png)] = tiles.render_chunk(tiles.style_xml(khasan_content), [tuple(t)], scale=2)
    assert Image.open(io.BytesIO(png)).size == (512, 512)
