"""The single-file page (<map>.standalone.html) works copied alone, and a page that lost its
tiles says so. Headless Chromium from file://, network off (as tests/test_browser.py)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.test_browser import MAP, OfflinePage, screenshot, settled
from tests.test_build import MAPS

pytestmark = pytest.mark.browser

# Every tile image of the page (the map's and the inset's) has loaded and faded in: Leaflet
# fades a tile in over 200 ms by its inline opacity, and a screenshot taken before that shows
# the land and sea half blended with the grey behind them (as tests/test_basemap.py waits).
ALL_TILES_DONE = """() => {
  const tiles = [...document.querySelectorAll('img.leaflet-tile')];
  return tiles.length > 0 && tiles.every(t => t.complete && t.classList.contains('leaflet-tile-loaded')
    && (t.style.opacity === '' || +t.style.opacity === 1));
}"""
LAND = (0xf2, 0xef, 0xe4)  # base-land fill in layers/maps.toml


def _shares(png: bytes) -> tuple[float, float]:
    """(land, water) shares of a screenshot's pixels: land is the land fill, water any clearly
    blue pixel (sea, lakes, rivers as water)."""
    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    land = (np.abs(a - LAND).sum(axis=2) <= 6).mean()
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    water = ((b - r >= 25) & (b >= 170) & (g >= r)).mean()
    return float(land), float(water)


@pytest.mark.parametrize("map_name", MAPS)
def test_single_file_works_alone(browser, built: Path, tmp_path: Path, map_name: str):  # noqa: F811
    """Copied alone into an empty folder: no request fails, nothing is fetched from outside,
    and the basemap shows land and water (from the tiles inside the file)."""
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(built / f"{map_name}.standalone.html", alone)
    with OfflinePage(browser) as view:
        page = view.page
        page.goto((alone / f"{map_name}.standalone.html").as_uri())
        settled(page)
        page.wait_for_function(ALL_TILES_DONE)
        assert view.failed == [] and view.external == [] and view.errors == []
        sources = page.eval_on_selector_all("img.leaflet-tile", "ts => ts.map(t => t.src.slice(0, 22))")
        assert sources and set(sources) == {"data:image/png;base64,"}
        assert page.locator(".tile-notice").count() == 0
        # the tiles' colours: the relief laid over them from zoom 7 tints the high land
        page.evaluate("() => document.querySelectorAll('.leaflet-geoRelief-pane')"
                      ".forEach(p => { p.style.display = 'none'; })")
        land, water = _shares(screenshot(page))
        assert land > 0.15, land
        assert water > 0.005, water


def test_single_file_holds_each_distinct_tile_once(built: Path):
    text = (built / "khasan.standalone.html").read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="geo-maps-tiles">')
    data = json.loads(text[text.index(">", start) + 1:text.index("</script>", start)])
    assert len(data["images"]) == len(set(data["images"]))
    tiles = list((built / "tiles" / "khasan").rglob("*.png"))
    grid = [i for zoom in data["maps"]["khasan"].values() for i in zoom[3] if i >= 0]
    assert len(grid) == len(tiles)  # every tile of the map is in the table
    assert len(data["images"]) < len(tiles) / 2  # and most are repeats, stored once
    assert set(data["maps"]) == {"khasan", "overview"}  # the inset's tiles too


def test_page_without_its_tiles_says_so(browser, built: Path, tmp_path: Path):  # noqa: F811
    """The normal page copied without its tiles/ folder shows a visible notice over the map."""
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(built / "khasan.html", alone)
    with OfflinePage(browser) as view:
        page = view.page
        page.goto((alone / "khasan.html").as_uri())
        notice = page.wait_for_selector(".tile-notice", state="visible")
        text = notice.inner_text()
        assert text.startswith("The basemap tiles were not found next to this page")
        assert "khasan.standalone.html" in text
        assert notice.get_attribute("role") == "alert"
        box, map_box = notice.bounding_box(), page.locator(".folium-map").bounding_box()
        assert map_box["x"] <= box["x"] and box["x"] + box["width"] <= map_box["x"] + map_box["width"]
        page.get_by_role("button", name="Show the map without its basemap").click()
        page.wait_for_selector(".tile-notice", state="detached")


def test_page_with_its_tiles_shows_no_notice(browser, built: Path):  # noqa: F811
    with OfflinePage(browser) as view:
        page = view.page
        page.goto((built / "khasan.html").resolve().as_uri())
        settled(page)
        page.wait_for_function(ALL_TILES_DONE)
        # (a tile request Leaflet cancels as the first view settles counts as failed: not asked)
        assert page.eval_on_selector_all("img.leaflet-tile", "ts => ts.every(t => t.naturalWidth > 0)")
        assert page.locator(".tile-notice").count() == 0


@pytest.mark.parametrize("map_name", ["overview", "khasan"])
def test_zooming_in_at_the_edge_asks_for_no_tile_the_build_did_not_make(browser, built: Path,
                                                                         map_name: str):
    """A reader who pans to an edge of the map and zooms in: each zoom has tiles over its own
    extent only (config.padded_extent), and the page asks for none beyond it, so it never says
    its tiles are missing while they are all there (a reader's review found it did, on every
    map)."""
    with OfflinePage(browser) as view:
        page = view.open(built / f"{map_name}.html")
        settled(page)
        for dx, dy in [(4000, 0), (-8000, 0), (0, 4000), (0, -8000)]:
            page.evaluate(f"() => {{ const m = {MAP}; m.panBy([{dx}, {dy}], {{animate: false}});"
                          " m.zoomIn(1, {animate: false}); }")
            settled(page)
            page.evaluate(f"() => {{ {MAP}.zoomOut(1, {{animate: false}}); }}")
            settled(page)
        asked = [url for url in view.requested if "/tiles/" in url]
        assert asked, "no tile was asked for: the test did not move the map"
        missing = [url for url in asked if not Path(unquote(urlsplit(url).path)).is_file()]
        assert missing == []
        assert page.locator(".tile-notice").count() == 0
        assert view.failed == [] and view.errors == []
