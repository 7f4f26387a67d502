"""The whole map as one image, for print (PNG) and for pages without scripts (PNG, SVG)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from geo.geometry.combine import MapContent
from geo.geometry.tilegrid import mercator_xy
from geo.render.style import register_system_fonts, style_xml

PRINT_WIDTH_PX = 3000
SCREEN_WIDTH_PX = 1200  # symbols and labels are sized as on a screen this wide


def static_digest(content: MapContent) -> str:
    """A hash of everything the images show: equal digests, equal images."""
    return hashlib.sha256(style_xml(content, incidents=True).encode()).hexdigest()


def static_images(content: MapContent, width: int = PRINT_WIDTH_PX) -> dict[str, bytes]:
    """{"png": ..., "svg": ...}: the map's extent with its incidents."""
    import mapnik

    register_system_fonts()
    xml = style_xml(content, incidents=True)
    west, south, east, north = content.spec.extent
    (left, bottom), (right, top) = mercator_xy(west, south), mercator_xy(east, north)
    height = max(1, round(width * (top - bottom) / (right - left)))
    m = mapnik.Map(width, height)
    mapnik.load_map_from_string(m, xml)
    m.zoom_to_box(mapnik.Box2d(left, bottom, right, top))
    image = mapnik.Image(width, height)
    mapnik.render(m, image, width / SCREEN_WIDTH_PX)
    small = mapnik.Map(SCREEN_WIDTH_PX, round(SCREEN_WIDTH_PX * height / width))
    mapnik.load_map_from_string(small, xml)
    small.zoom_to_box(mapnik.Box2d(left, bottom, right, top))
    with tempfile.TemporaryDirectory() as scratch:  # Mapnik's SVG renderer writes only to a file
        svg = Path(scratch) / "map.svg"
        mapnik.render_to_file(small, str(svg), "svg")
        return {"png": image.to_string("png8:m=h:z=9"), "svg": svg.read_bytes()}
