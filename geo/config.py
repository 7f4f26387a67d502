"""Read ``layers/maps.toml``: which maps exist, which layers they draw, and how.

The settings are declared once, in geo/inputs/schemas/maps.schema.json; every problem in the file
is collected and reported at once with its line (as mkdocs does with its config).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from geo.errors import BuildError, Problem

CONFIG_NAME = "maps.toml"
SCHEMA_NAME = "maps.schema.json"  # in geo/inputs/schemas: what maps.toml may say
DEFAULT_SOURCES = "../../shared/sources"  # relative to the layers folder, as CI lays it out
MAP_MARGIN = 0.1  # share of a map's width/height drawn and pannable beyond its extent, at least
MAP_MARGIN_PX = 1024  # ... and at each zoom this many pixels, so that a view up to 2048 px fits
MAX_MARGIN_M = 900_000  # ... but never more than this (about 8° of longitude): what layers/base covers


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
    """One output map: extent (west, south, east, north, WGS84; opens fitted to it), zooms, layers."""

    name: str
    title: str
    description: str
    extent: tuple[float, float, float, float]
    min_zoom: int
    max_zoom: int
    layers: tuple[str, ...]
    dem: Path | None = None  # a GeoTIFF of elevations: hillshade and contours (render/relief.py)

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
    """Parse and check maps.toml; raise BuildError listing every problem in it, with its line.

    geo/inputs/schemas/maps.schema.json declares every setting (editors read it too); what a
    schema cannot say (west < east, named layers and files exist) is checked after it here.
    """
    path = layers_dir / CONFIG_NAME
    label = _label(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError:
        raise BuildError([Problem(label, message=f"no {CONFIG_NAME} in {layers_dir}")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(m[1]), int(m[2])) if m else (None, None)
        raise BuildError([Problem(label, line, col, message=f"not valid TOML: {exc}")]) from None
    schema = load_schema()
    found = _schema_problems(raw, schema)
    found += _cross_checks(raw, layers_dir, schema, found)
    if found:
        raise BuildError(list({Problem(label, key_line(text, key), prop=".".join(key), message=message)
                                 for key, message in found}))

    layers = {n: LayerSpec(n, layers_dir / t["file"], t.get("title", n), t.get("kind", "feature"),
                           Style(**t.get("style", {})), t.get("legend", True), t.get("show", True),
                           t.get("invert", False)) for n, t in raw.get("layers", {}).items()}
    maps = {n: MapSpec(n, t.get("title", n), t.get("description", ""), tuple(map(float, t["extent"])),
                       t["zoom"][0], t["zoom"][1], tuple(t["layers"]),
                       layers_dir / t["dem"] if "dem" in t else None) for n, t in raw["maps"].items()}
    bibliography = {k: Reference(k, **t) for k, t in raw.get("bibliography", {}).items()}
    if sources_dir is None:
        sources_dir = sources_path(layers_dir, raw).resolve()
    return Project(layers_dir, sources_dir, maps, layers, bibliography, raw.get("attribution", ""),
                   tuple(raw.get("online_basemaps", ())))


def load_schema() -> dict:
    """maps.schema.json: every setting of maps.toml, its type, description and error message."""
    return json.loads((resources.files("geo.inputs") / "schemas" / SCHEMA_NAME).read_text("utf-8"))


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
    among what a map with incidents depends on, so that the two cannot disagree."""
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
    return {"map": table, "layers": {n: layers[n] for n in sorted(used)},
            "inset": _widest(raw["maps"]),  # the inset shows the map with the widest extent
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


def _label(path: Path) -> str:
    """A path as the user typed it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _schema_problems(raw: dict, schema: dict) -> list[tuple[tuple[str, ...], str]]:
    """(key path, message) of each place where ``raw`` breaks the schema: the `errorMessage`
    of the setting (a list stands for its items), else one made from the error."""
    import jsonschema
    found = []
    for error in jsonschema.Draft7Validator(schema).iter_errors(raw):
        key = [str(p) for p in error.absolute_path if not isinstance(p, int)]
        if error.validator == "additionalProperties" and error.validator_value is False:
            known = sorted(error.schema.get("properties", {}))
            found += [((*key, str(k)), f"unknown setting (known: {', '.join(known)})")
                      for k in sorted(set(error.instance) - set(known))]
            continue
        if "propertyNames" in error.schema_path:  # a bad NAME in [maps.NAME]: point at it
            node = _subschema(schema, key).get("propertyNames", {})
            key.append(str(error.instance))
        else:
            if error.validator == "required":
                key += [n for n in error.validator_value if n not in error.instance][:1]
            node = _subschema(schema, key)
        found.append((tuple(key), node.get("errorMessage") or _message(error)))
    return found


def _message(error) -> str:
    if error.validator == "type":
        t = {"object": "a table", "array": "a list", "integer": "a whole number", "boolean": "true or false"}
        return f"must be {t.get(error.validator_value, 'a ' + str(error.validator_value))}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    return "missing" if error.validator == "required" else error.message


def _subschema(schema: dict, key: list[str]) -> dict:
    """The part of the schema that describes the setting at ``key``."""
    node = schema
    for part in (*key, None):
        while "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
        if part is None:
            return node
        node = node.get("properties", {}).get(part) or node.get("additionalProperties") or {}


def _cross_checks(raw: dict, layers_dir: Path, schema: dict, found: list) -> list:
    """What JSON Schema cannot say, checked on the settings the schema accepted."""
    def ok(*key: str) -> bool:  # nothing wrong at or under key
        return not any(p[:len(key)] == key for p, _ in found)

    def tables(name: str) -> dict[str, dict]:
        value = raw.get(name, {})
        return {n: t for n, t in value.items() if isinstance(t, dict)} if isinstance(value, dict) else {}
    more = [(("online_basemaps",), f"unknown basemap {name!r} (see the xyzservices providers)")
            for name in (raw.get("online_basemaps", []) if ok("online_basemaps") else [])
            if online_basemap(name) is None]
    more += [(("layers", name, "file"), f"file not found: {table['file']}")
             for name, table in tables("layers").items()
             if ok("layers", name, "file") and not (layers_dir / table["file"]).is_file()]
    for name, table in tables("maps").items():
        key = ("maps", name)
        if ok(*key, "extent"):
            west, south, east, north = table["extent"]
            if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
                more.append(((*key, "extent"), f"{table['extent']} is not [west, south, east, north] "
                             "with west < east and south < north inside ±180/±90 (lon/lat swapped?)"))
        if ok(*key, "zoom") and table["zoom"][0] > table["zoom"][1]:
            more.append(((*key, "zoom"), _subschema(schema, [*key, "zoom"])["errorMessage"]))
        if ok(*key, "layers") and isinstance(raw.get("layers", {}), dict):
            more += [((*key, "layers"), f"unknown layer {n!r} (define it under [layers.{n}])")
                     for n in table["layers"] if n not in tables("layers")]
    return more


_HEADER = re.compile(r"^\s*\[\[?([^\]]+)\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[\w-]+)\s*[.=]""")


def key_line(text: str, key: tuple[str, ...]) -> int | None:
    """The line of a dotted key in TOML text: its `key =` line in its [table], else the line of
    the nearest enclosing table or key that is written out, else None."""
    lines, table = {}, ()  # {key path: line}, the table the line is in
    for number, line in enumerate(text.splitlines(), 1):
        if header := _HEADER.match(line):
            table = tuple(part.strip().strip("\"'") for part in header[1].split("."))
            lines.setdefault(table, number)
        elif item := _KEY.match(line):
            lines.setdefault((*table, item[1].strip("\"'")), number)
    return next((lines[key[:end]] for end in range(len(key), 0, -1) if key[:end] in lines), None)
