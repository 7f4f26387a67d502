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

A map without a DEM gets nothing from here, so its style is what it was without this module.
Spot heights are ordinary point features with an ``elevation`` (see ``spot_label``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import tempfile
import time
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


def relief_area(content):
    """Where the relief draws (a shapely box in WGS84), or None: no tile there is flat."""
    relief = relief_for(content)
    if relief is None:
        return None
    from shapely.geometry import box

    return box(*relief.area)


def relief_xml(content, with_data: bool = True) -> tuple[str, str] | None:
    """(styles, layers) of the map's relief in Mapnik XML, or None without a DEM. Without data
    the layers name only the relief's digest: what a tile's hash needs."""
    relief = relief_for(content)
    if relief is None:
        return None
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
    """(4, rows, cols) uint8: shadow colour where darker than the flat, white where lighter,
    each as opaque as far it is from the flat; clear on the flat and where there is no data."""
    import numpy as np

    shade = hillshade(z, transform, geographic)
    flat = math.sin(math.radians(ALTITUDE))
    dark = np.clip((flat - shade) / flat, 0, 1) * SHADOW_ALPHA
    light = np.clip((shade - flat) / (1 - flat), 0, 1) * LIGHT_ALPHA
    in_shade = shade < flat
    rgba = np.empty((4, *z.shape), dtype="uint8")
    for band in range(3):
        rgba[band] = np.where(in_shade, SHADOW[band], 255)
    rgba[3] = np.round(np.where(in_shade, dark, light) * 255 * np.isfinite(z))
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
        try:
            os.utime(path)
        except OSError:  # another user's file in the shared cache: read it, leave its date
            pass
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
