"""Property-based tests: random valid and invalid features through the real build."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import build_maps
from geo.inputs.text_checks import not_text

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOSTILE = Path(__file__).resolve().parent / "hostile"
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# text a reader can read (what is not text is refused by `check`: the test at the end)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
               min_size=1, max_size=60).filter(lambda t: not_text(t) is None)
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


# Text as it comes from word processors, PDFs, JSON escapes and hostile edits: each either
# builds every output or is refused by `check` where it stands (file:line:col, feature, property).
PASTED = ["Pasted\u2029paragraph", "line\u2028separator", "half \ud800 of a pair", "bell\x07",
          "\u202ereversed\u202c", "e\u0301 a\u0308 combining", "flags \U0001f1ef\U0001f1f5 family "
          "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\ufeffbyte order mark", "zero\u200bwidth",
          "עברית مرحبا", "日本語 한국어 中文", "nonchar \ufffe", "tab\tand\nnewline"]


@pytest.fixture
def printed_project(tmp_path, sources_dir):
    """The hostile-input project, built with every output: tiles, archive, print images."""
    layers = tmp_path / "layers"
    shutil.copytree(HOSTILE / "project", layers)
    return layers, tmp_path / "output", ["build", "--layers", str(layers), "--out",
                                         str(tmp_path / "output"), "--sources", str(sources_dir)]


def _set_texts(layers: Path, name: str, title: str, summary: str) -> None:
    for file, change in (("places.geojson", {"name": name}),
                         ("incidents.geojson", {"title": title, "summary": summary})):
        collection = json.loads((layers / file).read_text(encoding="utf-8"))
        collection["features"][0]["properties"].update(change)
        # escaped, as a JSON editor may write it: a lone surrogate survives as \ud800
        (layers / file).write_text(json.dumps(collection, indent=2), encoding="utf-8")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=40), title=st.text(min_size=1, max_size=80),
       summary=st.text(min_size=1, max_size=400))
@hypothesis.example(name=PASTED[0], title=PASTED[1], summary=PASTED[2])
@hypothesis.example(name=PASTED[3], title=PASTED[4], summary=PASTED[11])
@hypothesis.example(name=PASTED[5], title=PASTED[6], summary=" ".join(PASTED[7:11] + PASTED[12:]))
@hypothesis.example(name="Suifenhe", title="A long one", summary="word " * 2000)  # 10 kB
def test_any_text_builds_every_output_or_is_refused_where_it_stands(printed_project, capsys,
                                                                     name, title, summary):
    layers, out, args = printed_project
    shutil.rmtree(out, ignore_errors=True)
    _set_texts(layers, name, title, summary)
    code = build_maps.main(args)
    errors = capsys.readouterr().err
    assert "Traceback" not in errors and code in (0, 1), errors
    refused = {prop for prop, text in (("name", name), ("title", title), ("summary", summary))
               if not_text(text)}
    if code == 1:  # refused, each text that is not text by its place, and nothing written
        assert refused and not out.exists(), errors
        for prop in refused:
            assert re.search(rf"\.geojson:\d+:\d+: feature 0 '[a-z0-9-]+': property '{prop}': "
                             r"text holds U\+[0-9A-F]{4}", errors), errors
        return
    assert not refused, errors
    for suffix in ("", "-1col"):  # every output made and well-formed
        ET.fromstring((out / f"test{suffix}.svg").read_bytes())
        assert (out / f"test{suffix}.pdf").read_bytes().startswith(b"%PDF")
        assert (out / f"test{suffix}.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "tiles" / "test.mbtiles").stat().st_size > 0
    page = (out / "test.html").read_text(encoding="utf-8")
    assert "</script><" not in page.replace("</script>\n<", "")  # nothing closes a script early
