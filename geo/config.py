"""What ``layers/maps.toml`` says, as plain values: the maps, the layers they draw and how, the
bibliography (``Project``), and the options of a build (``BuildOptions``).

Every stage reads these; ``geo.inputs.maps_toml.read_project`` makes them from the file, its
settings declared once in geo/inputs/schemas/maps.schema.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

CONFIG_NAME = "maps.toml"
# The page's languages, its menu in this order: code -> (English name, own name); English, the
# first, is the default. The page's own words and the maps' titles are given in each
# (render/interface_text.py, maps.toml title_in), place names where known. The one table: the
# page's script (core.js, language.js), check and the print read it from here.
LANGUAGES = {"en": ("English", "English"), "ru": ("Russian", "Русский"), "ja": ("Japanese", "日本語"),
             "zh": ("Chinese", "中文")}
# Languages a place's names may be given in besides those: its popup lists them, no page is in them
OTHER_NAME_LANGUAGES = {"mn": "Mongolian", "ko": "Korean"}
INTERFACE_LANGUAGES = tuple(code for code in LANGUAGES if code != "en")
LANGUAGE_NAMES = {code: english for code, (english, _) in LANGUAGES.items() if code != "en"} | \
    OTHER_NAME_LANGUAGES
SCHEMA_NAME = "maps.schema.json"  # in geo/inputs/schemas: what maps.toml may say
DEFAULT_SOURCES = "../../shared/sources"  # relative to the layers folder, as CI lays it out
MAP_MARGIN = 0.1  # share of a map's width/height drawn and pannable beyond its extent, at least
MAP_MARGIN_PX = 1024  # ... and at each zoom this many pixels, so that a view up to 2048 px fits
MAX_MARGIN_M = 1_350_000  # ... but never more than this (about 12° of longitude): what layers/base covers


@dataclass(frozen=True)
class Style:
    """How a vector layer is drawn (Leaflet path options)."""

    color: str = "#333333"
    weight: float = 2.0
    fill: str | None = None
    fill_opacity: float = 0.6
    dash: str | None = None
    opacity: float = 1.0
    # a second colour inside the line, in the dash pattern (the line itself then solid): the
    # atlas's railway, a dark line with light dashes
    stripe: str | None = None


class LayerKind(StrEnum):
    """What a layer is to the maps (maps.toml ``kind``, the schema's enum): equal to its string."""

    BASE = "base"  # background geography: in the tiles, not clickable, not checked against maps
    FEATURE = "feature"  # the places a map is about: drawn with popups, named, in the legend
    BORDER = "border"  # a line incidents' distances are measured to (borders, claims)
    INCIDENTS = "incidents"  # the catalogue: markers with popups, counted, listed


BASE, FEATURE, BORDER, INCIDENTS = LayerKind


@dataclass(frozen=True)
class LayerSpec:
    """One GeoJSON file under layers/ and how maps use it."""

    name: str
    file: Path
    title: str
    kind: LayerKind
    style: Style = Style()
    legend: bool = True
    show: bool = True
    invert: bool = False  # draw what the polygons leave uncovered (sea from land)
    title_in: tuple[tuple[str, str], ...] = ()  # (language, title) for INTERFACE_LANGUAGES
    locator: bool = False  # drawn in every map's locator: its lines, its countries' names


@dataclass(frozen=True)
class MapSpec:
    """One output map: extent (west, south, east, north, WGS84; opens fitted to it), zooms, layers."""

    name: str
    title: str
    description: str
    extent: tuple[float, float, float, float]
    min_zoom: int
    max_zoom: int
    layers: tuple[str, ...]
    dem: Path | None = None  # a GeoTIFF of elevations: hillshade and contours (render/relief.py)
    title_in: tuple[tuple[str, str], ...] = ()  # (language, text) for INTERFACE_LANGUAGES
    description_in: tuple[tuple[str, str], ...] = ()
    relief: bool = True  # the world's relief at small zooms where there is no DEM (render/relief.py)

    def incident_extent(self) -> tuple[float, float, float, float]:
        """The extent and MAP_MARGIN of it: the incidents a map shows and lists. The tiles'
        margin (padded_extent) is wider, for the view, not for what the map is about."""
        west, south, east, north = self.extent
        dx, dy = (east - west) * MAP_MARGIN, (north - south) * MAP_MARGIN
        return (west - dx, south - dy, east + dx, north + dy)

    def padded_extent(self, zoom: int | None = None) -> tuple[float, float, float, float]:
        """The extent plus a margin: what the map has tiles for and lets the reader pan to at
        ``zoom`` (by default its widest, at the map's least zoom). The margin is MAP_MARGIN_PX
        at that zoom (a view up to 2048 px wide or high then fits in it: no grey beyond the
        data), within MAP_MARGIN and MAX_MARGIN of the extent's size; the page raises its least
        zoom on a window too large for the margin of a zoom."""
        import mercantile

        west, south, east, north = self.extent
        left, bottom = mercantile.xy(west, south)
        right, top = mercantile.xy(east, north)
        metres = 2 * 20037508.342789244 / (256 * 2 ** (self.min_zoom if zoom is None else zoom))
        dx = min(max(MAP_MARGIN_PX * metres, (right - left) * MAP_MARGIN), MAX_MARGIN_M)
        dy = min(max(MAP_MARGIN_PX * metres, (top - bottom) * MAP_MARGIN), MAX_MARGIN_M)
        w, s = mercantile.lnglat(left - dx, bottom - dy)
        e, n = mercantile.lnglat(right + dx, top + dy)
        return (round(max(w, -180.0), 6), round(max(s, -85.0), 6),
                round(min(e, 180.0), 6), round(min(n, 85.0), 6))

    def zoom_extents(self) -> dict[int, tuple[float, float, float, float]]:
        """{zoom: padded extent} for each zoom of the map."""
        return {z: self.padded_extent(z) for z in range(self.min_zoom, self.max_zoom + 1)}


@dataclass(frozen=True)
class Reference:
    """An entry of the project's bibliography: a work of its own, or (``file``) a source text of
    ../shared/sources, which popups and print images then cite by its title and ``kind``."""

    key: str
    title: str
    url: str = ""
    licence: str = ""
    kind: str = ""  # "encyclopedia article", ...
    file: str = ""  # the source text it is, in ../shared/sources
    found_in: str = ""  # where a reader finds it
    # the base data the attribution line credits: a sheet's "Sources" line does not name it again
    in_attribution: bool = False


@dataclass(frozen=True)
class Project:
    layers_dir: Path
    sources_dir: Path
    maps: dict[str, MapSpec]
    layers: dict[str, LayerSpec]
    bibliography: dict[str, Reference] = field(default_factory=dict)
    attribution: str = ""
    online_basemaps: tuple[str, ...] = ()  # xyzservices names, offered in the layer control


@dataclass(frozen=True)
class BuildOptions:
    """How to build, beyond what maps.toml says."""

    tiles: bool = True  # render the basemap to tiles; without, the HTML draws it as vectors
    retina: bool = False  # also render 512 px @2x tiles
    static: bool = True  # PNG and SVG image of each map
    jobs: int | None = None  # worker processes for tiles; None means every core
    scheduler: str | None = None  # address of a Dask scheduler to render tiles on
    progress: bool = True  # progress bars on stderr
    force: bool = False  # ignore the last build: render every map and tile anew
    # serve: swap the pages and tiles in first, keeping the last print images of the maps
    # built anew; the build after draws theirs (BuildReport.images_pending)
    images_later: bool = False

    def fingerprint(self) -> dict:
        """The options that change what is written (not how fast)."""
        return {"tiles": self.tiles, "retina": self.retina, "static": self.static}


def sources_path(layers_dir: Path, raw: dict, override: Path | None = None) -> Path:
    """The folder of the cited source texts: --sources, else maps.toml's `sources`."""
    if override is not None:
        return Path(override)
    return layers_dir / str(raw.get("sources", DEFAULT_SOURCES))


def distance_layers(kinds: dict[str, str]) -> list[str]:
    """The layers every incident's "nearest border line" is measured to: all border layers.
    ``kinds`` is {layer name: kind}. The build measures with these, and map_inputs counts them
    among what a map with incidents depends on, so that the two cannot disagree."""
    return [name for name, kind in kinds.items() if kind == BORDER]  # maps.toml order


def map_inputs(raw: dict, name: str) -> dict:
    """What map ``name`` is made from, as plain values from maps.toml as parsed (``raw``).

    Its own table; the tables of the layers it draws and, if it draws incidents, of the border
    layers their distances are measured to; and the project-wide settings every map shows.
    The manifest adds the layer files' digests, the source texts, options and code. Raises
    KeyError or TypeError if maps.toml is malformed (read_project then says how).
    """
    layers = raw["layers"]
    table = raw["maps"][name]
    used = set(table["layers"])
    widest = _widest(raw["maps"])
    if any(layers[n].get("kind") == INCIDENTS for n in used):  # (measured to the border layers)
        used.update(distance_layers({n: t.get("kind", FEATURE) for n, t in layers.items()}))
    if name != widest[0]:  # its locator draws these
        used.update(n for n, t in layers.items() if t.get("locator"))
    return {"map": table, "layers": {n: layers[n] for n in sorted(used)},
            "inset": widest,  # the inset shows the map with the widest extent
            "bibliography": raw.get("bibliography", {}), "attribution": raw.get("attribution", ""),
            "online_basemaps": raw.get("online_basemaps", [])}


def _widest(maps: dict[str, dict]) -> list:
    """Name, extent and zoom of the widest map (MapContent.overview), from raw tables."""
    def area(item):
        west, south, east, north = item[1]["extent"]
        return (east - west) * (north - south)
    name, table = max(maps.items(), key=area)
    return [name, table["extent"], table["zoom"]]


def online_basemap(name: str):
    """The xyzservices provider of that name with an https URL, or None."""
    import xyzservices

    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        return None
    return provider if provider.url.startswith("https://") else None
