"""Broken and hostile layer files (tests/hostile/corpus): a clear error or a safe page, never a
traceback, and the previous output untouched."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

import build_maps
from tests.conftest import tree_bytes

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))
FAST = ["--no-tiles", "--no-static"]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len(list((HOSTILE / "corpus").iterdir())) == len(CASES)
    # an empty expectation is "in" every output: each case names what the build must print
    vague = [c["file"] for c in CASES if len(c["message"].strip()) < 15]
    assert not vague, f"cases without a distinctive expected message: {vague}"


def test_the_corpus_is_what_generate_writes():
    """expected.json and corpus/ are the output of generate.py, not hand-edited copies."""
    spec = importlib.util.spec_from_file_location("hostile_generate", HOSTILE / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    cases = list(generate.cases())
    assert [(target, code, message) for _, target, _, code, message in cases] == \
        [(c["replaces"], c["exit"], c["message"]) for c in CASES]
    assert [name for name, *_ in cases] == [c["file"][3:].rsplit(".", 1)[0] for c in CASES]


@pytest.fixture
def project(tmp_path, sources_dir, capsys):
    """A copy of the small test project, already built once into output/."""
    layers = tmp_path / "layers"
    shutil.copytree(HOSTILE / "project", layers)
    out = tmp_path / "output"
    args = ["build", "--layers", str(layers), "--out", str(out), "--sources", str(sources_dir),
            *FAST]
    assert build_maps.main(args) == 0, capsys.readouterr().err
    capsys.readouterr()
    return layers, out, args


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_hostile_case(case, project, capsys):
    layers, out, args = project
    before = tree_bytes(out)
    (layers / case["replaces"]).write_bytes((HOSTILE / "corpus" / case["file"]).read_bytes())

    code = build_maps.main(args)  # an unhandled exception here fails the test
    err = capsys.readouterr().err
    assert code == case["exit"], err
    assert case["message"] in err, err
    assert "Traceback" not in err
    if code != 0:
        assert tree_bytes(out) == before, "a failed build must not touch the output"
        assert err.strip().splitlines()[-1].startswith("Build failed:")
        problem_lines = err.strip().splitlines()[:-1]
        assert problem_lines and all(re.match(r"\S+(\.geojson|\.toml)(:\d+(:\d+)?)?: ", line)
                                     for line in problem_lines), problem_lines
    else:
        for page in out.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "<script>alert" not in text and "<img src=x" not in text, page.name
            assert text.count("<script") == text.count("</script>"), page.name
            assert "\u2028" not in "".join(re.findall(r"<script>(.*?)</script>", text, re.S))


def test_heavy_layers_keep_the_page_light(tmp_path, sources_dir, capsys):
    """6,000 incidents and a 300,000-vertex line: the line is simplified into the page, the
    incidents go into the tiles instead of 6,000 DOM markers."""
    pytest.importorskip("mapnik")
    import math

    layers = tmp_path / "layers"
    shutil.copytree(HOSTILE / "project", layers)
    toml = layers / "maps.toml"  # and no attribution: the tile layer must still get one
    toml.write_text(toml.read_text(encoding="utf-8").replace('attribution = "Test data"\n', ""),
                    encoding="utf-8")
    incidents = json.loads((layers / "incidents.geojson").read_text(encoding="utf-8"))
    template = incidents["features"][0]
    features = []
    for i in range(6000):
        feature = json.loads(json.dumps(template))
        feature["properties"]["id"] = f"incident-{i}"
        feature["geometry"]["coordinates"] = [130.9 + (i % 80) * 0.01, 44.1 + (i // 80) * 0.008]
        features.append(feature)
    incidents["features"] = features
    (layers / "incidents.geojson").write_text(json.dumps(incidents), encoding="utf-8")
    places = json.loads((layers / "places.geojson").read_text(encoding="utf-8"))
    n = 300_000
    places["features"].append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [
        [130.9 + 0.8 * i / n, 44.4 + 0.02 * math.sin(i / 40)] for i in range(n)]},
        "properties": {"id": "long-line", "name": "A long line",
                       "sources": [{"ref": "gazetteer", "where": "test"}]}})
    (layers / "places.geojson").write_text(json.dumps(places), encoding="utf-8")

    out = tmp_path / "output"
    code = build_maps.main(["build", "--layers", str(layers), "--out", str(out), "--sources",
                            str(sources_dir), "--no-static", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "layer 'incidents' (6000 features) is too heavy for the page; it is drawn in the " \
           "tiles only" in err
    page = (out / "test.html").read_text(encoding="utf-8")
    assert len(page) < 1_000_000
    assert "long-line" in page and "incident-5999" not in page
    assert "geoMaps.incidentLayer(" not in page
