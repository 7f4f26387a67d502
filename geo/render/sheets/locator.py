"""The locator of a regional sheet: the whole theatre (the overview map's extent) as the
shaded-relief image shows it, land and sea, with the sheet's frame outlined in red, as the page's
inset does. A reader of a newspaper page does not know where Lake Khasan or the Khalkhin Gol
lie; the locator says it at a glance. It stands in the frame's corner that hides least of the
map (no marker, few of the map's own places and lines), and the names keep clear of it."""

from __future__ import annotations

import base64
import functools
import io
import math

from geo.geometry.tilegrid import mercator_xy
from geo.render.sheets.parts import PT

# The locator's width as a share of the frame's, by the sheet's columns (a 1-column sheet's is
# 21 mm across, a 2-column sheet's 30 mm), and the red of the sheet's frame on it (the page's)
SHARE = {1: 0.38, 2: 0.26}
SCALES = (1.0, 0.8, 0.65)  # of that, tried in turn where every corner would hide a mark
FRAME_INK = "#b2182b"
# The relief image is strongly coloured: lightened so that the red frame reads on it
LIGHTEN = 0.3


# The theatre as the page's inset shows it (inset.js): the overview's padded extent, a third of
# a zoom closer (its grey margins cut off)
CLOSER = 2 ** 0.35


def theatre(content) -> tuple | None:
    """(west, south, east, north) the locator shows, or None on the overview itself."""
    overview = content.overview
    if overview is None or overview.name == content.spec.name:
        return None
    from geo.geometry.tilegrid import lnglat

    west, south, east, north = overview.padded_extent()
    (x0, y0), (x1, y1) = mercator_xy(west, south), mercator_xy(east, north)
    cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 / CLOSER, (y1 - y0) / 2 / CLOSER
    (w, s), (e, n) = lnglat(cx - hw, cy - hh), lnglat(cx + hw, cy + hh)
    return round(w, 4), round(s, 4), round(e, 4), round(n, 4)


def box_size(theatre: tuple, frame_width: float, columns: int) -> tuple[float, float]:
    """(width, height) in sheet pixels of the locator of a theatre (west, south, east, north)."""
    (left, bottom), (right, top) = mercator_xy(*theatre[:2]), mercator_xy(*theatre[2:])
    width = frame_width * SHARE[columns]
    return width, width * (top - bottom) / (right - left)


def corners(frame: tuple, size: tuple, cost) -> list[tuple[float, float, float, float]]:
    """The boxes (x0, y0, x1, y1) of a locator of ``size`` in the corners of ``frame``, the
    least ``cost(box)`` first; of equal cost the lower corners first (the title reads down from
    the top)."""
    x0, y0, x1, y1 = frame
    w, h = size
    boxes = [(x1 - w, y1 - h, x1, y1), (x0, y1 - h, x0 + w, y1), (x1 - w, y0, x1, y0 + h),
             (x0, y0, x0 + w, y0 + h)]
    return sorted(boxes, key=lambda b: (cost(b), boxes.index(b)))


def locator_svg(theatre: tuple, shown: tuple, box: tuple, borders: list) -> str:
    """The locator in ``box`` (sheet pixels): the theatre's relief, the ``borders`` over it
    (MapContent.locator's lines), and the frame of the area ``shown`` (west, south, east,
    north) outlined on it. (Its names would be under 6 pt at 21 or 30 mm across: not set.)"""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    (left, bottom), (right, top) = mercator_xy(*theatre[:2]), mercator_xy(*theatre[2:])

    def at(lon: float, lat: float) -> tuple[float, float]:
        x, y = mercator_xy(lon, lat)
        return x0 + (x - left) / (right - left) * w, y0 + (top - y) / (top - bottom) * h

    (fx0, fy1), (fx1, fy0) = at(*shown[:2]), at(*shown[2:])
    least = 3 * PT  # a frame too small to see is drawn as a square this size about its centre
    if fx1 - fx0 < least or fy1 - fy0 < least:
        cx, cy = (fx0 + fx1) / 2, (fy0 + fy1) / 2
        fx0, fx1 = cx - max(least, fx1 - fx0) / 2, cx + max(least, fx1 - fx0) / 2
        fy0, fy1 = cy - max(least, fy1 - fy0) / 2, cy + max(least, fy1 - fy0) / 2
    data = base64.b64encode(theatre_png(theatre, max(1, round(w)), max(1, round(h)))).decode()
    edge = 0.5 * PT
    lines = "".join(
        f'<polyline points="{" ".join("%.1f,%.1f" % at(lon, lat) for lon, lat in path)}" '
        f'fill="none" stroke="{layer["color"]}" stroke-width="{0.35 * PT:.2f}" stroke-linejoin="round"/>'
        for layer in borders for path in layer["paths"])
    return (f'<g id="locator"><rect x="{x0 - edge:.1f}" y="{y0 - edge:.1f}" width="{w + 2 * edge:.1f}" '
            f'height="{h + 2 * edge:.1f}" fill="#ffffff"/>'
            f'<image x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" preserveAspectRatio="none" '
            f'xlink:href="data:image/png;base64,{data}"/>'
            f'<clipPath id="locator-clip"><rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" '
            f'height="{h:.1f}"/></clipPath><g clip-path="url(#locator-clip)">{lines}</g>'
            f'<rect class="locator-frame" x="{fx0:.1f}" y="{fy0:.1f}" width="{fx1 - fx0:.1f}" '
            f'height="{fy1 - fy0:.1f}" fill="none" stroke="{FRAME_INK}" stroke-width="{0.8 * PT:.2f}"/>'
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" fill="none" '
            f'stroke="#555555" stroke-width="{0.3 * PT:.2f}"/></g>')


@functools.lru_cache(maxsize=16)
def theatre_png(theatre: tuple, width: int, height: int) -> bytes:
    """The shaded-relief image (render.relief.world_image) over ``theatre``, ``width`` x
    ``height`` px, its rows evenly spaced in web mercator, lightened by LIGHTEN; PNG (made once
    on a machine: relief.cached_png)."""
    from pathlib import Path

    from geo.render.relief import cached_png

    return cached_png("locator", (theatre, width, height), Path(__file__),
                      lambda: _theatre_png(theatre, width, height))


@functools.lru_cache(maxsize=2)
def _theatre_cells(theatre: tuple):
    """((column, row) of the top left cell, rows x columns x RGB): the world image over the
    theatre and a cell around it, read once for the sheets of every size (a second each)."""
    import numpy as np

    from geo.render.relief import world_window

    (col, row), bands = world_window(theatre)
    return (col, row), np.moveaxis(bands, 0, -1)


def _theatre_png(theatre: tuple, width: int, height: int) -> bytes:
    import numpy as np
    from PIL import Image

    from geo.render.relief import WORLD_CELLS_PER_DEGREE

    cells = WORLD_CELLS_PER_DEGREE
    west, south, east, north = theatre
    (col, row), pixels = _theatre_cells(theatre)
    top, left = 90 - row / cells, col / cells - 180
    # each output pixel's centre, its rows spaced evenly in mercator; the cell it falls in
    y0, y1 = (math.log(math.tan(math.radians(90 + lat) / 2)) for lat in (north, south))
    lat = np.degrees(2 * np.arctan(np.exp(y0 + (np.arange(height) + 0.5) / height * (y1 - y0)))
                     - np.pi / 2)
    lon = west + (np.arange(width) + 0.5) / width * (east - west)
    rows = np.clip(((top - lat) * cells).astype(int), 0, pixels.shape[0] - 1)
    cols = np.clip(((lon - left) * cells).astype(int), 0, pixels.shape[1] - 1)
    # (a cell is about a pixel of the locator: no blur needed, the mean of 2 x 2 cells)
    sample = pixels[rows][:, cols]
    nudged = pixels[np.minimum(rows + 1, pixels.shape[0] - 1)][:, np.minimum(cols + 1, pixels.shape[1] - 1)]
    rowed = Image.fromarray(np.round((sample + nudged) / 2).astype("uint8"), "RGB")
    light = np.asarray(rowed, dtype="float32") * (1 - LIGHTEN) + 255 * LIGHTEN
    out = io.BytesIO()
    Image.fromarray(np.round(light).astype("uint8"), "RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
