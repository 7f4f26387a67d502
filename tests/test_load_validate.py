"""Each validation rule: a broken layer gives one clear, located message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo.errors import BuildError
from geo.inputs.check import load_and_check
from geo.inputs.dates import parse_date
from geo.inputs.load import load_layer
from geo.inputs.maps_toml import read_project
from tests.conftest import LAYERS, edit_layer


def problems_for(layers_dir: Path, sources_dir: Path) -> list[str]:
    with pytest.raises(BuildError) as info:
        load_and_check(layers_dir, sources_dir)
    return [str(p) for p in info.value.problems if p.severity == "error"]


def incident(collection: dict, feature_id: str) -> dict:
    return next(f for f in collection["features"] if f["properties"]["id"] == feature_id)


def test_real_layers_are_valid(sources_dir):
    # load_and_check raises on any error, so what it returns can only hold warnings: the real
    # layers must have none of those either, and every layer maps.toml names must be loaded
    project, layers, warnings = load_and_check(LAYERS, sources_dir)
    assert [str(w) for w in warnings] == []
    assert [layer.spec.name for layer in layers] == list(project.layers)
    assert all(layer.features for layer in layers), "a layer without features"
    assert len(next(la for la in layers if la.spec.name == "incidents").features) == len(
        json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))["features"])


def test_json_syntax_error_names_line_and_column(layers_copy, sources_dir):
    path = layers_copy / "amur.geojson"
    text = path.read_text(encoding="utf-8").replace('"kind": "town",', '"kind": "town",,', 1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if '"town",,' in s)
    col = text.splitlines()[line - 1].index(",,") + 2
    [message] = problems_for(layers_copy, sources_dir)
    assert message.startswith(f"{path}:{line}:{col}: invalid JSON")


def test_feature_and_property_positions(layers_copy):
    project = read_project(layers_copy)
    layer = load_layer(project.layers["incidents"])
    text = (layers_copy / "incidents.geojson").read_text(encoding="utf-8").splitlines()
    for index, position in enumerate(layer.feature_positions[:5]):
        assert text[position.line - 1][position.column - 1] == "{"
        date_at = layer.property_positions[index]["date"]
        assert text[date_at.line - 1][date_at.column - 1:].startswith(
            json.dumps(layer.features[index]["properties"]["date"]))


def test_bad_date_is_reported_at_the_date(layers_copy, sources_dir):
    edit_layer(layers_copy, "incidents.geojson",
               lambda c: incident(c, "tauran-1936")["properties"].update(date="1936-13"))
    [message] = problems_for(layers_copy, sources_dir)
    text = (layers_copy / "incidents.geojson").read_text(encoding="utf-8").splitlines()
    line = next(i for i, s in enumerate(text, 1) if '"date": "1936-13"' in s)
    assert message.startswith(f"{layers_copy / 'incidents.geojson'}:{line}:")
    assert "feature" in message and "'tauran-1936': property 'date': '1936-13' is not a valid" \
        in message


@pytest.mark.parametrize("value, expected", [
    ("1935", ("1935-01-01", "1935-12-31")),
    ("1936-02", ("1936-02-01", "1936-02-29")),
    ("1938-07-29/1938-08-11", ("1938-07-29", "1938-08-11")),
    ("1939-05/1939-09-16", ("1939-05-01", "1939-09-16")),
])
def test_partial_dates_and_ranges(value, expected):
    start, end = parse_date(value)
    assert (start.isoformat(), end.isoformat()) == expected


@pytest.mark.parametrize("value", ["1936-13", "1938-02-30", "38-07-29", "1938-08-11/1938-07-29",
                                   "1700", "1938/07/29/1"])
def test_invalid_dates(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_missing_required_property(layers_copy, sources_dir):
    edit_layer(layers_copy, "incidents.geojson",
               lambda c: incident(c, "kanchazu-1937")["properties"].pop("summary"))
    [message] = problems_for(layers_copy, sources_dir)
    assert "'kanchazu-1937': property 'summary': missing (required)" in message


def test_wrong_property_type(layers_copy, sources_dir):
    edit_layer(layers_copy, "incidents.geojson",
               lambda c: incident(c, "kanchazu-1937")["properties"].update(precision_m="far"))
    [message] = problems_for(layers_copy, sources_dir)
    assert "property 'precision_m': 'far' is not of type 'number'" in message


def test_duplicate_ids(layers_copy, sources_dir):
    edit_layer(layers_copy, "incidents.geojson",
               lambda c: incident(c, "kanchazu-1937")["properties"].update(id="tauran-1936"))
    [message] = problems_for(layers_copy, sources_dir)
    assert "property 'id': duplicate id 'tauran-1936'" in message


def test_null_geometry(layers_copy, sources_dir):
    edit_layer(layers_copy, "amur.geojson", lambda c: c["features"][0].update(geometry=None))
    [message] = problems_for(layers_copy, sources_dir)
    assert "feature 0 'blagoveshchensk': property 'geometry': has no geometry" in message


def test_self_intersecting_polygon(layers_copy, sources_dir):
    bowtie = [[[130.60, 42.44], [130.61, 42.45], [130.61, 42.44], [130.60, 42.45],
               [130.60, 42.44]]]
    edit_layer(layers_copy, "khasan.geojson",
               lambda c: c["features"][0]["geometry"].update(coordinates=bowtie))
    [message] = problems_for(layers_copy, sources_dir)
    assert "'lake-khasan': property 'geometry': invalid Polygon: Self-intersection" in message


def test_swapped_lon_lat_is_caught(layers_copy, sources_dir):
    edit_layer(layers_copy, "amur.geojson",
               lambda c: c["features"][0]["geometry"].update(coordinates=[50.27, 127.53]))
    [message] = problems_for(layers_copy, sources_dir)
    assert "'blagoveshchensk': property 'geometry'" in message
    assert "(longitude and latitude swapped?)" in message


def test_point_outside_every_map(layers_copy, sources_dir):
    edit_layer(layers_copy, "amur.geojson",
               lambda c: c["features"][0]["geometry"].update(coordinates=[37.6, 55.75]))
    [message] = problems_for(layers_copy, sources_dir)
    assert "outside every map that draws layer 'amur'" in message


def test_non_finite_and_missing_coordinates(layers_copy, sources_dir):
    def change(c):
        c["features"][0]["geometry"]["coordinates"] = [127.5]
        c["features"][1]["geometry"]["coordinates"] = []
    edit_layer(layers_copy, "amur.geojson", change)
    messages = problems_for(layers_copy, sources_dir)
    assert any("needs longitude and latitude" in m for m in messages)
    assert any("coordinates: missing or empty" in m for m in messages)


def test_nan_is_rejected_with_its_line(layers_copy, sources_dir):
    path = layers_copy / "amur.geojson"
    text = re.sub(r'("coordinates": \[)-?[0-9.]+', r"\1NaN", path.read_text(encoding="utf-8"),
                  count=1)
    path.write_text(text, encoding="utf-8")
    [message] = problems_for(layers_copy, sources_dir)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "NaN" in s)
    assert message.startswith(f"{path}:{line}:") and "NaN is not a number" in message


def test_unknown_source_file(layers_copy, sources_dir):
    edit_layer(layers_copy, "incidents.geojson",
               lambda c: incident(c, "tauran-1936")["properties"]["sources"][0].update(
                   file="999_missing.txt"))
    [message] = problems_for(layers_copy, sources_dir)
    assert "property 'sources[0]': source file '999_missing.txt' is not in sources/" in message


def test_unknown_bibliography_reference(layers_copy, sources_dir):
    edit_layer(layers_copy, "khasan.geojson",
               lambda c: c["features"][0]["properties"]["sources"][1].update(ref="nowhere"))
    [message] = problems_for(layers_copy, sources_dir)
    assert "reference 'nowhere' is not in the bibliography" in message


def test_unknown_crs(layers_copy, sources_dir):
    edit_layer(layers_copy, "amur.geojson", lambda c: c.update(
        crs={"type": "name", "properties": {"name": "EPSG:999999"}}))
    [message] = problems_for(layers_copy, sources_dir)
    assert "property 'crs': unknown CRS 'EPSG:999999'" in message


def test_not_utf8(layers_copy, sources_dir):
    path = layers_copy / "amur.geojson"
    path.write_bytes(path.read_bytes().replace("Благовещенск".encode(), "Благовещенск".encode("cp1251")))
    [message] = problems_for(layers_copy, sources_dir)
    assert message.startswith(f"{path}:") and "not UTF-8 text" in message


def test_bom_is_accepted(layers_copy, sources_dir):
    path = layers_copy / "amur.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    load_and_check(layers_copy, sources_dir)


def test_not_a_feature_collection(layers_copy, sources_dir):
    (layers_copy / "amur.geojson").write_text('{"type": "Feature", "features": []}')
    [message] = problems_for(layers_copy, sources_dir)
    assert "not a GeoJSON FeatureCollection" in message


def test_config_errors_are_all_reported(layers_copy, sources_dir):
    path = layers_copy / "maps.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("extent = [130.45, 42.36, 130.75, 42.54]", "extent = [42.36, 130.45, 42.54, 130.75]")
    text = text.replace('"river-borders", "amur"', '"river-borders", "amur-typo"')
    path.write_text(text, encoding="utf-8")
    messages = problems_for(layers_copy, sources_dir)
    assert any("property 'maps.khasan.extent'" in m and "swapped" in m for m in messages)
    assert any("unknown layer 'amur-typo'" in m for m in messages)


def test_toml_syntax_error_has_position(layers_copy, sources_dir):
    path = layers_copy / "maps.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "Land"', 'title = "Land'))
    [message] = problems_for(layers_copy, sources_dir)
    assert "not valid TOML" in message and "maps.toml:" in message


def _validated(layers_dir: Path, sources: Path, checked: dict | None = None) -> list[str]:
    from geo.inputs.validate import validate

    project = read_project(layers_dir, sources)
    loaded = {spec.file: load_layer(spec) for spec in project.layers.values()}
    layers = [loaded[spec.file] for spec in project.layers.values()]
    return [str(p) for p in validate(project, layers, checked)]


def test_files_checked_before_are_not_checked_again_and_their_findings_stand(
        layers_copy, sources_dir, tmp_path, monkeypatch):
    """The build keeps each file's findings (``checked``) and skips files whose inputs are the
    same: what it reports must be what a full check reports, after any of those inputs change."""
    from geo.inputs import validate as validation

    project = read_project(layers_copy, sources_dir)
    order = [spec.file.name for spec in project.layers.values()]
    first, later = sorted(["khasan.geojson", "amur.geojson"], key=order.index)
    edit_layer(layers_copy, later, lambda c: c["features"][0]["properties"].update(
        colour="red"))  # an unknown property: a warning, which the record must keep
    sources = tmp_path / "sources"
    sources.mkdir()
    for text in sources_dir.iterdir():
        if text.is_file():
            (sources / text.name).write_bytes(text.read_bytes())

    checked: dict = {}
    fresh = _validated(layers_copy, sources)
    assert _validated(layers_copy, sources, checked) == fresh
    assert any("unknown property 'colour'" in p for p in fresh)
    calls = []
    real = validation._validate_layer
    monkeypatch.setattr(validation, "_validate_layer",
                        lambda *a: calls.append(a[1].label) or real(*a))
    assert _validated(layers_copy, sources, checked) == fresh
    assert calls == []

    # an id of the later file, reused in the earlier one: the later file, unchanged, is the
    # one that reports the duplicate, as a full check does
    taken = json.loads((layers_copy / later).read_text())["features"][0]["properties"]["id"]
    edit_layer(layers_copy, first, lambda c: c["features"][0]["properties"].update(id=taken))
    fresh = _validated(layers_copy, sources)
    assert any(f"duplicate id {taken!r}" in p for p in fresh)
    assert _validated(layers_copy, sources, checked) == fresh

    # a cited source text taken away: files citing it are checked again
    cited = json.loads((layers_copy / "incidents.geojson").read_text())[
        "features"][0]["properties"]["sources"][0]["file"]
    (sources / cited).unlink()
    fresh = _validated(layers_copy, sources)
    assert any(f"source file {cited!r} is not in" in p for p in fresh)
    calls.clear()
    assert _validated(layers_copy, sources, checked) == fresh
    assert any(label.endswith("incidents.geojson") for label in calls)
