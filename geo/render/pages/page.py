"""Turn a MapContent into one standalone HTML page with folium, returned as a string.

The page works from ``file://`` with no network: Leaflet's JS and CSS (from the
``xstatic-leaflet`` package) and our own script and styles are inlined (``elements``), and
folium's CDN assets (jQuery, Bootstrap, Font Awesome) are dropped. Its policy lets only the
build's scripts run (``csp``).
"""

from __future__ import annotations

import base64
import html
import re
from urllib.parse import urlsplit

from geo.render.pages import folium_import  # noqa: F401 (before folium)

# isort: split
import folium

from geo.config import BASE, INCIDENTS, MapSpec, online_basemap
from geo.geometry.content import MapContent
from geo.incident_types import BY_NAME, GRAVEST, holds_gravest
from geo.inputs.dates import parse_date
from geo.render.names import map_labels
from geo.render.pages.csp import content_security_policy, with_policy
from geo.render.pages.elements import (
    LABEL_ZOOM,
    IncidentLayer,
    InlineAssets,
    MapChrome,
    RawHtml,
    VectorLayer,
    rendered_text_kept,
    script_json,
    stable_element_ids,
)
from geo.render.pages.interface_text import page_text
from geo.render.pages.jinja import ENV
from geo.render.relief import world_overlay
from geo.render.style import (
    HEIGHT_SYMBOL,
    UNCERTAIN_M,
    border_paths,
    coast_paths,
    drawn_by_page,
    heavy_paths,
    in_tiles,
    legend_rows,
)

BASEMAP_NAME = "Basemap of the 1930s"  # in the layer control (interface_text.TEXT has it in each language)

_CHROME = ENV.get_template("map-chrome.html").module  # its macros: title, legend, noscript


def page_layers(content: MapContent, tiled: bool) -> list:
    """The layers the page draws itself (as vectors, the incidents as markers): all but what
    its tiles draw (``in_tiles``), so that nothing is drawn twice. A heavy layer is in the
    tiles only, or left out without them (see build)."""
    return [layer for layer in content.layers
            if not layer.heavy and not (tiled and in_tiles(layer))]


def render_map(content: MapContent, tiled: bool = False, retina: bool = False,
               static: bool = False) -> str:
    """The complete HTML page of one map.

    With ``tiled``, the base geography and place labels come from the map's rendered tiles
    (``tiles/<map>/{z}/{x}/{y}.png``, relative, so the page works from disk or any host)
    instead of being drawn as vectors.
    """
    spec = content.spec
    west, south, east, north = spec.extent
    pad_west, pad_south, pad_east, pad_north = spec.padded_extent()
    with stable_element_ids():
        fmap = folium.Map(
            location=[(south + north) / 2, (west + east) / 2],
            zoom_start=spec.min_zoom,
            font_size="13px",
            min_zoom=spec.min_zoom,
            max_zoom=spec.max_zoom,
            tiles=None,
            control_scale=True,
            max_bounds=True,
            min_lat=pad_south, max_lat=pad_north, min_lon=pad_west, max_lon=pad_east,
        )
        fmap.options.update(minZoom=spec.min_zoom, maxZoom=spec.max_zoom)
        fmap.default_js = []
        fmap.default_css = []
        fmap.get_root().header.add_child(InlineAssets(), name="inline_assets")
        fmap.get_root().header.add_child(RawHtml(_CHROME.head(spec, static)), name="page_head")
        fmap.get_root().title = html.escape(spec.title)  # branca does not escape it
        if tiled:
            url = f"tiles/{spec.name}/{{z}}/{{x}}/{{y}}{'{r}' if retina else ''}.png"
            folium.TileLayer(
                tiles=url, attr=html.escape(content.attribution) or "Basemap: build_maps.py",
                name=BASEMAP_NAME,
                min_zoom=spec.min_zoom, max_zoom=spec.max_zoom, overlay=False, control=True,
                bounds=[[pad_south, pad_west], [pad_north, pad_east]],
            ).add_to(fmap)
        online_hosts = []
        for name in content.online_basemaps:  # offered in the layer control, never shown first
            provider = online_basemap(name)
            folium.TileLayer(tiles=provider, name=html.escape(f"{name} (online)"),
                             overlay=False, control=True, show=False).add_to(fmap)
            online_hosts.append(_origin(provider.url))
        for layer in page_layers(content, tiled):
            if layer.spec.kind == INCIDENTS:
                IncidentLayer(layer.spec.title, layer.collection,
                              content.bibliography).add_to(fmap)
            else:
                drawn = {**layer.collection, "features": [  # a name's point, a town: labels.js
                    f for f in layer.collection["features"] if not drawn_by_page(f, layer)]}
                VectorLayer(layer.spec.title, drawn, layer.spec.style,
                            interactive=layer.spec.kind != BASE,
                            bibliography=content.bibliography, show=layer.spec.show).add_to(fmap)
        folium.LayerControl(collapsed=True).add_to(fmap)
        borders = border_paths(content)
        MapChrome(_title_html(spec, content), _legend_html(content),
                  "" if tiled else html.escape(content.attribution),
                  label_zoom=None if tiled else LABEL_ZOOM,
                  extent=[[south, west], [north, east]],
                  noscript_html=_noscript_html(spec, content, static),
                  inset=_inset(content, spec) if tiled else None,
                  labels=map_labels(content), borders=borders, coasts=coast_paths(content), lines=[
                      path for path in heavy_paths(content) if path not in borders],
                  zoom_extents={z: [[s, w], [n, e]] for z, (w, s, e, n)
                                in spec.zoom_extents().items()},
                  tiles=spec.name if tiled else None,
                  relief=_relief(content) if tiled else None,
                  timeline=timeline_range(content)).add_to(fmap)
        with rendered_text_kept():  # layer text is data: never a template
            page = _tidy(_standard_html(fmap.get_root().render()))
    return with_policy(page, content_security_policy(page, images=tuple(online_hosts)))


DAY_SPAN = 200  # a map whose incidents span at most this many days has a timeline in days,
MONTH_SPAN = 8  # ... else at most this many years, in months; else in years


def timeline_range(content: MapContent) -> dict:
    """The timeline's range and step, from the incidents the map is about (those it places
    inside its extent; all of them if none is): {"from": "1938-07-08", "to": "1938-08-13",
    "step": "day"} for Khasan, months or years on maps that span years. A partial date counts
    as its whole month or year. The timeline's ends are open: at the ends, the incidents
    before and after the range (in the map's margin, or listed without a place) stay shown."""
    from shapely.geometry import box, shape

    features = [f for layer in content.layers if layer.spec.kind == INCIDENTS
                for f in layer.collection["features"]]
    area = box(*content.spec.extent)
    inside = [f for f in features if f.get("geometry") and area.intersects(shape(f["geometry"]))]
    spans = [parse_date(str(f["properties"]["date"])) for f in inside or features]
    if not spans:
        return {"from": "1932", "to": "1945", "step": "year"}
    first, last = min(s[0] for s in spans), max(s[1] for s in spans)
    if (last - first).days <= DAY_SPAN:
        return {"from": first.isoformat(), "to": last.isoformat(), "step": "day"}
    if last.year - first.year < MONTH_SPAN:
        return {"from": first.isoformat()[:7], "to": last.isoformat()[:7], "step": "month"}
    return {"from": str(first.year), "to": str(last.year), "step": "year"}


def _origin(url: str) -> str:
    """https://*.host.org for a tile URL template (its subdomains as a wildcard)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


def alt_text(spec: MapSpec, content: MapContent) -> str:
    """A sentence describing the map, for screen readers and the static image."""
    features = [f for layer in content.layers if layer.spec.kind == INCIDENTS
                for f in layer.collection["features"]]
    dates = sorted(f["properties"]["date"] for f in features)
    n = sum(1 for f in features if f.get("geometry"))  # marked; the rest are only listed
    listed = len(features) - n
    span = f", from {dates[0][:4]} to {dates[-1].split('/')[-1][:4]}" if dates else ""
    more = f", and {listed} more listed that are not on the map" if listed else ""
    return (f"Map: {spec.title}. {spec.description} "
            f"{n} incident{'s' if n != 1 else ''} marked{more}{span}.")


def _inset(content: MapContent, spec: MapSpec) -> dict | None:
    """Options of the locator inset: the overview map's tiles at its widest zoom, the lines and
    countries' names of the layers marked ``locator`` over them (MapContent.locator: the
    period's borders, the countries) and this map's extent."""
    overview = content.overview
    if overview is None or overview.name == spec.name:
        return None
    west, south, east, north = overview.padded_extent()
    w, s, e, n = spec.extent
    return {"url": f"tiles/{overview.name}/{{z}}/{{x}}/{{y}}.png", "minZoom": overview.min_zoom,
            "bounds": [[south, west], [north, east]], "extent": [[s, w], [n, e]],
            "lines": [{"color": layer["color"], "paths": [[[lat, lon] for lon, lat in path]
                                                          for path in layer["paths"]]}
                      for layer in content.locator.get("lines", [])],
            "names": content.locator.get("names", [])}


def _relief(content: MapContent) -> dict | None:
    """Options of the relief over the tiles (relief.world_overlay), the image in the page."""
    overlay = world_overlay(content)
    if overlay is None:
        return None
    url = "data:image/png;base64," + base64.b64encode(overlay["png"]).decode("ascii")
    return {"url": url, "bounds": overlay["bounds"], "opacity": overlay["opacity"]}


def _noscript_html(spec: MapSpec, content: MapContent, static: bool) -> str:
    return _CHROME.noscript(spec.name, alt_text(spec, content), static)


def _title_html(spec: MapSpec, content: MapContent) -> str:
    n = content.count(INCIDENTS)
    unplaced = sum(f["geometry"] is None for layer in content.layers
                   if layer.spec.kind == INCIDENTS for f in layer.collection["features"])
    count = f"{n} incident{'s' if n != 1 else ''} shown" + (  # as title.js says it
        f": {n - unplaced} on the map, {unplaced} listed without a place." if unplaced else ".")
    return _CHROME.title(spec, count, script_json(page_text(content)))


def _legend_html(content: MapContent) -> str:
    """Incident types present, the place marker where two incidents or more have a place (the
    Amur's one incident can form no group: its legend had shown one), and ringed as the gravest
    kind where one has, the uncertainty circle
    where an incident has one (style.UNCERTAIN_M), then the layers that ask for a line; base
    layers are in the legend whether drawn as tiles or as vectors."""
    incidents = [f for layer in content.layers if layer.spec.kind == INCIDENTS
                 for f in layer.collection["features"]]
    present = {f["properties"].get("type") for f in incidents}
    return _CHROME.legend(
        height_symbol=HEIGHT_SYMBOL,
        types=[t for t in sorted(BY_NAME.values()) if t.name in present],
        groups=sum(1 for f in incidents if f.get("geometry")) >= 2,
        uncertainty=any(f.get("geometry") and f["properties"].get("precision_m", 0) > UNCERTAIN_M
                        for f in incidents),
        entries=legend_rows(content.layers, content.spec.extent),
        gravest=GRAVEST if holds_gravest(f for f in incidents if f.get("geometry")) else None)


# What folium writes that a page may not have: a viewport that forbids zooming (readers with
# low vision zoom the page), and its last script after </body> (the HTML standard has none).
_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport" content="width=device-width,\s*initial-scale=1.0, '
                              r'maximum-scale=1.0, user-scalable=no" />')
_SCRIPT_AFTER_BODY = re.compile(r"</body>\s*(<script>.*?</script>)\s*</html>\s*$", re.S)


def _standard_html(page: str) -> str:
    page, viewports = _FOLIUM_VIEWPORT.subn(
        '<meta name="viewport" content="width=device-width, initial-scale=1">', page)
    page, moved = _SCRIPT_AFTER_BODY.subn(r"\1\n</body>\n</html>\n", page)
    if not (viewports == moved == 1):  # a folium that writes pages otherwise: look again
        raise ValueError("folium's page is not as page.py expects (viewport, last script)")
    return page


def _tidy(page: str) -> str:
    """Drop trailing spaces so that the page is stable and diff-friendly."""
    return "\n".join(line.rstrip() for line in page.splitlines()) + "\n"


