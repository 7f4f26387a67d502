"""The whole map as print-ready images, for newspapers and for pages without scripts.

For each newspaper width (2 columns, 115 mm; 1 column, 55 mm) at 300 dpi: an SVG sheet with
live text (``sheets.layout``: title, map, legend, scale bar, north arrow, attribution, sources),
the PNG made from it (the exact pixel width, tagged 300 dpi) and a PDF (cairosvg). The basemap
inside is a Mapnik raster of the tile style without its labels: the sheet sets the place labels
itself, clear of the markers. Returns bytes; ``geo.output.tilesets.write_static`` writes them.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import sys
import zlib
from pathlib import Path

from geo.geometry.content import MapContent
from geo.render import names, style
from geo.render.sheets import layout, legend, locator, marks, parts
from geo.render.sheets.layout import map_size, print_svg, with_basemap
from geo.render.sheets.parts import DPI, Sizes, corners, metres_per_px
from geo.render.style import PNG_FORMAT, load_style, register_system_fonts, style_xml

# file-name suffix -> sheet width in millimetres: <map>.png is the 2-column image
PRINT_WIDTHS_MM = {"": 115.0, "-1col": 55.0}
FORMATS = ("png", "svg", "pdf")
PDF_DATE = b"D:20000101000000Z"  # a fixed date instead of the time of the build


def width_px(mm: float) -> int:
    """55 mm -> 650 px, 115 mm -> 1358 px at 300 dpi."""
    return round(mm / 25.4 * DPI)


def static_files(name: str, suffixes=tuple(PRINT_WIDTHS_MM)) -> list[str]:
    """The file names ``static_images`` makes for map ``name`` (at the widths of ``suffixes``)."""
    return [f"{name}{suffix}.{ext}" for suffix in suffixes for ext in FORMATS]


def sheet(content: MapContent, suffix: str, svg: str | None = None) -> bytes:
    """The SVG sheet of one width, its basemap raster inside: all that its images show, so
    that an edit too small to change a pixel of them changes no sheet. ``svg``: its
    ``print_svg``, if made already."""
    width = width_px(PRINT_WIDTHS_MM[suffix])
    return with_basemap(svg or print_svg(content, width), basemap_png(content, width)).encode()


def static_digest(content: MapContent, suffix: str, drawn: bytes | None = None,
                  basemap: str | None = None, svg: str | None = None) -> str:
    """A hash of what the images of one width show and of the code that draws them: equal
    digests, equal images. Without ``drawn`` (the ``sheet``) it is made from what the sheet
    is drawn from instead (the basemap's style and data, every mark and word): quicker, as no
    raster is drawn, but moved by an edit too small to change a pixel. ``basemap``: the
    ``basemap_digest`` of this content, and ``svg`` its ``print_svg``, if known."""
    h = hashlib.sha256(suffix.encode() + b"\0")
    if drawn is None:
        h.update((basemap or basemap_digest(content)).encode())
        h.update((svg or print_svg(content, width_px(PRINT_WIDTHS_MM[suffix]))).encode())
    else:
        h.update(drawn)
    for module in (layout, legend, locator, marks, parts, names, style):
        h.update(Path(module.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def sheet_images(suffix: str, svg: bytes, title: str) -> dict[str, bytes]:
    """{"<suffix>.<ext>": bytes} of one sheet: the SVG, and the PNG and PDF made from it."""
    width = width_px(PRINT_WIDTHS_MM[suffix])
    height = int(re.search(rb'viewBox="0 0 \d+ (\d+)"', svg).group(1))
    drawn = _drawn(svg, width, height)
    return {f"{suffix}.svg": svg, f"{suffix}.png": with_dpi(_png(drawn, width, height), DPI),
            f"{suffix}.pdf": _fixed_dates(_pdf(drawn, width, height, title))}


PNG_LEVEL = 3  # zlib's: half the time of libpng's default (6), for files 2 % larger


def _drawn(svg: bytes, width: int, height: int):
    """The sheet as cairosvg draws it, in the PNG's pixels, on a cairo recording surface:
    parsed and laid out once, and played back into the PNG and into the PDF (drawn twice, it
    had taken two thirds of the print images' time)."""
    import cairocffi
    import cairosvg
    from cairosvg.surface import PNGSurface

    class Recorded(PNGSurface):
        def _create_surface(self, width, height):
            extents = (0, 0, round(width), round(height))
            return cairocffi.RecordingSurface(cairocffi.CONTENT_COLOR_ALPHA, extents), *extents[2:]

    return Recorded(cairosvg.parser.Tree(bytestring=svg), None, 96, output_width=width,
                    output_height=height).cairo


def _png(drawn, width: int, height: int) -> bytes:
    """The drawn sheet's pixels, encoded by Pillow at PNG_LEVEL (cairo's own encoding took
    most of the PNG's time). The sheet is opaque (its white ground): RGB, as cairo writes an
    opaque image."""
    import cairocffi
    from PIL import Image

    image = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, width, height)
    _play(drawn, image)
    image.flush()
    order = "BGRX" if sys.byteorder == "little" else "XRGB"  # (cairo's pixels: native 32-bit words)
    pixels = Image.frombuffer("RGB", (width, height), bytes(image.get_data()), "raw", order,
                              image.get_stride(), 1)
    out = io.BytesIO()
    pixels.save(out, "PNG", compress_level=PNG_LEVEL)
    return out.getvalue()


def _pdf(drawn, width: int, height: int, title: str) -> bytes:
    """The drawn sheet as PDF at its print size (its text live, its fonts embedded), the
    map's title in the document's metadata, as pdfinfo and a reader's PDF viewer show it."""
    import cairocffi

    points = 72 / DPI  # a pixel of the 300 dpi sheet, in PDF points
    out = io.BytesIO()
    pdf = cairocffi.PDFSurface(out, width * points, height * points)
    pdf.set_metadata(cairocffi.PDF_METADATA_TITLE, title)
    _play(drawn, pdf, points)
    pdf.finish()
    return out.getvalue()


def _play(drawn, surface, scale: float = 1.0) -> None:
    """Paint the recorded sheet onto ``surface``, ``scale`` surface units to its pixel."""
    import cairocffi

    context = cairocffi.Context(surface)
    context.scale(scale, scale)
    context.set_source_surface(drawn)
    context.paint()


def static_images(content: MapContent) -> dict[str, bytes]:
    """{"<suffix>.<ext>": bytes} for each width and format, e.g. ".png", "-1col.svg"."""
    return {file: data for suffix in PRINT_WIDTHS_MM
            for file, data in sheet_images(suffix, sheet(content, suffix),
                                           content.spec.title).items()}


def redrawn(content: MapContent, suffix: str, last: tuple[str, str] | None,
            basemap: str | None = None) -> tuple[tuple[str, str], dict[str, bytes] | None]:
    """For the sheet of one width: ((inputs digest, sheet digest), its images), the images None
    if they would be the last build's, whose digests are ``last``. Runs in a worker, one per
    width, so that both cores share a map's images. The inputs digest settles most cases
    without drawing; an edit below a pixel is caught by the digest of the drawn sheet."""
    svg = print_svg(content, width_px(PRINT_WIDTHS_MM[suffix]))
    inputs = static_digest(content, suffix, basemap=basemap, svg=svg)
    if last is not None and inputs == last[0]:
        return last, None
    drawn = sheet(content, suffix, svg)
    digests = inputs, static_digest(content, suffix, drawn)
    return digests, None if last is not None and digests[1] == last[1] else sheet_images(
        suffix, drawn, content.spec.title)


def basemap_xml(content: MapContent, px_per_metre: float = 0.0) -> str:
    """The sheet's basemap style (the tiles', and the map's own layers, which the page draws as
    vectors) without text: the sheet sets its names. (Its digest is taken with rivers at their
    lines' width: their width on a sheet follows from the sheet's frame, which its SVG holds.)"""
    return re.sub(r"<TextSymbolizer\b[^>]*>.*?</TextSymbolizer>", "",
                  style_xml(content, sheet=True, px_per_metre=px_per_metre), flags=re.S)


def basemap_digest(content: MapContent) -> str:
    """A hash of the basemap's style and data: of a sheet's inputs, the part (megabytes on the
    overview) that an edit of text alone leaves as it was."""
    return hashlib.sha256(basemap_xml(content).encode()).hexdigest()


def basemap_png(content: MapContent, width: int) -> bytes:
    """The basemap at the map frame's pixel size, lines and symbols scaled for print."""
    import mapnik

    register_system_fonts()
    mw, mh = map_size(content, width)
    (left, bottom), (right, top) = corners(content, width)
    m = mapnik.Map(mw, mh)
    # style px a metre: a pixel's metres times the render's scale factor
    load_style(m, basemap_xml(content, 1 / (metres_per_px(content, mw) * Sizes(width).raster_scale)))
    m.zoom_to_box(mapnik.Box2d(left, bottom, right, top))
    image = mapnik.Image(mw, mh)
    mapnik.render(m, image, Sizes(width).raster_scale)
    return image.to_string(PNG_FORMAT)


def with_dpi(png: bytes, dpi: int) -> bytes:
    """The PNG with a pHYs chunk saying ``dpi`` (in pixels per metre), after its header."""
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    end_of_header = 8 + 25  # signature, then IHDR (length, type, 13 bytes, CRC)
    rest = _without_chunk(png[end_of_header:], b"pHYs")
    return png[:end_of_header] + chunk + rest


def _without_chunk(chunks: bytes, kind: bytes) -> bytes:
    out, i = [], 0
    while i < len(chunks):
        length = struct.unpack(">I", chunks[i:i + 4])[0]
        if chunks[i + 4:i + 8] != kind:
            out.append(chunks[i:i + 12 + length])
        i += 12 + length
    return b"".join(out)


def _fixed_dates(pdf: bytes) -> bytes:
    """Cairo stamps the PDF with the time of day: put a fixed date of the same length there,
    so the cross-reference offsets stay right and the same input gives the same bytes."""
    return re.sub(rb"\((D:\d{14}[^)]{0,8})\)", lambda m: b"(" + PDF_DATE.ljust(len(m.group(1)))
                  + b")", pdf)
