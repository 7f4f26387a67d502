"""Open the real maps in headless Chromium from file://, with the network off."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from shapely.geometry import box, shape

from geo.inputs.maps_toml import read_project
from tests.conftest import LAYERS, edit_layer, real_layer, run_cli
from tests.test_build import MAPS, PAYLOAD

pytestmark = pytest.mark.browser

TOPMOST_MARKER = """() => {
  for (const m of document.querySelectorAll('.leaflet-marker-icon[data-incident]')) {
    const r = m.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x > 0 && y > 100 && x < innerWidth && y < innerHeight && document.elementFromPoint(x, y) === m)
      return [m.dataset.incident, x, y];
  }
  return null;
}"""


# Every incident the map draws, once each: on its own marker, or among the ids of the place
# marker it has gone into (whose count, the text a reader sees, must be how many it stands for).
SHOWN_INCIDENTS = """() => {
  const ids = [...document.querySelectorAll('.leaflet-marker-icon[data-incident]')]
    .map(m => m.dataset.incident);
  for (const place of document.querySelectorAll('.leaflet-marker-icon[data-place]')) {
    const members = place.dataset.place.split(' ');
    if (place.textContent.trim() !== String(members.length))
      throw new Error(`a place marker counts ${place.textContent} of ${members.length} incidents`);
    ids.push(...members);
  }
  return ids;
}"""


def shown_incidents(page) -> list[str]:
    """The ids of the incidents drawn on the map, each once, sorted."""
    ids = page.evaluate(SHOWN_INCIDENTS)
    assert len(ids) == len(set(ids)), ids  # no incident drawn twice
    return sorted(ids)


class OfflinePage:
    """A page with the network off, whose every request beyond the disk is recorded. (The
    offline context refuses them; a route would also block them, but at a round trip to
    Python for every tile, 0.1 s a page.)

    Closed, the page is kept, blank, for the next one the browser opens: a new page starts a
    renderer process, 0.9 s of the 1.3 s of CPU a map's load takes; one kept loads a map in
    0.4 s. A navigation starts the document and its script afresh, and the map pages keep no
    storage; what a page keeps across documents (its size, the reader's motion setting, the
    mouse) is set again here. A second page open at once is a new one."""

    _kept: dict[int, tuple] = {}  # id(browser) -> (context, page, holder), one blank page each

    def __init__(self, browser, width=1200, height=800, motion="reduce"):
        # (as a reader who asks for less motion: nothing on the page animates, and the tests
        # wait for no fade; test_a_reader_who_asks_for_less_motion_gets_none checks the default)
        self.browser = browser
        self.external, self.failed, self.errors, self.dialogs = [], [], [], []
        self.requested = []  # every URL the page asked for
        self.cancelled = []  # tiles of a zoom the map left before they loaded (they exist)
        kept = self._kept.pop(id(browser), None)
        if kept is None:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          reduced_motion=motion)
            context.set_offline(True)
            holder = [self]  # the OfflinePage the page's events are recorded for
            context.on("request", lambda r: holder[0]._request(r))
            page = context.new_page()
            page.on("requestfailed", lambda r: holder[0]._failed(r))
            page.on("pageerror", lambda e: holder[0].errors.append(str(e)))
            page.on("console", lambda m: m.type == "error" and holder[0].errors.append(m.text))
            page.on("dialog", lambda d: (holder[0].dialogs.append(d.message), d.dismiss()))
        else:
            context, page, holder = kept
            holder[0] = self
            page.set_viewport_size({"width": width, "height": height})
            page.emulate_media(reduced_motion=motion)
        self.context, self.page, self._holder = context, page, holder

    def _failed(self, request):
        """A request that failed. Leaflet cancels the tiles of a zoom it leaves while they
        load (the first view is fitted once the page has laid out its panels): such a
        request, for a file that is there, is no failure a reader would see."""
        url = request.url
        if request.failure == "net::ERR_ABORTED" and url.startswith("file:") \
                and Path(unquote(urlsplit(url).path)).is_file():
            self.cancelled.append(url)
        else:
            self.failed.append(url)

    def _request(self, request):
        self.requested.append(request.url)
        if not request.url.startswith(("file:", "data:", "blob:")):
            self.external.append(request.url)

    def open(self, path: Path, suffix: str = ""):
        """Open a map from disk; `suffix` adds a query or a fragment (``?embed=1``, ``#incident=…``)."""
        self.page.goto(path.resolve().as_uri() + suffix)
        # an incident's marker, or a place marker standing for several (test_reading.py)
        self.page.wait_for_selector(".leaflet-marker-icon[data-incident], .leaflet-marker-icon[data-place]",
                                    state="attached")
        return self.page

    def close(self):
        """Blank the page and keep it for the next (a new document: no map, no timer, no
        focus left; the mouse back where a new page has it), or close it if one is kept."""
        self._holder[0] = _Discard()
        try:
            if id(self.browser) in self._kept or self.page.is_closed():
                raise LookupError
            self.page.goto("about:blank")
            self.page.mouse.move(0, 0)
            self._kept[id(self.browser)] = (self.context, self.page, self._holder)
        except Exception:
            self.context.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Discard:
    """Where a kept blank page's late events go (a tile cancelled as it was blanked)."""

    def __init__(self):
        self.external, self.failed, self.errors, self.dialogs = [], [], [], []
        self.requested, self.cancelled = [], []

    _failed = OfflinePage._failed
    _request = OfflinePage._request


# folium's map variable (map_0000); found by name, since reading a property of every value of
# `window` throws in a map framed by a page of another origin (its `parent`)
MAP = "window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))]"
ZOOM = f"() => {MAP}.getZoom()"

# The map is still: loaded, no pan or zoom animation running, and no CSS transition running
# outside the tile layers (a popup fading in, a zoom); tiles may go on fading in as they load.
IDLE = f"""() => {{
  const m = {MAP};
  if (!m || !m._loaded || m._animatingZoom || (m._panAnim && m._panAnim._inProgress)) return false;
  return document.getAnimations().every(a => a.playState !== 'running' ||
    !!(a.effect && a.effect.target && a.effect.target.closest('.leaflet-tile-container')));
}}"""

# A popup is open and shown in full: faded in (reading the computed style starts the fade if
# it has not started yet) on a map that has stopped moving (the autopan is over); `title`, if
# given, is the text its heading must have.
POPUP_SHOWN = """title => {
  const popup = document.querySelector('.leaflet-popup');
  const h2 = popup && popup.querySelector('.leaflet-popup-content h2');
  if (!h2 || (title !== null && h2.textContent !== title)) return false;
  return getComputedStyle(popup).opacity === '1' && (%s)();
}""" % IDLE


def settled(page, script: str | None = None):
    """Once the page has loaded and the map is still: the script's first non-null result."""
    page.wait_for_load_state("load")
    page.wait_for_function(IDLE)
    return page.wait_for_function(script).json_value() if script else None


def screenshot(page, path: Path | None = None) -> bytes:
    """The viewport as PNG, as ``page.screenshot()`` takes it pixel for pixel, but encoded for
    speed (Chromium's optimizeForSpeed: 0.1 s at 1280 px, where Playwright's took 0.3 s, over
    the suite's hundred); written to ``path`` too, if given, for a person to look at."""
    session = page.context.new_cdp_session(page)
    data = base64.b64decode(session.send(
        "Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})["data"])
    session.detach()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def popup_shown(page, title: str | None = None) -> None:
    page.wait_for_function(POPUP_SHOWN, arg=title)


def incident_title(incident_id: str) -> str:
    collection = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))
    return next(f["properties"]["title"] for f in collection["features"]
                if f["properties"]["id"] == incident_id)


def placed_incidents(map_name: str) -> list[str]:
    """The ids of the incidents a map draws, sorted: unplaced incidents are listed, not drawn."""
    project = read_project(LAYERS)
    area = box(*project.maps[map_name].incident_extent())
    collection = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))
    return sorted(f["properties"]["id"] for f in collection["features"]
                  if f["geometry"] and area.intersects(shape(f["geometry"])))


def open_incident(view: OfflinePage, path: Path, incident_id: str):
    """Open a map at an incident by its deep link, as a reader following a link would: once its
    popup is shown, the incident is on its own marker (not in a place marker), which is focused."""
    page = view.open(path, f"#incident={incident_id}")
    popup_shown(page, incident_title(incident_id))
    page.locator(f'.incident-marker[data-incident="{incident_id}"]').focus()
    assert page.evaluate("() => document.activeElement.dataset.incident") == incident_id
    return page


# Every path Leaflet draws that is a line (not a polygon) but filled: Leaflet would close it
# with a chord and paint the lens between as an area (once a lake over the Khasan heights).
FILLED_LINES = f"""() => {{
  const bad = [];
  {MAP}.eachLayer(l => {{
    if (l instanceof L.Polyline && !(l instanceof L.Polygon) && l.options.fill)
      bad.push((l.feature && l.feature.properties.id) || JSON.stringify(l.getLatLngs()).slice(0, 80));
  }});
  return bad;
}}"""

LEGEND_SWATCHES = """() => [...document.querySelectorAll('.map-legend li')]
  .filter(li => li.firstElementChild && /^legend-(area|line|dot|height)/.test(li.firstElementChild.className))
  .map(li => [li.firstElementChild.className.split(' ')[0], li.textContent.trim()])"""


def expected_swatches(map_name: str) -> tuple[list[str], set[str]]:
    """The legend's swatches as the layers draw inside the map's own extent, read from the layer
    files themselves: a filled polygon is an area, a line or an outline a line, a height's point
    the height symbol, another point a dot
    (a country's or a lake's name point is a label, not a mark); a layer with nothing inside the
    extent has no entry, one with one kind of mark an entry under its title (or the name on the
    map of the one feature it draws there, if it has one); layers drawn alike
    (the same mark, colours, width and dashes) share one entry. Returns the sorted swatch
    classes and the titles that must stand in the legend."""
    from shapely.ops import unary_union

    from geo.render.style import HEAVY_WEIGHT, LEGEND_GROUPS, UNDER_SHARE

    project = read_project(LAYERS)
    spec = project.maps[map_name]
    area = box(*spec.extent)
    swatches, titles, alike = set(), set(), {}
    files = {name: real_layer(project.layers[name].file) for name in spec.layers}
    # a thin line that runs, inside the extent, only under the heavy lines is not seen there
    heavy = unary_union([shape(f["geometry"]) for name in spec.layers
                         if project.layers[name].kind != "incidents"
                         and project.layers[name].style.weight >= HEAVY_WEIGHT
                         for f in files[name]["features"] if f.get("geometry")
                         and "LineString" in f["geometry"]["type"]]).intersection(area)
    under = heavy.buffer((spec.extent[2] - spec.extent[0]) * UNDER_SHARE)
    for name in spec.layers:
        layer = project.layers[name]
        if layer.kind == "incidents" or not layer.legend:
            continue
        collection = files[name]
        marks, drawn = set(), []
        for f in collection["features"]:
            g = f.get("geometry")
            if not g or not area.intersects(shape(g)) or (
                    g["type"] == "Point" and f["properties"].get("kind") in ("country", "lake")):
                continue
            if "LineString" in g["type"] and layer.style.weight < HEAVY_WEIGHT and \
                    shape(g).intersection(area).difference(under).is_empty:
                continue
            kind = g["type"].replace("Multi", "")
            drawn.append(f)
            marks.add("legend-area" if kind == "Polygon" and layer.style.fill else
                      "legend-line" if kind in ("Polygon", "LineString") else
                      "legend-height" if f["properties"].get("kind") == "height" else "legend-dot")
        st = layer.style
        looks = {(mark, () if mark == "legend-height" else (st.color,) if mark == "legend-dot" else
                  (st.color, st.weight, st.dash, st.stripe, st.fill if mark == "legend-area" else None))
                 for mark in marks}
        swatches |= looks
        # (a layer of one kind of mark is named by its title, or by the one feature's name on
        # the map where it draws one that has one: the "Mongolian claim" on Khalkhin Gol)
        own = drawn[0]["properties"].get("label_name") if len(drawn) == 1 else None
        for look in looks:
            alike.setdefault(look, []).append((own or layer.title) if len(marks) == 1 else None)
    for (mark, look), named in alike.items():  # several dots, heights or striped rivers: one
        # entry under their group's name ("Places"; the Tumen and the Amur on the overview)
        striped = mark == "legend-line" and look[3]
        if len(named) == 1 or not (striped or mark in ("legend-dot", "legend-height")):
            titles |= set(named) - {None}
        elif striped:
            titles.add(LEGEND_GROUPS[2])
    return sorted(mark for mark, _ in swatches), titles


# Leaflet's methods that return their map, layer or popup, for chaining
CHAINABLE = ("setView", "setZoom", "zoomIn", "zoomOut", "fitBounds", "panTo", "panBy", "flyTo",
             "invalidateSize", "openPopup", "closePopup", "fire", "setLatLng", "addTo", "remove")


def scripts_ending_in_a_leaflet_object(source: str) -> list[str]:
    """The scripts in ``source`` that a test hands page.evaluate (or wait_for_function) whose
    value is a Leaflet object: Playwright copies its whole graph back, 0.5 s a call (the
    zoom in every view of every map cost the suite about 40 s)."""
    found = []
    for m in re.finditer(r"\.(?:evaluate|wait_for_function)\(\s*(f?)(\"[^\"\n]*\"|'[^'\n]*')", source):
        script = m.group(2)[1:-1]
        body = script.split("=>", 1)[1].strip() if "=>" in script else script
        if body.startswith("{{" if m.group(1) else "{") and not body.startswith("{MAP}"):
            continue  # a block: its value is what it returns
        if re.search(rf"\.(?:{'|'.join(CHAINABLE)})\((?:[^()]|\([^()]*\))*\)\s*;?\s*$", body):
            found.append(script)
    return found


def test_no_script_a_test_runs_returns_a_leaflet_object():
    call = "page." + "evaluate"  # (split: this file's own text is read below)
    assert scripts_ending_in_a_leaflet_object(
        f'{call}(f"() => {{MAP}}.zoomIn(1, {{{{animate: false}}}})")\n'
        f'{call}(f"{{MAP}}.setZoom({{MAP}}.getMinZoom(), {{{{animate: false}}}})")\n'
        f'{call}(f"() => {{{{ {{MAP}}.zoomIn(1); }}}}")\n{call}(f"() => {{MAP}}.getZoom()")') == [
        "() => {MAP}.zoomIn(1, {{animate: false}})", "{MAP}.setZoom({MAP}.getMinZoom(), {{animate: false}})"]
    for path in sorted(Path(__file__).parent.glob("*.py")):
        assert scripts_ending_in_a_leaflet_object(path.read_text(encoding="utf-8")) == [], path.name


@pytest.mark.parametrize("map_name", MAPS)
def test_map_works_offline(browser, built: Path, screenshots: Path, map_name: str):
    with OfflinePage(browser) as view:
        page = view.open(built / f"{map_name}.html")
        # each placed incident once: on its own marker or counted in a place marker
        assert shown_incidents(page) == placed_incidents(map_name) != []
        assert page.locator(".leaflet-overlay-pane path").count() > 0  # features drawn
        page.wait_for_selector("img.leaflet-tile-loaded")  # the basemap's tiles, from disk
        assert page.locator(".leaflet-control-scale").count() == 1
        assert page.locator(".leaflet-control-layers").count() == 1
        assert page.locator(".map-legend summary").inner_text() == "Legend"
        # a fill is for areas alone; the legend shows each layer as it is drawn
        assert page.evaluate(FILLED_LINES) == []
        legend, (swatches, titles) = page.evaluate(LEGEND_SWATCHES), expected_swatches(map_name)
        assert sorted(c for c, _ in legend) == swatches, legend
        # each under its title (those drawn alike in one entry, its titles one after another)
        assert all(any(title in text for _, text in legend) for title in titles), legend

        # a mouse click on a marker opens its popup, with the incident's title and sources
        incident_id, x, y = settled(page, TOPMOST_MARKER)
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        title = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))
        title = next(f["properties"]["title"] for f in title["features"]
                     if f["properties"]["id"] == incident_id)
        assert popup.locator("h2").inner_text() == title
        assert popup.locator(".popup-sources li").count() >= 1
        popup_shown(page, title)  # faded in, the autopan over
        # the marker's hover label, which a tap shows too, gives way to the popup
        assert page.locator(".leaflet-tooltip").count() == 0
        screenshot(page, screenshots / f"{map_name}.png")

        assert view.external == [] and view.failed == [] and view.errors == []


def test_keyboard_opens_a_marker(browser, built: Path):
    with OfflinePage(browser) as view:
        page = view.open(built / "khasan.html")
        marker = page.locator('.incident-marker[data-incident="khasan-1938-07-29"]')
        assert marker.get_attribute("role") == "button"
        assert "Japanese attack on Bezymyannaya" in marker.get_attribute("aria-label")
        marker.focus()
        page.keyboard.press("Enter")
        assert page.locator(".leaflet-popup-content h2").inner_text() == \
            "Japanese attack on Bezymyannaya"


def test_disputed_casualties_shown_side_by_side(browser, built: Path):
    with OfflinePage(browser) as view:
        page = open_incident(view, built / "khasan.html", "khasan-1938")
        rows = page.locator(".popup-casualties tr")
        collection = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))
        figures = next(f["properties"]["casualties"] for f in collection["features"]
                       if f["properties"]["id"] == "khasan-1938")
        assert len(figures) >= 5
        assert rows.count() == 1 + len(figures)  # a header, then one row per figure and source
        text = page.locator(".popup-casualties").inner_text()
        for figure in ("792", "960", "525", "526", "650"):
            assert figure in text
        # each figure's source by its bibliography entry (maps.toml), not by the file's name
        assert "Japanese military operations in the area of Lake Khasan" in text
        assert "002_25b5bb55c95d5796.txt" not in text
        # the figures fit the popup: none cut at its right edge (a reader's review found them cut)
        assert page.evaluate("""() => {
          const t = document.querySelector('.popup-casualties');
          return t.getBoundingClientRect().right <= t.closest('.leaflet-popup-content').getBoundingClientRect().right + 1;
        }""")


def test_injected_text_stays_text(browser, layers_copy: Path, tmp_path: Path, sources_dir: Path):
    def inject(c):
        for f in c["features"]:
            if f["properties"]["id"] == "khasan-1938-07-29":
                f["properties"].update(title=PAYLOAD, summary=PAYLOAD, place=PAYLOAD)
                f["properties"]["sources"][0]["where"] = PAYLOAD
    edit_layer(layers_copy, "incidents.geojson", inject)
    out = tmp_path / "output"
    result = run_cli("build", "--layers", str(layers_copy), "--out", str(out),
                     "--sources", str(sources_dir), "--no-tiles", "--no-static")  # text, not tiles
    assert result.returncode == 0, result.stderr
    with OfflinePage(browser) as view:
        page = view.open(out / "khasan.html")
        marker = page.locator('.incident-marker[data-incident="khasan-1938-07-29"]')
        marker.focus()
        page.keyboard.press("Enter")
        popup = page.locator(".leaflet-popup-content")
        assert popup.locator("h2").inner_text() == PAYLOAD
        assert PAYLOAD in popup.inner_text()
        assert popup.locator("img, script").count() == 0
        assert view.dialogs == [] and view.errors == []
    shutil.rmtree(out)


def test_content_security_policy_blocks_a_foreign_script(browser, built: Path, tmp_path: Path):
    """Each page allows only the scripts the build wrote: one slipped in later does not run."""
    page_text = (built / "khasan.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="Content-Security-Policy"' in page_text
    assert "default-src &#x27;none&#x27;" in page_text and "connect-src &#x27;none&#x27;" in page_text
    tampered = tmp_path / "khasan.html"
    tampered.write_text(page_text.replace("</html>", "<script>window.injected = 1</script></html>"),
                        encoding="utf-8")
    (tmp_path / "tiles").symlink_to(built / "tiles", target_is_directory=True)
    with OfflinePage(browser) as view:
        page = view.open(tampered)
        assert page.evaluate("() => window.injected") is None
        assert page.locator(".leaflet-marker-icon[data-incident]").count() > 0  # ours still runs


def test_deep_link_opens_the_incident_and_the_url_follows(browser, built: Path):
    with OfflinePage(browser) as view:
        page = view.open(built / "khasan.html", "#incident=khasan-1938-08-02")
        page.wait_for_selector(".leaflet-popup-content h2")
        assert page.locator(".leaflet-popup-content h2").inner_text() == \
            "Soviet attacks stall below the heights"
        row = page.locator('.incident-row[data-incident="khasan-1938-08-02"]')
        assert row.get_attribute("aria-current") == "true"  # the list follows the map

        page.goto((built / "khasan.html").resolve().as_uri() + "#14/42.45000/130.60000")
        page.wait_for_function(f"() => {{ const m = {MAP}; return m && m.getZoom() === 14; }}")
        settled(page)
        zoom = page.evaluate(ZOOM)
        assert zoom == 14
        center = page.evaluate(f"() => {{ const c = {MAP}.getCenter(); return [c.lat, c.lng]; }}")
        assert center == pytest.approx([42.45, 130.60], abs=1e-4)
        assert view.external == [] and view.errors == []


def test_story_mode_steps_in_date_order(browser, built: Path):
    incidents = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))["features"]
    area = box(*read_project(LAYERS).maps["suifenhe"].incident_extent())
    expected = sorted((f["properties"]["date"], f["properties"]["id"]) for f in incidents
                      if f["geometry"] and area.intersects(shape(f["geometry"])))
    with OfflinePage(browser) as view:
        page = view.open(built / "suifenhe.html")
        seen = []
        for _ in range(len(expected)):
            page.locator(".story-next").click()
            seen.append(page.evaluate("() => decodeURIComponent(location.hash)"))
        assert seen == [f"#incident={fid}" for _, fid in expected]
        page.locator(".story-prev").focus()
        page.keyboard.press("ArrowLeft")  # arrows step too
        assert page.evaluate("() => decodeURIComponent(location.hash)") == \
            f"#incident={expected[-2][1]}"


def test_list_row_opens_its_incident(browser, built: Path):
    with OfflinePage(browser) as view:
        page = view.open(built / "amur.html")
        # a row per incident of the map, in date order (ids break ties), none listed twice
        collection = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))
        listed = {f["properties"]["id"] for f in collection["features"]
                  if "amur" in (f["properties"].get("maps") or [])}  # unplaced, listed here
        dates = {f["properties"]["id"]: f["properties"]["date"] for f in collection["features"]}
        expected = sorted(set(placed_incidents("amur")) | listed, key=lambda i: (dates[i], i))
        rows = page.locator(".incident-list .incident-row")
        assert [rows.nth(i).get_attribute("data-incident") for i in range(rows.count())] == expected
        row = page.locator('.incident-list .incident-row[data-incident="kanchazu-1937"]')
        assert row.count() == 1
        row.click()
        popup_shown(page, "Kanchazu Island incident")
        assert page.locator(".leaflet-popup-content h2").inner_text() == "Kanchazu Island incident"


OVERLAPPING_CONTROLS = """() => {
  const boxes = [...document.querySelectorAll('.leaflet-control, .map-title')]
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
    .map(e => [e.className.split(' ').find(c => !c.startsWith('leaflet-control')) || e.className,
               e.getBoundingClientRect()]);
  const clash = [];
  boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, q]) => {
    if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom)
      clash.push(a + ' / ' + b);
  }));
  return clash;
}"""


@pytest.mark.parametrize("width", [320, 360, 768, 1200])
def test_controls_never_overlap(browser, built: Path, width: int):
    """From a phone to a desktop: no control covers another and nothing scrolls sideways."""
    with OfflinePage(browser, width=width, height=568 if width < 600 else 800) as view:
        page = view.open(built / "overview.html")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert page.evaluate(OVERLAPPING_CONTROLS) == []


def test_phone_width_and_embed_view(browser, built: Path, screenshots: Path):
    with OfflinePage(browser, width=360, height=640) as view:
        page = view.open(built / "khasan.html", "?embed=1")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        assert not page.locator(".map-title").is_visible()  # compact chrome
        assert page.locator(".incident-panel details").get_attribute("open") is None
        assert page.evaluate(OVERLAPPING_CONTROLS) == []
        screenshot(page, screenshots / "khasan-360-embed.png")


def test_embed_snippet_shows_the_map(browser, built: Path, tmp_path: Path):
    """The snippet from embed.html, pasted into an article page, shows the live map."""
    embed = (built / "embed.html").read_text(encoding="utf-8")
    snippet = html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", embed, re.S).group(1))
    article = tmp_path / "article.html"
    (tmp_path / "maps").symlink_to(built, target_is_directory=True)
    article.write_text(f"<!DOCTYPE html><html><body><h1>An article</h1>{snippet}</body></html>",
                       encoding="utf-8")
    with OfflinePage(browser) as view:
        page = view.page
        page.goto(article.resolve().as_uri())
        frame = page.frame_locator("iframe")
        frame.locator(".leaflet-marker-icon[data-incident]").first.wait_for(state="attached")
        assert frame.locator(".leaflet-marker-icon[data-incident]").count() > 0
        assert "<noscript><img" in snippet and 'alt="Map: ' in snippet
        assert view.external == []


def test_timeline_filters_markers_and_counts(browser, built: Path):
    incidents = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))["features"]
    up_to_1936 = sum(int(f["properties"]["date"][:4]) <= 1936 for f in incidents)
    placed = sorted(f["properties"]["id"] for f in incidents
                    if int(f["properties"]["date"][:4]) <= 1936 and f["geometry"])
    with OfflinePage(browser) as view:
        page = view.open(built / "overview.html")
        to = page.locator(".timeline input").nth(1)
        to.fill(str(1936 * 12 + 11))  # the overview's timeline steps by months: December 1936
        to.dispatch_event("input")
        # each placed incident of those years on the map (on its own marker or counted in a
        # place marker), and no other; the counts and the list include the unplaced too
        assert shown_incidents(page) == placed
        # (the slider's first step, April 1934, is open: it lets in the listed disputes of 1932)
        assert page.locator(".timeline-count").inner_text() == \
            f"1932 – December 1936: {up_to_1936} of {len(incidents)} incidents"
        assert page.locator(".map-title .incident-count").inner_text() == \
            f"{up_to_1936} incidents shown: {len(placed)} on the map, {up_to_1936 - len(placed)} listed " \
            "without a place."
        assert page.locator(".incident-list li:not([hidden])").count() == up_to_1936


def test_place_names_switch_language(browser, built: Path):
    with OfflinePage(browser) as view:
        page = view.open(built / "amur.html", "?lang=ja#incident=kanchazu-1937")
        page.wait_for_selector(".leaflet-popup-content h2")
        assert "乾岔子島 (Kanchazu Island, Amur river)" in page.locator(".leaflet-popup-content").inner_text()
        assert page.locator(".language-switch select").input_value() == "ja"
        # every name in another language is marked with its language, in the text it stands in
        spans = page.eval_on_selector_all(".leaflet-popup-content [lang]",
                                          "ns => ns.map(n => [n.lang, n.textContent])")
        assert ["ja", "乾岔子島"] in spans
        names = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))
        names = next(f["properties"]["place_names"] for f in names["features"]
                     if f["properties"]["id"] == "kanchazu-1937")
        for code, name in names.items():  # (the popup's own words are marked ja as well)
            assert [code, name] in spans


def test_page_scroll_does_not_zoom_until_the_map_is_focused(browser, built: Path):
    with OfflinePage(browser) as view:
        page = view.open(built / "khalkhin-gol.html")
        settled(page)
        before = page.evaluate(ZOOM)
        # which wheel events reached the page, and whether the map took them (a map that zooms
        # on the wheel cancels the event's default, the scrolling)
        page.evaluate("""() => { window.wheels = [];
          document.addEventListener('wheel', e => window.wheels.push(e.defaultPrevented),
                                    {passive: true}); }""")
        page.mouse.move(600, 400)
        page.mouse.wheel(0, -600)
        taken = page.wait_for_function("() => window.wheels.length && window.wheels").json_value()
        assert taken == [False] * len(taken)  # the wheel scrolls the article, not the map
        assert page.evaluate(f"() => {MAP}.scrollWheelZoom.enabled()") is False
        settled(page)
        assert page.evaluate(ZOOM) == before
        page.locator(".folium-map").focus()
        page.mouse.wheel(0, -600)
        page.wait_for_function(f"() => {MAP}.getZoom() > {before}")
        settled(page)
        assert page.evaluate(ZOOM) > before


CONTRAST = """(types) => {
  const rgba = c => { const n = c.match(/[\\d.]+/g).map(Number); return n.length > 3 ? n : n.concat([1]); };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const lum = c => c.slice(0, 3)
    .map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  // What lies under a control is a tile of any colour: take the worse of black and white.
  const backgrounds = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1 || e.matches('.leaflet-control, .leaflet-popup')) break;
    }
    return [[0, 0, 0, 1], [255, 255, 255, 1]]
      .map(base => layers.reduceRight((under, top) => over(top, under), base));
  };
  const failures = [];
  const check = (el, colour, what) => {
    for (const bg of backgrounds(el)) {
      const r = ratio(colour, bg);
      if (r < 4.5) failures.push(`${what}: ${r.toFixed(2)} (${colour} on ${bg.map(Math.round)})`);
    }
  };
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!text || !box.width || getComputedStyle(el).visibility === 'hidden') continue;
    const c = rgba(getComputedStyle(el).color);
    const what = `${el.className || el.tagName} "${el.textContent.trim().slice(0, 30)}"`;
    check(el, over(c, backgrounds(el)[1]), what);
  }
  const pane = document.querySelector('.leaflet-marker-pane');
  for (const type of types) {
    const marker = document.createElement('div');
    marker.className = 'leaflet-marker-icon incident-marker incident-' + type;
    marker.style.width = marker.style.height = '18px';
    pane.appendChild(marker);
    const letter = rgba(getComputedStyle(marker, '::after').color);
    // (a square or a diamond is painted by the icon's ::before)
    const own = rgba(getComputedStyle(marker).backgroundColor);
    const fill = own[3] > 0 ? own : rgba(getComputedStyle(marker, '::before').backgroundColor);
    if (ratio(letter, fill) < 4.5) failures.push(`${type} marker letter: ${ratio(letter, fill).toFixed(2)}`);
    marker.remove();
  }
  return failures;
}"""


def test_text_and_marker_letters_pass_wcag_aa_contrast(browser, built: Path):
    """4.5:1 for all text (controls over any tile, popups, the list) and each marker's letter."""
    schema = json.loads((Path(__file__).parents[1] / "geo/inputs/schemas/incident.schema.json").read_text())
    types = schema["properties"]["type"]["enum"]
    with OfflinePage(browser) as view:
        page = view.open(built / "khasan.html")
        # opened from the list: a popup with a casualty table, sources and links
        page.locator('.incident-list .incident-row[data-incident="khasan-1938"]').click()
        popup_shown(page, incident_title("khasan-1938"))
        marker = page.locator('.incident-marker[data-incident="khasan-1938"]')  # on its own
        marker.focus()
        assert page.evaluate("() => document.activeElement.dataset.incident") == "khasan-1938"
        assert page.evaluate(CONTRAST, types) == []


def test_popup_opens_clear_of_the_title_the_list_and_the_legend(browser, built: Path):
    """Autopan may leave the map's bounds while a popup is open; closing it pans back inside."""
    with OfflinePage(browser, width=1000, height=700) as view:
        page = view.open(built / "khalkhin-gol.html", "#incident=khalkhin-gol-1939")
        page.wait_for_selector(".leaflet-popup-content h2")
        popup_shown(page)  # the autopan animation is over
        title = page.locator(".map-title").bounding_box()
        assert page.locator(".leaflet-popup").bounding_box()["y"] >= title["y"] + title["height"]
        page.locator(".leaflet-popup-close-button").click()
        # closing restores the map's bounds (after the close, in a timeout) and pans back
        page.wait_for_function(f"() => !!{MAP}.options.maxBounds")
        settled(page)
        inside = f"""() => {{ const m = {MAP};
                    if (!m.options.maxBounds) return false;
                    const c = m.getCenter();  // already inside: panning inside moves nothing
                    m.panInsideBounds(m.options.maxBounds, {{animate: false}});
                    return m.getCenter().equals(c); }}"""
        assert page.evaluate(inside)

        page = view.open(built / "khasan.html", "#incident=khasan-1938-08-06")  # near the list
        page.wait_for_selector(".leaflet-popup-content h2")
        popup_shown(page, incident_title("khasan-1938-08-06"))
        panel = page.locator(".incident-panel").bounding_box()  # open at this width
        assert page.locator(".leaflet-popup").bounding_box()["x"] >= panel["x"] + panel["width"]

        legend = page.locator(".map-legend details")
        page = view.open(built / "khasan.html", "#incident=khasan-1938-07-29")  # above the legend
        page.wait_for_selector(".leaflet-popup-content h2")
        # the same page: only the hash changed, so wait for this incident's popup, not the last
        popup_shown(page, incident_title("khasan-1938-07-29"))
        assert legend.get_attribute("open") is None  # folded rather than covering the popup
        page.locator(".leaflet-popup-close-button").click()
        page.wait_for_function("() => document.querySelector('.map-legend details').open")
        assert legend.get_attribute("open") is not None


def test_a_reader_who_asks_for_less_motion_gets_none(browser, built: Path):
    """prefers-reduced-motion: the map neither fades its tiles in nor animates its zooms
    (WCAG 2.3.3); without it, Leaflet's animations stay."""
    options = f"() => {{ const o = {MAP}.options; return [o.fadeAnimation, o.zoomAnimation, o.markerZoomAnimation]; }}"
    for motion, expected in (("reduce", [False, False, False]), ("no-preference", [True, True, True])):
        with OfflinePage(browser, motion=motion) as view:
            page = view.open(built / "khasan.html")
            assert page.evaluate(options) == expected, motion


def painted_pixels(png: bytes, background: tuple[int, int, int], tolerance: int,
                   columns: tuple[int, int] | None = None) -> int:
    """How many pixels of a screenshot (of its ``columns`` only, if given) differ from the
    background by more than ``tolerance`` (summed over the channels)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)
    if columns:
        pixels = pixels[:, columns[0]:columns[1]]
    return int((np.abs(pixels - background).sum(axis=2) > tolerance).sum())


# Every incident type's marker, one to a 40 px cell on a card over the page in a colour no
# marker has (pure green: a white marker shows), drawn by the page's own styles (the icon's box
# is incident-layer.js's MARKER)
MARKER_CARD = """types => {
  const card = document.createElement('div');
  card.style.cssText = 'position:fixed;left:0;top:0;z-index:100000;background:#00ff00;display:flex;padding:0';
  types.forEach(t => {
    const cell = document.createElement('div');
    cell.style.cssText = 'position:relative;width:40px;height:40px;background:#00ff00';
    const icon = document.createElement('div');
    icon.className = 'leaflet-marker-icon incident-marker incident-' + t;
    icon.style.cssText = 'position:absolute;left:11px;top:11px;width:18px;height:18px';
    cell.appendChild(icon); card.appendChild(cell);
  });
  document.body.appendChild(card);
  return types.length * 40;
}"""


def test_every_marker_shape_covers_as_much_as_a_circle(browser, built: Path):
    """A reader weighs an incident by its marker: each type's marker covers about as much of
    the map as the circle (the battle's diamond, clipped inside the circle's 18 px box, covered
    162 px² against the circle's 254 and lost its ring). Painted pixels of each type's marker,
    drawn alone by the page's styles, within 15 % of the circle's."""
    from geo.incident_types import INCIDENT_TYPES

    types = [t.name for t in INCIDENT_TYPES]
    with OfflinePage(browser) as view:
        page = view.open(built / "khasan.html")
        settled(page)
        width = page.evaluate(MARKER_CARD, types)
        shot = page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": 40})
    painted = {t: painted_pixels(shot, (0, 255, 0), 30, columns=(i * 40, (i + 1) * 40))
               for i, t in enumerate(types)}
    circle = next(painted[t.name] for t in INCIDENT_TYPES if t.shape == "circle")
    assert circle > 200, painted
    assert all(0.85 <= n / circle <= 1.15 for n in painted.values()), (circle, sorted(painted.items(), key=lambda kv: -kv[1]))


def test_the_legend_draws_each_type_as_its_marker(browser, built: Path):
    """Each incident type's legend swatch is drawn in it, as the marker is: a square's or a
    diamond's shape painted by ::before once stood at the legend panel's corner (the swatch was
    not placed) and the swatches of the battle and the squares were blank. Painted pixels of
    each swatch within 30 % of the circle's."""
    from geo.incident_types import INCIDENT_TYPES

    with OfflinePage(browser, 1280, 800) as view:
        page = view.open(built / "khasan.html")
        settled(page)
        # (opened as a reader opens it: the view folds it where it would hide one of the map's
        # lines, as at 1280 px the end of the Manchukuo-Japanese claim)
        page.evaluate("() => { document.querySelector('.map-legend details').open = true; }")
        painted = {}
        for t in INCIDENT_TYPES:
            swatch = page.locator(f".map-legend .legend-marker.incident-{t.name}")
            if not swatch.count():
                continue
            box = swatch.bounding_box()
            shot = page.screenshot(clip={"x": box["x"] - 3, "y": box["y"] - 3,
                                         "width": box["width"] + 6, "height": box["height"] + 6})
            painted[t.name] = painted_pixels(shot, (255, 255, 255), 60)
    circle = max(n for name, n in painted.items()
                 if next(t for t in INCIDENT_TYPES if t.name == name).shape == "circle")
    assert len(painted) >= 5 and circle > 50, painted
    assert all(n >= 0.7 * circle for n in painted.values()), (circle, painted)
