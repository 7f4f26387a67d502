"""maps.toml: the schema that declares it, the Project it parses to, and errors with their line."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from geo.config import LayerSpec, MapSpec, Project, Reference, Style
from geo.errors import BuildError
from geo.inputs.maps_toml import key_line, load_schema, read_project
from tests.conftest import LAYERS, ROOT

VALID = """\
# A small project: every setting maps.toml knows, once.
sources = "texts"
attribution = "Base geography: test"
online_basemaps = ["OpenStreetMap.Mapnik"]

[maps.khasan]
title = "Lake Khasan"
description = "The heights."
extent = [130.45, 42.36, 130.75, 42.54]
zoom = [11, 16]
layers = ["land", "lines"]
title_in = { ru = "Озеро Хасан", ja = "ハサン湖", zh = "哈桑湖" }
description_in = { ru = "Высоты.", ja = "高地。", zh = "高地。" }

[layers.land]
file = "land.geojson"
kind = "base"
legend = false
style = { color = "#c9dcea", weight = 0, fill = "#c9dcea", fill_opacity = 1.0 }

[layers.lines]
file = "lines.geojson"
title = "Lines"
kind = "border"
show = false
invert = false
style = { color = "#4d4d4d", weight = 3.0, dash = "9 6", opacity = 0.5 }
title_in = { ru = "Линии", ja = "線", zh = "线" }

[bibliography.gshhg]
title = "GSHHG shorelines"
url = "https://example.org/gshhg"
licence = "LGPL-3.0-or-later"
"""


def project_dir(tmp_path: Path, text: str) -> Path:
    layers = tmp_path / "layers"
    layers.mkdir(parents=True)
    for name in ("land.geojson", "lines.geojson"):
        (layers / name).write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    (layers / "maps.toml").write_text(text, encoding="utf-8")
    return layers


def edited(*changes: tuple[str, str]) -> str:
    text = VALID
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def errors(tmp_path: Path, text: str) -> list[str]:
    layers = project_dir(tmp_path, text)
    with pytest.raises(BuildError) as caught:
        read_project(layers)
    prefix = str(layers / "maps.toml")  # tmp_path is not below the working directory
    return [str(p).replace(prefix, "maps.toml") for p in caught.value.problems]


def test_valid_file_parses_to_the_project(tmp_path):
    layers = project_dir(tmp_path, VALID)
    assert read_project(layers) == Project(
        layers_dir=layers,
        sources_dir=(layers / "texts").resolve(),
        maps={"khasan": MapSpec("khasan", "Lake Khasan", "The heights.",
                                (130.45, 42.36, 130.75, 42.54), 11, 16, ("land", "lines"),
                                title_in=(("ja", "ハサン湖"), ("ru", "Озеро Хасан"), ("zh", "哈桑湖")),
                                description_in=(("ja", "高地。"), ("ru", "Высоты."), ("zh", "高地。")))},
        layers={
            "land": LayerSpec("land", layers / "land.geojson", "land", "base",
                              Style(color="#c9dcea", weight=0, fill="#c9dcea", fill_opacity=1.0),
                              legend=False),
            "lines": LayerSpec("lines", layers / "lines.geojson", "Lines", "border",
                               Style(color="#4d4d4d", weight=3.0, dash="9 6", opacity=0.5),
                               show=False, title_in=(("ja", "線"), ("ru", "Линии"), ("zh", "线"))),
        },
        bibliography={"gshhg": Reference("gshhg", "GSHHG shorelines", "https://example.org/gshhg",
                                         "LGPL-3.0-or-later")},
        attribution="Base geography: test",
        online_basemaps=("OpenStreetMap.Mapnik",),
    )
    assert read_project(layers, Path("elsewhere")).sources_dir == Path("elsewhere")


def test_minimal_file_takes_the_defaults(tmp_path):
    layers = project_dir(tmp_path, '[maps.a]\nextent = [1, 2, 3, 4]\nzoom = [0, 0]\nlayers = ["x"]\n'
                                   '[layers.x]\nfile = "land.geojson"\n')
    project = read_project(layers)
    assert project.maps["a"] == MapSpec("a", "a", "", (1.0, 2.0, 3.0, 4.0), 0, 0, ("x",))
    assert project.layers["x"] == LayerSpec("x", layers / "land.geojson", "x", "feature", Style())
    assert (project.bibliography, project.attribution, project.online_basemaps) == ({}, "", ())
    assert project.sources_dir == (layers / "../../shared/sources").resolve()


def test_the_real_layers_parse():
    project = read_project(LAYERS)
    assert project.maps["khasan"].extent == (130.45, 42.36, 130.75, 42.54)
    assert project.layers["base-sea"].invert and project.layers["base-sea"].style.fill == "#c9dcea"
    assert project.layers["incidents"].kind == "incidents"
    assert project.bibliography["gshhg"].licence == "LGPL-3.0-or-later"


@pytest.mark.parametrize("changes, expected", [
    pytest.param(
        [("extent = [130.45, 42.36, 130.75, 42.54]", "extent = [42.36, 130.45, 42.54, 130.75]"),
         ("zoom = [11, 16]", "zoom = [16, 11]"),
         ('description = "The heights."', 'descripton = "The heights."')],
        ["maps.toml:8: property 'maps.khasan.descripton': unknown setting "
         "(known: dem, description, description_in, extent, layers, relief, title, title_in, zoom)",
         "maps.toml:9: property 'maps.khasan.extent': [42.36, 130.45, 42.54, 130.75] is not "
         "[west, south, east, north] with west < east and south < north inside ±180/±90 "
         "(lon/lat swapped?)",
         "maps.toml:10: property 'maps.khasan.zoom': must be [min, max] with 0 <= min <= max <= 22"],
        id="map-settings"),
    pytest.param(
        [("extent = [130.45, 42.36, 130.75, 42.54]", "extent = [130.45, 42.36, 130.75]"),
         ("zoom = [11, 16]", "zoom = [11, 23]"),
         ('layers = ["land", "lines"]', 'layers = ["land", "lines", "roads", 3]')],
        ["maps.toml:9: property 'maps.khasan.extent': must be [west, south, east, north] in degrees",
         "maps.toml:10: property 'maps.khasan.zoom': must be [min, max] with 0 <= min <= max <= 22",
         "maps.toml:11: property 'maps.khasan.layers': must be a non-empty list of layer names"],
        id="map-shapes"),
    pytest.param(
        [('layers = ["land", "lines"]', 'layers = ["land", "lines", "roads"]'),
         ('kind = "base"', 'kind = "basemap"'),
         ('file = "lines.geojson"', 'file = "missing.geojson"'),
         ('legend = false', 'legend = "no"')],
        ["maps.toml:11: property 'maps.khasan.layers': unknown layer 'roads' "
         "(define it under [layers.roads])",
         "maps.toml:17: property 'layers.land.kind': 'basemap' is not one of base, feature, "
         "border, incidents",
         "maps.toml:18: property 'layers.land.legend': must be true or false",
         "maps.toml:22: property 'layers.lines.file': file not found: missing.geojson"],
        id="layers"),
    pytest.param(
        [('{ color = "#4d4d4d", weight = 3.0, dash = "9 6", opacity = 0.5 }',
          '{ color = "blue", weight = "3", dash = "long", colour = "#000000" }')],
        ["maps.toml:27: property 'layers.lines.style.color': must be a colour like '#1f78b4'",
         "maps.toml:27: property 'layers.lines.style.colour': unknown setting "
         "(known: color, dash, fill, fill_opacity, opacity, stripe, weight)",
         "maps.toml:27: property 'layers.lines.style.dash': must be a dash pattern like '6 4'",
         "maps.toml:27: property 'layers.lines.style.weight': must be a number"],
        id="inline-style"),
    pytest.param(
        [('title = "GSHHG shorelines"\n', ""),
         ("https://example.org/gshhg", "ftp://example.org/gshhg"),
         ('sources = "texts"', 'source = "texts"'),
         ('online_basemaps = ["OpenStreetMap.Mapnik"]', 'online_basemaps = ["No.Such.Basemap"]')],
        ["maps.toml:2: property 'source': unknown setting "
         "(known: attribution, bibliography, layers, maps, online_basemaps, sources)",
         "maps.toml:4: property 'online_basemaps': unknown basemap 'No.Such.Basemap' "
         "(see the xyzservices providers)",
         "maps.toml:30: property 'bibliography.gshhg.title': missing: every bibliography entry "
         "needs a title",
         "maps.toml:31: property 'bibliography.gshhg.url': only http(s) URLs are allowed"],
        id="bibliography-and-top-level"),
    pytest.param(
        [("[maps.khasan]", '[maps."Khasan"]'),
         ("zoom = [11, 16]\n", ""),
         ("[layers.lines]", '[layers.lines.style]\ncolor = "red"\n\n[layers.lines]'),
         ('style = { color = "#4d4d4d", weight = 3.0, dash = "9 6", opacity = 0.5 }\n', "")],
        ["maps.toml:6: property 'maps.Khasan': map names use lower-case letters, digits and '-' "
         "(and 'index' is taken)",
         "maps.toml:6: property 'maps.Khasan.zoom': must be [min, max] with 0 <= min <= max <= 22",
         "maps.toml:21: property 'layers.lines.style.color': must be a colour like '#1f78b4'"],
        id="table-headers"),
    pytest.param(  # issue 21: the language menu's words are given, never fall back to English
        [(', zh = "哈桑湖" }', " }"), ('title_in = { ru = "Линии", ja = "線", zh = "线" }\n', "")],
        ["maps.toml:12: property 'maps.khasan.title_in': no Chinese title (title_in.zh): the "
         "language menu offers ru, ja, zh, and each map's title is given in each",
         "maps.toml:21: property 'layers.lines.title_in': no Chinese title (title_in.zh): the "
         "language menu offers ru, ja, zh, and each layer's title is given in each",
         "maps.toml:21: property 'layers.lines.title_in': no Japanese title (title_in.ja): the "
         "language menu offers ru, ja, zh, and each layer's title is given in each",
         "maps.toml:21: property 'layers.lines.title_in': no Russian title (title_in.ru): the "
         "language menu offers ru, ja, zh, and each layer's title is given in each"],
        id="translations"),
])
def test_every_problem_is_reported_with_its_line(tmp_path, changes, expected):
    assert errors(tmp_path, edited(*changes)) == expected


def test_a_file_without_maps(tmp_path):
    text = VALID.split("[maps.khasan]")[0] + "[maps]\n"
    assert errors(tmp_path, text) == [
        "maps.toml:6: property 'maps': no maps defined: add a [maps.NAME] table"]
    assert errors(tmp_path / "b", 'maps = "all"\n') == [
        "maps.toml:1: property 'maps': no maps defined: add a [maps.NAME] table"]
    assert errors(tmp_path / "c", "attribution = 1\n") == [
        "maps.toml: property 'maps': no maps defined: add a [maps.NAME] table",
        "maps.toml:1: property 'attribution': must be a string"]


def test_key_line_finds_keys_tables_and_falls_back():
    text = ('top = 1\n[maps."a"]  # comment\nzoom = [1, 2]\n"quoted" = 2\n'
            "[layers.x.style]\ncolor = 'red'\n[layers.x]\nstyle.dash = 'x'\n")
    assert key_line(text, ("top",)) == 1
    assert key_line(text, ("maps", "a", "zoom", "1")) == 3
    assert key_line(text, ("maps", "a", "quoted")) == 4
    assert key_line(text, ("maps", "a", "extent")) == 2  # missing: its table
    assert key_line(text, ("layers", "x", "style", "color")) == 6
    assert key_line(text, ("layers", "x", "file")) == 7
    assert key_line(text, ("layers", "y", "file")) is None
    assert key_line(text, ("maps",)) is None


def test_schema_is_valid_draft7_and_describes_every_setting():
    text = (resources.files("geo.inputs") / "schemas" / "maps.schema.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema == load_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    tables = [schema, *schema["definitions"].values()]
    for table in tables:
        for name, setting in table.get("properties", {}).items():
            assert "description" in setting or "$ref" in setting, name
    real = tomllib.loads((LAYERS / "maps.toml").read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(real))


def test_config_imports_no_validator_until_asked():
    probe = ("import sys, geo.config; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'jsonschema', 'jinja2', 'xyzservices', 'geopandas'}))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
