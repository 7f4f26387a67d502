"""Read one GeoJSON layer file, remembering where each feature and property stands in it.

The file is parsed as JSON rather than through GDAL: errors must name a line and column, and
nested properties (sources, casualties) must arrive as lists and objects, not as the JSON
strings that OGR flattens them into. orjson reads it (the base land is megabytes), and the
standard ``json`` module what orjson refuses, to say where the error is. (orjson reads an
integer beyond 64 bits as a float, as a browser reads every JSON number.) Geometries become shapely and
geopandas objects in the project stage.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass, field
from functools import cached_property

import orjson

from geo.config import LayerSpec
from geo.errors import BuildError, Problem, display_path
from geo.inputs.crs import WGS84

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True)
class Layer:
    """A layer file: its spec, its text (from which the line and column of each feature and
    property are found when a problem needs them) and the GeoJSON as plain data.

    The text is parsed when first asked for, once for all the layers drawn from that file: a
    file the last build checked with this very text, and whose map geometry it kept, is
    often never parsed at all (the base geography is megabytes)."""

    spec: LayerSpec
    label: str
    text: str = field(default="", repr=False)
    parsed: list = field(default_factory=list, repr=False, compare=False)  # [the collection]

    @property
    def collection(self) -> dict:
        if not self.parsed:
            self.parsed.append(_parse(self.text))
        return self.parsed[0]

    @property
    def crs(self) -> str:
        return _declared_crs(self.collection)

    @cached_property
    def _positions(self) -> tuple[list[Position], list[dict[str, Position]]]:
        feature_offsets, property_offsets = _locate_features(self.text)
        line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        at = functools.partial(_position, line_starts)
        return ([at(o) for o in feature_offsets],
                [{k: at(o) for k, o in props.items()} for props in property_offsets])

    @property
    def feature_positions(self) -> list[Position]:
        return self._positions[0]

    @property
    def property_positions(self) -> list[dict[str, Position]]:
        return self._positions[1]

    @property
    def features(self) -> list:
        features = self.collection.get("features")
        return features if isinstance(features, list) else []


def load_layer(spec: LayerSpec, parse: bool = True) -> Layer:
    """Read ``spec.file`` and parse it; raise BuildError with file:line:column if it is not
    a GeoJSON FeatureCollection. With ``parse=False`` (a file known to be one: the last
    build checked this very text) the text is parsed only when needed."""
    label = display_path(spec.file)
    raw = spec.file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BuildError([Problem(label, line, col, message=(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); GeoJSON must be UTF-8"))]) from None
    if not parse:
        return Layer(spec=spec, label=label, text=text)
    try:
        collection = _parse(text)
    except json.JSONDecodeError as exc:
        raise BuildError([Problem(label, exc.lineno, exc.colno,
                                  message=f"invalid JSON: {exc.msg}")]) from None
    except ValueError as exc:
        line, col = _find_constant(text)
        raise BuildError([Problem(label, line, col, message=str(exc))]) from None
    except RecursionError:
        raise BuildError([Problem(label, message="invalid JSON: nested too deeply")]) from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BuildError([Problem(label, 1, 1, message=(
            "not a GeoJSON FeatureCollection (the top level needs "
            '"type": "FeatureCollection" and a "features" list)'))])
    if not isinstance(collection.get("features"), list):
        raise BuildError([Problem(label, 1, 1, prop="features",
                                  message="a FeatureCollection needs a \"features\" list")])
    return Layer(spec=spec, label=label, text=text, parsed=[collection])


def _parse(text: str):
    """The JSON value of ``text``, as ``json.loads`` gives it (NaN and Infinity refused)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass  # the json module says where, and why
    return json.loads(text, parse_constant=_reject_constant)


def _declared_crs(collection: dict) -> str:
    """The CRS a file declares with the GeoJSON 2008 ``crs`` member (QGIS and GDAL write it).

    RFC 7946 files have none and are WGS84 longitude/latitude.
    """
    crs = collection.get("crs")
    if crs is None:
        return WGS84
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        name = crs["properties"].get("name")
        if isinstance(name, str) and name:
            return name
    return repr(crs)


def _reject_constant(name: str):
    raise ValueError(f"invalid JSON: {name} is not a number in JSON")


def _find_constant(text: str) -> tuple[int | None, int | None]:
    m = re.search(r"-?\b(NaN|Infinity)\b", text)
    if not m:
        return None, None
    line = text.count("\n", 0, m.start()) + 1
    return line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1


def _position(line_starts: list[int], offset: int) -> Position:
    index = bisect.bisect_right(line_starts, offset) - 1
    return Position(index + 1, offset - line_starts[index] + 1)


def _members(text: str, i: int):
    """Yield (key, value_offset, value_end) for the JSON object starting at text[i]."""
    i = _WS.match(text, i + 1).end()
    while text[i] != "}":
        key, i = _DECODER.raw_decode(text, i)
        i = _WS.match(text, i).end() + 1  # the ':'
        start = _WS.match(text, i).end()
        _, end = _DECODER.raw_decode(text, start)
        yield key, start, end
        i = _WS.match(text, end).end()
        if text[i] == ",":
            i = _WS.match(text, i + 1).end()


def _items(text: str, i: int):
    """Yield (value_offset, value_end) for the JSON array starting at text[i]."""
    i = _WS.match(text, i + 1).end()
    while text[i] != "]":
        _, end = _DECODER.raw_decode(text, i)
        yield i, end
        i = _WS.match(text, end).end()
        if text[i] == ",":
            i = _WS.match(text, i + 1).end()


def _locate_features(text: str) -> tuple[list[int], list[dict[str, int]]]:
    """Offsets of each feature and of each of its properties (text is known-good JSON)."""
    start = _WS.match(text).end()
    for key, value, _ in _members(text, start):
        if key == "features" and text[value] == "[":
            features, properties = [], []
            for offset, _ in _items(text, value):
                features.append(offset)
                props: dict[str, int] = {}
                if text[offset] == "{":
                    for fkey, fvalue, _ in _members(text, offset):
                        if fkey == "properties" and text[fvalue] == "{":
                            props = {k: o for k, o, _ in _members(text, fvalue)}
                        elif fkey == "geometry":
                            props["geometry"] = fvalue
                properties.append(props)
            return features, properties
    return [], []
