"""The folium elements of a map page: inlined assets, vector and incident layers, chrome.

Layer data reaches the page only as JSON inside a script, escaped so that it cannot close the
script (``script_json``), and the page's script puts it on screen with DOM text. Element ids
are numbered instead of random, so that the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

from geo.render.pages import folium_import  # noqa: F401 (before folium)

# isort: split
import branca.element
from folium.map import Layer
from folium.template import Template

from geo.config import LANGUAGES, OTHER_NAME_LANGUAGES, Style
from geo.incident_types import INCIDENT_TYPES, IncidentType
from geo.jsontext import compact
from geo.render.style import LIFTS, PALETTE, STRIPE_WIDTH, UNCERTAIN_M, WATER, height_symbol

LABEL_ZOOM = 8  # place names stay hidden below this zoom, where they would pile up


def script_json(value) -> str:
    """JSON that is safe inside an HTML <script>: no '<', '>', '&' or line separators."""
    text = compact(value)
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


class _AsRendered:
    """Stands for jinja2.Template in branca while a page renders: see ``rendered_text_kept``."""

    def __init__(self, source: str):
        self.source = source

    def render(self, *args, **kwargs) -> str:
        return self.source.removesuffix("\n")  # as Jinja does with a template's last newline


@contextmanager
def rendered_text_kept():
    """Keep each element's rendered HTML and script as it is while the page renders.

    branca wraps what an element's macros render in a new Jinja template and renders that
    again, so text from a layer or maps.toml that reads as Jinja (``{{ }}``, ``{% %}``) would be
    run at build time, or break it. Inside this block, those wrappers are the text itself.
    """
    original = branca.element.Template
    branca.element.Template = _AsRendered
    try:
        yield
    finally:
        branca.element.Template = original


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's (css, js) from xstatic-leaflet, with its images inlined as data: URIs, and
    without its ``behavior`` for Internet Explorer's VML (no browser the maps run in reads it
    and no CSS standard has it: the Nu checker refused it)."""
    import xstatic.pkg.leaflet as xleaflet

    folder = Path(xleaflet.BASE_DIR)
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        data = (folder / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode()})"

    css = re.sub(r"url\(images/([a-z0-9-]+\.png)\)", inline, css)
    css = re.sub(r"\n\tbehavior: url\(#default#VML\);", "", css)
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"\n//# sourceMappingURL=.*$", "\n", js)
    return css, js


# The page's own script, one file per control, concatenated in this order (core.js first: the
# others use its helpers and events; each control's file before the templates call it).
SCRIPTS = ("core.js", "tile-source.js", "popup-content.js", "popups.js", "incident-layer.js",
           "vector-layer.js", "title.js", "legend.js", "list.js", "deep-links.js", "timeline.js",
           "language.js", "inset.js", "relief-overlay.js", "embed.js", "unplaced.js", "fit-view.js",
           "view.js", "label-geometry.js", "label-sides.js", "labels.js", "a11y.js", "article-api.js")
STYLES = ("geo-maps.css", "reading.css")

# Each marker shape covers what the 18 px circle covers (the icon's box, which the labels and
# the fans keep clear, stays 18 px): the circle is the icon itself; a square or a diamond is
# painted by the icon's ::before (Leaflet owns the icon's `transform`), 16 px a side, or 15
# turned, and as much of a legend swatch. (The square had filled the box, 27 % more than the
# circle; the diamond, clipped inside it, half as much, and lost its ring.)
_SHAPES = {"circle": None,  # (in shares of the icon's box: the legend's swatch is smaller)
           "square": "left: 5.56%; top: 5.56%; width: 88.9%; height: 88.9%; border-radius: 2px;",
           "diamond": "left: 8.33%; top: 8.33%; width: 83.3%; height: 83.3%; transform: rotate(45deg);"}
_PAINTED = "content: ''; position: absolute; box-sizing: border-box; border: 2px solid #fff; z-index: -1;"
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
_NAME = re.compile(r"[a-z][a-z0-9-]*")


def incident_type_css(types: tuple[IncidentType, ...] = INCIDENT_TYPES) -> str:
    """The marker rules of each incident type (colour, shape, letter), made from the table."""
    rules = []
    for t in types:
        if not (_NAME.fullmatch(t.name) and _COLOUR.fullmatch(t.fill) and _COLOUR.fullmatch(t.ink)
                and t.shape in _SHAPES and len(t.letter) == 1 and t.letter.isalnum()):
            raise ValueError(f"incident type {t.name!r} cannot be written as CSS: {t}")
        # a white marker would vanish on a light map: ringed in its letter's colour instead
        white = t.fill.lower() in ("#fff", "#ffffff")
        ring = f"0 0 0 2px {t.ink}" if white else "0 0 0 1.5px var(--geo-marker-stroke)"
        if _SHAPES[t.shape] is None:
            rules.append(f".incident-{t.name} {{ background: {t.fill};"
                         f"{f' box-shadow: {ring};' if white else ''} }}\n")
        else:  # the shape carries the fill, border and ring, under the letter, over nothing else
            rules.append(f".incident-{t.name} {{ background: transparent; border: 0; box-shadow: none; "
                         "border-radius: 0; isolation: isolate; }\n"
                         f".incident-{t.name}::before {{ {_PAINTED} {_SHAPES[t.shape]} "
                         f"background: {t.fill}; box-shadow: {ring}; }}\n")
        rules.append(f'.incident-{t.name}::after {{ content: "{t.letter}"; color: {t.ink}; }}\n')
    # a place marker holding an incident of the gravest type (the table's first:
    # incident_types.GRAVEST) is ringed in that type's colour (incident-layer.js)
    gravest = types[0]
    rules.append(f".incident-place.incident-place-{gravest.name} {{ border-color: {gravest.fill}; "
                 f"color: {gravest.fill}; }}\n")
    return "/* Incident types, from geo/incident_types.py. */\n" + "".join(rules)


def incident_types_data(types: tuple[IncidentType, ...] = INCIDENT_TYPES) -> list[dict]:
    """The table as the page's script receives it."""
    return [t._asdict() for t in types]


def palette_css() -> str:
    """The shared colours (style.PALETTE) as the CSS custom properties the page's styles use."""
    for name, colour in PALETTE.items():
        if not (_NAME.fullmatch(name) and _COLOUR.fullmatch(colour)):
            raise ValueError(f"colour {name!r} cannot be written as CSS: {colour!r}")
    return ":root { " + " ".join(f"--geo-{name}: {colour};" for name, colour in PALETTE.items()) + " }\n"


def languages_js() -> str:
    """The languages table (config.LANGUAGES) as the page's script reads it (core.js)."""
    table = {"menu": [[code, own] for code, (_, own) in LANGUAGES.items()],
             "names": {code: english for code, (english, _) in LANGUAGES.items()} | OTHER_NAME_LANGUAGES}
    return f"window.geoMapsLanguages = {json.dumps(table, ensure_ascii=True, sort_keys=False)};\n"


@cache
def own_assets() -> tuple[str, str]:
    """The map's own (css, js): the files of STYLES and SCRIPTS in their declared order, the
    incident types' CSS last, the languages' table first."""
    folder = resources.files("geo.render.pages") / "static"
    styles = [(folder / name).read_text(encoding="utf-8") for name in STYLES]
    scripts = [(folder / name).read_text(encoding="utf-8") for name in SCRIPTS]
    for name, text in zip(STYLES + SCRIPTS, styles + scripts, strict=True):
        if "</script" in text.lower() or "</style" in text.lower():
            raise ValueError(f"{name} would close the tag it is inlined into")
    return "\n".join([palette_css(), *styles, incident_type_css()]), "\n".join([languages_js(), *scripts])


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


class RawHtml(branca.element.Element):
    """HTML made (and escaped) by the build's own templates, put into the page as it is."""

    _template = Template("{{ this.html }}")

    def __init__(self, html: str):
        super().__init__()
        self.html = html


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
        self.style = script_json(leaflet_style(style))
        self.interactive = "true" if interactive else "false"
        self.bibliography = script_json(bibliography)


class IncidentLayer(Layer):
    """Incident markers with popups, tooltips and uncertainty circles."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = geoMaps.incidentLayer(
  {{ this.data }}, {{ this.bibliography }}, {{ this.types }}, {{ this.lifts }}, {{ this.uncertain }});
{% endmacro %}
""")

    def __init__(self, name: str, collection: dict, bibliography: dict):
        super().__init__(name=html.escape(name), overlay=True, control=True, show=True)
        self._name = "IncidentLayer"
        self.data = script_json(collection)
        self.bibliography = script_json(bibliography)
        self.types = script_json(incident_types_data())
        self.lifts = script_json(LIFTS)
        self.uncertain = script_json(UNCERTAIN_M)


class MapChrome(branca.element.MacroElement):
    """Title bar, legend and attribution: static HTML escaped here, at build time."""

    _template = Template("""
{% macro html(this, kwargs) %}
<header class="map-title">{{ this.title_html }}</header>
<noscript>{{ this.noscript_html }}</noscript>
{% endmacro %}
{% macro script(this, kwargs) %}
{% set map = this._parent.get_name() %}
geoMaps.legend({{ map }}, {{ this.legend_html }});
geoMaps.attribution({{ map }}, {{ this.attribution }});
{{ map }}.fitBounds({{ this.extent }}, {animate: false});
{% if this.zoom_extents %}geoMaps.view({{ map }}, {{ this.zoom_extents }}, {{ this.tiles }});{% endif %}
geoMaps.labelsFromZoom({{ map }}, {{ this.label_zoom }});
geoMaps.embed({{ map }});
geoMaps.clearTitle();
geoMaps.popups({{ map }});
geoMaps.showIncidents({{ map }});
geoMaps.unplacedPanel({{ map }});
geoMaps.incidentList({{ map }});
geoMaps.timeline({{ map }}, {{ this.timeline }});
geoMaps.languageSwitch({{ map }});
geoMaps.labels({{ map }}, {{ this.labels }}, {{ this.borders }}, {{ this.lines }}, {{ this.coasts }});
{% if this.inset %}geoMaps.inset({{ map }}, {{ this.inset }});{% endif %}
{% if this.relief %}geoMaps.reliefOverlay({{ map }}, {{ this.relief }});{% endif %}
geoMaps.fitView({{ map }}, {{ this.extent }});
geoMaps.deepLinks({{ map }});
geoMaps.accessible({{ map }});
geoMaps.articleApi({{ map }});
{% endmacro %}
""")

    def __init__(self, title_html: str, legend_html: str, attribution_html: str,
                 label_zoom: int | None = LABEL_ZOOM, extent: list | None = None,
                 noscript_html: str = "", inset: dict | None = None,
                 labels: list | None = None, borders: list | None = None, lines: list | None = None,
                 coasts: list | None = None,
                 zoom_extents: dict | None = None,
                 timeline: dict | None = None, tiles: str | None = None, relief: dict | None = None):
        super().__init__()
        # the world's relief over the tiles beyond their zooms: {url, bounds, opacity} (relief-overlay.js)
        self.relief = script_json(relief) if relief else ""
        self.tiles = script_json(tiles)  # the map whose tiles the build made over zoom_extents
        # the timeline's range and step: {"from", "to", "step"} (page.timeline_range)
        self.timeline = script_json(timeline or {"from": "1932", "to": "1945", "step": "year"})
        self.labels = script_json(labels or [])  # place names, drawn by labels.js
        self.borders = script_json(borders or [])  # lines no country's name crosses (labels.js)
        self.lines = script_json(lines or [])  # the other heavy lines, which names keep off
        self.coasts = script_json(coasts or [])  # the coasts, beyond which no country is named
        self.zoom_extents = script_json(zoom_extents) if zoom_extents else ""
        self.noscript_html = noscript_html
        self.inset = script_json(inset) if inset else ""
        self.extent = script_json(extent)
        self.label_zoom = "null" if label_zoom is None else int(label_zoom)
        self._name = "MapChrome"
        self.title_html = title_html
        self.legend_html = script_json(legend_html)
        self.attribution = script_json(attribution_html)


def leaflet_style(style: Style) -> dict:
    """The layer's style as Leaflet's path options, and the height symbol (a height's mark)."""
    options = {"color": style.color, "weight": style.weight, "opacity": style.opacity,
               "height": height_symbol(), "water": WATER}
    if style.fill:
        options.update(fill=True, fillColor=style.fill, fillOpacity=style.fill_opacity)
    else:
        options["fill"] = False
    if style.stripe:  # the dashes in the stripe's colour, inside the solid line
        options["stripe"] = {"color": style.stripe, "weight": style.weight * STRIPE_WIDTH,
                             "opacity": style.opacity, "dashArray": style.dash, "lineCap": "butt"}
    elif style.dash:
        options["dashArray"] = style.dash
    return options
