"""The basemap as a map (issue 11): no grey void at any window size, names on the map in the
reader's language that never overlap each other or a marker, rivers and towns from the data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import LAYERS
from tests.test_browser import IDLE, MAP, OfflinePage, settled
from tests.test_build import MAPS

VOID = (0xDC, 0xDC, 0xD8)  # style.BACKGROUND: beyond the data
WIDTHS = (320, 375, 768, 1200, 1920)

# every tile of the view loaded and faded in (Leaflet fades tiles in by their inline opacity)
TILES_LOADED = """() => {
  const tiles = [...document.querySelectorAll('.leaflet-tile-container img')];
  return tiles.length > 0 && tiles.every(t => t.complete && t.naturalWidth > 0 &&
    t.classList.contains('leaflet-tile-loaded') && (t.style.opacity === '' || +t.style.opacity === 1));
}"""

LABELS = """() => [...document.querySelectorAll('.map-label-on')].map(n => {
  const r = n.getBoundingClientRect();
  return {text: n.textContent, lang: n.lang, x: r.left, y: r.top, w: r.width, h: r.height};
})"""

MARKERS = """() => [...document.querySelectorAll('.leaflet-marker-icon')].map(n => {
  const r = n.getBoundingClientRect();
  return {x: r.left, y: r.top, w: r.width, h: r.height};
}).filter(r => r.w > 0)"""


def void_share(png: bytes) -> float:
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB")).reshape(-1, 3)
    return float((pixels == VOID).all(axis=1).mean())


def seen(page) -> bytes:
    """What the reader sees: a screenshot of the page (void under an opaque title bar or
    control is not seen, and neither is counted)."""
    return page.screenshot()


def overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and \
        a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def opened(view, path: Path, suffix: str = ""):
    page = view.open(path, suffix)
    settled(page)
    page.wait_for_function(TILES_LOADED)
    return page


@pytest.mark.browser
@pytest.mark.parametrize("map_name", MAPS)
def test_no_void_at_any_window_width(browser, built: Path, map_name: str):  # noqa: F811
    shares = {}
    for width in WIDTHS:
        height = 700 if width < 500 else 900
        with OfflinePage(browser, width, height) as view:
            page = opened(view, built / f"{map_name}.html")
            shares[width] = void_share(seen(page))
            # zoomed out as far as the map lets the reader, the view still shows basemap
            page.evaluate(f"() => {{ const m = {MAP}; m.setZoom(m.getMinZoom(), {{animate: false}}); }}")
            page.wait_for_function(IDLE)
            page.wait_for_function(TILES_LOADED)
            shares[f"{width} out"] = void_share(seen(page))
            # a tile load cut short by a zoom fails too: only a missing tile is a fault
            missing = [u for u in view.failed if not Path(unquote(urlsplit(u).path)).exists()]
            assert not missing, missing[:5]
    print(map_name, {k: round(v * 100, 2) for k, v in shares.items()})
    assert all(v < 0.02 for v in shares.values()), shares


@pytest.mark.browser
@pytest.mark.parametrize("map_name", MAPS)
@pytest.mark.parametrize("width", [375, 1200])
def test_labels_follow_the_language_and_never_collide(browser, built: Path, map_name: str,
                                                       width: int):  # noqa: F811
    texts = {}
    for lang in ("en", "ru", "ja", "zh"):
        with OfflinePage(browser, width, 700 if width < 500 else 800) as view:
            page = opened(view, built / f"{map_name}.html", f"?lang={lang}")
            labels = page.wait_for_function(f"() => {{ const l = ({LABELS})(); "
                                             "return l.length ? l : null; }").json_value()
            markers = page.evaluate(MARKERS)
            size = page.viewport_size
            for i, a in enumerate(labels):
                assert 0 <= a["x"] and a["x"] + a["w"] <= size["width"] + 0.5, a
                for b in labels[i + 1:]:
                    assert not overlap(a, b), (a, b)
                for m in markers:
                    assert not overlap(a, m), (a, m)
            # every name of the map, placed or waiting for room, is in the reader's language
            texts[lang] = sorted(page.eval_on_selector_all(".map-label", "ns => ns.map(n => n.textContent)"))
    for lang in ("ru", "ja", "zh"):
        assert texts[lang] != texts["en"], (lang, texts)


@pytest.mark.browser
def test_grodekovo_labelled_on_the_suifenhe_map(browser, built: Path):  # noqa: F811
    for width in (375, 1200):
        for lang, name in (("en", "Grodekovo"), ("ru", "Гродеково")):
            with OfflinePage(browser, width, 800) as view:
                page = opened(view, built / "suifenhe.html", f"?lang={lang}")
                texts = [label["text"] for label in page.evaluate(LABELS)]
                assert any(t.startswith(name) for t in texts), (width, lang, texts)


def test_countries_named_in_four_languages_and_cited():
    countries = json.loads((LAYERS / "countries.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in countries["features"]}
    assert names == {"USSR", "Manchukuo", "Mongolian People's Republic", "Korea (under Japanese rule)"}
    for f in countries["features"]:
        p = f["properties"]
        assert set(p["names"]) == {"ru", "ja", "zh"} and p["label"] and p["kind"] == "country"
        assert any("file" in s for s in p["sources"]) and any("ref" in s for s in p["sources"])


def test_major_rivers_drawn_as_water_by_class():
    from geo.config import Style
    from geo.render.style import WATER, _rules

    rivers = json.loads((LAYERS / "base" / "rivers.geojson").read_text(encoding="utf-8"))
    major = {f["properties"]["name"] for f in rivers["features"] if f["properties"]["rank"] == 1}
    assert {"Amur", "Ussuri", "Argun", "Tumen", "Khalkhin Gol"} <= major
    assert f'stroke="{WATER}"' in _rules(Style(), "base")
    assert "TextSymbolizer" not in _rules(Style(), "feature")  # names are the page's, not the tiles'


def test_towns_cite_geonames():
    towns = json.loads((LAYERS / "base" / "places.geojson").read_text(encoding="utf-8"))
    assert len(towns["features"]) >= 30
    for f in towns["features"]:
        assert f["properties"]["sources"][0]["ref"] == "geonames"


def test_schematic_outline_is_said_so():
    import tomllib

    toml = tomllib.loads((LAYERS / "maps.toml").read_text(encoding="utf-8"))
    assert "schematic" in toml["layers"]["khasan"]["title"]  # the legend line
    khasan = json.loads((LAYERS / "khasan.geojson").read_text(encoding="utf-8"))
    lake = next(f for f in khasan["features"] if f["properties"]["id"] == "lake-khasan")
    assert "schematic" in lake["properties"]["description"]  # the popup


def own_places(map_name: str) -> list[tuple[str, list[list[float]]]]:
    """(English name, [[lat, lon], ...]) of the places a map is about: the labelled points and
    lines (rivers, named along them) of its own layers (not base geography, not countries)
    inside its extent, that it names at some zoom."""
    from shapely.geometry import box, shape

    from geo.inputs.maps_toml import read_project

    project = read_project(LAYERS)
    spec = project.maps[map_name]
    names = []
    for name in spec.layers:
        layer = project.layers[name]
        if layer.kind in ("base", "incidents"):
            continue
        for f in json.loads((LAYERS / layer.file).read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            g = f["geometry"]
            if p.get("label") and p.get("kind") != "country" and g["type"] in ("Point", "LineString") \
                    and box(*spec.extent).intersects(shape(g)) \
                    and (g["type"] != "Point" or box(*spec.extent).contains(shape(g))) \
                    and p.get("min_zoom", 0) <= spec.max_zoom:
                points = [g["coordinates"]] if g["type"] == "Point" else g["coordinates"]
                names.append((p["name"], [[lat, lon] for lon, lat, *_ in points]))
    return sorted(names)


# What a reader sees at a map's first view, read once per map and width (the tests below only
# read it): labels, markers, legend, paths drawn, the main colours of the screenshot.
from geo.render.style import height_symbol  # noqa: E402

FIRST_VIEW = f"""places => {{
  const m = {MAP}, s = m.getSize();
  const box = m.getContainer().getBoundingClientRect();
  const labels = [...document.querySelectorAll('.map-label-on')].map(n => {{
    const r = n.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const top = document.elementFromPoint(cx, cy);
    return {{text: n.textContent, x: r.left, y: r.top, w: r.width, h: r.height, line: n.classList.contains('map-label-line'),
             centre: [cx - box.left, cy - box.top], height: n.offsetHeight,
             covered: !!(top && top.closest('.leaflet-marker-icon, .leaflet-control, .map-title'))}};
  }});
  const projected = places.map(path => path.map(c => m.latLngToContainerPoint(c)));
  const inView = projected.map(pts => pts.some(c => c.x >= 0 && c.y >= 0 && c.x <= s.x && c.y <= s.y));
  // how far a line's course inside the window spans (px, its farthest two points there), and
  // its name's width: the room a name set straight along it needs
  const inside = c => c.x >= 0 && c.y >= 0 && c.x <= s.x && c.y <= s.y;
  const room = projected.map(pts => {{ const In = pts.filter(inside);
    return Math.max(0, ...In.map(a => Math.max(...In.map(b => Math.hypot(b.x - a.x, b.y - a.y))))); }});
  const widths = Object.fromEntries([...document.querySelectorAll('.map-label')].map(n => [n.textContent, n.offsetWidth]));
  // how far (px) each label's centre lies from the line or point of the place of its name
  const off = (pts, q) => Math.min(...pts.map((a, i) => {{
    const b = pts[Math.min(i + 1, pts.length - 1)], dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    const t = l2 ? Math.max(0, Math.min(1, ((q[0] - a.x) * dx + (q[1] - a.y) * dy) / l2)) : 0;
    return Math.hypot(q[0] - a.x - t * dx, q[1] - a.y - t * dy); }}));
  labels.forEach(l => {{ l.off = projected.map(pts => off(pts, l.centre)); }});
  const visible = n => {{ const r = n.getBoundingClientRect(); return r.width > 0 &&
    r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight; }};
  const markers = [...document.querySelectorAll('.leaflet-marker-icon[data-incident]')]
    .filter(visible).map(n => n.dataset.incident).sort();
  const groups = [...document.querySelectorAll('.leaflet-marker-icon[data-place]')]
    .filter(visible).map(n => n.dataset.place.split(' ').sort().join(' ')).sort();
  const legend = [...document.querySelectorAll('.map-legend li')].map(li =>
    [(li.firstElementChild ? li.firstElementChild.className.split(' ')[0] : ''), li.textContent.trim()]);
  const paths = document.querySelectorAll('.leaflet-overlay-pane path').length;
  // the country names shown, their boxes and points, and the border lines (container px)
  const countries = (geoMaps.labelItems || []).filter(it => it.label.kind === 'country' &&
      it.node.classList.contains('map-label-on')).map(it => {{
    const r = it.node.getBoundingClientRect(), p = m.latLngToContainerPoint(it.latlng);
    return {{text: it.label.name, box: [r.left - box.left, r.top - box.top, r.width, r.height], at: [p.x, p.y]}}; }});
  const borders = (geoMaps.borderPaths || []).map(path => path.map(c => {{
    const p = m.latLngToContainerPoint(c); return [p.x, p.y]; }}));
  // every town dot the reader sees, and whether its own name is shown
  const towns = (geoMaps.labelItems || []).filter(it => it.spot && it.spot.classList.contains('map-dot-on'))
    .map(it => ({{text: it.label.name, named: it.node.classList.contains('map-label-on')}}));
  // every name shown beside a dot (a town's, a place's), and whether its point is in the window
  const dotted = (geoMaps.labelItems || []).filter(it => (it.label.kind === 'town' || it.label.kind === 'place') &&
      it.node.classList.contains('map-label-on')).map(it => {{
    const p = m.latLngToContainerPoint(it.latlng);
    return {{text: it.label.name, inside: p.x >= 0 && p.y >= 0 && p.x <= s.x && p.y <= s.y}}; }});
  // the heights' symbols: paths in the symbol's colour
  const heights = [...document.querySelectorAll('.leaflet-overlay-pane path')]
    .filter(p => p.getAttribute('fill') === '{height_symbol()["fill"]}').length;
  // the fill of each point drawn as a dot (a circle marker's path is two arcs)
  const dots = [...document.querySelectorAll('.leaflet-overlay-pane path')]
    .filter(p => / a[0-9.]+,[0-9.]+ 0 1,0 /.test(p.getAttribute('d') || '')).map(p => p.getAttribute('fill'));
  // the share of the locator inset's box its tiles cover (the rest is the grey beyond them)
  const inset = document.querySelector('.inset-map');
  let covered = null;
  if (inset && inset.offsetWidth) {{
    const b = inset.getBoundingClientRect();
    covered = [...inset.querySelectorAll('img.leaflet-tile-loaded')].reduce((sum, t) => {{
      const r = t.getBoundingClientRect();
      return sum + Math.max(0, Math.min(r.right, b.right) - Math.max(r.left, b.left)) *
                   Math.max(0, Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top)); }}, 0) / (b.width * b.height);
  }}
  return {{labels, inView, room, widths, markers, groups, legend, paths, countries, borders, towns, heights,
           dots, dotted, inset: covered, zoom: m.getZoom()}};
}}"""

_first_views: dict = {}


@pytest.fixture
def first_view(browser, built: Path, map_name: str, width: int) -> dict:
    """The map's first view at ``width``: what FIRST_VIEW reads, the window's size, and the
    share of each main colour of its screenshot (channels to 16 levels: antialiasing aside)."""
    key = (map_name, width)
    if key not in _first_views:
        from io import BytesIO

        import numpy as np
        from PIL import Image

        places = own_places(map_name)
        with OfflinePage(browser, width, 667 if width < 500 else 800) as view:
            page = opened(view, built / f"{map_name}.html")
            seen_now = page.evaluate(FIRST_VIEW, [path for _, path in places])
            pixels = np.asarray(Image.open(BytesIO(page.screenshot())).convert("RGB")).reshape(-1, 3)
            seen_now["size"] = page.viewport_size
        colours, counts = np.unique(pixels // 16 * 16 + 8, axis=0, return_counts=True)
        order = np.argsort(-counts)[:6]
        seen_now["colours"] = {"#%02x%02x%02x" % tuple(int(v) for v in colours[i]):
                               round(float(counts[i]) / len(pixels) * 100) for i in order
                               if counts[i] / len(pixels) >= 0.02}
        seen_now["places"] = [name for (name, _), inside
                              in zip(places, seen_now.pop("inView"), strict=True) if inside]
        room, widths = seen_now.pop("room"), seen_now.pop("widths")
        # a river whose course across the window spans less than three times its name is
        # named elsewhere: its name runs straight, clear of the places and markers on it (on
        # the overview the Amur's 96 px pass Blagoveshchensk and the Kanchazu marker); one
        # with room is named along it
        seen_now["lines"] = [name for (name, path), length in zip(places, room, strict=True)
                             if len(path) > 1]
        seen_now["places"] = [name for name in seen_now["places"] if name not in seen_now["lines"]
                              or room[[n for n, _ in places].index(name)] >= 3 * widths.get(name, 0)]
        for label in seen_now["labels"]:  # its distance to the place of its own name, if one
            label["off"] = dict(zip([name for name, _ in places], label["off"], strict=True)).get(label["text"])
        _first_views[key] = seen_now
    return _first_views[key]


@pytest.mark.browser
@pytest.mark.parametrize("map_name", MAPS)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_places_a_map_is_about_are_named_at_first_view(first_view, map_name: str, width: int):
    """Its own places outrank the incident markers: beside the dot, or further off with a
    leader line, each is named, inside the window, and no marker covers its name's centre
    (of those whose place the first view shows: a map framed without one is another fault).
    Its rivers are named along their lines (issue 21 §2)."""
    shown = {label["text"]: label for label in first_view["labels"]}
    places, size = first_view["places"], first_view["size"]
    missing = [n for n in places if n not in shown]
    covered = [n for n in places if n in shown and shown[n]["covered"]]
    assert places and missing == [] and covered == [], (missing, covered)
    for name in places:
        a = shown[name]
        assert a["x"] >= 0 and a["y"] >= 0 and a["x"] + a["w"] <= size["width"] + 0.5 \
            and a["y"] + a["h"] <= size["height"] + 0.5, a
        if name in first_view["lines"]:  # a river is named along its line, not near it
            assert a["line"] and a["off"] <= 1.5 * a["height"], a


def _turn(a, b, c) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _crossing(a, b, c, d) -> bool:
    """Segments ab and cd cross."""
    return _turn(a, b, c) * _turn(a, b, d) < 0 and _turn(c, d, a) * _turn(c, d, b) < 0


@pytest.mark.browser
@pytest.mark.parametrize("map_name", MAPS)
@pytest.mark.parametrize("width", [375, 1280])
def test_no_country_name_lies_across_a_border_or_beyond_one(first_view, map_name: str, width: int):
    """A country's name is read as the land it lies on: none is set across a border line (the
    period's, a claim, a modern one), and none is moved from its point to the far side of one
    (at 375 px the Khasan map moved MANCHUKUO across the Tumen into Korea)."""
    bad = []
    for country in first_view["countries"]:
        x, y, w, h = country["box"]
        centre = (x + w / 2, y + h / 2)
        edges = [((x, y), (x + w, y)), ((x + w, y), (x + w, y + h)),
                 ((x + w, y + h), (x, y + h)), ((x, y + h), (x, y))]
        for path in first_view["borders"]:
            for a, b in zip(path, path[1:], strict=False):
                inside = any(x <= px <= x + w and y <= py <= y + h for px, py in (a, b))
                if inside or any(_crossing(a, b, c, d) for c, d in edges):
                    bad.append(f"{country['text']} across a border at {a}")
                    break
                if _crossing(a, b, country["at"], centre):
                    bad.append(f"{country['text']} moved across a border from its point")
                    break
    assert bad == []


def country_points(map_name: str, zoom: int) -> dict[str, tuple[float, float]]:
    """The period's countries whose name points lie inside the map's extent, shown at ``zoom``."""
    from geo.inputs.maps_toml import read_project

    project = read_project(LAYERS)
    west, south, east, north = project.maps[map_name].extent
    found = {}
    for name in project.maps[map_name].layers:
        layer = project.layers[name]
        for f in json.loads((LAYERS / layer.file).read_text(encoding="utf-8"))["features"]:
            p, g = f["properties"], f["geometry"]
            if p.get("kind") == "country" and g and g["type"] == "Point" \
                    and west <= g["coordinates"][0] <= east and south <= g["coordinates"][1] <= north \
                    and p.get("min_zoom", 0) <= zoom <= p.get("max_zoom", 99):
                found[p["name"]] = tuple(g["coordinates"])
    return found


@pytest.mark.browser
@pytest.mark.parametrize("map_name", MAPS)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_first_view_names_the_countries_on_both_sides(first_view, map_name: str, width: int):
    """On a border-conflict map the reader tells the sides apart at a glance: each country whose
    name point lies in the map's extent is named at the first view (at a large zoom, where its
    point lies off the view, anywhere in view on its side of every border). On a phone, where a
    strip between two lines may hold no name, at least two sides are named (issue 21 §2: on
    Khasan at z14 none was)."""
    expected = set(country_points(map_name, first_view["zoom"]))
    shown = {c["text"] for c in first_view["countries"]}
    assert len(expected) >= 2 and shown <= expected, (expected, shown)
    if width >= 1280:
        assert shown == expected, expected - shown
    else:
        assert len(shown) >= 2, (expected, shown)


@pytest.mark.browser
@pytest.mark.parametrize("map_name", MAPS)
@pytest.mark.parametrize("width", [375, 1280])
def test_no_town_dot_without_its_name(first_view, map_name: str, width: int):
    """A dot on the map is read as a named place: the page draws a town's dot with its name and
    leaves both out where the name finds no room (4–6 unnamed dots on the overview, issue 21 §2)."""
    assert all(town["named"] for town in first_view["towns"]), first_view["towns"]
    # and no name stands for a dot outside the window (Spassk-Dalny, its dot off a phone's edge)
    assert [d["text"] for d in first_view["dotted"] if not d["inside"]] == []
    if map_name == "overview":
        assert len(first_view["towns"]) >= (5 if width < 500 else 15)


def test_tiles_and_print_draw_no_town_and_no_name_point(contents):
    """Tiles and print images (one Mapnik style) draw no town, no country's and no lake's name
    point: the page draws those, a town's dot with its name. Every point each map's style
    holds is read from its inline data."""
    from xml.etree import ElementTree

    from geo.render.style import style_xml

    for name, content in contents.items():
        base = {layer.spec.name for layer in content.layers if layer.spec.kind == "base"}
        for layer in ElementTree.fromstring(style_xml(content)).iter("Layer"):
            data = next((p.text for p in layer.iter("Parameter") if p.get("name") == "inline"),
                        None)
            if data is None:  # a raster (the relief): no point in it
                assert layer.get("name").startswith("relief-"), layer.get("name")
                continue
            kinds = {f["properties"].get("kind") for f in json.loads(data)["features"]
                     if f["geometry"]["type"] == "Point"}
            page = {"country", "lake"} | ({"town"} if layer.get("name") in base else set())
            assert not kinds & page, (name, layer.get("name"), kinds)
    towns = [f for layer in contents["overview"].layers if layer.spec.name == "base-places"
             for f in layer.collection["features"]]
    assert len(towns) >= 30  # (the page's to draw)


@pytest.mark.browser
@pytest.mark.parametrize("map_name", [name for name in MAPS if name != "overview"])
@pytest.mark.parametrize("width", [1280])
def test_the_locator_inset_is_a_map_that_fills_its_box(first_view, map_name: str, width: int):
    """The inset locates the map in the theatre: the overview's land, sea and borders fill its
    box (it was 76 % flat grey around a 64 px patch, issue 21 §5)."""
    assert first_view["inset"] is not None and first_view["inset"] >= 0.97, first_view["inset"]


def heights_of(content) -> list[dict]:
    return [f for layer in content.layers if layer.spec.kind != "base"
            for f in layer.collection["features"] if f.get("geometry")
            and f["geometry"]["type"] == "Point" and f["properties"].get("kind") == "height"]


@pytest.mark.browser
@pytest.mark.parametrize("map_name", MAPS)
@pytest.mark.parametrize("width", [1280])
def test_the_page_draws_every_height_as_the_height_symbol(first_view, contents, map_name: str,
                                                          width: int):
    """A height is drawn as a height, not as a dot in its layer's colour (the Khasan heights
    were blue circles in the lake's colour and read as ponds): each is a path in the height
    symbol's colour, and the legend shows the symbol where the map has heights."""
    heights = heights_of(contents[map_name])
    assert first_view["heights"] == len(heights)
    # and a place's dot is filled, as its legend swatch is (the rule that keeps lines unfilled
    # once emptied every dot into a ring)
    assert "none" not in first_view["dots"] and None not in first_view["dots"], first_view["dots"]
    legend = dict((text, mark) for mark, text in first_view["legend"])
    assert (legend.get("Heights") == "legend-height") == bool(heights), legend


def test_tiles_and_print_draw_every_height_as_the_height_symbol(contents):
    """Mapnik (tiles and print) draws the Khasan heights in the symbol's colour, and no point in
    the colour of their layer."""
    from io import BytesIO

    import mapnik
    from PIL import Image

    from geo.geometry.tilegrid import mercator_xy
    from geo.render.style import load_style, style_xml

    khasan = contents["khasan"]
    heights = heights_of(khasan)
    assert len(heights) >= 3
    fill = height_symbol()["fill"]
    m = mapnik.Map(400, 400)
    load_style(m, style_xml(khasan))
    for layer in m.layers:
        layer.active = layer.name == "khasan"
    for f in heights:
        lon, lat = f["geometry"]["coordinates"][:2]
        x, y = mercator_xy(lon, lat)
        m.zoom_to_box(mapnik.Box2d(x - 100, y - 100, x + 100, y + 100))  # 0.5 m a pixel
        image = mapnik.Image(400, 400)
        mapnik.render(m, image)
        centre = Image.open(BytesIO(image.to_string("png32"))).convert("RGB").crop((188, 188, 212, 212))
        colours = {"#%02x%02x%02x" % c for _, c in centre.getcolors(1000)}
        assert fill in colours and "#2166ac" not in colours, (f["properties"]["id"], colours)


def test_a_striped_line_is_drawn_as_its_legend_shows_it(contents):
    """A layer whose style has a stripe (the railways) is drawn by Mapnik, on every map that
    draws it, as a dark solid line with light dashes inside it, and its swatches in the page's
    and the print legend are drawn the same way."""
    from io import BytesIO

    import mapnik
    from PIL import Image
    from shapely.geometry import LineString, box

    from geo.geometry.tilegrid import mercator_xy
    from geo.render.elements import leaflet_style
    from geo.render.print_legend import _swatch
    from geo.render.print_parts import Sizes
    from geo.render.style import load_style, style_xml

    drawn = 0
    for name, content in contents.items():
        striped = [layer for layer in content.layers if layer.spec.style.stripe]
        for layer in striped:
            style = layer.spec.style
            inside = next((line for f in layer.collection["features"]
                           if not (line := LineString(f["geometry"]["coordinates"])
                                   .intersection(box(*content.spec.extent))).is_empty), None)
            if inside is None:  # (no railway near Lake Khasan or on the Khalkhin Gol)
                continue
            lon, lat = inside.interpolate(0.5, normalized=True).coords[0]
            m = mapnik.Map(96, 96)
            load_style(m, style_xml(content))
            m.background = mapnik.Color(0, 0, 0, 0)
            for other in m.layers:
                other.active = other.name == layer.spec.name
            x, y = mercator_xy(lon, lat)
            m.zoom_to_box(mapnik.Box2d(x - 960, y - 960, x + 960, y + 960))  # 20 m a pixel
            image = mapnik.Image(96, 96)
            mapnik.render(m, image)
            pixels = [(r + g + b) / 3 for r, g, b, a in
                      Image.open(BytesIO(image.to_string("png32"))).convert("RGBA").getdata()
                      if a > 200]
            dark, light = sum(v < 100 for v in pixels), sum(v > 170 for v in pixels)
            assert dark > 20 and light > 10, (name, layer.spec.name, dark, light)
            drawn += 1
            assert leaflet_style(style)["stripe"]["color"] == style.stripe
            assert _swatch(style, "line", 10, 10, Sizes(1000)).count("<line") == 2
    assert drawn >= 3  # the overview, suifenhe and amur draw railways


def test_a_river_that_is_a_border_is_drawn_over_the_border_line(contents):
    """Where a river the map is about is itself the border (the Amur), the river is drawn over
    the border's line, which shows as its edges: drawn under it, the Amur was a grey line with a
    thin blue rim and the legend's blue line was nowhere to be seen."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    checked = 0
    for name, content in contents.items():
        order = [layer.spec.name for layer in content.layers]
        for layer in content.layers:
            if layer.spec.kind != "feature":
                continue
            later = unary_union([shape(f["geometry"]) for other in content.layers
                                 if other.spec.name == "borders"
                                 and order.index(other.spec.name) > order.index(layer.spec.name)
                                 for f in other.collection["features"] if f.get("geometry")])
            for f in layer.collection["features"]:
                if f["properties"].get("kind") == "river" and f.get("geometry"):
                    river = shape(f["geometry"])
                    covered = river.intersection(later.buffer(0.002)).length / river.length
                    assert covered < 0.5, (name, f["properties"]["id"], round(covered, 2))
                    checked += 1
    assert checked >= 3


PICTURES = Path(__file__).resolve().parent / "pictures"


@pytest.mark.browser
@pytest.mark.parametrize("map_name", MAPS)
@pytest.mark.parametrize("width", [375, 1280])
def test_the_first_view_is_the_approved_picture(first_view, map_name: str, width: int):
    """The picture contract: what a reader sees at the first view (names shown, markers and
    groups, legend entries, paths drawn, zoom, the share of each main colour) is the committed
    tests/pictures/MAP-WIDTH.json, which a person approved. Any change fails with the
    difference; when it is intended, `MAPS_PICTURES=write bash scripts/test.sh -k picture`
    rewrites the files, and the diff is reviewed with the change (as snapshot testing does)."""
    import difflib

    picture = {"zoom": first_view["zoom"],
               "labels": sorted(label["text"] for label in first_view["labels"]),
               "markers": first_view["markers"], "groups": first_view["groups"],
               "legend": [f"{kind}: {text}" for kind, text in first_view["legend"]],
               "paths": first_view["paths"],
               "colours": first_view["colours"]}
    path = PICTURES / f"{map_name}-{width}.json"
    text = json.dumps(picture, ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("MAPS_PICTURES") == "write":
        PICTURES.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    approved = json.loads(path.read_text(encoding="utf-8"))
    # a main colour's share may move by a point or two (a label's antialiasing); all else exact
    shares_moved = {c for c in set(approved["colours"]) | set(picture["colours"])
                    if abs(approved["colours"].get(c, 0) - picture["colours"].get(c, 0)) > 2}
    same = {k: v for k, v in picture.items() if k != "colours"} == \
        {k: v for k, v in approved.items() if k != "colours"} and not shares_moved
    assert same, "".join(difflib.unified_diff(
        path.read_text(encoding="utf-8").splitlines(True), text.splitlines(True),
        f"{path.name} (approved)", f"{path.name} (now)"))
