"""Metatiles and tiles known without rendering give the pictures per-tile rendering gives."""

from __future__ import annotations

import io
import random
import re

import pytest

from geo.geometry.tilegrid import map_tiles
from tests.conftest import copy_output, edit_layer, run_cli, shrink_zooms

pytest.importorskip("mapnik")


def pixels(image):
    """The pixels as tuples (Pillow 12 renamed ``getdata``)."""
    return getattr(image, "get_flattened_data", image.getdata)()


def rgba(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGBA")


@pytest.mark.parametrize("name", ["khasan", "amur"])
def test_metatile_slices_match_per_tile_rendering_for_lines_and_fills(contents, name):
    """Without labels (which a block places once for all its tiles), a slice of a block is the
    tile rendered alone: the same pixels, but for anti-aliasing (at most 8 of 255 per channel,
    and on under 1% of the pixels more than 2)."""
    from PIL import ImageChops

    from geo.render.style import style_xml
    from geo.render.tiles.tileset import block_of, render_block, render_chunk

    xml = re.sub(r"<TextSymbolizer[^>]*>\[name\]</TextSymbolizer>", "", style_xml(contents[name]))
    assert "TextSymbolizer" not in xml
    tiles = random.Random(1938).sample(map_tiles(contents[name].spec), 60)
    alone = dict(render_chunk(xml, [tuple(t) for t in tiles], image_format="png32"))
    by_block: dict = {}
    for t in tiles:
        by_block.setdefault(block_of(t), []).append((t.x, t.y))
    sliced = {}
    for block, wanted in by_block.items():
        sliced.update(render_block(xml, block, wanted, image_format="png32"))
    identical = 0
    for t in tiles:
        a, b = rgba(sliced[tuple(t)]), rgba(alone[tuple(t)])
        difference = ImageChops.difference(a, b)
        worst = max(high for _, high in difference.getextrema())
        off = sum(1 for pixel in pixels(difference) if max(pixel) > 2)
        assert worst <= 8 and off < 256 * 256 // 100, (t, worst, off)
        identical += a.tobytes() == b.tobytes()
    assert identical >= len(tiles) * 3 // 4  # most are byte for byte the same


@pytest.mark.parametrize("name", ["khasan", "amur"])
def test_known_tiles_are_what_the_renderer_draws(contents, name):
    from geo.render.style import style_xml
    from geo.render.tiles.tileset import render_chunk, solid_tiles

    content = contents[name]
    tiles = map_tiles(content.spec)
    known = solid_tiles(content, tiles)
    assert len(known) > len(tiles) // 2  # most of these maps is open land or sea
    sample = random.Random(1939).sample(sorted(known), 80)
    drawn = dict(render_chunk(style_xml(content), [tuple(t) for t in sample]))
    pictures: dict[str, bytes] = {}
    for t in sample:
        png = drawn[tuple(t)]
        assert rgba(png).getextrema() == tuple((v, v) for v, _ in rgba(png).getextrema()), t
        assert pictures.setdefault(known[t], png) == png, (t, known[t])  # one picture per fill
    unknown = [t for t in tiles if t not in known]
    lines = dict(render_chunk(style_xml(content), [tuple(t) for t in unknown[:: max(1, len(unknown) // 40)]]))
    assert any(len(set(pixels(rgba(p)))) > 1 for p in lines.values())  # the rest is not flat


def test_editing_an_incidents_text_touches_no_tile(small_built, layers_copy, tmp_path,
                                                   sources_dir):
    shrink_zooms(layers_copy, levels=3)  # a full build of these layers:
    out = copy_output(small_built(levels=3), tmp_path / "output")  # (test_relief's "plain")
    args = ("build", "--layers", str(layers_copy), "--out", str(out), "--sources",
            str(sources_dir))
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")
              if p.is_file() and p.suffix in {".png", ".svg", ".mbtiles"}}
    pages = {p.name: (p.read_bytes(), p.stat().st_ino) for p in out.glob("*.html")}

    def reword(collection):
        for feature in collection["features"]:
            if feature["properties"]["id"] == "kanchazu-1937":
                feature["properties"]["summary"] += " Reworded."
    edit_layer(layers_copy, "incidents.geojson", reword)
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert "Checked 1 layer files" in result.stderr  # the incidents alone: no other layer read
    assert "Built 2 of 5 maps" in result.stderr  # the two that show it; the others are linked
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in before}
    assert after == before  # every tile, archive and image is the same file, untouched
    changed = {p.name for p in out.glob("*.html") if p.read_bytes() != pages[p.name][0]}
    rewritten = {p.name for p in out.glob("*.html") if p.stat().st_ino != pages[p.name][1]}
    shown = {"overview.html", "amur.html",  # the maps that show the Kanchazu incident
             "overview.standalone.html", "amur.standalone.html"}  # and their single files
    assert changed == rewritten == shown
    # the pages made from the last build's geometry are those a full build makes
    fresh = tmp_path / "fresh"
    assert run_cli("build", "--layers", str(layers_copy), "--out", str(fresh), "--sources",
                   str(sources_dir)).returncode == 0
    for page in out.glob("*.html"):
        assert page.read_bytes() == (fresh / page.name).read_bytes(), page.name


@pytest.mark.parametrize("name", ["khasan", "amur"])
def test_tiles_and_print_fill_polygons_alone(contents, name):
    """A style's fill is drawn on polygons only (a filled line would close on a chord), as
    the page draws it (test_browser): every rule that fills is a rule for polygons."""
    import xml.etree.ElementTree as ET

    from geo.render.style import style_xml

    fills = 0
    for rule in ET.fromstring(style_xml(contents[name], with_data=False, sheet=True)).iter("Rule"):
        if rule.find("PolygonSymbolizer") is not None:
            fills += 1
            assert rule.findtext("Filter").strip() == "[mapnik::geometry_type] = polygon"
    assert fills
