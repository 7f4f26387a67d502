"""What a reader sees when a map opens, read once per map, window and language and shared by
the tests that only read it (labels, markers, colours, void), so that each view is loaded once
in a session instead of once per test. Tests of one map run on one pytest-xdist worker
(`per_map`), which holds its views."""

from __future__ import annotations

import functools
import json
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import LAYERS, real_layer
from tests.test_browser import IDLE, MAP, OfflinePage, screenshot, settled
from tests.test_build import MAPS

# The windows a reader opens the maps in: width -> height (a small and a common phone, a
# tablet, a laptop, a desktop)
WINDOWS = {320: 568, 375: 667, 768: 1024, 1280: 800, 1920: 1080}
PHONE, DESKTOP = 375, 1280


def per_map(names=MAPS):
    """The maps as parameters whose tests run on one worker, where its views are loaded once."""
    return [pytest.param(name, marks=pytest.mark.xdist_group(f"map-{name}")) for name in names]


VOID = (0xDC, 0xDC, 0xD8)  # style.BACKGROUND: beyond the data

# every tile of the view loaded and faded in (Leaflet fades tiles in by their inline opacity)
TILES_LOADED = """() => {
  const tiles = [...document.querySelectorAll('.leaflet-tile-container img')];
  return tiles.length > 0 && tiles.every(t => t.complete && t.naturalWidth > 0 &&
    t.classList.contains('leaflet-tile-loaded') && (t.style.opacity === '' || +t.style.opacity === 1));
}"""

# Each name shown: its upright box on screen, and its own corners (a river's name is turned
# along its line: its upright box is larger than the text)
LABELS = """() => [...document.querySelectorAll('.map-label-on')].map(n => {
  const r = n.getBoundingClientRect(), m = /rotate\\(([-0-9.e]+)rad\\)/.exec(n.style.transform || '');
  const a = m ? +m[1] : 0, cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const w = n.offsetWidth / 2, h = n.offsetHeight / 2, c = Math.cos(a), s = Math.sin(a);
  const corners = [[-w, -h], [w, -h], [w, h], [-w, h]].map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c]);
  return {text: n.textContent, lang: n.lang, x: r.left, y: r.top, w: r.width, h: r.height, corners};
})"""

ICONS = """() => [...document.querySelectorAll('.leaflet-marker-icon')].map(n => {
  const r = n.getBoundingClientRect();
  return {x: r.left, y: r.top, w: r.width, h: r.height};
}).filter(r => r.w > 0)"""

# Every marker icon (incidents and place markers) whose centre is on screen: pairs of icons
# that intersect, and icons whose centre shows something else (a panel, the title bar).
MARKERS_APART = """() => {
  const icons = [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
    .filter(e => getComputedStyle(e).visibility !== 'hidden')
    .map(e => [e, e.dataset.incident || 'place of ' + e.textContent, e.getBoundingClientRect()]);
  const overlaps = [], covered = [];
  icons.forEach(([a, name, r], i) => icons.slice(i + 1).forEach(([b, other, q]) => {
    if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom)
      overlaps.push(name + ' / ' + other);
  }));
  // targets under 24 px whose centres stand nearer than 24 px (WCAG 2.2, 2.5.8: a 24 px
  // circle centred on each may meet no other target or circle)
  const tooClose = [];
  icons.forEach(([a, name, r], i) => icons.slice(i + 1).forEach(([b, other, q]) => {
    const small = Math.min(r.width, r.height, q.width, q.height) < 24;
    const d = Math.hypot((r.left + r.right - q.left - q.right) / 2, (r.top + r.bottom - q.top - q.bottom) / 2);
    if (small && d < 24) tooClose.push(name + ' / ' + other + ' ' + d.toFixed(1) + ' px');
  }));
  let onScreen = 0;
  for (const [node, name, r] of icons) {
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    onScreen += 1;
    const top = document.elementFromPoint(x, y);
    if (!top || !node.contains(top))
      covered.push(name + ' under ' + (top ? (top.closest('.leaflet-control, header') || top).className : '?'));
  }
  return {overlaps, covered, onScreen, tooClose};
}"""


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
        for f in real_layer(layer.file)["features"]:
            p = f["properties"]
            g = f["geometry"]
            if p.get("label") and p.get("kind") != "country" and g["type"] in ("Point", "LineString") \
                    and box(*spec.extent).intersects(shape(g)) \
                    and (g["type"] != "Point" or box(*spec.extent).contains(shape(g))) \
                    and p.get("min_zoom", 0) <= spec.max_zoom:
                points = [g["coordinates"]] if g["type"] == "Point" else g["coordinates"]
                names.append((p.get("label_name", p["name"]), [[lat, lon] for lon, lat, *_ in points]))
    # a line in stretches that meet (the Amur above and below Blagoveshchensk) is one line
    joined: list = []
    for name, path in names:
        before = next((p for n, p in joined if n == name and len(path) > 1 and p[-1] == path[0]), None)
        if before is None:
            joined.append((name, path))
        else:
            before += path[1:]
    return sorted(joined)
@functools.cache
def place_short_names(map_name: str) -> dict[str, str]:
    """{shorter name: name} of the places a map is about that have one (``short_name``), which
    the map sets where the name finds no room ("Zaozernaya", of "Zaozernaya (Changkufeng)")."""
    from geo.inputs.maps_toml import read_project

    project = read_project(LAYERS)
    return {f["properties"]["short_name"]: f["properties"].get("label_name", f["properties"]["name"])
            for name in project.maps[map_name].layers if project.layers[name].kind not in ("base", "incidents")
            for f in real_layer(project.layers[name].file)["features"]
            if f["properties"].get("short_name") and f["properties"].get("kind") != "country"}


@functools.cache
def own_claims(map_name: str) -> list[list[list[float]]]:
    """The courses ([[lat, lon], ...]) of the claimed borders a map draws (in its border
    layers: the base geography, 15 MB, is not read)."""
    from geo.inputs.maps_toml import read_project

    project = read_project(LAYERS)
    return [[[lat, lon] for lon, lat, *_ in f["geometry"]["coordinates"]]
            for name in project.maps[map_name].layers if project.layers[name].kind == "border"
            for f in real_layer(project.layers[name].file)["features"]
            if f["properties"].get("kind") == "claimed-border" and f["geometry"]["type"] == "LineString"]


# What a reader sees at a map's first view, read once per map and width (the tests below only
# read it): labels, markers, legend, paths drawn, the main colours of the screenshot.
from geo.render.style import height_symbol  # noqa: E402

FIRST_VIEW = f"""([places, extent, claimPaths]) => {{
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
  // (a name turned along a strip too narrow for it level: its own corners too)
  const countries = (geoMaps.labelItems || []).filter(it => it.label.kind === 'country' &&
      it.node.classList.contains('map-label-on')).map(it => {{
    const r = it.node.getBoundingClientRect(), p = m.latLngToContainerPoint(it.latlng);
    const turn = /rotate\\(([-0-9.e]+)rad\\)/.exec(it.node.style.transform || ''), a = turn ? +turn[1] : 0;
    const cx = r.left + r.width / 2 - box.left, cy = r.top + r.height / 2 - box.top;
    const w = it.node.offsetWidth / 2, h = it.node.offsetHeight / 2, c = Math.cos(a), s = Math.sin(a);
    const corners = [[-w, -h], [w, -h], [w, h], [-w, h]].map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c]);
    // (its middle and the ends of its middle line, as lng, lat)
    const along = [[cx, cy], [cx - w * c, cy - w * s], [cx + w * c, cy + w * s]]
      .map(q => m.containerPointToLatLng(q)).map(q => [q.lng, q.lat]);
    return {{text: it.label.name, box: [r.left - box.left, r.top - box.top, r.width, r.height], at: [p.x, p.y],
             corners: turn ? corners : null, along}}; }});
  const borders = (geoMaps.borderPaths || []).map(path => path.map(c => {{
    const p = m.latLngToContainerPoint(c); return [p.x, p.y]; }}));
  // every town dot the reader sees, and whether its own name is shown
  const towns = (geoMaps.labelItems || []).filter(it => it.spot && it.spot.classList.contains('map-dot-on'))
    .map(it => ({{text: it.label.name, named: it.node.classList.contains('map-label-on')}}));
  // every name shown beside a dot (a town's, a place's), whether its point is in the window,
  // its point (rounded to the pixel, as Leaflet draws it, and exact) and its name's centre
  // (container px)
  const corner = m.containerPointToLayerPoint([0, 0]).add(m.getPixelOrigin());
  const exact = c => {{ const p = m.project(c, m.getZoom()).subtract(corner); return [p.x, p.y]; }};
  const dotted = (geoMaps.labelItems || []).filter(it => (it.label.kind === 'town' || it.label.kind === 'place') &&
      it.node.classList.contains('map-label-on')).map(it => {{
    const p = m.latLngToContainerPoint(it.latlng), r = it.node.getBoundingClientRect();
    return {{text: it.label.name, kind: it.label.kind, inside: p.x >= 0 && p.y >= 0 && p.x <= s.x && p.y <= s.y, at: [p.x, p.y],
             exact: exact(it.latlng), precision: it.label.precision_m || 0,
             perPx: 40075016.686 * Math.cos(it.latlng.lat * Math.PI / 180) / 2 ** (m.getZoom() + 8), centre: [r.left + r.width / 2 - box.left, r.top + r.height / 2 - box.top],
             box: [r.left - box.left, r.top - box.top, r.width, r.height], led: !!(it.leader && it.leader.classList.contains('map-leader-on'))}}; }});
  // the border lines as the map projects them, not rounded to the pixel
  const exactBorders = (geoMaps.borderPaths || []).map(path => path.map(exact));
  // the names beside a dot that a heavy line (a border, a claim, a railway, the map's own
  // lines) runs through: labels.js keeps them off where a position as near is free
  const G = geoMaps.boxes.GAP;
  const heavy = (geoMaps.borderPaths || []).concat(geoMaps.linePaths || [])
    .map(path => path.map(c => m.latLngToContainerPoint(c)));
  const onLines = (geoMaps.labelItems || []).filter(it => it.dot && it.node.classList.contains('map-label-on'))
    .filter(it => {{ const r = it.node.getBoundingClientRect();
      const b = {{x: r.left - box.left + G, y: r.top - box.top + G, w: r.width - 2 * G, h: r.height - 2 * G}};
      return heavy.some(pts => pts.some((a, i) => i > 0 && geoMaps.boxes.crosses([pts[i - 1], a], b))); }})
    .map(it => it.label.name).sort();
  // of those, the names a border line (the period's, a claim) runs through, with their points
  const borderLines = (geoMaps.borderPaths || []).map(path => path.map(c => m.latLngToContainerPoint(c)));
  const acrossBorders = (geoMaps.labelItems || []).filter(it => it.dot && it.node.classList.contains('map-label-on'))
    .filter(it => {{ const r = it.node.getBoundingClientRect();
      const b = {{x: r.left - box.left + G, y: r.top - box.top + G, w: r.width - 2 * G, h: r.height - 2 * G}};
      return borderLines.some(pts => pts.some((a, i) => i > 0 && geoMaps.boxes.crosses([pts[i - 1], a], b))); }})
    .map(it => {{ const p = m.latLngToContainerPoint(it.latlng); return {{text: it.label.name, kind: it.label.kind, at: [p.x, p.y]}}; }});
  // the symbols of the map's places (a height's triangle, a dot) under an incident's own marker
  const symbolsUnder = (geoMaps.labelItems || []).filter(it => it.dot && it.label.kind === 'place').map(it => {{
    const p = m.latLngToContainerPoint(it.latlng);
    if (p.x < 0 || p.y < 0 || p.x > s.x || p.y > s.y) return null;
    const top = document.elementFromPoint(box.left + p.x, box.top + p.y);
    const marker = top && top.closest('.leaflet-marker-icon[data-incident], .leaflet-marker-icon[data-place]');
    // (a place marker may stand on a place's dot, not on a height's triangle: it.label.mark)
    if (!marker || (marker.dataset.incident === undefined && !it.label.mark)) return null;
    return it.label.name + ' under ' + (marker.dataset.incident || 'the place marker ' + marker.textContent); }}).filter(Boolean);
  // the names shown whose dot a panel covers (a control, the title bar, a popup): they name a
  // dot no reader sees
  const dotsUnderPanels = dotted.filter(d => d.inside).filter(d => {{
    const top = document.elementFromPoint(box.left + d.at[0], box.top + d.at[1]);
    return top && top.closest('.leaflet-control, .map-title, .leaflet-popup'); }}).map(d => d.text);
  // the towns' dots shown on (within 6 px of) the symbol of a place the map is about: it reads
  // as the place's, or hides it
  const placePoints = (geoMaps.labelItems || []).filter(it => it.dot && it.label.kind === 'place')
    .map(it => m.latLngToContainerPoint(it.latlng));
  const townsOnPlaces = (geoMaps.labelItems || []).filter(it => it.spot && it.spot.classList.contains('map-dot-on'))
    .filter(it => {{ const p = m.latLngToContainerPoint(it.latlng);
      return placePoints.some(q => Math.abs(q.x - p.x) < 6 && Math.abs(q.y - p.y) < 6); }}).map(it => it.label.name);
  // the scale's figures that run past their bars ("100 mi" on a 53 px bar)
  const scaleOverflows = [...document.querySelectorAll('.leaflet-control-scale-line')]
    .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth).map(e => e.textContent + ' on ' + e.clientWidth + ' px');
  // the lakes' names shown within 10 px of a dot (a town's, a place's): they read as its name
  const dotsAt = (geoMaps.labelItems || []).filter(it => it.dot && (!it.spot || it.spot.classList.contains('map-dot-on')))
    .map(it => m.latLngToContainerPoint(it.latlng));
  const waterByDots = (geoMaps.labelItems || []).filter(it => it.label.kind === 'water' &&
      it.node.classList.contains('map-label-on')).filter(it => {{
    const r = it.node.getBoundingClientRect(), x = r.left - box.left, y = r.top - box.top;
    return dotsAt.some(p => Math.max(x - p.x, 0, p.x - x - r.width) ** 2 + Math.max(y - p.y, 0, p.y - y - r.height) ** 2 < 100); }})
    .map(it => it.label.name);
  // the lines the map is about (its rivers, the claimed borders), inside its extent and the
  // window, that an open panel or the locator inset covers: name -> points every 4 px there
  const area = L.latLngBounds([[extent[1], extent[0]], [extent[3], extent[2]]]);
  const linesUnderPanels = {{}};
  places.forEach((path, i) => {{ if (path.length < 2) return;
    const pts = projected[i];
    pts.forEach((b, j) => {{ if (!j) return;
      const a = pts[j - 1], n = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 4));
      for (let k = 0; k <= n; k++) {{
        const x = a.x + (b.x - a.x) * k / n, y = a.y + (b.y - a.y) * k / n;
        if (x < 0 || y < 0 || x > s.x || y > s.y || !area.contains(m.containerPointToLatLng([x, y]))) continue;
        const top = document.elementFromPoint(box.left + x, box.top + y);
        const panel = top && top.closest('.leaflet-control');
        if (panel && (panel.querySelector('details[open]') || panel.classList.contains('inset-map')))
          linesUnderPanels[i] = (linesUnderPanels[i] || 0) + 1;
      }} }}); }});
  // the claimed borders inside the map's extent, each point where the first view shows it
  const claims = claimPaths.map(path => path.filter(c => area.contains(c)).map(c => {{
    const p = m.latLngToContainerPoint(c); return [p.x, p.y]; }}));
  // each leader line shown: its name and its two ends, the dot's point and the nearest point
  // of its name's box (client px, as the names' corners)
  const leaders = (geoMaps.labelItems || []).filter(it => it.leader && it.leader.classList.contains('map-leader-on'))
    .map(it => {{ const p = m.latLngToContainerPoint(it.latlng), r = it.node.getBoundingClientRect();
      const x = Math.max(r.left, Math.min(box.left + p.x, r.right)), y = Math.max(r.top, Math.min(box.top + p.y, r.bottom));
      return {{text: it.node.textContent, from: [box.left + p.x, box.top + p.y], to: [x, y]}}; }});
  // the heights' symbols: paths in the symbol's colour
  const heights = [...document.querySelectorAll('.leaflet-overlay-pane path')]
    .filter(p => p.getAttribute('fill') === '{height_symbol()["fill"]}').length;
  // the fill of each point drawn as a dot (a circle marker's path is two arcs)
  const dots = [...document.querySelectorAll('.leaflet-overlay-pane path')]
    .filter(p => / a[0-9.]+,[0-9.]+ 0 1,0 /.test(p.getAttribute('d') || '')).map(p => p.getAttribute('fill'));
  // the share of the locator inset's box its tiles cover (the rest is the grey beyond them)
  const inset = document.querySelector('.inset-map');
  const insetPaths = inset ? inset.querySelectorAll('.leaflet-overlay-pane path').length : 0;
  const insetNames = inset ? [...inset.querySelectorAll('.inset-name-on')].map(n => n.textContent) : [];
  // the type letters in the markers shown: their size (px) and their markers'
  const letters = [...document.querySelectorAll('.leaflet-marker-icon[data-incident]')].filter(visible)
    .map(n => ({{px: parseFloat(getComputedStyle(n, '::after').fontSize), content: getComputedStyle(n, '::after').content,
                 marker: n.getBoundingClientRect().width}}));
  let covered = null;
  if (inset && inset.offsetWidth) {{
    const b = inset.getBoundingClientRect();
    covered = [...inset.querySelectorAll('img.leaflet-tile-loaded')].reduce((sum, t) => {{
      const r = t.getBoundingClientRect();
      return sum + Math.max(0, Math.min(r.right, b.right) - Math.max(r.left, b.left)) *
                   Math.max(0, Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top)); }}, 0) / (b.width * b.height);
  }}
  // how many lines the attribution bar takes (its credits wrapped had left one word alone)
  const credit = document.querySelector('.leaflet-control-attribution');
  const creditLines = credit ? Math.round(credit.getBoundingClientRect().height / parseFloat(getComputedStyle(credit).lineHeight)) : 0;
  return {{labels, inView, room, widths, markers, groups, legend, paths, countries, borders, towns, heights, creditLines,
           dots, dotted, exactBorders, claims, leaders, onLines, acrossBorders, symbolsUnder, dotsUnderPanels, townsOnPlaces, scaleOverflows, waterByDots, linesUnderPanels, inset: covered, insetPaths, insetNames, letters, zoom: m.getZoom()}};
}}"""



def void_share(png: bytes) -> float:
    """The share of a screenshot's pixels in the colour beyond the data."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB")).reshape(-1, 3)
    return float((pixels == VOID).all(axis=1).mean())


def main_colours(png: bytes) -> dict[str, int]:
    """The share (%) of each colour covering 2 % or more of a screenshot, channels to 16 levels
    (antialiasing aside)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(np.int64) // 16
    counts = np.bincount(pixels[:, 0] * 256 + pixels[:, 1] * 16 + pixels[:, 2], minlength=4096)
    order = np.argsort(-counts, kind="stable")[:6]
    return {"#%02x%02x%02x" % tuple(int(v) * 16 + 8 for v in (i // 256, i // 16 % 16, i % 16)):
            round(float(counts[i]) / len(pixels) * 100) for i in order
            if counts[i] / len(pixels) >= 0.02}


def evaluate_json(page, script: str, arg=None):
    """page.evaluate for a large result (the first view's is 300 kB of numbers): sent as one JSON
    string, 0.1 s, where Playwright's own serialisation of each value takes 0.45 s."""
    return json.loads(page.evaluate(f"(arg) => JSON.stringify(({script})(arg))", arg))


def opened(view: OfflinePage, path: Path, suffix: str = ""):
    """The page loaded, the map still and every tile of the view shown."""
    page = view.open(path, suffix)
    settled(page)
    page.wait_for_function(TILES_LOADED)
    return page


class Views:
    """look(map, width, lang) -> what the reader sees when the map opens in that window (and,
    in English, after zooming in once and out as far as the map allows), read once."""

    def __init__(self, browser, built: Path):
        self.browser, self.built, self.seen = browser, built, {}

    def __call__(self, map_name: str, width: int, lang: str = "en") -> dict:
        key = (map_name, width, lang)
        if key not in self.seen:
            self.seen[key] = self._look(map_name, width, lang)
        return self.seen[key]

    def _look(self, map_name: str, width: int, lang: str) -> dict:
        """In another language than English, the names alone (their boxes, the markers', the
        texts): the tests read nothing else in those."""
        from geo.inputs.maps_toml import read_project

        places = own_places(map_name)
        suffix = "" if lang == "en" else f"?lang={lang}"
        with OfflinePage(self.browser, width, WINDOWS[width]) as view:
            page = opened(view, self.built / f"{map_name}.html", suffix)
            extent = read_project(LAYERS).maps[map_name].extent
            # (the names are set once the page has its places: read nothing before; on a busy
            # machine the Amur's first view at 768 px was once read with no name set yet)
            label_boxes = page.wait_for_function(
                f"() => {{ const l = ({LABELS})(); return l.length ? l : null; }}").json_value()
            seen = evaluate_json(page, FIRST_VIEW, [[path for _, path in places], list(extent),
                                                    own_claims(map_name)]) \
                if lang == "en" else {}
            seen["size"] = page.viewport_size
            seen["label_boxes"] = label_boxes
            seen["icons"] = page.evaluate(ICONS)
            # every name of the map, placed or waiting for room
            seen["names"] = sorted(page.eval_on_selector_all(".map-label", "ns => ns.map(n => n.textContent)"))
            if lang == "en":  # what is drawn, then the moves a reader makes: in once, then out
                seen["apart"] = page.evaluate(MARKERS_APART)
                shot = screenshot(page)
                seen["colours"], seen["void"] = main_colours(shot), void_share(shot)
                page.evaluate(f"() => {{ {MAP}.zoomIn(1, {{animate: false}}); }}")  # (a block: zoomIn returns the map)
                settled(page)
                seen["apart_zoomed_in"] = page.evaluate(MARKERS_APART)
                page.evaluate(f"() => {{ const m = {MAP}; m.setZoom(m.getMinZoom(), {{animate: false}}); }}")
                page.wait_for_function(IDLE)
                page.wait_for_function(TILES_LOADED)
                seen["void_zoomed_out"] = void_share(screenshot(page))
            # a tile load cut short by a zoom fails too: only a missing tile is a fault
            seen["missing"] = [u for u in view.failed if not Path(unquote(urlsplit(u).path)).exists()]
            seen["errors"] = list(view.errors)
        if lang != "en":
            return seen
        seen["places"] = [name for (name, _), inside
                          in zip(places, seen.pop("inView"), strict=True) if inside]
        room, widths = seen.pop("room"), seen.pop("widths")
        # a river whose course across the window spans less than three times its name is
        # named elsewhere: its name runs straight, clear of the places and markers on it (on
        # the overview the Amur's 96 px pass Blagoveshchensk and the Kanchazu marker); one
        # with room is named along it
        seen["lines"] = [name for (name, path), length in zip(places, room, strict=True)
                         if len(path) > 1]
        seen["places"] = [name for name in seen["places"] if name not in seen["lines"]
                          or room[[n for n, _ in places].index(name)] >= 3 * widths.get(name, 0)]
        seen["lines_under_panels"] = {places[int(i)][0]: n for i, n in seen.pop("linesUnderPanels").items()}
        full = place_short_names(map_name)  # (a place named by its shorter name names it too)
        for label in seen["labels"] + seen["dotted"]:  # (as set: "shown")
            label["shown"], label["text"] = label["text"], full.get(label["text"], label["text"])
        for label in seen["labels"]:  # its distance to the place of its own name, if one
            label["off"] = dict(zip([name for name, _ in places], label["off"], strict=True)).get(label["text"])
        return seen
