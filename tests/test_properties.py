"""Property-based tests: random valid and invalid features through the real build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import build_maps

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOSTILE = Path(__file__).resolve().parent / "hostile"
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=60)
dates = st.dates(min_value=__import__("datetime").date(1900, 1, 1),
                 max_value=__import__("datetime").date(1945, 12, 31))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12)


@st.composite
def incidents(draw):
    start = draw(dates)
    date = start.isoformat()[: draw(st.sampled_from([4, 7, 10]))]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [draw(st.floats(130.85, 131.75)),
                                                      draw(st.floats(44.05, 44.75))]},
        "properties": {
            "id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)),
            "title": draw(text), "date": date, "place": draw(text),
            "precision_m": draw(st.floats(1, 100000)),
            "type": draw(st.sampled_from(["skirmish", "battle", "air", "river", "diplomatic"])),
            "belligerents": draw(st.lists(text, min_size=1, max_size=3)),
            "summary": draw(text),
            "sources": [{"file": "000_fc639ac41e9a29ba.txt", "where": draw(text)}],
        },
    }


@pytest.fixture
def project(tmp_path, sources_dir):
    layers = tmp_path / "layers"
    shutil.copytree(HOSTILE / "project", layers)
    return layers, ["build", "--layers", str(layers), "--out", str(tmp_path / "output"),
                    "--sources", str(sources_dir), "--no-tiles", "--no-static", "-q"]


def write_incidents(layers: Path, features: list) -> None:
    (layers / "incidents.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


@SETTINGS
@given(feature=incidents())
def test_a_valid_incident_always_reaches_the_map(project, feature):
    layers, args = project
    write_incidents(layers, [feature])
    assert build_maps.main(args) == 0
    page = (Path(args[args.index("--out") + 1]) / "test.html").read_text(encoding="utf-8")
    assert json.dumps(feature["properties"]["id"]) in page
    assert "</script><" not in page.replace("</script>\n<", "")  # nothing closes a script early


@SETTINGS
@given(feature=incidents(), key=st.sampled_from(
    ["title", "date", "place", "precision_m", "type", "belligerents", "summary", "sources",
     "casualties", "geometry", "properties", "type!"]), value=json_values)
def test_any_broken_feature_gives_an_answer_not_a_crash(project, feature, key, value):
    layers, args = project
    if key in ("geometry", "properties"):
        feature[key] = value
    elif key == "type!":
        feature["type"] = value
    else:
        feature["properties"][key] = value
    write_incidents(layers, [feature])
    assert build_maps.main(args) in (0, 1)  # an unhandled exception fails the test
