"""Relief from a DEM: a synthetic two-hill GeoTIFF at the Khasan heights, hillshade pixels,
contours around both summits, spot heights, and maps without a DEM left exactly as they were."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point, Polygon, shape

from tests.conftest import edit_layer, run_cli, shrink_zooms

# the tests of the two builds run on one pytest-xdist worker, which makes them once
ON_ONE_WORKER = pytest.mark.xdist_group("relief-builds")

# The heights as 002_25b5bb55c95d5796.txt (line 272) gives them.
ZAOZERNAYA = (130 + 35.67 / 60, 42 + 26.79 / 60)
BEZYMYANNAYA = (130 + 35.42 / 60, 42 + 27.77 / 60)
HILLS = ((ZAOZERNAYA, 150.0), (BEZYMYANNAYA, 130.0))  # summit, height above the plain
PLAIN_M, SIGMA_M = 20.0, 350.0
ZOOMS = 3  # khasan: 11 to 13


def make_dem(path: Path, hills=HILLS, west=130.50, north=42.52, res=0.0003, width=600,
             height=500) -> None:
    """A GeoTIFF (EPSG:4326, float32) of Gaussian hills on a plain at PLAIN_M metres."""
    import rasterio
    from rasterio.transform import from_origin

    from geo.render.relief import _own_proj

    lon = west + (np.arange(width) + 0.5) * res
    lat = north - (np.arange(height) + 0.5) * res
    lons, lats = np.meshgrid(lon, lat)
    z = np.full(lons.shape, PLAIN_M)
    for (x, y), peak in hills:
        dx = (lons - x) * 111_320 * np.cos(np.radians(y))
        dy = (lats - y) * 110_574
        z += peak * np.exp(-(dx ** 2 + dy ** 2) / (2 * SIGMA_M ** 2))
    with _own_proj(), rasterio.open(path, "w", driver="GTiff", width=width, height=height,
                                    count=1, dtype="float32", crs="EPSG:4326",
                                    transform=from_origin(west, north, res, res)) as out:
        out.write(z.astype("float32"), 1)


def add_dem(layers_dir: Path, dem: str = "relief/khasan-dem.tif") -> None:
    """Give the khasan map a `dem`, and a layer of its own with a spot height whose elevation a
    source gives (a layer no other map draws, so that only khasan may change)."""
    (layers_dir / dem).parent.mkdir(exist_ok=True)
    make_dem(layers_dir / dem)
    (layers_dir / "relief" / "heights.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [130.62, 42.47]},
            "properties": {"id": "test-height-194", "name": "Test height", "kind": "spot-height",
                           "names": {"ru": "тестовая высота"}, "label": True, "elevation": 194.0,
                           "sources": [{"file": "002_25b5bb55c95d5796.txt", "where": "line 322"}],
                           "elevation_source": {"file": "002_25b5bb55c95d5796.txt",
                                                "where": "line 322: height 194.0"}}}]}),
        encoding="utf-8")
    path = layers_dir / "maps.toml"
    text = path.read_text(encoding="utf-8")
    table = "[maps.khasan]\n"
    assert text.count(table) == 1
    text = text.replace(table, f'{table}dem = "{dem}"\n')
    lines = text.splitlines()
    start = lines.index("[maps.khasan]")
    at = next(i for i in range(start, len(lines)) if lines[i].startswith("layers = ["))
    lines[at] = lines[at].replace('"incidents"]', '"test-heights", "incidents"]')
    assert lines[at].endswith('"test-heights", "incidents"]')
    text = "\n".join(lines) + "\n"
    text += ('\n[layers.test-heights]\nfile = "relief/heights.geojson"\ntitle = "Spot heights"\n'
             'title_in = { ru = "Отметки высот", ja = "標高点", zh = "高程点" }\n'
             'kind = "feature"\n')
    path.write_text(text, encoding="utf-8")


# (a session fixture: pytest-xdist runs other modules' tests between these, and a module
# fixture would be made again after each of them)
@pytest.fixture(scope="session")
def builds(tmp_path_factory, sources_dir, small_layers, small_built) -> dict[str, Path]:
    """Two builds of the layers with simplified base geography at few zooms: "plain" (the
    session's, which the killed-build tests start from too), and "relief" (khasan with a DEM)."""
    import shutil

    root = tmp_path_factory.mktemp("relief")
    layers = root / "layers"
    shutil.copytree(small_layers, layers)
    shrink_zooms(layers, ZOOMS)
    add_dem(layers)
    result = run_cli("build", "--layers", str(layers), "--out", str(root / "output"),
                     "--sources", str(sources_dir))
    assert result.returncode == 0, result.stderr
    return {"plain": small_built(levels=ZOOMS), "relief": root / "output", "relief-layers": layers}


def _content(layers: Path, sources: Path, map_name: str = "khasan"):
    from geo.geometry import contents
    from geo.inputs.check import load_and_check

    project, loaded, _ = load_and_check(layers, sources)
    return contents(project, loaded, [map_name])[0]


def _pixels(tile: Path) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(tile.read_bytes())).convert("L"), dtype=float)


def _tile_pixel(lon: float, lat: float, zoom: int) -> tuple[tuple[int, int, int], int, int]:
    import mercantile

    t = mercantile.tile(lon, lat, zoom)
    left, bottom, right, top = mercantile.xy_bounds(t)
    x, y = mercantile.xy(lon, lat)
    return (t.z, t.x, t.y), int((x - left) / (right - left) * 256), int((top - y) / (top - bottom) * 256)


def _patch(output: Path, lon: float, lat: float, zoom: int) -> float:
    """Median grey (0..255) of the 9×9 pixels around a point in the built khasan tiles (the
    median: a contour line across the patch does not move it)."""
    (z, x, y), px, py = _tile_pixel(lon, lat, zoom)
    pixels = _pixels(output / "tiles" / "khasan" / str(z) / str(x) / f"{y}.png")
    assert 4 <= px < 252 and 4 <= py < 252, "the patch must lie inside one tile"
    return float(np.median(pixels[py - 4:py + 5, px - 4:px + 5]))


def _offset(point, east_m: float, north_m: float):
    lon, lat = point
    return (lon + east_m / (111_320 * np.cos(np.radians(lat))), lat + north_m / 110_574)


@ON_ONE_WORKER
@pytest.mark.parametrize("summit", [ZAOZERNAYA, BEZYMYANNAYA], ids=["zaozernaya", "bezymyannaya"])
def test_slopes_facing_away_from_the_light_are_darker(builds, summit):
    """The light comes from the north-west: the west slope (facing it) is lighter than the
    south-east slope, and that slope darker than the open plain, in the tile's pixels. (Due
    east of Bezymyannaya the simplified base geography runs a river, which is drawn over the
    relief, as water is.)"""
    zoom = 13
    away = (0.8 * SIGMA_M, -0.6 * SIGMA_M)  # south-east of the summit
    west = _patch(builds["relief"], *_offset(summit, -SIGMA_M, 0), zoom)
    east = _patch(builds["relief"], *_offset(summit, *away), zoom)
    plain_relief = _patch(builds["relief"], 130.53, 42.40, zoom)
    plain = _patch(builds["plain"], 130.53, 42.40, zoom)
    assert east < west - 15, (east, west)
    assert east < plain_relief - 10, (east, plain_relief)
    assert abs(plain_relief - plain) <= 2  # the flat is left as it was: the shading is clear
    before = _patch(builds["plain"], *_offset(summit, *away), zoom)
    assert east < before - 10  # the relief darkened that slope


def test_hillshade_raster_faces_the_light():
    """The shading itself: on one hill, the north-west slope light, the south-east slope dark,
    and the plain untouched (alpha 0)."""
    from rasterio.transform import from_origin

    from geo.render.relief import hillshade_rgba

    res = 0.0003
    y, x = np.mgrid[0:101, 0:101]
    z = PLAIN_M + 150 * np.exp(-(((x - 50) * 24.6) ** 2 + ((y - 50) * 33.2) ** 2) / (2 * SIGMA_M ** 2))
    rgba = hillshade_rgba(z, from_origin(130.5, 42.5, res, res), geographic=True)
    assert rgba[3, 0, 0] == 0  # the flat: clear
    nw, se = (35, 35), (65, 65)  # (row, column): row 35 is north of the summit
    assert rgba[0][nw] == 255 and rgba[3][nw] > 0  # white, on the slope facing the light
    assert rgba[0][se] < 100 and rgba[3][se] > 0  # dark, on the slope facing away


@ON_ONE_WORKER
def test_contours_ring_both_summits(builds, sources_dir):
    """Closed contour lines encircle each summit, and at the higher levels one ring holds one
    summit only (two hills, not one blob)."""
    from geo.render.relief import relief_for

    relief = relief_for(_content(builds["relief-layers"], sources_dir))
    assert relief.interval == 10.0
    rings = {}  # elevation -> closed rings
    for feature in relief.contours["features"]:
        geometry = shape(feature["geometry"])
        parts = getattr(geometry, "geoms", [geometry])
        rings[feature["properties"]["elevation"]] = [
            Polygon(p.coords) for p in parts if p.is_ring or p.coords[0] == p.coords[-1]]
        assert feature["properties"]["label"] == f"{feature['properties']['elevation']:g} m"
    assert sorted(f["properties"]["index"] for f in relief.contours["features"]).count(1) == 3
    for summit, other in ((ZAOZERNAYA, BEZYMYANNAYA), (BEZYMYANNAYA, ZAOZERNAYA)):
        around = [level for level, polygons in rings.items()
                  if any(p.contains(Point(summit)) and not p.contains(Point(other)) for p in polygons)]
        assert len(around) >= 8, (summit, sorted(rings))
        peak = PLAIN_M + dict(HILLS)[summit]
        assert peak - 20 <= max(around) < peak  # the highest rings just below the summit
        # each ring is a level line: the synthetic surface is at that level along it
        ring = next(p for p in rings[max(around)] if p.contains(Point(summit)))
        assert ring.area > 0 and Point(summit).distance(ring.exterior) < 0.003


@ON_ONE_WORKER
def test_spot_height_written_with_its_figure(builds, sources_dir):
    """A spot height keeps its cited elevation: a height of the map's own layers (drawn by the
    page, not the tiles) carries the figure in its name, on the page and in print, in every
    language; the tiles draw the relief."""
    from geo.render.names import map_labels
    from geo.render.style import drawn, style_xml

    content = _content(builds["relief-layers"], sources_dir)
    layer = next(layer for layer in content.layers if layer.spec.name == "test-heights")
    heights = [f for f in drawn(layer)["features"] if "elevation" in f["properties"]]
    assert [f["properties"]["elevation"] for f in heights] == [194.0]
    named = [label for label in map_labels(content) if label["name"].endswith(" 194 m")]
    assert len(named) == 1 and all(text.endswith(" 194 m") for text in named[0]["names"].values())
    xml = style_xml(content)
    assert "test-heights" not in xml and "relief-hillshade" in xml and "relief-contours" in xml


def test_elevation_needs_its_source(layers_copy, sources_dir):
    edit_layer(layers_copy, "khasan.geojson",
               lambda c: c["features"][1]["properties"].update(elevation=157))
    result = run_cli("check", "--layers", str(layers_copy), "--sources", str(sources_dir))
    assert result.returncode == 1 and "elevation_source" in result.stdout + result.stderr


@ON_ONE_WORKER
def test_maps_without_a_dem_are_unchanged(builds):
    """Every file of the maps without a DEM is byte for byte what the build without any DEM
    wrote (pages, single files, tiles, images); khasan's tiles and images change where the
    relief is."""
    plain, relief = builds["plain"], builds["relief"]
    files = sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file())
    others = [f for f in files if "khasan" not in str(f) and str(f) != ".manifest.json"]
    assert len(others) > 1000
    different = {str(f) for f in files
                 if not (relief / f).is_file() or (relief / f).read_bytes() != (plain / f).read_bytes()}
    assert not different & {str(f) for f in others}, sorted(different & {str(f) for f in others})[:10]
    assert "khasan.png" in different and "tiles/khasan/manifest.json" in different
    old = json.loads((plain / "tiles" / "khasan" / "manifest.json").read_text())["tiles"]
    new = json.loads((relief / "tiles" / "khasan" / "manifest.json").read_text())["tiles"]
    (z, x, y), _, _ = _tile_pixel(*ZAOZERNAYA, 13)
    assert old[f"{z}/{x}/{y}"] != new[f"{z}/{x}/{y}"]


@ON_ONE_WORKER
def test_editing_the_dem_rebuilds_only_its_map(builds, sources_dir):
    from geo.config import BuildOptions
    from geo.output.manifest import map_digests

    layers = builds["relief-layers"]
    options = BuildOptions().fingerprint()
    before = map_digests(layers, sources_dir, options)
    dem = layers / "relief" / "khasan-dem.tif"
    saved = dem.read_bytes()
    try:
        make_dem(dem, hills=((ZAOZERNAYA, 160.0), (BEZYMYANNAYA, 130.0)))
        after = map_digests(layers, sources_dir, options)
    finally:
        dem.write_bytes(saved)
    assert {name for name in before if before[name] != after[name]} == {"khasan"}


def test_a_missing_dem_is_reported(layers_copy, sources_dir):
    path = layers_copy / "maps.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "[maps.khasan]\n", '[maps.khasan]\ndem = "nowhere/dem.tif"\n'), encoding="utf-8")
    result = run_cli("check", "--layers", str(layers_copy), "--sources", str(sources_dir))
    said = result.stdout + result.stderr
    assert result.returncode == 1
    assert "maps.khasan.dem" in said and "DEM file not found" in said


def test_hillshades_unused_for_a_week_leave_the_cache(tmp_path):
    import os
    import time

    from geo.render.relief import CACHE_DAYS, _prune

    old, recent = tmp_path / "old.tif", tmp_path / "recent.tif"
    old.write_bytes(b"x"), recent.write_bytes(b"x")
    week_ago = time.time() - (CACHE_DAYS + 1) * 86400
    os.utime(old, (week_ago, week_ago))
    _prune(tmp_path, time.time() - CACHE_DAYS * 86400)
    assert not old.exists() and recent.exists()


# ---------------------------------------------------------------- the world's relief (no DEM)

def test_the_world_relief_is_made_once_a_machine_and_read_after(tmp_path, monkeypatch):
    """Every process of a build that draws a map made its world relief anew (1.5 s for the
    overview): it is kept in the cache, and what is read back is what was made, to the bit."""
    from geo.render import relief

    monkeypatch.setattr(relief, "CACHE", tmp_path)
    extent = (130.0, 42.0, 131.5, 43.0)
    relief.read_world_relief.cache_clear()
    made = relief.read_world_relief(extent)
    relief.read_world_relief.cache_clear()
    with monkeypatch.context() as m:
        m.setattr(relief, "_make_world_relief", lambda e: pytest.fail("made again"))
        kept = relief.read_world_relief(extent)
    assert (kept.shading, kept.digest) == (made.shading, made.digest)
    assert kept.area.equals_exact(made.area, 0) and kept.area.wkb == made.area.wkb
    # a cache that lost its image, or holds a torn note, is made anew
    made.shading.unlink()
    relief.read_world_relief.cache_clear()
    assert relief.read_world_relief(extent) == made and made.shading.is_file()
    for note in tmp_path.glob("world-*.json"):
        note.write_text("{", encoding="utf-8")
    relief.read_world_relief.cache_clear()
    assert relief.read_world_relief(extent).digest == made.digest
    relief.read_world_relief.cache_clear()


def _tile_colours(folder: Path, zoom: int):
    """{(r, g, b): pixels} over every tile of a zoom in a map's tile folder."""
    from collections import Counter

    from PIL import Image

    counts: Counter = Counter()
    for tile in sorted((folder / str(zoom)).glob("*/*.png")):
        image = Image.open(tile).convert("RGB")
        counts.update(dict((c, n) for n, c in image.getcolors(256 * 256)))
    return counts


@pytest.mark.parametrize("zoom", [5, 6])
def test_the_overview_shows_the_relief(built, zoom):
    """Out of the box (no DEM), the overview's tiles shade the mountains: no one colour covers
    a quarter of a zoom's land (the land's one flat fill covered nearly all of it before), and
    the sea keeps its own flat colour: the relief is drawn over the land alone. (Pixels beyond
    the data, which the page never shows, are not counted.)"""
    from geo.render.style import BACKGROUND

    counts = _tile_colours(built / "tiles" / "overview", zoom)
    sea = (0xC9, 0xDC, 0xEA)
    void = tuple(int(BACKGROUND[i:i + 2], 16) for i in (1, 3, 5))
    land = {colour: n for colour, n in counts.items() if colour not in (sea, void)}
    colour, most = max(land.items(), key=lambda item: item[1])
    assert most / sum(land.values()) < 0.25, ("#%02x%02x%02x" % colour, most / sum(land.values()))
    assert counts[sea] / sum(counts.values()) > 0.05  # the Sea of Japan and the Bohai, unshaded


def test_the_world_relief_is_shading_where_the_land_rises(contents):
    """The shading follows the land: where the image's mountains are (the Greater Khingan, the
    Sikhote-Alin, the Changbai), the raster's cells are far more often shaded than on the
    Manchurian plain and the Hulunbuir steppe; it is drawn at the small zooms alone, and not
    at all on the maps whose every zoom is larger."""
    import rasterio

    from geo.render.relief import WORLD_OPACITY, read_world_relief, world_opacity, world_relief_for

    overview = contents["overview"]
    world = world_relief_for(overview)
    assert world is not None and world_relief_for(contents["khasan"]) is None
    with rasterio.open(world.shading) as raster:
        alpha = raster.read(4).astype(float)
        rows_cols = lambda west, south, east, north: tuple(  # noqa: E731
            slice(*sorted(v)) for v in zip(raster.index(west, north), raster.index(east, south), strict=False))

        def shaded(box):
            return float((alpha[rows_cols(*box)] > 40).mean())

    mountains = [(120.5, 47.0, 122.5, 50.0), (135.0, 45.0, 137.0, 47.0), (127.5, 41.5, 129.0, 42.5)]
    plains = [(123.5, 45.5, 125.5, 46.8), (118.0, 48.5, 119.5, 49.5)]
    assert min(shaded(b) for b in mountains) > 3 * max(shaded(b) for b in plains), (
        [shaded(b) for b in mountains], [shaded(b) for b in plains])
    assert world_opacity(max(WORLD_OPACITY)) > 0 and world_opacity(max(WORLD_OPACITY) + 1) == 0
    assert read_world_relief(overview.spec.padded_extent()) is world  # read once per extent


def test_relief_can_be_turned_off(layers_copy, sources_dir):
    """``relief = false`` in a map's table leaves the world's relief out of its style."""
    from geo.geometry import contents
    from geo.inputs.check import load_and_check
    from geo.render.style import style_xml

    path = layers_copy / "maps.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[maps.overview]\n", "[maps.overview]\nrelief = false\n"),
                    encoding="utf-8")
    project, loaded, _ = load_and_check(layers_copy, sources_dir)
    overview = contents(project, loaded, ["overview"])[0]
    assert "relief-world" not in style_xml(overview)
    path.write_text(text, encoding="utf-8")
    project, loaded, _ = load_and_check(layers_copy, sources_dir)
    assert "relief-world" in style_xml(contents(project, loaded, ["overview"])[0])


@pytest.mark.browser
def test_the_page_shows_the_relief_beyond_the_tiles_zooms(browser, built):
    """Beyond the zooms its tiles are shaded at (to 6), the overview's page lays the world's
    relief over them (relief-overlay.js) at zooms 7 and 8: on the Greater Khingan and the Changbai
    no one colour covers a quarter of the view's middle, and without the overlay one would (the land's
    flat fill covered 84 % of the tiles at zoom 8). Where the tiles carry the relief, and from
    zoom 9, where its 2' cells only smear, the overlay is not shown."""
    from io import BytesIO

    from PIL import Image

    from tests.test_browser import OfflinePage, screenshot, settled
    from tests.views import TILES_LOADED

    def top_share(page) -> float:  # the window's middle 400 px: the mountains the view is on
        image = Image.open(BytesIO(screenshot(page))).convert("RGB").crop((440, 200, 840, 600))
        counts = image.getcolors(400 * 400)
        return max(n for n, _ in counts) / (image.width * image.height)

    shown = "() => getComputedStyle(document.querySelector('.leaflet-geoRelief-pane')).display !== 'none'"
    with OfflinePage(browser, 1280, 800) as view:
        for zoom, lat, lon in [(7, 47.5, 121.5), (8, 47.0, 121.5), (8, 42.0, 128.2)]:
            page = view.open(built / "overview.html", f"?embed=1#{zoom}/{lat}/{lon}")
            settled(page)
            page.wait_for_function(TILES_LOADED)
            assert page.evaluate(shown), zoom
            with_relief = top_share(page)
            pane = "document.querySelector('.leaflet-geoRelief-pane').style.display"
            page.evaluate(f"() => {{ {pane} = 'none'; }}")
            without = top_share(page)
            page.evaluate(f"() => {{ {pane} = ''; }}")  # (the next view may be this page's)
            assert with_relief < 0.25 and without > 1.5 * with_relief, (zoom, lat, lon, with_relief, without)
        for name, zoom in [("overview", 6), ("overview", 9), ("amur", 10)]:
            page = view.open(built / f"{name}.html", f"?embed=1#{zoom}/49.5/127.5")
            settled(page)
            assert not page.evaluate(shown), (name, zoom)
