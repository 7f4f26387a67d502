"""What every print sheet is drawn with: its sizes in pixels at 300 dpi, its ink, the map
frame's corners, the incidents it draws, and the SVG of a marker and of a line of text (escaped
here, never by the caller). Below both the sheet's layout and its legend."""

from __future__ import annotations

from xml.sax.saxutils import escape

from geo.geometry.content import MapContent
from geo.geometry.tilegrid import mercator_xy
from geo.incident_types import BY_NAME
from geo.render.print_marks import one_line

DPI = 300
PT = DPI / 72  # one typographic point in pixels
INK = "#222222"
MARKER_STROKE = "#3b1f00"


class Sizes:
    """Type and symbol sizes in pixels: 1-column images a little tighter than 2-column ones."""

    def __init__(self, width: int):
        narrow = width < 1000
        self.width = width
        self.pad = round(1.5 * PT)
        self.title = (9.0 if narrow else 11.0) * PT
        self.desc = (6.5 if narrow else 7.5) * PT
        self.legend = (6.3 if narrow else 7.0) * PT
        self.label = (6.3 if narrow else 7.2) * PT
        self.small = (5.5 if narrow else 6.0) * PT
        self.marker = (7.0 if narrow else 8.0) * PT
        self.columns = 1 if narrow else 2
        self.raster_scale = 1.8 if narrow else 2.2  # Mapnik's scale factor for the basemap


def corners(content: MapContent):
    west, south, east, north = content.spec.extent
    return mercator_xy(west, south), mercator_xy(east, north)


def incidents(content: MapContent) -> tuple[list[dict], int]:
    """The map's incidents that have a place (in date order) and how many have none."""
    features = [f for layer in content.layers if layer.spec.kind == "incidents"
                for f in layer.collection["features"]]
    placed = [f for f in features if f.get("geometry") and f["geometry"]["type"] == "Point"]
    placed.sort(key=lambda f: (str(f["properties"].get("date", "")), str(f["properties"].get("id", ""))))
    return placed, sum(1 for f in features if not f.get("geometry"))


def marker(type_name: str, x: float, y: float, size: float) -> str:
    """An incident marker as on the page: the type's letter in its coloured shape."""
    t = BY_NAME[type_name]  # (check refuses a type not in the table)
    fill, ink, letter, shape = t.fill, t.ink, t.letter, t.shape
    stroke = f'stroke="{MARKER_STROKE}" stroke-width="{0.45 * PT:.2f}"'
    r = size / 2
    if shape == "square":
        a = r * 0.86
        body = (f'<rect x="{x - a:.1f}" y="{y - a:.1f}" width="{2 * a:.1f}" '
                f'height="{2 * a:.1f}" fill="{fill}" {stroke}/>')
    elif shape == "diamond":
        a = r * 1.12
        body = (f'<polygon points="{x:.1f},{y - a:.1f} {x + a:.1f},{y:.1f} {x:.1f},{y + a:.1f} '
                f'{x - a:.1f},{y:.1f}" fill="{fill}" {stroke}/>')
    elif shape == "circle":
        body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" {stroke}/>'
    else:  # a shape the page draws (incident_types.SHAPES) must be drawn here too
        raise ValueError(f"incident type {type_name!r}: no print marker for shape {shape!r}")
    font = size * (0.56 if shape == "diamond" else 0.62)
    return (f'<g class="marker">{body}'
            + text(x, y + font * 0.36, letter, font, bold=True, anchor="middle", fill=ink) + "</g>")


def text(x: float, y: float, content: str, size: float, bold: bool = False, italic: bool = False,
          anchor: str = "start", fill: str = INK, spacing: float = 0.0) -> str:
    attrs = ' font-weight="bold"' if bold else ""
    attrs += f' letter-spacing="{spacing:.1f}"' if spacing else ""
    attrs += ' font-style="italic"' if italic else ""
    attrs += f' text-anchor="{anchor}"' if anchor != "start" else ""
    attrs += f' fill="{fill}"' if fill != INK else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}"{attrs}>'
            f'{escape(one_line(content))}</text>')
