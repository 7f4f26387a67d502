"""The Mapnik style of a map's tiles and images, generated from maps.toml and the layers.

Land, sea, lakes, rivers as water (the major ones wider), modern borders faint, historical and
claimed borders prominent, heights as the height symbol; no text and no town: the page draws
every name, with the towns' dots, in the reader's language (static/labels.js). Incidents
coloured by ``geo.incident_types`` where an image shows them. The XML carries the layers' data
inline, so a worker needs nothing but this string and MARKS_FOLDER, where its symbols' files are.
"""

from __future__ import annotations

import functools
import itertools
import os
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from geo.config import BASE, BORDER, FEATURE, INCIDENTS, Style
from geo.geometry.content import MapContent, per_content
from geo.geometry.tilegrid import metres_between
from geo.incident_types import INCIDENT_TYPES, MARKER_INK
from geo.jsontext import compact
from geo.render.relief import relief_xml, spot_height_rule

# palette PNG with run-length deflate: a quarter of the bytes of RGBA, and 7x faster to
# encode than zlib level 9 for 4 % more bytes (the encode was most of the tile time)
PNG_FORMAT = "png8:m=h:z=6:s=rle"
TILE_SIZE = 256
BUFFER_PX = 128  # labels and symbols may reach this far into a tile from outside it
BACKGROUND = "#dcdcd8"  # beyond the data: neutral grey, neither land nor sea
# The colours the page, the tiles and the sheets share, each kept here once: Mapnik and the
# sheets read these names, the page's CSS the custom properties made of them
# (elements.palette_css: var(--geo-marker-stroke), ...).
MARKER_STROKE = MARKER_INK  # the ring of an incident's marker and of a group of them
COUNTRY_INK = "#6b5440"  # the period's country names
TOWN_INK = "#2b2b2b"  # a town's dot and name
WATER_INK = "#1d5a8c"  # the names of rivers and lakes
PALETTE = {"background": BACKGROUND, "marker-stroke": MARKER_STROKE, "country-ink": COUNTRY_INK,
           "town-ink": TOWN_INK, "water-ink": WATER_INK}
LABEL_FONTS = ("DejaVu Sans Book", "Noto Sans CJK JP Regular")
HALO = "#ffffff"
SYSTEM_FONT_FOLDERS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")


@per_content
def style_xml(content: MapContent, with_data: bool = True, sheet: bool = False,
              px_per_metre: float = 0.0) -> str:
    """Mapnik XML for the map's tiles (``in_tiles``: the base geography), or with ``sheet``
    for a print sheet's basemap (``in_print``: the map's own layers too; its rivers of known
    width as wide as ``px_per_metre`` makes them, style px a metre).

    With ``with_data=False`` the layers' data are left out: what remains is the style alone,
    whose hash decides whether every tile must be re-rendered.
    """
    layers, styles = [], []
    borders_at = None  # where the first border's layer is listed (wide rivers go before it)
    symbols = []  # the sheet's places' symbols, drawn over every line (as on the page)
    fontset = "".join(f'<Font face-name={quoteattr(f)}/>' for f in available_fonts())
    relief = relief_xml(content, with_data)  # (styles, layers) of the map's relief
    for layer in _relief_order(content.layers, relief):
        if layer == "relief":
            styles.append(relief[0]), layers.append(relief[1])
            continue
        kind = layer.spec.kind
        if not (in_print if sheet else in_tiles)(layer) or not any(  # (towns alone: the page's)
                f.get("geometry") is not None and not drawn_by_page(f, layer)
                for f in layer.collection["features"]):
            continue
        name, collection = layer.spec.name, drawn(layer)
        # a river drawn wide goes under the map's borders, a narrower one stays over them
        wide = [f for f in collection["features"]
                if sheet and _under_borders(f, layer.spec.style, px_per_metre)]
        if wide:
            collection = {**collection, "features": [f for f in collection["features"] if f not in wide]}
            styles.append(f'<Style name={quoteattr(name + " channels")}>'
                          f'{_channel_rules(layer.spec.style, px_per_metre)}</Style>')
            channels = _layer_xml(name + " channels", {"type": "FeatureCollection", "features": wide},
                                  with_data)
            if borders_at is None:
                layers.append(channels)
            else:
                layers.insert(borders_at, channels)
                borders_at += 1
        styles.append(f'<Style name={quoteattr(name)}>{_rules(layer.spec.style, kind, sheet, px_per_metre)}'
                      f'{spot_height_rule(layer)}</Style>')
        if kind == BORDER and borders_at is None:
            borders_at = len(layers)
        points = [f for f in collection["features"]
                  if sheet and kind == FEATURE and "Point" in f["geometry"]["type"]]
        if points:  # (the Khasan heights' triangles had been under the Soviet claim's line)
            collection = {**collection, "features": [f for f in collection["features"] if f not in points]}
            symbols.append(_layer_xml(name, {"type": "FeatureCollection", "features": points}, with_data,
                                      layer_name=name + " symbols"))
        if collection["features"]:
            layers.append(_layer_xml(name, collection, with_data))
    layers += symbols
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Map srs="epsg:3857" background-color="{BACKGROUND}" buffer-size="{BUFFER_PX}">'
        f'<FontSet name="labels">{fontset}</FontSet>'
        + "".join(styles) + "".join(layers) + "</Map>")


def _layer_xml(name: str, collection: dict, with_data: bool, layer_name: str | None = None) -> str:
    """A Mapnik layer of the collection drawn with the style ``name`` (named ``layer_name``)."""
    data = compact(collection) if with_data else ""
    return (f'<Layer name={quoteattr(layer_name or name)} srs="epsg:4326">'
            f"<StyleName>{escape(name)}</StyleName>"
            f'<Datasource><Parameter name="type">geojson</Parameter>'
            f'<Parameter name="cache_features">true</Parameter>'
            f'<Parameter name="inline">{escape(data)}</Parameter></Datasource></Layer>')


def _under_borders(feature: dict, style: Style, px_per_metre: float) -> bool:
    """Whether a sheet draws a river under the borders: wherever it is drawn as water between
    banks (``_channel_rules``: twice its line's width or wider at the sheet's scale), as on
    the page, so that the border it carries shows in its water. Over them, the Amur's channel
    had hidden the river border on the Amur map's own sheet; a river narrower than that is
    its line alone, and stays over the border it follows."""
    width = feature["properties"].get("width_m", 0)
    return (px_per_metre > 0 and width * px_per_metre >= 2 * style.weight
            and feature["geometry"]["type"].endswith("LineString"))


def _relief_order(map_layers, relief) -> list:
    """The map's layers with "relief" where it is drawn: over the land's fill and under the sea
    (a layer drawn from the land inverted, moved after it: the two never overlap), so that the
    relief shades land alone, to its exact coast; a DEM's contours under the map's own layers."""
    order = list(map_layers)
    if relief is None:
        return order
    land = next((i for i, layer in enumerate(order) if layer.spec.kind == BASE
                 and layer.spec.style.fill and not layer.spec.invert), None)
    if land is None:  # no land's fill: over the base layers that come first
        land = next((i for i, layer in enumerate(order) if layer.spec.kind != BASE),
                    len(order)) - 1
    sea = [layer for layer in order[:land] if layer.spec.kind == BASE and layer.spec.invert]
    return ([layer for layer in order[:land + 1] if layer not in sea] + ["relief"] + sea
            + order[land + 1:])


def drawn(layer) -> dict:
    """What the tiles and images draw of a layer: placed features with only the properties the
    style reads (a label's name, an incident's type). Text shown only in the page (summaries,
    sources) stays out, so that editing it re-renders no tile and no image."""
    keep = {INCIDENTS: ("type",)}.get(layer.spec.kind, ("kind", "rank", "elevation", "terminus", "width_m"))
    features = []
    for f in layer.collection["features"]:
        # an incident without a place is listed, not drawn; a name's point is the page's
        if f.get("geometry") is not None and not drawn_by_page(f, layer):
            properties = {k: f["properties"][k] for k in keep if k in f.get("properties", {})}
            features.append({"type": "Feature", "geometry": f["geometry"],
                             "properties": properties})
    return {"type": "FeatureCollection", "features": features}



# Points of these kinds only anchor a name (labels.js): an area's or a country's, never a dot.
LABEL_ANCHORS = ("country", "lake")


def is_label_anchor(feature: dict) -> bool:
    geometry = feature.get("geometry") or {}
    return geometry.get("type") == "Point" and feature["properties"].get("kind") in LABEL_ANCHORS


# A town's dot is drawn by the page with its name, and left out with it where the name finds no
# room (labels.js): no dot on the map without its name. Tiles and print draw neither.
TOWN = "town"


def drawn_by_page(feature: dict, layer) -> bool:
    """A name's point, or a base town: the page draws it (labels.js), the tiles and images do
    not. (A town of the map's own layers is a place with a popup, drawn as its layer is.)"""
    geometry = feature.get("geometry") or {}
    kind = feature["properties"].get("kind")
    return geometry.get("type") == "Point" and (
        kind in LABEL_ANCHORS or kind == TOWN and layer.spec.kind == BASE)


def mark_of(feature: dict, style: Style) -> str:
    """How a feature is drawn: "area" (a polygon, where the style fills), "line" (a line or an
    outline), "height" (a height's point: the height symbol) or "dot" (another point). A fill
    applies to polygons alone, on the page, in tiles and in print: a line filled would be
    closed by a chord and painted as water."""
    kind = feature["geometry"]["type"].replace("Multi", "")
    if kind == "Polygon":
        return "area" if style.fill else "line"
    if kind == "LineString":
        return "line"
    return "height" if feature["properties"].get("kind") == HEIGHT else "dot"


# A height is drawn as the atlas's height symbol, a triangle, never as a dot in its layer's
# colour (the Khasan heights, blue, read as ponds). The symbol's one home is this SVG file:
# Mapnik draws it (tiles, print), the page and the legends take its shape and colours.
HEIGHT = "height"
MARKS_FOLDER = Path(__file__).resolve().parent / "pages" / "static"
HEIGHT_SYMBOL = (MARKS_FOLDER / "height.svg").read_text(encoding="utf-8").strip()


def load_style(mapnik_map, xml: str) -> None:
    """Load a style of this module into a Mapnik map, its symbols' files found in MARKS_FOLDER:
    the one way every renderer (tiles, print, the benchmark) loads it."""
    import mapnik

    mapnik.load_map_from_string(mapnik_map, xml, False, str(MARKS_FOLDER))


@functools.cache
def height_symbol() -> dict[str, str | float]:
    """The height symbol's size, path and colours, read once from its SVG (the page and the
    print legend draw it from these)."""
    svg = ElementTree.fromstring(HEIGHT_SYMBOL)
    path = svg.find("{http://www.w3.org/2000/svg}path")
    return {"width": float(svg.get("width")), "height": float(svg.get("height")),
            **{k: path.get(k) for k in ("d", "fill", "stroke", "stroke-width")}}


def legend_entries(layer, extent, page: bool = True, under=None, least_m: float = 0.0,
                   hidden: frozenset = frozenset()) -> list[tuple[str, str]]:
    """The legend's (mark, text) for a layer: one entry per kind of mark it draws inside the
    map's own ``extent`` (west, south, east, north), none if it draws nothing there; a line
    that runs only ``under`` the map's heavy lines (shapely, WGS84) is not seen there. A layer
    of one kind of mark is named by its title, or where it draws one feature there that has a
    name of its own on the map (``label_name``) by that, as its line is (on Khalkhin Gol the
    "Mongolian claim", which the title "Border claimed on the Soviet side" had contradicted);
    in a layer of several, each kind of mark by its feature's name, or as LEGEND_GROUPS names
    them ("Heights"). Print (``page=False``) draws no base town: its legend lists none. An area
    less than ``least_m`` across is not seen either (a sheet's few pixels: Lake Khasan's 2 km on
    the overview's sheets, which listed it), nor a point at one of the (lon, lat) ``hidden``
    (a sheet's symbols under its markers: the Khasan heights under the overview's circle of 18).
    A layer that draws several kinds of mark is never named by its title where one of them
    shows: its title names them all ("Lake Khasan: heights, lake" had stood for the heights
    alone)."""
    from shapely.geometry import box, shape

    area = box(*extent)
    seen = area.difference(under) if under is not None else area
    groups: dict[str, list[dict]] = {}
    for f in layer.collection["features"]:
        if f.get("geometry") and not is_label_anchor(f) and (page or not drawn_by_page(f, layer)):
            groups.setdefault(mark_of(f, layer.spec.style), []).append(f)

    least = SEEN_SHARE * (extent[2] - extent[0])

    def shows(f) -> bool:  # a line near the heavy ones: a stretch a reader sees, not a sliver
        if hidden and f["geometry"]["type"] == "Point" and tuple(f["geometry"]["coordinates"][:2]) in hidden:
            return False
        geometry = shape(f["geometry"])
        if least_m and f["geometry"]["type"].endswith("Polygon") and across_m(geometry) < least_m:
            return False
        if under is None or not f["geometry"]["type"].endswith("LineString"):
            return area.intersects(geometry)
        return seen.intersects(geometry) and (not geometry.intersects(under)
                                              or geometry.intersection(seen).length >= least)

    def inside(features):  # (lazily: a base layer's first feature mostly settles it)
        return (f for f in features if shows(f))
    marks = [mark for mark in ("area", "line", "height", "dot")
             if mark in groups and next(inside(groups[mark]), None) is not None]
    if len(groups) <= 1:  # (whether it draws one feature there: two settle it)
        drawn = [f for mark in marks for f in itertools.islice(inside(groups[mark]), 2)]
        own = drawn[0]["properties"].get("label_name") if len(drawn) == 1 else None
        return [(mark, own or layer.spec.title) for mark in marks]
    return [(mark, _group_name(list(inside(groups[mark])))) for mark in marks]


def across_m(geometry) -> float:
    """How far a shape reaches (metres, the longer side of its box, at its middle latitude)."""
    west, south, east, north = geometry.bounds
    middle = (south + north) / 2
    return max(metres_between((west, middle), (east, middle)), metres_between((west, south), (west, north)))


def legend_rows(layers, extent, page: bool = True, least_m: float = 0.0, hidden: frozenset = frozenset()
                ) -> list[tuple[Style, str, list[str]]]:
    """The legend's lines below the incident types, as (style, mark, texts): the entries of
    every layer that asks for one (``legend_entries``), one line per swatch. Layers drawn with
    the same mark alike are one line (the blue lines of the Tumen and the Khalkhin Gol, three
    dots for the places: a reader tells them apart on the map by their names), named by each,
    or for several dots, heights or striped rivers by LEGEND_GROUPS. ``least_m`` and
    ``hidden``: see ``legend_entries``."""
    rows: dict[tuple, tuple[Style, str, list[str]]] = {}
    under = _under_heavy_lines(layers, extent)
    for layer in layers:
        if layer.spec.kind == INCIDENTS or not layer.spec.legend:
            continue
        style = layer.spec.style
        thin = style.weight < HEAVY_WEIGHT
        for mark, text in legend_entries(layer, extent, page, under if thin else None, least_m, hidden):
            rows.setdefault((mark, _swatch_of(style, mark)), (style, mark, []))[2].append(text)
    return [(style, mark, [_group_of(style, mark)] if len(texts) > 1 and _group_of(style, mark)
             else texts) for style, mark, texts in rows.values()]


def _group_of(style: Style, mark: str) -> str | None:
    """The legend's one name (LEGEND_GROUPS) for several layers drawn alike with ``mark``, or
    None where they are named each: heights, places, and rivers striped with the border they
    were (the Tumen and the Amur on the overview had read "Tumen, the border, Amur, the border
    of the 1930s")."""
    if mark in ("height", "dot"):
        return LEGEND_GROUPS[mark == "dot"]
    return LEGEND_GROUPS[2] if mark == "line" and style.stripe else None


# How near a heavy line a thin one is hidden by it, as a share of the extent's width: under a
# pixel at the map's first view (the modern borders under the 1930s ones, drawn from them)
UNDER_SHARE = 0.0005
# How long a stretch of a thin line clear of the heavy ones a legend needs to list it, as a
# share of the extent's width: a reader sees 25 px on a page or a sheet, not slivers (on the
# Amur's sheet 1 km of the modern border, in bits between the river border's bends, had
# listed "Modern borders" on a sheet that showed none)
SEEN_SHARE = 0.02


def _under_heavy_lines(layers, extent):
    """Where the map's heavy lines (HEAVY_WEIGHT) cover a thin one, as a shapely area."""
    import shapely
    from shapely.geometry import LineString, box

    lines = [LineString(part) for part in _heavy_parts(layers) if len(part) > 1]
    if not lines:
        return None
    area = box(*extent)
    near = [line for line in lines if line.intersects(area)]
    return shapely.union_all([line.buffer((extent[2] - extent[0]) * UNDER_SHARE) for line in near]) \
        if near else None


def _swatch_of(style: Style, mark: str) -> tuple:
    """What a legend swatch of ``mark`` shows of a style (legends draw nothing else of it)."""
    return {"area": (style.fill, style.fill_opacity, style.color, style.weight),
            "line": (style.color, style.weight, style.dash, style.stripe, style.opacity),
            "dot": (style.color,), "height": ()}[mark]


# The legend's names for several features of one mark (in interface_text.TEXT, in every
# language): heights, places of different kinds (a town and an island on the Amur map), rivers
# striped with the border they were (the Tumen and the Amur on the overview).
LEGEND_GROUPS = ("Heights", "Places", "River borders of the 1930s")


def _group_name(features: list[dict]) -> str:
    names = {f["properties"]["name"] for f in features}
    if len(names) == 1:  # one feature, or one river in stretches (the Amur above and below the Zeya)
        return names.pop()
    heights = all(f["properties"].get("kind") == HEIGHT for f in features)
    return LEGEND_GROUPS[0] if heights else LEGEND_GROUPS[1]


def in_tiles(layer) -> bool:
    """The tiles draw the base geography, and a layer too heavy for the page. The map's own
    layers are the page's vectors: drawn in the tiles too, they were drawn twice (a dashed
    claim read as solid where the two dash patterns interleaved, a lake's fill was darker
    than its legend swatch, a layer turned off in the layer control still showed)."""
    return layer.spec.kind == BASE or layer.heavy


def in_print(layer) -> bool:
    """A print sheet's basemap draws every layer but the incidents, which the sheet draws as
    its markers unless too many."""
    return layer.spec.kind != INCIDENTS or layer.heavy


POINT_SYMBOL = 9  # style px across a place's dot as Mapnik draws it (sheets.parts.Sizes.symbol)

# A stripe's width, as a share of its line's (Style.stripe): the railway's light dashes.
STRIPE_WIDTH = 0.5
RAILHEAD = 4.5  # a railhead's bar across a line's end, as a share of the line's width


# A sheet draws a river whose source gives its width (width_m) as the page does at large zooms:
# water between two banks, as wide as the river at the sheet's scale (``px_per_metre``, style px:
# images.basemap_png), never narrower than its line.
def _channel_rules(style: Style, px_per_metre: float) -> str:
    wide = f"max([width_m] * {px_per_metre:.6g}, {style.weight:g})"
    banks = ("<Rule><Filter>[mapnik::geometry_type] = linestring and [width_m] &gt; 0</Filter>"
             f'<LineSymbolizer stroke={quoteattr(style.color)} stroke-width="{wide}" '
             'stroke-linejoin="round" stroke-linecap="round"/></Rule>')
    if px_per_metre <= 0:
        return banks
    # the water between the banks from twice the line's width on, as on the page
    return banks + (f"<Rule><Filter>[mapnik::geometry_type] = linestring and "
                    f"[width_m] &gt;= {2 * style.weight / px_per_metre:.1f}</Filter>"
                    f'<LineSymbolizer stroke="{WATER}" stroke-width="[width_m] * {px_per_metre:.6g} - '
                    f'{2 * BANK_PX:g}" stroke-linejoin="round" stroke-linecap="round"/></Rule>')


BANK_PX = 0.8  # style px of each bank line of a river drawn at its width on a sheet


def _rules(style: Style, kind: str, sheet: bool = False, px_per_metre: float = 0.0) -> str:
    dash = f' stroke-dasharray={quoteattr(style.dash.replace(" ", ","))}' if style.dash else ""
    stroke = (f'<LineSymbolizer stroke={quoteattr(style.color)} stroke-width="{style.weight}" '
              f'stroke-opacity="{style.opacity}" stroke-linejoin="round" stroke-linecap="round"'
              + ("" if style.stripe else dash) + "/>")
    if style.stripe:  # the dashes in the stripe's colour inside the solid line
        stroke += (f'<LineSymbolizer stroke={quoteattr(style.stripe)} '
                   f'stroke-width="{style.weight * STRIPE_WIDTH:g}" stroke-opacity="{style.opacity}" '
                   f'stroke-linejoin="round" stroke-linecap="butt"{dash}/>')
        railhead = (f'fill={quoteattr(style.color)} stroke-width="0" width="{style.weight:g}" '
                    f'height="{style.weight * RAILHEAD:g}" allow-overlap="true" ignore-placement="true"')
        # a line's ``terminus``, where it ends at a station, as the atlas's railhead: a bar
        # across its end (the Harbin-Heiho line and the Blagoveshchensk branch end 4 km apart
        # across the Amur, and without it read as one line over a river no bridge crossed
        # until 2022)
        railheads = "".join(
            f"<Rule><Filter>[terminus] = '{end}' or [terminus] = 'both'</Filter>"
            f'<MarkersSymbolizer placement="vertex-{end}" {railhead}/></Rule>' for end in ("first", "last"))
    else:
        railheads = ""
    if style.weight == 0:
        stroke = ""
    fill = (f'<PolygonSymbolizer fill={quoteattr(style.fill)} fill-opacity="{style.fill_opacity}" '
            'gamma="0.5"/>' if style.fill else "")
    if kind == INCIDENTS:
        return "".join(
            f"<Rule><Filter>[type] = '{t.name}'</Filter>"
            f'<MarkersSymbolizer fill="{t.fill}" stroke="{MARKER_STROKE}" stroke-width="1.5" width="14" '
            'height="14" allow-overlap="true"/></Rule>'
            for t in sorted(INCIDENT_TYPES))
    point = (f'<MarkersSymbolizer fill={quoteattr(style.color)} stroke="#ffffff" '
             f'stroke-width="1.5" width="{POINT_SYMBOL}" height="{POINT_SYMBOL}" allow-overlap="true"/>')
    at_width = " and not ([width_m] &gt; 0)" if sheet else ""
    return (
        f'<Rule><Filter>[mapnik::geometry_type] = polygon</Filter>{fill}{stroke}</Rule>'
        + _major_rivers()
        + f'<Rule><Filter>[mapnik::geometry_type] = linestring and not ([rank] = 1){at_width}</Filter>'
        f'{stroke}</Rule>'
        + (_channel_rules(style, px_per_metre) if sheet else "")
        # a country's or a lake's name point, and a town, are the page's (drawn() leaves them out)
        + f"<Rule><Filter>[mapnik::geometry_type] = point and [kind] = '{HEIGHT}'</Filter>"
        '<MarkersSymbolizer file="height.svg" allow-overlap="true"/></Rule>'
        + f"<Rule><Filter>[mapnik::geometry_type] = point and not [kind] = '{HEIGHT}'</Filter>"
        f"{point}</Rule>" + railheads)


# Major rivers (rank 1 in layers/base/rivers.geojson) as water: a pale channel in a darker bank
# line, wider as the reader zooms in; (least zoom, width in px) from that zoom on.
RIVER_WIDTHS = ((0, 1.6), (7, 2.4), (9, 3.5), (11, 6.0), (13, 9.0))
WATER, BANK = "#a9c9e3", "#6f9fc8"


def _scale(zoom: int) -> float:
    """Mapnik's scale denominator halfway into the zoom below ``zoom`` (256 px web mercator)."""
    return 559082264.028 / 2 ** zoom * 1.5


def _major_rivers() -> str:
    rules = []
    for i, (zoom, width) in enumerate(RIVER_WIDTHS):
        upper = f"<MaxScaleDenominator>{_scale(zoom):.1f}</MaxScaleDenominator>" if zoom else ""
        lower = (f"<MinScaleDenominator>{_scale(RIVER_WIDTHS[i + 1][0]):.1f}</MinScaleDenominator>"
                 if i + 1 < len(RIVER_WIDTHS) else "")
        rules.append(
            f"<Rule>{upper}{lower}"
            "<Filter>[mapnik::geometry_type] = linestring and [rank] = 1</Filter>"
            f'<LineSymbolizer stroke="{BANK}" stroke-width="{width + 1.4}" stroke-linejoin="round" '
            'stroke-linecap="round"/>'
            f'<LineSymbolizer stroke="{WATER}" stroke-width="{width}" stroke-linejoin="round" '
            'stroke-linecap="round"/></Rule>')
    return "".join(rules)


def available_fonts() -> list[str]:
    """The label fonts Mapnik can use here (DejaVu from the wheel, Noto CJK from Debian)."""
    import mapnik

    register_system_fonts()
    faces = set(mapnik.FontEngine.face_names())
    return [f for f in LABEL_FONTS if f in faces] or sorted(faces)[:1]


_fonts_registered = False


def register_system_fonts() -> None:
    """Add Debian's fonts (e.g. fonts-noto-cjk) to the DejaVu that the mapnik wheel ships."""
    global _fonts_registered
    if not _fonts_registered:
        import mapnik

        for folder in SYSTEM_FONT_FOLDERS:
            if os.path.isdir(folder):
                mapnik.register_fonts(folder)
        _fonts_registered = True


@per_content
def coast_paths(content: MapContent) -> list[list[list[float]]]:
    """The coasts in and around the map as [[lat, lon], ...]: the edges of its base land but
    where the map's data is cut, simplified to half a pixel at its first zoom. A country's name
    stands on its land: the way from its point to the name's middle crosses no coast (labels.js;
    "KOREA (UNDER JAPANESE RULE)" had stood half over the Sea of Japan on the overview at 1280
    px, its Russian name wholly)."""
    import shapely
    from shapely.geometry import box, shape

    from geo.geometry.combine import simplify_tolerance

    spec = content.spec
    land = [shape(f["geometry"]) for layer in content.layers if layer.spec.kind == BASE
            for f in layer.collection["features"]
            if f["properties"].get("kind") == "land" and f.get("geometry")]
    if not land:
        return []
    # (a name's side of a coast needs no finer line than half a pixel at the map's first zoom:
    # the overview's coasts at half a pixel of its widest zoom had weighed 1.7 MB; nor the
    # islands and the coves smaller than a name)
    tolerance = simplify_tolerance(spec.min_zoom)
    west, south, east, north = spec.extent  # (and a quarter round it: where a name is sought)
    margin_x, margin_y = (east - west) / 4, (north - south) / 4
    padded = spec.padded_extent()
    inside = box(max(west - margin_x, padded[0]), max(south - margin_y, padded[1]),
                 min(east + margin_x, padded[2]), min(north + margin_y, padded[3])).buffer(-tolerance)
    edges = shapely.simplify(shapely.intersection(shapely.union_all([g.boundary for g in land]), inside),
                             tolerance)
    return [[[round(float(y), 4), round(float(x), 4)] for x, y in shapely.get_coordinates(part)]
            for part in shapely.get_parts(edges) if part.length >= COAST_LEAST * tolerance]


COAST_LEAST = 40  # (in simplification tolerances) a coast shorter than this names no side


def border_paths(content: MapContent) -> list[list[list[float]]]:
    """The lines that part the countries on a map, as [[lat, lon], ...]: the period's border,
    the claims, the modern borders, and the rivers the maps are about (the Tumen, the Khalkhin
    Gol, the Amur: each a border, and the modern line along the Tumen has a gap below Khasan
    that let MANCHUKUO be set in Korea). No country's name is set across one, on the page
    (labels.js) or on a print sheet (sheets.layout)."""
    paths = []
    for layer in content.layers:
        if layer.spec.kind not in (BORDER, BASE, FEATURE):
            continue
        for f in layer.collection["features"]:
            geom = f.get("geometry") or {}
            kind = f["properties"].get("kind")
            if layer.spec.kind == BASE and kind != "modern-border" or \
                    layer.spec.kind == FEATURE and not (kind == "river" and f["properties"].get("label")):
                continue
            paths += [[[round(y, 5), round(x, 5)] for x, y, *_ in part] for part in line_parts(geom)]
    return paths


# Where a lone marker stands off a place's symbol, in its reach (a marker's size, and the
# symbol's): above, below, then to a side; on the page (incident-layer.js) and the sheets
LIFTS = ((0.0, -1.0), (0.0, 1.0), (1.0, 0.0), (-1.0, 0.0),
         (0.8, -0.8), (-0.8, -0.8), (0.8, 0.8), (-0.8, 0.8))

# An incident placed no nearer than this (its ``precision_m``) shows, on the page, a dashed
# circle of how far off it may be (incident-layer.js), which the legend then explains
UNCERTAIN_M = 500

# Lines this heavy (style px) or more are the map's main lines (borders, claims, the rivers it is
# about, railways): a name is set clear of them where it can be.
HEAVY_WEIGHT = 2.0


def heavy_paths(content: MapContent) -> list[list[list[float]]]:
    """The map's heavy lines (HEAVY_WEIGHT), as [[lat, lon], ...]: names keep off them where
    they can stand elsewhere, on the page (labels.js: a railway ran through "Spassk-Dalny") and
    on the sheets (sheets.layout)."""
    return [[[round(y, 5), round(x, 5)] for x, y, *_ in part] for part in _heavy_parts(content.layers)]


def _heavy_parts(layers) -> list[list]:
    """The coordinate lists (lon, lat) of the lines of every layer drawn HEAVY_WEIGHT or more."""
    return [part for layer in layers
            if layer.spec.kind != INCIDENTS and layer.spec.style.weight >= HEAVY_WEIGHT
            for f in layer.collection["features"] for part in line_parts(f.get("geometry"))]


def line_parts(geometry: dict | None) -> list[list]:
    """The lines a GeoJSON geometry draws, as coordinate lists: its lines, or its polygons'
    rings (points draw none)."""
    kind, coordinates = (geometry or {}).get("type"), (geometry or {}).get("coordinates") or []
    parts = [coordinates] if kind == "LineString" else coordinates \
        if kind in ("MultiLineString", "Polygon") else \
        [ring for polygon in coordinates for ring in polygon] if kind == "MultiPolygon" else []
    return [part for part in parts if len(part) > 1]
