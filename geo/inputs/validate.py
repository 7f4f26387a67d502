"""Check every layer against the rules a map needs, collecting all problems at once.

Rules: GeoJSON structure, geometry (numbers, ranges, validity), properties against the JSON
Schemas in ``geo/inputs/schemas`` (the incident types from ``geo.incident_types``), ISO 8601
dates, ids unique across the project, sources that exist, features inside the extent of a
map that draws them (which catches swapped longitude and latitude), and text
(``text_checks``: no character that is not text, no source text named by its file number).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import asdict
from functools import cache
from importlib import resources
from pathlib import Path

import fastjsonschema
from shapely.geometry import box

from geo.config import BASE, INCIDENTS, Project
from geo.errors import Problem
from geo.incident_types import INCIDENT_TYPES
from geo.inputs.crs import UnknownCRS, wgs84_transform
from geo.inputs.dates import parse_date
from geo.inputs.geometry_checks import check_geometry, clockwise, looks_swapped
from geo.inputs.load import Layer, Position
from geo.inputs.text_checks import check_qualified_names, check_reader_text, check_text


def validate(project: Project, layers: list[Layer], checked: dict | None = None) -> list[Problem]:
    """Every problem in the given layers, errors and warnings, in file order.

    ``checked`` ({file label: record}, from ``checked_record`` of the last run of the same
    code) spares the work for a file checked before with the very same inputs: its warnings and
    ids are taken from its record. The dict is then updated with this run's records.
    """
    _is_file.cache_clear()  # files may have come or gone since the last build (serve)
    _is_dir.cache_clear()
    sources = _sources_listing(project) if checked is not None else None
    problems: list[Problem] = []
    if not project.sources_dir.is_dir():
        problems.append(Problem(str(project.sources_dir), severity="warning", message=(
            "source texts not found, so cited file names are not checked "
            "(pass --sources DIR or set `sources` in maps.toml)")))
    problems += [Problem(str(spec.dem), prop=f"maps.{name}.dem", message="DEM file not found")
                 for name, spec in project.maps.items() if spec.dem and not spec.dem.is_file()]
    seen_ids: dict[str, tuple[Layer, int]] = {}  # id -> (layer, feature index) of its first use
    seen_files: set = set()
    for layer in layers:
        if layer.spec.file in seen_files:
            continue  # one file drawn as two layers (land and, inverted, sea) is checked once
        seen_files.add(layer.spec.file)
        if checked is None:
            problems += _validate_layer(project, layer, seen_ids)
            continue
        key = _check_key(project, layer, sources)
        record = checked.get(layer.label)
        if record and record["key"] == key and seen_ids.keys().isdisjoint(record["ids"]):
            problems += [Problem(**p) for p in record["problems"]]
            seen_ids.update({i: (layer, n) for i, n in record["ids"].items()})
            continue
        before = set(seen_ids)
        found = _validate_layer(project, layer, seen_ids)
        problems += found
        checked[layer.label] = {"key": key, "problems": [asdict(p) for p in found], "ids": {
            i: n for i, (_, n) in seen_ids.items() if i not in before}}
    return problems


def checked_before(project: Project, checked: dict | None):
    """``layer -> bool``: whether the last build checked the layer's file with these very
    inputs (so it parses, and ``validate`` will take its findings from the record)."""
    sources = _sources_listing(project) if checked else None

    def known(layer: Layer) -> bool:
        record = (checked or {}).get(layer.label)
        return bool(record) and record["key"] == _check_key(project, layer, sources)
    return known


def _sources_listing(project: Project) -> list[str] | None:
    """The files of the source-text folder (what citations are checked against), or None."""
    root = project.sources_dir
    if not root.is_dir():
        return None
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _check_key(project: Project, layer: Layer, sources: list[str] | None) -> str:
    """Everything ``_validate_layer`` reads, hashed: the file's text and table, the maps (their
    names, and the extents of those that draw it), the bibliography and the source texts."""
    spec = layer.spec
    context = (layer.label, spec.name, spec.kind, sorted(project.maps),
               [m.padded_extent() for m in project.maps.values() if spec.name in m.layers],
               sorted(project.bibliography), str(project.sources_dir), sources)
    h = hashlib.sha256(repr(context).encode())
    h.update(layer.text.encode())
    return h.hexdigest()


@cache
def _schema(kind: str) -> dict:
    """The JSON Schema of a layer kind's properties."""
    files = resources.files("geo.inputs") / "schemas"
    incident = json.loads((files / "incident.schema.json").read_text(encoding="utf-8"))
    incident["properties"]["type"] = {"enum": [t.name for t in INCIDENT_TYPES]}
    schema = incident
    if kind != INCIDENTS:
        schema = json.loads((files / "feature.schema.json").read_text(encoding="utf-8"))
        # the shipped file refers to incident.schema.json for sources; resolve that here
        schema["definitions"] = incident["definitions"]
        text = json.dumps(schema).replace("incident.schema.json#/definitions/", "#/definitions/")
        schema = json.loads(text)
    return schema


@cache
def _fast_check(kind: str):
    """fastjsonschema compiles the schema to Python and answers "valid?" about ten times
    faster than jsonschema, which runs (and is imported) only for the features that fail, to
    name every problem precisely."""
    return fastjsonschema.compile(_schema(kind))


def _schema_errors(kind: str, props: dict) -> list:
    try:
        _fast_check(kind)(props)
        return []
    except fastjsonschema.JsonSchemaException:
        import jsonschema

        full = jsonschema.Draft7Validator(_schema(kind))
        return sorted(full.iter_errors(props), key=lambda e: list(e.absolute_path))


def _validate_layer(project: Project, layer: Layer, seen_ids: dict[str, tuple[Layer, int]]) -> list[Problem]:
    problems: list[Problem] = []
    spec = layer.spec

    try:
        to_wgs84 = wgs84_transform(layer.crs)
    except UnknownCRS:
        return [Problem(layer.label, 1, 1, prop="crs", message=(
            f"unknown CRS {layer.crs!r}; use a name like \"EPSG:4301\" (Tokyo) or "
            "\"EPSG:4284\" (Pulkovo 1942), or leave \"crs\" out for WGS84"))]

    map_extents = [box(*m.padded_extent()) for m in project.maps.values()
                   if spec.name in m.layers]
    if not map_extents:
        problems.append(Problem(layer.label, severity="warning",
                                message=f"layer {spec.name!r} is not drawn by any map"))

    for index, feature in enumerate(layer.features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        fid = props.get("id") if isinstance(props, dict) and isinstance(props.get("id"), str) else None

        report = functools.partial(_report, problems, layer, index, fid)

        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            report('not a GeoJSON Feature (needs "type": "Feature")')
            continue
        if not isinstance(props, dict):
            report('has no "properties" object', "properties")
            continue

        if feature.get("geometry") is None and spec.kind == INCIDENTS:
            _check_unplaced(project, props, report)
            geometry = None
        else:
            geometry = check_geometry(feature.get("geometry"), to_wgs84, report)
            if spec.kind == INCIDENTS and "precision_m" not in props:
                report("missing (required): the radius in metres within which it happened",
                       "precision_m")
        # (base geography is cut by `basedata` for the widest margin any map may have; a map
        # that starts at a deeper zoom has a narrower one, and simply draws less of it)
        if geometry is not None and map_extents and spec.kind != BASE and not any(
                geometry.intersects(e) for e in map_extents):
            x, y = geometry.representative_point().coords[0]
            hint = " (longitude and latitude swapped?)" if looks_swapped(x, y, map_extents) else ""
            report(f"lies at {y:.4f}°N {x:.4f}°E, outside every map that draws layer "
                   f"{spec.name!r}{hint}", "geometry")

        for error in _schema_errors(spec.kind, props):
            prop, message = _schema_message(error)
            # an unknown property is kept and ignored: worth a warning, not a failed build
            report(message, prop, "warning" if error.validator == "additionalProperties" else "error")

        if geometry is not None and clockwise(feature["geometry"]):
            report("polygon ring against the right-hand rule (exterior rings counter-clockwise, "
                   "holes clockwise); `build_maps.py fmt` fixes it", "geometry", "warning")

        if fid is not None:
            if fid in seen_ids:
                first, n = seen_ids[fid]
                report(f"duplicate id {fid!r} (also in {first.label}, feature {n})", "id")
            else:
                seen_ids[fid] = (layer, index)

        if isinstance(props.get("date"), str):
            try:
                parse_date(props["date"])
            except ValueError as exc:
                report(str(exc), "date")

        for prop, source in _sources(props):
            _check_source(project, source, prop, report)
        check_text(props, report)
        check_reader_text(project, props, report)
        check_qualified_names(props, report)
    return problems


def _check_unplaced(project: Project, props: dict, report) -> None:
    """An incident the sources do not place is listed without a point, and says why."""
    if not (isinstance(props.get("location_note"), str) and props["location_note"].strip()):
        report("has no geometry (null): give it a point, or, if the sources do not place it, "
               "keep null and say so in \"location_note\"", "geometry")
    if "precision_m" in props:
        report("an incident without a place has no radius: remove precision_m", "precision_m")
    for name in props.get("maps", []) if isinstance(props.get("maps"), list) else []:
        if name not in project.maps:
            report(f"unknown map {name!r} (maps are the [maps.NAME] tables of maps.toml)", "maps")


def _report(problems: list[Problem], layer: Layer, index: int, fid: str | None, message: str,
            prop: str | None = None, severity: str = "error") -> None:
    """Add a problem, placed at the property's position if known, else at the feature's.

    Positions are looked up in the file's text only here, when there is a problem to place.
    """
    fpos = _at(layer.feature_positions, index)
    ppos = layer.property_positions[index] if index < len(layer.property_positions) else {}
    pos = ppos.get(prop.split(".")[0].split("[")[0], fpos) if prop else fpos
    problems.append(Problem(layer.label, pos.line if pos else None, pos.column if pos else None,
                            index, fid, prop, message, severity))


def _at(positions: list[Position], index: int) -> Position | None:
    return positions[index] if index < len(positions) else None


def _schema_message(error) -> tuple[str, str]:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    path = path.lstrip(".")
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else "?"
        return (f"{path}.{name}" if path else name), "missing (required)"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        label = "unknown property" if len(unknown) == 1 else "unknown properties"
        return path or "properties", (f"{label} {', '.join(map(repr, unknown))}: "
                                      "kept in the file, but no map shows it")
    if error.validator == "oneOf" and path.startswith(("sources", "casualties")):
        return path, "a source needs exactly one of \"file\" or \"ref\", and \"where\""
    return path or "properties", error.message


def _sources(props: dict):
    sources = props.get("sources")
    if isinstance(sources, list):
        for i, s in enumerate(sources):
            yield f"sources[{i}]", s
    if isinstance(props.get("elevation_source"), dict):  # a spot height's figure
        yield "elevation_source", props["elevation_source"]
    casualties = props.get("casualties")
    if isinstance(casualties, list):
        for i, c in enumerate(casualties):
            if isinstance(c, dict):
                yield f"casualties[{i}].source", c.get("source")


@functools.lru_cache(maxsize=4096)
def _is_file(path: Path) -> bool:
    return path.is_file()  # asked once per cited file, not once per citation


@functools.lru_cache(maxsize=64)
def _is_dir(path: Path) -> bool:
    return path.is_dir()


def _check_source(project: Project, source, prop: str, report) -> None:
    if not isinstance(source, dict):
        return  # the schema has reported it
    if isinstance(source.get("file"), str) and _is_dir(project.sources_dir):
        if not _is_file(project.sources_dir / source["file"]):
            report(f"source file {source['file']!r} is not in {project.sources_dir.name}/", prop)
    if isinstance(source.get("ref"), str) and source["ref"] not in project.bibliography:
        report(f"reference {source['ref']!r} is not in the bibliography of maps.toml", prop)
