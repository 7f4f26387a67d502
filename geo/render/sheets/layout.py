"""The print sheet of a map, as SVG: title, the map (its basemap an embedded raster, markers
and place labels as SVG elements), scale bar, north arrow, legend, attribution and sources.

All text is live ``<text>`` (escaped here, never by the caller), sized in points for a
newspaper column; the SVG's user unit is one pixel at 300 dpi, so the PNGs made from it are
the raster pixel for pixel. ``print_svg`` leaves the raster out (``with_basemap`` puts it in):
that string, with the basemap style, is what decides whether the images must be made anew.
"""

from __future__ import annotations

import base64
import functools
import math
import re
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from geo.config import FEATURE
from geo.geometry.content import MapContent
from geo.geometry.tilegrid import mercator_xy, metres_between
from geo.render.names import kept_whole, map_labels, shown_at, whole_names
from geo.render.sheets import locator
from geo.render.sheets.legend import credits, legend, scale_and_north, unplaced_note
from geo.render.sheets.marks import (
    FONT_FAMILY,
    LEADING,
    along,
    beside,
    centre,
    fan_or_number,
    label_and_lead,
    led,
    nearest_on_box,
    overlaps,
    place_labels,
    text_width,
    wrap,
)
from geo.render.sheets.parts import (
    DPI,
    INK,
    PT,
    TOWN_DOT,
    Sizes,
    corners,
    frame_extent,
    group_marker,
    incidents,
    marker,
    metres_per_px,
    text,
    town_dot,
)
from geo.render.style import (
    COUNTRY_INK,
    MARKER_STROKE,
    TOWN_INK,
    WATER_INK,
    border_paths,
    coast_paths,
    heavy_paths,
)


def map_size(content: MapContent, width: int) -> tuple[int, int]:
    """The map frame's pixel size: the full sheet width, the extent's Mercator aspect."""
    (left, bottom), (right, top) = corners(content, width)
    return width, max(1, round(width * (top - bottom) / (right - left)))


def print_svg(content: MapContent, width: int) -> str:
    """The whole sheet ``width`` px wide (55 mm = 650 px, 115 mm = 1358 px at 300 dpi), its
    map frame's basemap image left empty."""
    s = Sizes(width)
    out: list[str] = []
    y = s.pad
    whole = whole_names(content)  # (names kept on one line)
    for line in wrap(kept_whole(content.spec.title, whole), s.title, width - 2 * s.pad, bold=True):
        y += s.title * 1.0
        out.append(text(s.pad, y, line, s.title, bold=True))
        y += s.title * 0.2
    for line in wrap(kept_whole(content.spec.description, whole), s.desc, width - 2 * s.pad):
        y += s.desc * 1.15
        out.append(text(s.pad, y, line, s.desc))
    top = round(y + s.pad)
    mw, mh = map_size(content, width)
    drawn_map, marks = _map(content, s, top, mw, mh)
    out.append(drawn_map)
    y = top + mh
    out.append(scale_and_north(content, s, y, mw))
    y += round(s.legend * 2.4)
    drawn_legend, y = legend(content, s, y, marks, metres_per_px(content, mw), whole)
    out.append(drawn_legend)
    y += s.pad * 0.5
    for line in credits(content, s, whole):
        y += s.small * 1.2
        out.append(text(s.pad, y, line, s.small))
    height = round(y + s.pad)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{width / DPI * 25.4:.2f}mm" height="{height / DPI * 25.4:.2f}mm" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc" '
        f'font-family={quoteattr(FONT_FAMILY)} fill="{INK}">\n'
        f'<title id="title">{escape(content.spec.title)}</title>\n'
        f'<desc id="desc">{escape(description(content))}</desc>\n'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n'
        + "\n".join(out) + "\n</svg>\n")


def description(content: MapContent) -> str:
    placed, unplaced = incidents(content)
    text = (f"{content.spec.description} Map of {len(placed)} incidents, each a lettered marker "
            "by type (see the legend), with place labels, scale bar and north arrow"
            + (", and a locator of the region." if locator.theatre(content) else "."))
    if unplaced:
        text += " " + unplaced_note(unplaced)
    return text


def projection(content: MapContent, mw: int, mh: int, top: float = 0.0):
    """(lon, lat) -> the sheet's pixels, for a map frame mw x mh px whose top is at ``top``."""
    (left, bottom), (right, up) = corners(content, mw)

    def project(lon: float, lat: float) -> tuple[float, float]:
        x, y = mercator_xy(lon, lat)
        return (x - left) / (right - left) * mw, top + (up - y) / (up - bottom) * mh
    return project


class Marks(NamedTuple):
    """What the legend says of the marks the sheet set itself: whether any incidents were
    fanned out, the numbered groups (incidents, the map's own places they lie nearest, as
    (name, lon, lat), most incidents first: _places_near), whether any town's dot is drawn,
    and whether a lone marker was set off its place (clear of the place's symbol) with a line
    to it; and the points of the map's own layers whose symbols lie under a marker or a
    numbered circle, which the legend does not explain; and the countries the map names by
    their shortest names, which the legend spells out."""
    fanned: bool
    keyed: tuple[tuple[list[dict], tuple[tuple[str, float, float], ...]], ...]
    towns: bool  # whether any town's dot is drawn
    moved: bool  # whether a lone marker was set off its place
    hidden: frozenset = frozenset()  # (lon, lat) of the points whose symbols a marker covers
    shortened: tuple = ()  # (shortest name, name) of each country named by its shortest


def with_basemap(svg: str, raster: bytes) -> str:
    """The sheet with the basemap ``raster`` (PNG) in its map frame's empty image."""
    head, mark, tail = svg.partition(BASEMAP_IMAGE)
    data = base64.b64encode(raster).decode()
    return f'{head}{mark} xlink:href="data:image/png;base64,{data}"{tail}'


BASEMAP_IMAGE = '<image id="basemap"'


def _map(content, s: Sizes, top: int, mw: int, mh: int) -> tuple[str, Marks]:
    """The map frame's SVG, and what the legend says of its incident marks."""
    project = projection(content, mw, mh, top)
    frame = (0.0, float(top), float(mw), float(top + mh))
    parts = [f'<g id="map"><clipPath id="frame"><rect y="{top}" width="{mw}" height="{mh}"/>'
             '</clipPath><g clip-path="url(#frame)">',
             f'{BASEMAP_IMAGE} y="{top}" width="{mw}" height="{mh}" preserveAspectRatio="none"/>']
    placed, _ = incidents(content)
    points = [project(*f["geometry"]["coordinates"][:2]) for f in placed]
    # the names the page shows at the zoom the frame is like, in the page's order
    zoom = frame_zoom(content, mw)
    names = [label for label in map_labels(content) if shown_at(label, zoom)]
    own = [label for label in names if label["kind"] in ("place", "water")]
    labels = [(str(label["name"]), *project(label["lon"], label["lat"])) for label in own]
    lakes = {str(label["name"]) for label in own if label["kind"] == "water"}
    # the symbols of the places the map is about stay in sight (not a lake's name point)
    symbols = tuple((x, y) for name, x, y in labels if name not in lakes)
    waters = tuple((x, y) for name, x, y in labels if name in lakes)
    marks, spots, fans = fan_or_number(points, s.marker, frame, keep_clear=symbols, waters=waters)
    # a fan's leader lines run from each fanned-out mark to its place: to a dot there, or to
    # the edge of a place's symbol, which stays in sight (Zaozernaya's triangle had been under
    # the dot and five leader lines of the Khasan sheets' fan)
    wheres = [centre([points[i] for i in m]) for m in marks]
    dot = s.symbol
    for fan in fans:
        ends = [_leader_end(spots[j], wheres[j], symbols, dot) for j in fan]
        for j, ((wx, wy), _) in zip(fan, ends, strict=True):
            parts.append(f'<line x1="{spots[j][0]:.1f}" y1="{spots[j][1]:.1f}" x2="{wx:.1f}" y2="{wy:.1f}" '
                         f'stroke="{MARKER_STROKE}" stroke-width="{0.75 * PT:.2f}"/>')
        for (wx, wy), dotted in ends:
            if dotted:
                parts.append(f'<circle cx="{wx:.1f}" cy="{wy:.1f}" r="{1.1 * PT:.2f}" '
                             f'fill="{MARKER_STROKE}"/>')
    # the map's own places each mark's incidents lie nearest (a group's key names them)
    nearest = [_places_near([points[i] for i in members], labels, own, 4 * s.marker) for members in marks]
    keyed = []  # (incidents, the map's own places they lie nearest) of each numbered group
    markers = []
    for members, (x, y), near in zip(marks, spots, nearest, strict=True):
        if len(members) == 1:
            markers.append(marker(placed[members[0]]["properties"].get("type", ""), x, y, s.marker,
                                  str(placed[members[0]]["properties"]["id"])))
            continue
        keyed.append(([placed[i] for i in members], near))
        markers.append(group_marker([placed[i] for i in members], x, y, s.marker,
                                    tuple(str(placed[i]["properties"]["id"]) for i in members)))
    points = wheres
    half = s.marker / 2 + 0.5 * PT
    obstacles = [(x - half, y - half, x + half, y + half) for x, y in spots + points]
    inner = (frame[0] + 2, frame[1] + 2, frame[2] - 2, frame[3] - 2)
    lines = _border_lines(content, project)
    sides = (lines, _coast_lines(content, project))  # (a country's name: on its land too)
    from shapely.prepared import prep

    heavy_lines = _heavy_lines(content, project, frame)
    heavy = prep(heavy_lines) if heavy_lines is not None else None  # (for the many label tests)
    # the locator, in the corner that hides least of the map; the names keep clear of it
    shown_theatre = locator.theatre(content)
    inset = ""
    if shown_theatre is not None:
        # (a country's point off the frame: its name goes to the frame's nearest edge)
        def clamp(x, y):
            return min(max(x, inner[0]), inner[2]), min(max(y, inner[1]), inner[3])
        cost = _hidden_by(obstacles, [(*clamp(*project(label["lon"], label["lat"])), HIDING[label["kind"]])
                                      for label in names if label["kind"] in HIDING], heavy_lines, s)
        # the corner that hides no mark, then none of the map's own places, waters and lines
        # (the locator had hidden half of Lake Khasan and the end of the Mongolian claim on the
        # 1-column sheets, where a smaller one hid neither), then leaves every country that
        # has room named; else the one that hides least; of those alike, the largest
        width, height = locator.box_size(shown_theatre, mw, s.columns)
        boxes = [b for scale in locator.SCALES
                 for b in locator.corners(inner, (width * scale, height * scale), cost)]

        def named(extra: list) -> int:
            return len(_country_names(names, s, project, obstacles + extra, inner, COUNTRY_SHIFTS,
                                      borders=sides))
        room = named([])

        def rank(b) -> tuple:
            hides = cost(b)
            return hides >= MARK_COST, hides >= SUBJECT_COST, named([b]) < room, \
                hides if hides >= SUBJECT_COST else 0
        where = min(boxes, key=rank)  # (min keeps the first of equals: the largest)
        obstacles.append(where)
        inset = locator.locator_svg(shown_theatre, frame_extent(content, mw), where,
                                    content.locator.get("lines", []))
    countries = _country_names(names, s, project, obstacles, inner, COUNTRY_SHIFTS[:1],
                               borders=sides)
    obstacles += [box for *_, box, _ in countries]
    named = [box for *_, box, _ in countries]  # the boxes of the names set, to read a dot by
    led_from: list = []  # (box, point) of the places' names: no town's dot nearer one than its point
    obstacles += [(x - dot, y - dot, x + dot, y + dot) for name, x, y in labels if name not in lakes]
    offset = dot + 0.8 * PT
    texts: list[str] = []
    # a place is named across a line where its side has no room only if it is on the border as
    # far as its data says (as on the page): nearer a line than its stated precision
    across = lakes | {str(label["name"]) for label in own if _on_border(label, project, lines)}
    # (a lake's name reads as none of the markers', nor as another lake's)
    # (but a lake's own incidents' marks: beside them its name reads as their place, as it is)
    drawn_marks = {lake: tuple((mx, my, s.marker / 2) for (mx, my), near in zip(spots, nearest, strict=True)
                               if {n for n, *_ in near} != {lake})
                   for lake in lakes}
    lakes_drawn = _lake_outlines(content, project, frame, s.label)
    # (a place's shorter name where its name finds no room, as on the page: "Zaozernaya", of
    # "Zaozernaya (Changkufeng)")
    shorter = {str(label["name"]): str(label["short"]) for label in own if label.get("short")}
    for name, x, y, anchor, box, (px, py) in place_labels(
            labels, s.label, obstacles, inner, offset, lines, centred=lakes, keep_off=heavy,
            anyway=across, never=_river_lines(names, project), symbols=symbols, marks=drawn_marks,
            lakes=lakes_drawn, shorter=shorter):
        ex, ey = nearest_on_box(px, py, box)
        if led(px, py, box, offset):  # set apart: a line leads to the point
            parts.append(f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" '
                         f'stroke="{INK}" stroke-width="{0.4 * PT:.2f}" stroke-dasharray="'
                         f'{1.2 * PT:.1f},{0.8 * PT:.1f}"/>')
        texts.append(_boxed(name, x, y, anchor, box, s))
        obstacles.append(box)
        named.append(box)
        led_from.append((box, (px, py)))
    # the rivers and claimed borders the map is about, named along their lines where the frame
    # shows enough of them; a river the title or description names (the map's subject) whose
    # run has no room along it, level beside it (elsewhere a level name off a short run read
    # as the sea's or the steppe's: the Tumen's off its mouth on overview-1col)
    turned: dict = {}  # the upright box of each turned name -> the name's own shape
    for label in names:
        if label["kind"] != "line":
            continue
        path = [project(lon, lat) for lat, lon in label["path"]]
        spot = along(path, str(label["name"]), s.label, 1.2 * PT, obstacles, inner, heavy)
        if spot is None and not label["ink"] and subject_line(content.spec, str(label["name"])):
            spot = beside(path, str(label["name"]), s.label, 1.2 * PT, obstacles, inner, heavy)
        if spot is None:
            continue
        x, y, angle, box, shape = spot
        name_set = text(x, y, str(label["name"]), s.label, italic=not label["ink"], anchor="middle",
                        fill=label["ink"] or WATER_INK, halo=True)
        if angle:
            turned[box] = shape
            name_set = f'<g transform="rotate({angle:.1f} {x:.1f} {y:.1f})">{name_set}</g>'
        texts.append(name_set)
        obstacles.append(box)
        named.append(box)
    # the towns the frame's scale allows, largest first: a town's dot with its name beside it,
    # or neither where the name finds no room on the dot's side of every border (as on the
    # page); a town under an incident's marker (Vladivostok) is named beside the marker
    marked = [(x - half, y - half, x + half, y + half) for x, y in spots]
    dots: tuple = ()  # the town dots drawn
    for label in names:
        if label["kind"] != "town":
            continue
        x, y = project(label["lon"], label["lat"])
        spot = (x - TOWN_DOT, y - TOWN_DOT, x + TOWN_DOT, y + TOWN_DOT)
        under = next((m for m in marked if overlaps(spot, m)), None)
        if not (inner[0] <= spot[0] and spot[2] <= inner[2] and inner[1] <= spot[1]
                and spot[3] <= inner[3]) or (under is None and any(overlaps(spot, b) for b in obstacles)):
            continue
        found = place_labels([(str(label["name"]), x, y)], s.label, obstacles + [spot], inner,
                             (half if under else TOWN_DOT) + 0.8 * PT, lines, reaches=(1.0, 1.6),
                             keep_off=heavy, side=False, anyway=False, symbols=symbols + dots)
        if not found:
            continue
        name, tx, ty, anchor, box, _ = found[0]
        if under is None and (not _reads_as_its_dot(x, y, box, named, TOWN_DOT + 0.8 * PT) or any(
                math.dist((x, y), nearest_on_box(x, y, b)) < math.dist(p, nearest_on_box(*p, b))
                for b, p in led_from)):
            continue  # (its dot would read as another name's, or a place's name as its: neither is drawn)
        if under is None:
            texts.append(town_dot(x, y))
            dots += ((x, y),)
        texts.append(_boxed(name, tx, ty, anchor, box, s, TOWN_INK))
        obstacles += [spot, box]
        named.append(box)
    # a country's name that found no room on its point: a little off it, clear of the places
    countries += _country_names(names, s, project, obstacles, inner, COUNTRY_SHIFTS[1:],
                                skip={name for name, *_ in countries}, borders=sides, turned=turned)
    # where no room is left level, along the room there is (a strip between a river and a claim)
    countries += _country_names(names, s, project, obstacles, inner, COUNTRY_SHIFTS,
                                skip={name for name, *_ in countries}, borders=sides,
                                angles=COUNTRY_ANGLES, turned=turned)
    # where neither leaves room, its shortest name, level, else turned (the Mongolian People's
    # Republic's, "MPR", in the overview's narrow wedge of it)
    for angles in ((0,), COUNTRY_ANGLES):
        countries += _country_names(names, s, project, obstacles, inner, COUNTRY_SHIFTS,
                                    skip={name for name, *_ in countries}, borders=sides,
                                    angles=angles, turned=turned, short=True)
    for _, lines, x, y, _, (angle, cy) in countries:
        names_set = "".join(text(x, y + k * s.label * 1.15, line, s.label, anchor="middle",
                                 fill=COUNTRY_INK, spacing=0.12 * s.label)
                            for k, line in enumerate(lines))
        texts.append(f'<g transform="rotate({angle:.0f} {x:.1f} {cy:.1f})">{names_set}</g>'
                     if angle else names_set)
    parts += [inset] + markers + texts  # above every line: the markers, then the labels beside them
    parts.append(f'</g><rect y="{top}" width="{mw}" height="{mh}" fill="none" stroke="{INK}" '
                 f'stroke-width="{0.5 * PT:.2f}"/></g>')
    # the symbols of the map's own points that a marker or a numbered circle covers
    hidden = frozenset(tuple(f["geometry"]["coordinates"][:2]) for layer in content.layers
                       if layer.spec.kind == FEATURE for f in layer.collection["features"]
                       if f.get("geometry") and f["geometry"]["type"] == "Point"
                       and any(_within(project(*f["geometry"]["coordinates"][:2]), m) for m in marked))
    short_of = {str(label["name"]): str(label["short"]) for label in names if label.get("short")}
    shortened = tuple(sorted({(short_of[name], name) for name, lines, *_ in countries
                              if name in short_of and " ".join(lines) != name.upper()}))
    return "".join(parts), Marks(any(len(fan) > 1 for fan in fans), tuple(keyed), bool(dots),
                                 any(len(fan) == 1 for fan in fans), hidden, shortened)


def _reads_as_its_dot(x: float, y: float, box, named: list, margin: float) -> bool:
    """Whether a town's dot at (x, y) reads as the dot of its name in ``box``: every other name
    set (``named``: their boxes) lies ``margin`` further from it than its own. On overview-1col
    Mukden's dot stood as near "Lake Khasan" as "Mukden (Shenyang)"."""
    own = math.dist((x, y), nearest_on_box(x, y, box))
    return all(math.dist((x, y), nearest_on_box(x, y, other)) >= own + margin for other in named)


def _within(point, box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


# What hiding something costs the locator's corner: an incident's mark, a lake the map names
# (its name's point is its middle: the lake around it goes too), a place, a country's name
# (which may move within its country)
MARK_COST = 100
SUBJECT_COST = 1  # a box that hides less hides none of the map's own places, waters and lines
HIDING = {"water": 30, "place": 10, "country": 5}


def _lake_outlines(content, project, frame, least: float) -> list:
    """The outlines of the lakes the sheet draws in its frame (sheet px, shapely), ``least`` px
    or more across (a name's size: a lake a reader takes for the one named, not a speck of a
    lagoon): a lake's name stands nearer its own lake than any of them."""
    import numpy as np
    import shapely
    from shapely.geometry import box, shape

    area, found = box(*frame), []
    for layer in content.layers:
        for f in layer.collection["features"]:
            geometry = f.get("geometry") or {}
            if f["properties"].get("kind") == "lake" and geometry.get("type", "").endswith("Polygon"):
                lake = shape(geometry)
                west, south, east, north = lake.bounds  # (the specks and the lakes off the frame
                (x0, y1), (x1, y0) = project(west, south), project(east, north)  # left at once)
                if max(x1 - x0, y1 - y0) < least or not area.intersects(box(x0, y0, x1, y1)):
                    continue
                outline = shapely.transform(lake, lambda xy: np.array([project(*p) for p in xy]))
                # (compact: GSHHG draws the lower Amur as a "lake" too, a thread 300 px long)
                if outline.area >= COMPACT * (x1 - x0) * (y1 - y0) and outline.intersects(area):
                    found.append(outline)
    return found


COMPACT = 0.2  # a lake's share of its box, at least, to read as a lake (not a wide river's thread)


def _places_near(points: list, labels: list, own: list[dict], reach: float) -> tuple:
    """(name, lon, lat) of the map's own places that the incidents at ``points`` (sheet px) lie
    nearest, each within ``reach`` px of its place, most incidents first: a numbered group is
    named by them all (overview-1col's group of seven, the Lake Buir clashes and the battle at
    Nomonhan, had been keyed "within 80 km of Lake Buir" alone)."""
    counts: dict[int, int] = {}
    for p in points:
        k = min(range(len(labels)), key=lambda k: (math.dist(labels[k][1:], p), labels[k][0]), default=None)
        if k is not None and math.dist(labels[k][1:], p) < reach:
            counts[k] = counts.get(k, 0) + 1
    return tuple((labels[k][0], own[k]["lon"], own[k]["lat"])
                 for k in sorted(counts, key=lambda k: (-counts[k], labels[k][0])))


def _hidden_by(marks: list, places: list, heavy, s: Sizes):
    """cost(box): how much of the map a box would hide: each incident mark most, then each of
    the map's own places and countries' names in it or near it (the locator had hidden half of
    Lake Buir, whose name's point was just below it), then its heavy lines (borders, claims, its
    rivers), by length."""
    from shapely.geometry import box

    def cost(b) -> float:  # (a place near the box: a lake's name point is its middle)
        near = 0.3 * (b[3] - b[1])
        return (MARK_COST * sum(overlaps(b, mark) for mark in marks)
                + sum(weight for x, y, weight in places
                      if b[0] - near <= x <= b[2] + near and b[1] - near <= y <= b[3] + near)
                + (heavy.intersection(box(*b)).length / s.label if heavy is not None else 0))
    return cost


def _boxed(name: str, x: float, y: float, anchor: str, box, s: Sizes, fill: str = INK) -> str:
    """A name on the map on its pale box (place_labels' box), so that it reads over any line;
    a name set in two lines ("\\n" between them) is one text of two lines."""
    return (f'<rect x="{box[0]:.1f}" y="{box[1]:.1f}" width="{box[2] - box[0]:.1f}" '
            f'height="{box[3] - box[1]:.1f}" rx="{0.8 * PT:.1f}" fill="#ffffff" fill-opacity="0.8"/>'
            + text(x, y, name, s.label, anchor=anchor, fill=fill, leading=LEADING))


def _leader_end(spot, where, symbols, dot: float) -> tuple[tuple[float, float], bool]:
    """Where a fanned marker's leader line from ``spot`` ends, and whether a dot marks it: at
    its place ``where``, dotted; or, where that is on (within two ``dot`` radii of) one of the
    places' ``symbols``, short of the symbol's edge, undotted, so that the symbol shows."""
    on = min((p for p in symbols if math.dist(p, where) < 2 * dot), key=lambda p: math.dist(p, where),
             default=None)
    away = math.dist(spot, on) if on else 0.0
    if not on or away <= 2 * dot:
        return where, True
    cut = (dot + 0.5 * PT) / away  # (on the way from the mark)
    return (on[0] + (spot[0] - on[0]) * cut, on[1] + (spot[1] - on[1]) * cut), False


def _coast_lines(content, project):
    """The coasts in and around the map (style.coast_paths) in the sheet's pixels, prepared; or
    None where it has none."""
    from shapely.geometry import MultiLineString
    from shapely.prepared import prep

    paths = [[project(lon, lat) for lat, lon in path] for path in coast_paths(content)]
    return prep(MultiLineString(paths)) if paths else None


def _border_lines(content, project):
    """The lines that part the countries (style.border_paths) in the sheet's pixels, prepared
    for many tests: no name is set across one."""
    from shapely.geometry import MultiLineString
    from shapely.prepared import prep

    return prep(MultiLineString([[project(lon, lat) for lat, lon in path]
                                 for path in border_paths(content) if len(path) > 1]))


def _on_border(label: dict, project, lines) -> bool:
    """Whether a place's point lies nearer a border line (``lines``: _border_lines) than its
    stated precision (``precision_m``), on the sheet: its data cannot tell its side."""
    from shapely.geometry import Point

    lon, lat = label["lon"], label["lat"]
    (x, y), (x2, y2) = project(lon, lat), project(lon + 0.01, lat)
    per_px = metres_between((lon, lat), (lon + 0.01, lat)) / math.hypot(x2 - x, y2 - y)
    return lines.context.distance(Point(x, y)) < max(0.01, label.get("precision_m", 0) / per_px)


def _river_lines(names: list[dict], project):
    """The rivers the map names along their lines (``names``: names.map_labels, those shown),
    in the sheet's pixels, prepared; None if none."""
    from shapely.geometry import MultiLineString
    from shapely.prepared import prep

    paths = [[project(lon, lat) for lat, lon in label["path"]] for label in names
             if label["kind"] == "line" and not label["ink"] and len(label["path"]) > 1]
    return prep(MultiLineString(paths)) if paths else None


def _heavy_lines(content, project, frame):
    """The map's heavy lines (style.heavy_paths) inside the frame, in the sheet's pixels."""
    from shapely.geometry import MultiLineString, box

    paths = [[project(lon, lat) for lat, lon in path] for path in heavy_paths(content)]
    return MultiLineString(paths).intersection(box(*frame)) if paths else None


def _country_names(names: list[dict], s: Sizes, project, obstacles: list, frame, shifts, borders,
                   skip=frozenset(), angles=(0,), turned=None, short=False) -> list[tuple]:
    """(name, lines, x, first baseline y, box, (angle, middle y)) of the period's country names
    shown at the frame's zoom (``names``: names.map_labels, those shown), in capitals: each
    centred on its point (as the page writes it), or, where that point lies off the frame or
    under a mark, as near it as the frame allows on its side of every border and claim line
    (the page's rule: no name set beyond a border from its point, nor off its land beyond a
    coast: ``borders`` is (borders, coasts), prepared, coasts None); where it covers no marker
    and no other name; first come first. With ``angles`` other than 0, turned that many
    degrees about its middle (``box`` is then the upright box around it). ``turned``: {upright
    box: shape} of the turned names among the obstacles, which cover their shapes only. With
    ``short``, each country's shortest name (names.map_labels' short), of those that have one."""
    placed, taken, turned = [], list(obstacles), dict(turned or {})
    for label in names:
        name = str(label["name"])
        if label["kind"] != "country" or name in skip or (short and not label.get("short")):
            continue
        point = project(label["lon"], label["lat"])
        words = str(label["short"] if short else name).upper().split()
        spot = _country_spot(words, point, s, frame, shifts, taken, borders, angles, turned)
        if spot is not None:
            taken.append(spot[3])
            placed.append((name, *spot[:5]))
            if spot[5] is not None:
                turned[spot[3]] = spot[5]
    return placed


def _country_spot(words: list[str], point, s: Sizes, frame, shifts, taken, borders, angles=(0,),
                  turned=None):
    """(lines, x, first baseline y, box, (angle, middle y), turned shape or None) where a
    country's name in capitals, on one line or as many as it has words (as the page wraps it),
    stands nearest its point, or None; level, at ``shifts`` off its point, or turned by one of
    ``angles`` (degrees; on one line), anywhere near it. It keeps a third of its size off the
    frame's edge (USSR's R touched the Khasan sheet's neatline). The spots are tried all at
    once (numpy, shapely's arrays), then the first clear of the marks and names in ``taken``
    is tried against the borders: a name with no room is tried at some 70 000 spots. ``borders``:
    (borders, coasts or None), prepared: no coast lies between the point and the name's middle
    or either end of its middle line (KOREA had stood over the Sea of Japan on the overview
    sheets)."""
    import numpy as np
    import shapely
    from shapely.geometry import LineString

    borders, coasts = borders
    margin = s.label / 3  # (with a sixth, an ink 2 px off the frame: the widths are estimates)
    frame = (frame[0] + margin, frame[1] + margin, frame[2] - margin, frame[3] - margin)
    line_h = s.label * 1.15
    tilted = angles != (0,)
    turned = turned or {}
    obstacles = np.array(taken, dtype=float).reshape(-1, 4)
    # what each obstacle covers: a turned name its shape, any other its box
    covers = shapely.box(*obstacles.T)
    for k, b in enumerate(taken):
        if b in turned:
            covers[k] = turned[b]
    plain = np.array([b not in turned for b in taken], dtype=bool)
    for n in range(1, 2 if tilted else min(3, len(words)) + 1):
        per = -(-len(words) // n)
        lines = [" ".join(words[i:i + per]) for i in range(0, len(words), per)]
        w = max(text_width(line, s.label) + 0.12 * s.label * len(line) for line in lines)
        h = s.label * 1.1 + line_h * (len(lines) - 1)
        spots = _country_candidates(point, w, h, frame, shifts, angles, s.label)
        x, y, angle = spots.T
        radians = np.radians(angle)
        c, n_ = np.abs(np.cos(radians)), np.abs(np.sin(radians))
        hx, hy = w / 2 * c + h / 2 * n_, w / 2 * n_ + h / 2 * c
        boxes = np.stack([x - hx, y - hy, x + hx, y + hy], axis=1)
        inside = np.flatnonzero((frame[0] <= boxes[:, 0]) & (boxes[:, 2] <= frame[2])
                                & (frame[1] <= boxes[:, 1]) & (boxes[:, 3] <= frame[3]))
        # each spot's box against each obstacle's box (strictly overlapping, as ``overlaps``)
        b, o = boxes[inside, :, None], obstacles.T[None, :, :]
        near = (b[:, 0] < o[:, 2]) & (o[:, 0] < b[:, 2]) & (b[:, 1] < o[:, 3]) & (o[:, 1] < b[:, 3])
        level = angle[inside] == 0
        # a level name's box on an obstacle's box; else a name's shape on an obstacle's shape
        blocked = level & (near & plain).any(axis=1)
        shapes = _name_shapes(x[inside], y[inside], w, h, angle[inside], boxes[inside])
        i, k = np.nonzero(near & ~blocked[:, None])
        hits = shapely.intersects(shapes[i], covers[k])
        blocked[i[hits]] = True
        # a name on a border line is not clear of it, whatever its lead (tried all at once)
        free = np.flatnonzero(~blocked)
        shapely.prepare(borders.context)
        for j in free[~shapely.intersects(borders.context, shapes[free])]:
            at = inside[j]
            spot_x, spot_y, spot_angle = float(x[at]), float(y[at]), float(angle[at])
            box = tuple(float(v) for v in boxes[at])
            shape = shapes[j] if spot_angle else None
            # no name across a border, nor beyond one from its point (as a place's label)
            clear = label_and_lead(*point, box, "clear", shape)
            along = math.radians(spot_angle)
            ends = [(spot_x, spot_y)] + [(spot_x + k * w / 2 * math.cos(along),
                                          spot_y + k * w / 2 * math.sin(along)) for k in (-1, 1)]
            if not borders.intersects(clear) and not (
                    coasts is not None and any(coasts.intersects(LineString([point, q])) for q in ends)):
                top = spot_y - h / 2
                return lines, spot_x, top + s.label * 0.85, box, (int(spot_angle), spot_y), shape
    return None


def _name_shapes(x, y, w: float, h: float, angle, boxes):
    """The shapes of names w by h centred on (x, y), turned ``angle`` degrees about their
    middles, as shapely.affinity.rotate turns them (level: their ``boxes``)."""
    import numpy as np
    import shapely

    radians = np.radians(angle)
    cos, sin = np.cos(radians), np.sin(radians)
    cos[np.abs(cos) < 2.5e-16], sin[np.abs(sin) < 2.5e-16] = 0.0, 0.0
    corners = np.array([(w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2), (-w / 2, -h / 2)])
    left, bottom = x[:, None] + corners[None, :, 0], y[:, None] + corners[None, :, 1]
    xoff, yoff = x - x * cos + y * sin, y - x * sin - y * cos
    turned_x = cos[:, None] * left - sin[:, None] * bottom + xoff[:, None]
    turned_y = sin[:, None] * left + cos[:, None] * bottom + yoff[:, None]
    shapes = shapely.polygons(np.stack([turned_x, turned_y], axis=2))
    flat = angle == 0
    shapes[flat] = shapely.box(*boxes[flat].T)
    return shapes


def _country_candidates(point, w: float, h: float, frame, shifts, angles, size: float):
    """(x, y, angle) rows of the middles a country's name is tried at, nearest its point first
    (its point moved into the frame): level, at ``shifts`` (shares of its width, of its size);
    turned, every half size within one and a half widths, each of ``angles``, least turned
    first."""
    import numpy as np

    if angles == (0,):
        x0 = min(max(point[0], frame[0] + w / 2), frame[2] - w / 2)  # moved in whole
        y0 = min(max(point[1], frame[1] + h / 2), frame[3] - h / 2)
        return np.array([(x0 + dx * w, y0 + dy * size, 0) for dx, dy in shifts], dtype=float)
    x0, y0 = min(max(point[0], frame[0]), frame[2]), min(max(point[1], frame[1]), frame[3])
    steps = _steps_nearest_first(int(1.5 * w / (size / 2)))
    turns = np.array(angles, dtype=float)
    xy = np.repeat(steps * (size / 2) + (x0, y0), len(turns), axis=0)
    return np.column_stack([xy, np.tile(turns, len(steps))])


@functools.cache
def _steps_nearest_first(reach: int):
    """The (i, j) steps within ``reach`` of (0, 0), nearest first, as an array."""
    import numpy as np

    near = sorted(((i, j) for i in range(-reach, reach + 1) for j in range(-reach, reach + 1)
                   if i * i + j * j <= reach * reach), key=lambda d: (d[0] ** 2 + d[1] ** 2, d))
    return np.array(near, dtype=float)


def subject_line(spec, name: str) -> bool:
    """Whether a river is what the map is about: its title or description names it (the
    first word of its name, "Khalkhin" of "Khalkhin Gol")."""
    return re.search(rf"\b{re.escape(name.split()[0])}\b", f"{spec.title} {spec.description}") is not None


def frame_zoom(content: MapContent, width: int) -> int:
    """The page's zoom whose view the frame of a sheet ``width`` px wide is like: the map's
    first zoom, one more for every halving of the extent the frame shows (parts.frame_extent)."""
    (left, _), (right, _) = corners(content, width)
    west, south, east, north = content.spec.extent
    whole = mercator_xy(east, north)[0] - mercator_xy(west, south)[0]
    return content.spec.min_zoom + max(0, math.floor(math.log2(whole / (right - left)) + 1e-9))


# Where a country's name may stand, as (share of its width, lines of its size) off its point,
# nearest first: near enough to name the area around the point.
COUNTRY_SHIFTS = tuple(sorted(((dx / 4, dy * 1.5) for dx in range(-6, 7) for dy in range(-10, 11)),
                              key=lambda d: (d[0] * 4) ** 2 + d[1] ** 2))
# How far (degrees) a country's name may turn where no level room is left for it: as an atlas
# sets a name along a narrow strip of its country, least turned first
COUNTRY_ANGLES = tuple(sorted((a for a in range(-75, 76, 15) if a), key=lambda a: (abs(a), a)))
