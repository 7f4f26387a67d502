"""Which maps a change rebuilds: config.map_inputs and manifest.map_digests, each kind of input
in turn, then once end to end through the CLI."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from geo.config import BuildOptions, map_inputs
from geo.output.manifest import map_digests
from tests.conftest import MAPS, edit_layer, run_cli

ALL = set(MAPS)
OPTIONS = BuildOptions().fingerprint()


def raw_config(layers: Path) -> dict:
    return tomllib.loads((layers / "maps.toml").read_text(encoding="utf-8"))


def maps_drawing(layers: Path, layer: str) -> set[str]:
    return {name for name, table in raw_config(layers)["maps"].items() if layer in table["layers"]}


def replace_in_toml(layers: Path, old: str, new: str, table: str = "") -> None:
    """Replace the one `old` in maps.toml, or the one inside [table] if given."""
    path = layers / "maps.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n[{table}]\n") if table else 0
    end = text.find("\n[", start + 1) if table else -1
    end = len(text) if end < 0 else end
    assert text[start:end].count(old) == 1, (table, old)
    path.write_text(text[:start] + text[start:end].replace(old, new) + text[end:], encoding="utf-8")


def rename_first_feature(layers: Path, file: str) -> None:
    edit_layer(layers, file, lambda c: c["features"][0]["properties"].update(
        name=c["features"][0]["properties"].get("name", "") + " (edited)"))


def edit_first_incident(layers: Path) -> None:
    edit_layer(layers, "incidents.geojson", lambda c: c["features"][0]["properties"].update(
        summary=c["features"][0]["properties"]["summary"] + " Edited."))


@pytest.fixture
def sources_copy(tmp_path: Path, sources_dir: Path) -> Path:
    target = tmp_path / "sources"
    shutil.copytree(sources_dir, target)
    return target


def test_the_real_maps_are_the_five_expected(layers_copy):
    assert set(raw_config(layers_copy)["maps"]) == ALL
    # the layer edited below is drawn by these two maps only
    assert maps_drawing(layers_copy, "khasan") == {"overview", "khasan"}
    assert maps_drawing(layers_copy, "amur") == {"overview", "amur"}


def test_map_inputs_holds_what_a_map_depends_on(layers_copy):
    raw = raw_config(layers_copy)
    inputs = map_inputs(raw, "khasan")
    assert inputs["map"] == raw["maps"]["khasan"]
    # its own layers, and every border layer (incident distances are measured to them)
    borders = {n for n, t in raw["layers"].items() if t.get("kind") == "border"}
    assert set(inputs["layers"]) == set(raw["maps"]["khasan"]["layers"]) | borders
    assert "amur" not in inputs["layers"] and "khalkhin-gol" not in inputs["layers"]
    assert inputs["bibliography"] == raw["bibliography"]
    assert inputs["attribution"] == raw["attribution"]


def test_the_border_and_locator_layers_are_inputs_where_measured_to_or_drawn(layers_copy):
    """Incidents are measured to the border layers, and a map's locator draws the layers
    marked ``locator`` (the period's borders, the countries): the widest map (the overview,
    which has no locator) without incidents depends on neither; a regional map without
    incidents on the locator's layers alone."""
    raw = raw_config(layers_copy)
    raw["maps"]["overview"]["layers"] = ["base-land", "amur"]
    assert set(map_inputs(raw, "overview")["layers"]) == {"base-land", "amur"}
    raw["maps"]["amur"]["layers"] = ["base-land", "amur"]
    assert set(map_inputs(raw, "amur")["layers"]) == {"base-land", "amur", "borders", "river-borders",
                                                      "countries"}


# (what is changed, how, the maps that must get a new digest)
CHANGES = [
    ("a map's own title",
     lambda layers, sources: replace_in_toml(
         layers, 'title = "Lake Khasan (the Changkufeng incident), 1938"',
         'title = "Lake Khasan, 1938"'),
     {"khasan"}),
    ("a map's own zoom range",
     lambda layers, sources: replace_in_toml(layers, "zoom = [8, ", "zoom = [7, ",
                                             table="maps.amur"),
     {"amur"}),
    ("the widest map's extent (the inset of every map shows it)",
     lambda layers, sources: replace_in_toml(layers, "extent = [115.5, 41.0, 135.5, 52.0]",
                                             "extent = [115.0, 41.0, 135.5, 52.0]"),
     ALL),
    ("a feature layer file drawn by two maps",
     lambda layers, sources: rename_first_feature(layers, "khasan.geojson"),
     {"overview", "khasan"}),
    ("another feature layer file",
     lambda layers, sources: rename_first_feature(layers, "amur.geojson"),
     {"overview", "amur"}),
    ("a feature layer's table in maps.toml",
     lambda layers, sources: replace_in_toml(layers, 'title = "Khalkhin Gol: river, Nomonhan"',
                                             'title = "Khalkhin Gol and Nomonhan"'),
     {"overview", "khalkhin-gol"}),
    ("a border layer file (incident distances are measured to it)",
     lambda layers, sources: rename_first_feature(layers, "borders.geojson"),
     ALL),
    ("a border layer's table in maps.toml",
     lambda layers, sources: replace_in_toml(layers, 'style = { color = "#542788", weight = 3.5',
                                             'style = { color = "#542788", weight = 4.0'),
     ALL),
    ("the incidents file",
     lambda layers, sources: edit_first_incident(layers),
     ALL),
    ("the bibliography",
     lambda layers, sources: replace_in_toml(
         layers, 'url = "https://de.wikipedia.org/wiki/Chassansee"',
         'url = "https://de.wikipedia.org/wiki/Chassansee_(See)"'),
     ALL),
    ("the attribution",
     lambda layers, sources: replace_in_toml(layers, 'attribution = "Base geography: GSHHG',
                                             'attribution = "Base geography (2.3.6): GSHHG'),
     ALL),
    ("the list of source texts",
     lambda layers, sources: (sources / "999_new_source.txt").write_text("A new source.\n"),
     ALL),
]


@pytest.mark.parametrize("what, change, expected", CHANGES, ids=[c[0] for c in CHANGES])
def test_each_input_rebuilds_exactly_the_maps_made_from_it(layers_copy, sources_copy, what,
                                                           change, expected):
    before = map_digests(layers_copy, sources_copy, OPTIONS)
    assert before is not None and set(before) == ALL
    assert map_digests(layers_copy, sources_copy, OPTIONS) == before  # stable when nothing changes

    change(layers_copy, sources_copy)
    after = map_digests(layers_copy, sources_copy, OPTIONS)
    assert after is not None and set(after) == ALL
    assert {name for name in ALL if after[name] != before[name]} == expected, what


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_each_build_option_rebuilds_every_map(layers_copy, sources_dir, option):
    before = map_digests(layers_copy, sources_dir, OPTIONS)
    after = map_digests(layers_copy, sources_dir, {**OPTIONS, option: not OPTIONS[option]})
    assert {name for name in ALL if after[name] != before[name]} == ALL


def test_options_that_only_change_speed_rebuild_nothing(layers_copy, sources_dir):
    fast = BuildOptions(jobs=1, progress=False, force=True).fingerprint()
    assert map_digests(layers_copy, sources_dir, fast) == \
        map_digests(layers_copy, sources_dir, OPTIONS)


def test_unreadable_maps_toml_gives_no_digests(layers_copy, sources_dir):
    (layers_copy / "maps.toml").write_text('title = "unclosed\n', encoding="utf-8")
    assert map_digests(layers_copy, sources_dir, OPTIONS) is None


def written_maps(log: str) -> set[str]:
    return {line.split(":")[0] for line in log.splitlines() if ": wrote " in line}


def test_editing_khasan_rebuilds_the_maps_that_draw_it(layers_copy, tmp_path, sources_dir):
    """End to end: the build log and the manifest agree with map_digests."""
    out = tmp_path / "output"
    args = ("build", "--layers", str(layers_copy), "--out", str(out), "--sources",
            str(sources_dir), "--no-tiles", "--no-static", "-v")
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert written_maps(first.stderr) == ALL
    manifest = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))["maps"]
    options = BuildOptions(tiles=False, static=False).fingerprint()
    assert {n: m["digest"] for n, m in manifest.items()} == \
        map_digests(layers_copy, sources_dir, options)
    pages = {name: (out / f"{name}.html").read_bytes() for name in ALL}

    edit_layer(layers_copy, "khasan.geojson", lambda c: c["features"][1]["properties"].update(
        name="Zaozernaya (Changkufeng), edited"))
    second = run_cli(*args)
    assert second.returncode == 0, second.stderr
    drawing = maps_drawing(layers_copy, "khasan")
    assert drawing == {"overview", "khasan"}
    assert written_maps(second.stderr) == drawing
    for name in ALL - drawing:
        assert f"{name}: unchanged" in second.stderr
        assert (out / f"{name}.html").read_bytes() == pages[name], name
    assert "Zaozernaya (Changkufeng), edited" in (out / "khasan.html").read_text(encoding="utf-8")

    rebuilt = json.loads((out / ".manifest.json").read_text(encoding="utf-8"))["maps"]
    assert {n for n in ALL if rebuilt[n]["digest"] != manifest[n]["digest"]} == drawing
    assert {n: m["digest"] for n, m in rebuilt.items()} == \
        map_digests(layers_copy, sources_dir, options)
