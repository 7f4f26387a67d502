"""Turn a MapContent into one standalone HTML page with folium.

The page works from ``file://`` with no network: Leaflet's JS and CSS (from the
``xstatic-leaflet`` package) and our own script and styles are inlined, and folium's CDN
assets (jQuery, Bootstrap, Font Awesome) are dropped. Element ids are numbered instead of
random so that the same input gives the same bytes. Layer data reaches the page only as JSON
inside a script, escaped so that it cannot close the script, and is drawn with DOM text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import branca.element
import folium
from folium.map import Layer
from folium.template import Template

from geo.combine import MapContent
from geo.config import MapSpec, Style, online_basemap

LABEL_ZOOM = 8  # place names stay hidden below this zoom, where they would pile up
INCIDENT_TYPES = {
    "battle": "Battle", "skirmish": "Skirmish", "air": "Air and artillery offensive",
    "river": "River incident", "raid": "Raid", "reconnaissance": "Reconnaissance",
    "defection": "Defection", "diplomatic": "Diplomatic step or ceasefire",
    "deployment": "Deployment of forces", "command": "Command decision or inspection",
}


def script_json(value) -> str:
    """JSON that is safe inside an HTML <script>: no '<', '>', '&' or line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


@contextmanager
def stable_element_ids():
    """Number branca elements 0, 1, 2... instead of giving them random ids."""
    counter = itertools.count()
    original = branca.element.Element.__dict__["_generate_id"]
    branca.element.Element._generate_id = classmethod(lambda cls: f"{next(counter):04d}")
    try:
        yield
    finally:
        branca.element.Element._generate_id = original


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's (css, js) from xstatic-leaflet, with its images inlined as data: URIs."""
    import xstatic.pkg.leaflet as xleaflet

    folder = Path(xleaflet.BASE_DIR)
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        data = (folder / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode()})"

    css = re.sub(r"url\(images/([a-z0-9-]+\.png)\)", inline, css)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"\n//# sourceMappingURL=.*$", "\n", js)
    return css, js


@cache
def own_assets() -> tuple[str, str]:
    folder = resources.files("geo") / "static"
    return ((folder / "geo-maps.css").read_text(encoding="utf-8"),
            (folder / "geo-maps.js").read_text(encoding="utf-8"))


class InlineAssets(branca.element.Element):
    """Leaflet and the map's own script and styles, inlined into the page head."""

    _template = Template("""
<style>{{ this.css }}</style>
<script>{{ this.js }}</script>
""")

    def __init__(self):
        super().__init__()
        leaflet_css, leaflet_js = leaflet_assets()
        css, js = own_assets()
        self.css = leaflet_css + "\n" + css
        self.js = leaflet_js + "\n" + js
        if "</script" in self.js.lower() or "</style" in self.css.lower():
            raise ValueError("an inlined asset would close its own tag")


class VectorLayer(Layer):
    """A GeoJSON layer drawn with geoMaps.vectorLayer (styled, with safe popups)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = geoMaps.vectorLayer(
  {{ this.data }}, {{ this.style }}, {{ this.interactive }}, {{ this.bibliography }});
{% endmacro %}
""")

    def __init__(self, name: str, collection: dict, style: Style, interactive: bool,
                 bibliography: dict, show: bool = True):
        super().__init__(name=html.escape(name), overlay=True, control=True, show=show)
        self._name = "VectorLayer"
        self.data = script_json(collection)
        self.style = script_json(_leaflet_style(style))
        self.interactive = "true" if interactive else "false"
        self.bibliography = script_json(bibliography)


class IncidentLayer(Layer):
    """Incident markers with popups, tooltips and uncertainty circles."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = geoMaps.incidentLayer({{ this.data }}, {{ this.bibliography }});
{% endmacro %}
""")

    def __init__(self, name: str, collection: dict, bibliography: dict):
        super().__init__(name=html.escape(name), overlay=True, control=True, show=True)
        self._name = "IncidentLayer"
        self.data = script_json(collection)
        self.bibliography = script_json(bibliography)


class MapChrome(branca.element.MacroElement):
    """Title bar, legend and attribution: static HTML escaped here, at build time."""

    _template = Template("""
{% macro html(this, kwargs) %}
<header class="map-title">{{ this.title_html }}</header>
<noscript>{{ this.noscript_html }}</noscript>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "bottomright"});
{{ this.get_name() }}.onAdd = function () {
  var div = L.DomUtil.create("div", "map-legend");
  div.innerHTML = {{ this.legend_html }};
  div.querySelector("details").open = window.innerWidth >= 800;  // folded on phones
  L.DomEvent.disableClickPropagation(div);
  return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
geoMaps.attribution({{ this._parent.get_name() }}, {{ this.attribution }});
{{ this._parent.get_name() }}.fitBounds({{ this.extent }}, {animate: false});
geoMaps.labelsFromZoom({{ this._parent.get_name() }}, {{ this.label_zoom }});
if (new URLSearchParams(location.search).get("embed") === "1") document.body.classList.add("embed");
geoMaps.article({{ this._parent.get_name() }});
geoMaps.timeline({{ this._parent.get_name() }}, 1932, 1945);
geoMaps.languageSwitch({{ this._parent.get_name() }});
{% if this.inset %}geoMaps.inset({{ this._parent.get_name() }}, {{ this.inset }});{% endif %}
{% endmacro %}
""")

    def __init__(self, title_html: str, legend_html: str, attribution_html: str,
                 label_zoom: int | None = LABEL_ZOOM, extent: list | None = None,
                 noscript_html: str = "", inset: dict | None = None):
        super().__init__()
        self.noscript_html = noscript_html
        self.inset = script_json(inset) if inset else ""
        self.extent = script_json(extent)
        self.label_zoom = "null" if label_zoom is None else int(label_zoom)
        self._name = "MapChrome"
        self.title_html = title_html
        self.legend_html = script_json(legend_html)
        self.attribution = script_json(attribution_html)


def _leaflet_style(style: Style) -> dict:
    options = {"color": style.color, "weight": style.weight, "opacity": style.opacity}
    if style.fill:
        options.update(fill=True, fillColor=style.fill, fillOpacity=style.fill_opacity)
    else:
        options["fill"] = False
    if style.dash:
        options["dashArray"] = style.dash
    return options


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
        fmap.get_root().title = html.escape(spec.title)  # branca does not escape it
        if tiled:
            url = f"tiles/{spec.name}/{{z}}/{{x}}/{{y}}{'{r}' if retina else ''}.png"
            folium.TileLayer(
                tiles=url, attr=html.escape(content.attribution) or "Basemap: build_maps.py",
                name="Basemap of the 1930s",
                min_zoom=spec.min_zoom, max_zoom=spec.max_zoom, overlay=False, control=True,
                bounds=[[pad_south, pad_west], [pad_north, pad_east]],
            ).add_to(fmap)
        online_hosts = []
        for name in content.online_basemaps:  # offered in the layer control, never shown first
            provider = online_basemap(name)
            folium.TileLayer(tiles=provider, name=html.escape(f"{name} (online)"),
                             overlay=False, control=True, show=False).add_to(fmap)
            online_hosts.append(_origin(provider.url))
        for layer in content.layers:
            if (tiled and layer.spec.kind == "base") or layer.heavy:
                continue  # in the tiles (a heavy layer is left out without them: see build)
            if layer.spec.kind == "incidents":
                IncidentLayer(layer.spec.title, layer.collection,
                              content.bibliography).add_to(fmap)
            else:
                VectorLayer(layer.spec.title, layer.collection, layer.spec.style,
                            interactive=layer.spec.kind != "base",
                            bibliography=content.bibliography, show=layer.spec.show).add_to(fmap)
        folium.LayerControl(collapsed=True).add_to(fmap)
        MapChrome(_title_html(spec, content), _legend_html(content),
                  "" if tiled else html.escape(content.attribution),
                  label_zoom=None if tiled else LABEL_ZOOM,
                  extent=[[south, west], [north, east]],
                  noscript_html=_noscript_html(spec, content, static),
                  inset=_inset(content, spec) if tiled else None).add_to(fmap)
        page = _tidy(fmap.get_root().render())
    return with_policy(page, content_security_policy(page, images=tuple(online_hosts)))


def _origin(url: str) -> str:
    """https://*.host.org for a tile URL template (its subdomains as a wildcard)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


def alt_text(spec: MapSpec, content: MapContent) -> str:
    """A sentence describing the map, for screen readers and the static image."""
    dates = sorted(f["properties"]["date"] for layer in content.layers
                   if layer.spec.kind == "incidents" for f in layer.collection["features"])
    n = len(dates)
    span = f", from {dates[0][:4]} to {dates[-1].split('/')[-1][:4]}" if dates else ""
    return (f"Map: {spec.title}. {spec.description} "
            f"{n} incident{'s' if n != 1 else ''} marked{span}.")


def _inset(content: MapContent, spec: MapSpec) -> dict | None:
    """Options of the inset overview: the overview map's tiles at its widest zoom."""
    overview = content.overview
    if overview is None or overview.name == spec.name:
        return None
    west, south, east, north = overview.padded_extent()
    w, s, e, n = spec.extent
    return {"url": f"tiles/{overview.name}/{{z}}/{{x}}/{{y}}.png", "minZoom": overview.min_zoom,
            "bounds": [[south, west], [north, east]], "extent": [[s, w], [n, e]]}


def _noscript_html(spec: MapSpec, content: MapContent, static: bool) -> str:
    text = html.escape(alt_text(spec, content))
    if not static:
        return f'<p class="noscript">{text} (The interactive map needs JavaScript.)</p>'
    return (f'<img class="noscript" src="{html.escape(spec.name)}.png" alt="{text}" '
            'style="width:100%;height:auto">')


def _title_html(spec: MapSpec, content: MapContent) -> str:
    n = content.count("incidents")
    return (f"<h1>{html.escape(spec.title)}</h1><p>{html.escape(spec.description)} "
            f"<span class=\"incident-count\">{n} incident{'s' if n != 1 else ''}</span> shown. "
            "<a href=\"index.html\">All maps</a></p>")


def _legend_html(content: MapContent) -> str:
    items = []
    types_present = sorted({f["properties"].get("type") for layer in content.layers
                            if layer.spec.kind == "incidents"
                            for f in layer.collection["features"]} & set(INCIDENT_TYPES))
    for t in types_present:
        items.append(f'<li><span class="legend-marker incident-marker incident-{t}"></span>'
                     f"{html.escape(INCIDENT_TYPES[t])}</li>")
    if any(layer.spec.kind == "incidents" for layer in content.layers):
        items.append('<li><span class="legend-swatch" style="border:1px dashed #7a3b00;'
                     'border-radius:50%;background:rgba(224,130,20,0.1)"></span>'
                     "Uncertainty of an approximate location</li>")
    for layer in content.layers:
        if layer.spec.kind == "incidents" or not layer.spec.legend:
            continue  # base layers are in the legend whether drawn as tiles or as vectors
        s = layer.spec.style
        dash = " legend-dash" if s.dash else ""
        items.append(f'<li><span class="legend-line{dash}" style="border-top-color:{s.color}">'
                     f"</span>{html.escape(layer.spec.title)}</li>")
    return "<details><summary>Legend</summary><ul>" + "".join(items) + "</ul></details>"


def _tidy(page: str) -> str:
    """Drop trailing spaces so that the page is stable and diff-friendly."""
    return "\n".join(line.rstrip() for line in page.splitlines()) + "\n"


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def content_security_policy(page: str, extra_scripts: tuple[str, ...] = (),
                            connect: str = "'none'", images: tuple[str, ...] = ()) -> str:
    """A policy that lets the page run only the scripts the build wrote and load nothing from
    the network (but the online basemaps a map offers): each inline script is allowed by its
    hash, everything else by origin."""
    hashes = sorted({_script_hash(body) for body in _INLINE_SCRIPT.findall(page)}
                    | {_script_hash(body) for body in extra_scripts})
    scripts = " ".join(hashes) or "'none'"
    image_sources = " ".join(("'self'", "data:", *images))
    return (f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
            f"img-src {image_sources}; connect-src {connect}; base-uri 'none'; "
            "form-action 'none'")


def with_policy(page: str, policy: str) -> str:
    """The page with its Content-Security-Policy meta element set (or replaced)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", page)
    return page.replace("<head>", "<head>\n" + meta, 1)


def _script_hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def render_embed(maps: list[tuple[str, dict]], title: str, static: bool) -> str:
    """output/embed.html: per map, an iframe snippet to paste into an article."""
    blocks = []
    for name, entry in maps:
        label = html.escape(entry["title"])
        alt = html.escape(entry.get("alt", entry["title"]))
        snippet = (
            '<div style="position:relative;width:100%;max-width:960px;aspect-ratio:4/3">\n'
            f'  <iframe src="maps/{name}.html?embed=1" title="{label}" loading="lazy"\n'
            '          style="position:absolute;inset:0;width:100%;height:100%;border:0"'
            ' allowfullscreen></iframe>\n'
            "</div>\n"
            + (f'<noscript><img src="maps/{name}.png" alt="{alt}" style="width:100%"></noscript>\n'
               if static else "")
            + f'<p><a href="maps/{name}.html">Open the map: {label}</a></p>')
        image = (f' · <a href="{html.escape(name)}.png">static image (PNG)</a>'
                 f' · <a href="{html.escape(name)}.svg">SVG</a>' if static else "")
        blocks.append(
            f'<section><h2>{label}</h2><p><a href="{html.escape(name)}.html">open</a>'
            f' · <a href="{html.escape(name)}.html?embed=1">compact view</a>{image}</p>'
            f"<p>Copy into the article (adjust <code>maps/</code> to where the files are hosted):</p>"
            f"<pre><code>{html.escape(snippet)}</code></pre></section>")
    intro = ("<p>Each snippet keeps the map responsive (it fills the article's width at a 4:3 ratio,"
             " from 320 px up), opens in the compact view (<code>?embed=1</code>), and falls back to"
             " the static image where scripts do not run. Link to one incident with"
             " <code>#incident=ID</code>, or to a view with <code>#zoom/latitude/longitude</code>.</p>")
    return _text_page(f"Embedding the maps — {title}", "Embedding the maps", "52rem",
                      "pre { background: #f4f4f2; padding: 0.8rem; overflow-x: auto; font-size: 13px; }",
                      intro + "\n" + "\n".join(blocks))


def _text_page(title: str, heading: str, width: str, css: str, body_html: str) -> str:
    """A plain page beside the maps (index, embed): no script at all, and a CSP that says so.

    `title` and `heading` are text and escaped here; `body_html` is already-escaped markup."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: {width}; margin: 2rem auto; padding: 0 1rem; color: #222; }}
a {{ color: #0b4f8a; }}
{css}
</style>
</head>
<body>
<h1>{html.escape(heading)}</h1>
{body_html}
</body>
</html>
"""


def render_index(maps: list[tuple[str, dict]], title: str) -> str:
    """output/index.html: the maps, each (name, {"title", "description", "incidents"})."""
    rows = []
    for name, entry in maps:
        n = entry["incidents"]
        rows.append(
            f'<li><a href="{html.escape(name)}.html">{html.escape(entry["title"])}</a>'
            f"<p>{html.escape(entry['description'])} ({n} incident{'s' if n != 1 else ''})</p></li>")
    return _text_page(title, title, "46rem",
                      "li { margin: 0 0 1rem; } li p { margin: 0.2rem 0 0; color: #444; }",
                      "<ul>\n" + "\n".join(rows) + "\n</ul>\n"
                      '<p><a href="embed.html">Embedding the maps in an article</a></p>')
