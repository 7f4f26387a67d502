"""Read ``layers/maps.toml``: which maps exist, which layers they draw, and how.

Every setting is a typed field with a default; every problem in the file is collected and
reported at once (as mkdocs does with its config), so an editor fixes them in one pass.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import BuildError, Problem

CONFIG_NAME = "maps.toml"
DEFAULT_SOURCES = "../../shared/sources"  # relative to the layers folder, as CI lays it out
LAYER_KINDS = ("base", "feature", "border", "incidents")
MAP_MARGIN = 0.1  # share of a map's width/height drawn and pannable beyond its extent
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Style:
    """How a vector layer is drawn (Leaflet path options)."""

    color: str = "#333333"
    weight: float = 2.0
    fill: str | None = None
    fill_opacity: float = 0.6
    dash: str | None = None
    opacity: float = 1.0


@dataclass(frozen=True)
class LayerSpec:
    """One GeoJSON file under layers/ and how maps use it."""

    name: str
    file: Path
    title: str
    kind: str
    style: Style = Style()
    legend: bool = True
    show: bool = True
    invert: bool = False  # draw what the polygons leave uncovered (sea from land)


@dataclass(frozen=True)
class MapSpec:
    """One output map: its extent (west, south, east, north in WGS84), zooms and layers.

    The map opens fitted to its extent, so it fills any window or iframe size.
    """

    name: str
    title: str
    description: str
    extent: tuple[float, float, float, float]
    min_zoom: int
    max_zoom: int
    layers: tuple[str, ...]

    def padded_extent(self) -> tuple[float, float, float, float]:
        """The extent plus a margin: what the map carries data for and lets the reader pan to."""
        west, south, east, north = self.extent
        dx, dy = (east - west) * MAP_MARGIN, (north - south) * MAP_MARGIN
        return (max(west - dx, -180.0), max(south - dy, -85.0),
                min(east + dx, 180.0), min(north + dy, 85.0))


@dataclass(frozen=True)
class Reference:
    """An entry of the project's own bibliography, for facts not in ../shared/sources."""

    key: str
    title: str
    url: str = ""
    licence: str = ""


@dataclass(frozen=True)
class Project:
    layers_dir: Path
    sources_dir: Path
    maps: dict[str, MapSpec]
    layers: dict[str, LayerSpec]
    bibliography: dict[str, Reference] = field(default_factory=dict)
    attribution: str = ""
    online_basemaps: tuple[str, ...] = ()  # xyzservices names, offered in the layer control


def read_project(layers_dir: Path, sources_dir: Path | None = None) -> Project:
    """Parse and check maps.toml; raise BuildError listing every problem in it."""
    path = layers_dir / CONFIG_NAME
    label = _label(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError([Problem(label, message=f"no {CONFIG_NAME} in {layers_dir}")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line, col = _toml_position(str(exc))
        raise BuildError([Problem(label, line, col, message=f"not valid TOML: {exc}")]) from None

    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(label, prop=key, message=message))

    _unknown(raw, {"sources", "attribution", "layers", "maps", "bibliography",
                   "online_basemaps"}, "", bad)
    online = raw.get("online_basemaps", [])
    if not (isinstance(online, list) and all(isinstance(n, str) for n in online)):
        bad("online_basemaps", "must be a list of basemap names like \"OpenStreetMap.Mapnik\"")
        online = []
    for name in online:
        if online_basemap(name) is None:
            bad("online_basemaps", f"unknown basemap {name!r} (see the xyzservices providers)")

    layers: dict[str, LayerSpec] = {}
    for name, table in _tables(raw, "layers", bad).items():
        key = f"layers.{name}"
        _unknown(table, {"file", "title", "kind", "style", "legend", "show", "invert"}, key, bad)
        if not _NAME.match(name):
            bad(key, "layer names use lower-case letters, digits and '-'")
        file = table.get("file")
        if not isinstance(file, str) or not file:
            bad(f"{key}.file", "missing: the GeoJSON file of this layer, relative to layers/")
            continue
        if not (layers_dir / file).is_file():
            bad(f"{key}.file", f"file not found: {file}")
        kind = table.get("kind", "feature")
        if kind not in LAYER_KINDS:
            bad(f"{key}.kind", f"{kind!r} is not one of {', '.join(LAYER_KINDS)}")
        style = _style(table.get("style", {}), f"{key}.style", bad)
        layers[name] = LayerSpec(
            name=name,
            file=layers_dir / file,
            title=_str(table, "title", name, key, bad),
            kind=kind,
            style=style,
            legend=bool(table.get("legend", True)),
            show=bool(table.get("show", True)),
            invert=bool(table.get("invert", False)),
        )

    maps: dict[str, MapSpec] = {}
    for name, table in _tables(raw, "maps", bad).items():
        key = f"maps.{name}"
        _unknown(table, {"title", "description", "extent", "zoom", "layers"}, key, bad)
        if not _NAME.match(name) or name == "index":
            bad(key, "map names use lower-case letters, digits and '-' (and 'index' is taken)")
        extent = table.get("extent")
        if not (isinstance(extent, list) and len(extent) == 4
                and all(isinstance(v, int | float) for v in extent)):
            bad(f"{key}.extent", "must be [west, south, east, north] in degrees")
            continue
        west, south, east, north = (float(v) for v in extent)
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            bad(f"{key}.extent", f"{extent} is not [west, south, east, north] with west < east "
                "and south < north inside ±180/±90 (lon/lat swapped?)")
        zoom = table.get("zoom")
        if not (isinstance(zoom, list) and len(zoom) == 2 and all(isinstance(z, int) for z in zoom)
                and 0 <= zoom[0] <= zoom[1] <= 22):
            bad(f"{key}.zoom", "must be [min, max] with 0 <= min <= max <= 22")
            continue
        names = table.get("layers")
        if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
            bad(f"{key}.layers", "must be a non-empty list of layer names")
            continue
        for n in names:
            if n not in layers:
                bad(f"{key}.layers", f"unknown layer {n!r} (define it under [layers.{n}])")
        maps[name] = MapSpec(
            name=name,
            title=_str(table, "title", name, key, bad),
            description=_str(table, "description", "", key, bad),
            extent=(west, south, east, north),
            min_zoom=zoom[0],
            max_zoom=zoom[1],
            layers=tuple(names),
        )
    if not maps:
        bad("maps", "no maps defined: add a [maps.NAME] table")

    bibliography: dict[str, Reference] = {}
    for key_name, table in _tables(raw, "bibliography", bad).items():
        key = f"bibliography.{key_name}"
        _unknown(table, {"title", "url", "licence"}, key, bad)
        bibliography[key_name] = Reference(
            key=key_name,
            title=_str(table, "title", "", key, bad),
            url=_str(table, "url", "", key, bad),
            licence=_str(table, "licence", "", key, bad),
        )
        if not bibliography[key_name].title:
            bad(f"{key}.title", "missing: every bibliography entry needs a title")
        url = bibliography[key_name].url
        if url and not url.startswith(("https://", "http://")):
            bad(f"{key}.url", "only http(s) URLs are allowed")

    if problems:
        raise BuildError(problems)

    if sources_dir is None:
        sources_dir = sources_path(layers_dir, raw).resolve()
    return Project(
        layers_dir=layers_dir,
        sources_dir=sources_dir,
        maps=maps,
        layers=layers,
        bibliography=bibliography,
        attribution=str(raw.get("attribution", "")),
        online_basemaps=tuple(online),
    )


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
    among what a map with incidents depends on, so that the two cannot disagree.
    """
    return [name for name, kind in kinds.items() if kind == "border"]  # maps.toml order


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
    if any(layers[n].get("kind") == "incidents" for n in used):
        used.update(distance_layers({n: t.get("kind", "feature") for n, t in layers.items()}))
    return {
        "map": table,
        "layers": {n: layers[n] for n in sorted(used)},
        "inset": _widest(raw["maps"]),  # the inset shows the map with the widest extent
        "bibliography": raw.get("bibliography", {}),
        "attribution": raw.get("attribution", ""),
        "online_basemaps": raw.get("online_basemaps", []),
    }


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


def _label(path: Path) -> str:
    """A path as the user typed it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _toml_position(message: str) -> tuple[int | None, int | None]:
    m = re.search(r"line (\d+), column (\d+)", message)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def _tables(raw: dict, key: str, bad) -> dict[str, dict]:
    value = raw.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        bad(key, f"[{key}.NAME] entries must be tables")
        return {}
    return value


def _unknown(table: dict, known: set[str], key: str, bad) -> None:
    for k in sorted(set(table) - known):
        bad(f"{key}.{k}" if key else k, f"unknown setting (known: {', '.join(sorted(known))})")


def _str(table: dict, name: str, default: str, key: str, bad) -> str:
    value = table.get(name, default)
    if not isinstance(value, str):
        bad(f"{key}.{name}", "must be a string")
        return default
    return value


def _style(table: dict, key: str, bad) -> Style:
    if not isinstance(table, dict):
        bad(key, "must be a table")
        return Style()
    _unknown(table, {"color", "weight", "fill", "fill_opacity", "dash", "opacity"}, key, bad)
    for name in ("color", "fill"):
        if name in table and not (isinstance(table[name], str) and _COLOR.match(table[name])):
            bad(f"{key}.{name}", "must be a colour like '#1f78b4'")
            return Style()
    for name in ("weight", "fill_opacity", "opacity"):
        if name in table and not isinstance(table[name], int | float):
            bad(f"{key}.{name}", "must be a number")
            return Style()
    if "dash" in table and not (isinstance(table["dash"], str)
                                and re.fullmatch(r"[0-9 ,.]+", table["dash"])):
        bad(f"{key}.dash", "must be a dash pattern like '6 4'")
        return Style()
    return Style(**table)
