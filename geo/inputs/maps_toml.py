"""maps.toml read into a Project (``read_project``), and where it is wrong: its schema's errors
and the checks a schema cannot express, each placed at the line of its key (tomllib gives no
positions, so the text is searched for them).

geo/inputs/schemas/maps.schema.json declares every setting once; jsonschema is loaded only
for a file that fails the fast check, so a build with nothing to do loads none of it.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from importlib import resources
from pathlib import Path

from geo.config import (
    CONFIG_NAME,
    FEATURE,
    INTERFACE_LANGUAGES,
    LANGUAGE_NAMES,
    SCHEMA_NAME,
    LayerKind,
    LayerSpec,
    MapSpec,
    Project,
    Reference,
    Style,
    online_basemap,
    sources_path,
)
from geo.errors import BuildError, Problem, display_path


def load_schema() -> dict:
    """maps.schema.json: every setting of maps.toml, its type, description and error message."""
    return json.loads((resources.files("geo.inputs") / "schemas" / SCHEMA_NAME).read_text("utf-8"))


@functools.cache
def _is_valid():
    """The schema compiled to Python once a process (compiling takes 30 ms, checking none):
    it answers "valid?" at once; jsonschema (slower to load) says where, if not."""
    import fastjsonschema

    return fastjsonschema.compile(load_schema())


def schema_problems(raw: dict) -> list[tuple[tuple[str, ...], str]]:
    """(key path, message) of each place where ``raw`` breaks the schema: the `errorMessage`
    of the setting (a list stands for its items), else one made from the error."""
    import fastjsonschema

    try:
        _is_valid()(raw)
        return []
    except fastjsonschema.JsonSchemaException:
        import jsonschema
    schema = load_schema()
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


def cross_checks(raw: dict, layers_dir: Path, schema: dict, found: list) -> list:
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
    names = {lang: LANGUAGE_NAMES[lang] for lang in INTERFACE_LANGUAGES}
    for group, keys in (("maps", ("title", "description")), ("layers", ("title",))):
        for name, table in tables(group).items():
            for key in keys:
                given = table.get(f"{key}_in", {}) if ok(group, name, f"{key}_in") else None
                if given is None or not table.get(key):
                    continue
                more += [((group, name, f"{key}_in"), f"no {names[lang]} {key} ({key}_in.{lang}): "
                          f"the language menu offers {', '.join(INTERFACE_LANGUAGES)}, and each "
                          f"{group[:-1]}'s {key} is given in each")
                         for lang in INTERFACE_LANGUAGES if not given.get(lang)]
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


def _pairs(texts: dict | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((texts or {}).items()))


def read_project(layers_dir: Path, sources_dir: Path | None = None) -> Project:
    """Parse and check maps.toml; raise BuildError listing every problem in it, with its line.

    geo/inputs/schemas/maps.schema.json declares every setting (editors read it too); what a
    schema cannot say (west < east, named layers and files exist) is checked after it here.
    """
    path = layers_dir / CONFIG_NAME
    label = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError:
        raise BuildError([Problem(label, message=f"no {CONFIG_NAME} in {layers_dir}")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(m[1]), int(m[2])) if m else (None, None)
        raise BuildError([Problem(label, line, col, message=f"not valid TOML: {exc}")]) from None
    found = schema_problems(raw)
    found += cross_checks(raw, layers_dir, load_schema(), found)
    if found:
        raise BuildError(list({Problem(label, key_line(text, key), prop=".".join(key), message=message)
                                 for key, message in found}))

    layers = {n: LayerSpec(n, layers_dir / t["file"], t.get("title", n),
                           LayerKind(t.get("kind", FEATURE)),
                           Style(**t.get("style", {})), t.get("legend", True), t.get("show", True),
                           t.get("invert", False), _pairs(t.get("title_in")), t.get("locator", False))
              for n, t in raw.get("layers", {}).items()}
    maps = {n: MapSpec(n, t.get("title", n), t.get("description", ""), tuple(map(float, t["extent"])),
                       t["zoom"][0], t["zoom"][1], tuple(t["layers"]),
                       layers_dir / t["dem"] if "dem" in t else None,
                       _pairs(t.get("title_in")), _pairs(t.get("description_in")),
                       t.get("relief", True))
            for n, t in raw["maps"].items()}
    bibliography = {k: Reference(k, **t) for k, t in raw.get("bibliography", {}).items()}
    if sources_dir is None:
        sources_dir = sources_path(layers_dir, raw).resolve()
    return Project(layers_dir, sources_dir, maps, layers, bibliography, raw.get("attribution", ""),
                   tuple(raw.get("online_basemaps", ())))
