"""What every print sheet is drawn with: its sizes in pixels at 300 dpi, its ink, the map
frame's corners, the incidents it draws, and the SVG of a marker and of a line of text (escaped
here, never by the caller). Below both the sheet's layout and its legend."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

from geo.config import FEATURE, INCIDENTS
from geo.geometry.content import MapContent
from geo.geometry.tilegrid import lnglat, mercator_xy
from geo.incident_types import BY_NAME, GRAVEST, holds_gravest
from geo.render.names import one_line
from geo.render.style import MARKER_STROKE, POINT_SYMBOL, TOWN_INK

DPI = 300
PT = DPI / 72  # one typographic point in pixels
INK = "#222222"


def is_narrow(width: int) -> bool:
    """Whether a sheet ``width`` px wide is a 1-column one (650 px; 2 columns: 1358 px)."""
    return width < 1000


class Sizes:
    """Type and symbol sizes in pixels: 1-column images a little tighter than 2-column ones."""

    def __init__(self, width: int):
        narrow = is_narrow(width)
        self.width = width
        self.pad = round(1.5 * PT)
        self.title = (9.0 if narrow else 11.0) * PT
        self.desc = (6.5 if narrow else 7.5) * PT
        # the smallest type a newspaper prints legibly: names on the map 7 pt, legend and
        # sources 6 pt, a marker's letter (its incident type) 5 pt (MARKER_LETTER of the marker)
        self.legend = (6.5 if narrow else 7.0) * PT
        self.label = (7.0 if narrow else 7.5) * PT
        self.small = 6.0 * PT
        self.marker = (8.5 if narrow else 9.0) * PT
        self.columns = 1 if narrow else 2
        self.raster_scale = 1.8 if narrow else 2.2  # Mapnik's scale factor for the basemap
        self.symbol = POINT_SYMBOL / 2 * self.raster_scale  # half a place's dot as the basemap draws it


def corners(content: MapContent, width: int):
    """The Mercator corners (left, bottom), (right, top) of the map frame of a sheet ``width``
    px wide (the frame's width: it spans the sheet)."""
    west, south, east, north = frame_extent(content, width)
    return mercator_xy(west, south), mercator_xy(east, north)


# A sheet is framed on its subject: the box of its placed incidents and its own places, with
# this share of the box's size added on every side, and never smaller than this share of the
# map's extent (so that a map of one hill still shows its valley); h/w held to ASPECT, on a
# 1-column sheet to NARROW_ASPECT (a newspaper's column map stands upright: the map comes
# before its key, which had run two to four times as long as a landscape frame). The claimed
# borders it draws lie inside it whole, this share of the frame's size clear of its edges.
SUBJECT_MARGIN, LEAST_SHARE, CLAIM_MARGIN = 0.6, 0.35, 0.04
ASPECT, NARROW_ASPECT = (0.55, 1.3), (1.2, 1.4)


def metres_per_px(content: MapContent, mw: int) -> float:
    """Metres on the ground a pixel of a map frame ``mw`` px wide stands for, at the frame's
    middle latitude (where the scale bar is true)."""
    (left, _), (right, _) = corners(content, mw)
    west, south, east, north = frame_extent(content, mw)
    return (right - left) / mw * math.cos(math.radians((south + north) / 2))


def claim_points(content: MapContent) -> list[list[float]]:
    """Every vertex of the claimed borders the map draws."""
    return [xy for layer in content.layers for f in layer.collection["features"]
            if f.get("geometry") and f["geometry"]["type"] == "LineString"
            and f["properties"].get("kind") == "claimed-border"
            for xy in f["geometry"]["coordinates"]]


def frame_extent(content: MapContent, width: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the map of a sheet ``width`` px wide: the map's extent, or
    where the map's subject fills a small part of it (the Khasan heights: 2 % of the page's
    first view), a frame around the subject inside that extent. The page opens on the whole
    extent; a sheet cannot be zoomed, so it shows the subject at a scale where its marks stand
    apart. The claimed borders are the subject too: framed on the points alone, the Khasan
    sheet ended where both claims meet, its bottom edge along the Soviet claim. A 1-column
    frame too flat for NARROW_ASPECT grows north and south into the map's margin (the
    padded extent its base geography covers)."""
    west, south, east, north = content.spec.extent
    points = [f["geometry"]["coordinates"][:2] for layer in content.layers
              if layer.spec.kind in (INCIDENTS, FEATURE)
              for f in layer.collection["features"]
              if f.get("geometry") and f["geometry"]["type"] == "Point"
              and west <= f["geometry"]["coordinates"][0] <= east
              and south <= f["geometry"]["coordinates"][1] <= north]
    if not points:
        return west, south, east, north
    (x0, y0), (x1, y1) = (mercator_xy(min(p[0] for p in points), min(p[1] for p in points)),
                          mercator_xy(max(p[0] for p in points), max(p[1] for p in points)))
    (left, bottom), (right, top) = mercator_xy(west, south), mercator_xy(east, north)
    w = min(right - left, max((x1 - x0) * (1 + 2 * SUBJECT_MARGIN), (right - left) * LEAST_SHARE))
    h = min(top - bottom, max((y1 - y0) * (1 + 2 * SUBJECT_MARGIN), (top - bottom) * LEAST_SHARE))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    claims = [mercator_xy(*xy[:2]) for xy in claim_points(content)
              if west <= xy[0] <= east and south <= xy[1] <= north]
    if claims:  # the frame grown to hold them, clear of its edges
        pad = CLAIM_MARGIN * max(w, h)
        fl = min(cx - w / 2, min(x for x, _ in claims) - pad)
        fr = max(cx + w / 2, max(x for x, _ in claims) + pad)
        fb = min(cy - h / 2, min(y for _, y in claims) - pad)
        ft = max(cy + h / 2, max(y for _, y in claims) + pad)
        cx, cy, w, h = (fl + fr) / 2, (fb + ft) / 2, min(right - left, fr - fl), min(top - bottom, ft - fb)
    least, most = NARROW_ASPECT if is_narrow(width) else ASPECT
    if is_narrow(width):  # (upright, into the margin north and south)
        south, north = content.spec.padded_extent()[1::2]
        bottom, top = mercator_xy(west, south)[1], mercator_xy(east, north)[1]
    w, h = max(w, min(right - left, h / most)), max(h, min(top - bottom, w * least))
    cx = min(max(cx, left + w / 2), right - w / 2)  # inside the map's extent
    cy = min(max(cy, bottom + h / 2), top - h / 2)
    (fw, fs), (fe, fn) = lnglat(cx - w / 2, cy - h / 2), lnglat(cx + w / 2, cy + h / 2)
    return max(west, fw), max(south, fs), min(east, fe), min(north, fn)


def incidents(content: MapContent) -> tuple[list[dict], int]:
    """The map's incidents that have a place (in date order) and how many have none."""
    features = [f for layer in content.layers if layer.spec.kind == INCIDENTS
                for f in layer.collection["features"]]
    placed = [f for f in features if f.get("geometry") and f["geometry"]["type"] == "Point"]
    placed.sort(key=lambda f: (str(f["properties"].get("date", "")), str(f["properties"].get("id", ""))))
    return placed, sum(1 for f in features if not f.get("geometry"))


# A marker's letter as a share of the marker's size, and a diamond's half-diagonal as a share of
# the marker's radius: sqrt(pi / 2), so that it covers as much as the circle does.
MARKER_LETTER = 0.6
DIAMOND = 1.25


def marker(type_name: str, x: float, y: float, size: float, incident: str = "") -> str:
    """An incident marker as on the page: the type's letter in its coloured shape; on the map,
    the incident's id in ``data-incident`` (for whoever reads the SVG, as the page has it)."""
    t = BY_NAME[type_name]  # (check refuses a type not in the table)
    fill, ink, letter, shape = t.fill, t.ink, t.letter, t.shape
    stroke = f'stroke="{MARKER_STROKE}" stroke-width="{0.45 * PT:.2f}"'
    r = size / 2
    if shape == "square":
        a = r * 0.89  # (as large as a circle)
        body = (f'<rect x="{x - a:.1f}" y="{y - a:.1f}" width="{2 * a:.1f}" '
                f'height="{2 * a:.1f}" fill="{fill}" {stroke}/>')
    elif shape == "diamond":  # (as large as a circle: a battle's mark is not the smallest)
        a = r * DIAMOND
        body = (f'<polygon points="{x:.1f},{y - a:.1f} {x + a:.1f},{y:.1f} {x:.1f},{y + a:.1f} '
                f'{x - a:.1f},{y:.1f}" fill="{fill}" {stroke}/>')
    elif shape == "circle":
        body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" {stroke}/>'
    else:  # a shape the page draws (incident_types.SHAPES) must be drawn here too
        raise ValueError(f"incident type {type_name!r}: no print marker for shape {shape!r}")
    font = size * MARKER_LETTER
    held = f' data-incident={quoteattr(incident)}' if incident else ""
    return (f'<g class="marker"{held}>{body}'
            + text(x, y + font * 0.36, letter, font, bold=True, anchor="middle", fill=ink) + "</g>")


TOWN_DOT = 1.3 * PT  # a town's dot's radius


def town_dot(x: float, y: float) -> str:
    """A town's dot, as the page draws it (.map-town-dot): dark, ringed in white."""
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{TOWN_DOT:.1f}" fill="{TOWN_INK}" '
            f'stroke="#ffffff" stroke-width="{0.5 * PT:.2f}"/>')


def group_marker(members: list[dict], x: float, y: float, size: float, ids: tuple[str, ...] = ()) -> str:
    """A numbered group of incidents (``members``, their features), as the page's place marker
    (a white disc in a dark ring; where one of them is of the gravest type, a battle, ringed in
    that type's colour, as on the page: the Khalkhin Gol war's "3" had looked like three
    skirmishes): its number is how many incidents it stands for, as on the page (a key's
    running number, "4" for Khasan's 18, read as a count); its line in the key says where they
    are. ``ids``: the incidents', on the map's circle (``data-incidents``, for whoever reads
    the SVG)."""
    count = len(members)
    ink = GRAVEST.fill if holds_gravest(members) else MARKER_STROKE
    r = size / 2 * (1.12 if count >= 10 else 1.0)  # (two figures inside the ring)
    font = size * MARKER_LETTER
    held = f' data-incidents={quoteattr(" ".join(ids))}' if ids else ""
    return (f'<g class="group"{held}><circle cx="{x:.1f}" cy="{y:.1f}" r="{r - 0.5 * PT:.1f}" fill="#ffffff" '
            f'stroke="{ink}" stroke-width="{1.0 * PT:.2f}"/>'
            + text(x, y + font * 0.36, str(count), font, bold=True, anchor="middle",
                   fill=ink) + "</g>")


def text(x: float, y: float, content: str, size: float, bold: bool = False, italic: bool = False,
          anchor: str = "start", fill: str = INK, spacing: float = 0.0, halo: bool = False,
          leading: float = 0.0) -> str:
    """An SVG text at baseline (x, y); with ``leading`` (in sizes), each "\\n" of ``content``
    starts a line that far below (its lines end in a space, so that the text reads whole)."""
    if halo:  # a white outline under the text, where it stands over the map (drawn first:
        # paint-order is not read by every SVG renderer)
        outline = text(x, y, content, size, bold, italic, anchor, "#ffffff", spacing)
        return outline.replace("<text ", f'<text stroke="#ffffff" stroke-width="{0.25 * size:.1f}" '
                               'stroke-linejoin="round" ', 1) + text(
            x, y, content, size, bold, italic, anchor, fill, spacing)
    attrs = ' font-weight="bold"' if bold else ""
    attrs += f' letter-spacing="{spacing:.1f}"' if spacing else ""
    attrs += ' font-style="italic"' if italic else ""
    attrs += f' text-anchor="{anchor}"' if anchor != "start" else ""
    attrs += f' fill="{fill}"' if fill != INK else ""
    if leading and "\n" in content:
        lines = content.split("\n")
        body = "".join(f'<tspan x="{x:.1f}" y="{y + k * leading * size:.1f}">'
                       f'{escape(one_line(line))}{" " if k < len(lines) - 1 else ""}</tspan>'
                       for k, line in enumerate(lines))
    else:
        body = escape(one_line(content))
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}"{attrs}>{body}</text>'
