"""The CLI as a user runs it: build, check, bad input, determinism, escaping."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LAYERS, MAPS, ROOT, edit_layer, run_cli, tree_bytes

PAYLOAD = '</script><script>alert("x")</script><img src=x onerror=alert(1)>`${alert(2)}`'


def test_build_writes_the_five_maps_and_the_index(built: Path):
    # the conflicts the articles are about, each a map (MAPS: every map of maps.toml)
    assert {"overview", "khasan", "khalkhin-gol", "suifenhe", "amur"} <= set(MAPS)
    names = {p.name for p in built.iterdir()}
    assert {f"{m}.html" for m in MAPS} | {"index.html"} <= names
    for m in MAPS:  # the basemap tiles, their archive and the static images
        assert (built / "tiles" / m / str(_min_zoom(m))).is_dir(), m
        assert (built / "tiles" / f"{m}.mbtiles").is_file(), m
        assert (built / f"{m}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", m
        assert (built / f"{m}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml"), m
    index = (built / "index.html").read_text(encoding="utf-8")
    for m in MAPS:
        assert f'href="{m}.html"' in index


def _min_zoom(map_name: str) -> int:
    from geo.inputs.maps_toml import read_project

    return read_project(LAYERS).maps[map_name].min_zoom


def test_pages_are_standalone(built: Path):
    for m in MAPS:
        page = (built / f"{m}.html").read_text(encoding="utf-8")
        # nothing loaded from the network: no remote script, stylesheet, font, image or tile
        assert not re.search(r'src\s*=\s*["\']?(https?:)?//', page), m
        assert not re.search(r'<link[^>]+href\s*=\s*["\']?(https?:)?//', page), m
        assert not re.search(r'url\(\s*["\']?(https?:)?//|@import', page), m
        for host in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "tile.openstreetmap"):
            assert host not in page, (m, host)
        assert "L.map(" in page and "geoMaps.incidentLayer(" in page
        # no path of the build machine
        assert str(ROOT) not in page and "/tmp/" not in page and "/root/" not in page


def test_every_page_parses_as_html_and_lets_the_reader_zoom(built: Path):
    """html5lib, strict: no parse error (no script after </body>, no stray tag) on any page;
    each page describes itself, has an icon of its own (no 404 for /favicon.ico), and lets a
    phone's reader zoom."""
    import html5lib

    pages = sorted(built.glob("*.html"))
    assert len(pages) >= len(MAPS) * 2 + 3
    for path in pages:
        text = path.read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)  # raises
        if path.name.split(".")[0] in MAPS:
            assert re.search(r'<meta name="description" content="[^"]+">', text), path.name
            assert '<link rel="icon" href="data:' in text, path.name
            viewport = re.search(r'<meta name="viewport" content="([^"]*)"', text).group(1)
            assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
            assert text.rstrip().endswith("</body>\n</html>"), path.name


VNU = ROOT / ".test-tools/node_modules/vnu-jar/build/dist/vnu.jar"
# The Nu checker's CSS validator predates CSS container queries (2023 in every browser), which
# the title bar's layout uses: its refusal of them is its own gap, not the page's
VNU_CSS_GAPS = r".*(container-type|@container).*"


def test_every_page_passes_the_nu_html_checker(built: Path):
    """The Nu HTML Checker (the W3C's validator, npm vnu-jar) finds no error on any page: the
    map pages, the index, the embed and article pages, and a single-file page (the smallest:
    the others are the same markup round other maps' tiles). It had refused every map page's
    icon (spaces in its data: URL) and Leaflet's rule for Internet Explorer's VML."""
    import shutil

    if not VNU.is_file() or not shutil.which("java"):
        pytest.fail("the Nu HTML checker needs Java and npm's vnu-jar: bash scripts/test.sh installs both")
    pages = sorted(p for p in built.glob("*.html") if not p.name.endswith(".standalone.html"))
    pages.append(min(built.glob("*.standalone.html"), key=lambda p: p.stat().st_size))
    assert len(pages) >= len(MAPS) + 4
    # (one core's work, as the suite's other worker has the other: the quick compiler alone and
    # the serial collector, 3 CPU-s where Java's defaults took 7; its schema needs a deep stack)
    java = ["java", "-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(VNU)]
    result = subprocess.run([*java, "--errors-only", "--format", "gnu",
                             "--filterpattern", VNU_CSS_GAPS, *map(str, pages)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr[:3000]


def test_build_is_deterministic(small_built, tmp_path: Path, sources_dir: Path):
    """Two full builds (pages, tiles, MBTiles, static images), one drawn in the build's own
    process and one by two workers, byte for byte the same: on the real layers with simplified
    base geography at three zooms a map, so that it takes seconds, not a minute (the build of
    small_built that the killed-build, relief and metatile tests start from, of the same
    layers folder: its manifest records the files it checked by path and time)."""
    built = small_built(levels=3)
    out = tmp_path / "output"
    result = run_cli("build", "--layers", str(built.parent / "layers"), "--out", str(out),
                     "--sources", str(sources_dir), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    outputs = [tree_bytes(built), tree_bytes(out)]
    names = set(outputs[0])
    for m in MAPS:  # everything a build writes is covered
        assert f"{m}.html" in names and f"{m}.png" in names and f"{m}.svg" in names, m
        assert f"tiles/{m}.mbtiles" in names, m
        assert any(n.startswith(f"tiles/{m}/") and n.endswith(".png") for n in names), m
    differing = sorted(n for n in names | set(outputs[1])
                       if outputs[0].get(n) != outputs[1].get(n))
    assert differing == []


def test_bad_layer_fails_cleanly_and_keeps_previous_output(layers_copy: Path, tmp_path: Path,
                                                          sources_dir: Path):
    out = tmp_path / "output"
    args = ("build", "--layers", str(layers_copy), "--out", str(out), "--sources", str(sources_dir),
            "--no-tiles", "--no-static")
    assert run_cli(*args).returncode == 0
    before = tree_bytes(out)

    edit_layer(layers_copy, "incidents.geojson",
               lambda c: c["features"][3]["properties"].update(date="1936-13"))
    result = run_cli(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert re.match(r".*incidents\.geojson:\d+:\d+: feature 3 '[a-z0-9-]+': property 'date': "
                    r"'1936-13' is not a valid ISO 8601 date", lines[0])
    assert lines[-1] == "Build failed: 1 error; nothing was written."
    assert tree_bytes(out) == before
    assert not list(tmp_path.glob(".output-*")), "no temporary folders left behind"


def test_check_prints_one_line_per_problem(layers_copy: Path, sources_dir: Path):
    def break_two(c):
        c["features"][0]["properties"]["date"] = "1934-02-30"
        c["features"][1]["properties"].pop("title")
    edit_layer(layers_copy, "incidents.geojson", break_two)
    result = run_cli("check", "--layers", str(layers_copy), "--sources", str(sources_dir))
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if "incidents.geojson:" in line]
    assert len(problems) == 2
    assert "property 'date'" in problems[0] and "property 'title': missing" in problems[1]


def test_check_passes_on_the_layers_and_says_so(small_layers: Path, sources_dir: Path):
    """The command a reader runs after an edit, on the real layers with their base geography
    simplified (test_real_layers_are_valid checks the real ones whole, without the command)."""
    result = run_cli("check", "--strict", "--layers", str(small_layers), "--sources", str(sources_dir))
    assert result.returncode == 0, result.stderr
    assert "OK:" in result.stderr


def test_refuses_to_replace_a_foreign_folder(tmp_path: Path, sources_dir: Path):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.txt").write_text("do not lose me")
    result = run_cli("build", "--out", str(precious), "--sources", str(sources_dir), "--no-tiles")
    assert result.returncode == 1
    assert "refusing to replace a folder that build_maps.py did not write" in result.stderr
    assert (precious / "chapter1.txt").read_text() == "do not lose me"


def test_build_never_writes_to_layers(layers_copy: Path, tmp_path: Path, sources_dir: Path):
    before = tree_bytes(layers_copy)
    result = run_cli("build", "--out", str(tmp_path / "o"), "--sources", str(sources_dir),
                     "--no-tiles", "--no-static", cwd=layers_copy.parent)  # layers/ by default
    assert result.returncode == 0, result.stderr
    assert tree_bytes(layers_copy) == before


def test_layer_text_is_escaped_everywhere(layers_copy: Path, tmp_path: Path, sources_dir: Path):
    def inject(c):
        p = c["features"][0]["properties"]
        p.update(title=PAYLOAD, summary=PAYLOAD, place=PAYLOAD, forces=PAYLOAD)
        p["sources"][0]["where"] = PAYLOAD
    edit_layer(layers_copy, "incidents.geojson", inject)
    toml = layers_copy / "maps.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'title = "Lake Khasan (the Changkufeng incident), 1938"',
        "title = " + json.dumps("Khasan " + PAYLOAD)).replace(
        'title = "Incidents"', "title = " + json.dumps("Incidents " + PAYLOAD)), encoding="utf-8")
    out = tmp_path / "output"
    result = run_cli("build", "--layers", str(layers_copy), "--out", str(out), "--sources",
                     str(sources_dir), "--no-tiles", "--no-static")
    assert result.returncode == 0, result.stderr
    for m in MAPS:
        page = (out / f"{m}.html").read_text(encoding="utf-8")
        assert "<script>alert" not in page and "<img src=x" not in page, m
        assert page.count("</script>") == page.count("<script"), m


def test_layer_text_that_reads_as_a_template_stays_text(layers_copy: Path, tmp_path: Path,
                                                       sources_dir: Path):
    """folium's library renders what each element renders once more as a Jinja template: text
    such as ``{{ 7*7 }}`` must reach the page as written, not be run (nor break the build)."""
    jinja = "{{ 7*7 }} {% if x %}{# c #}"

    def inject(c):
        p = c["features"][0]["properties"]
        p.update(title="T " + jinja, summary="S " + jinja)
        p["sources"][0]["where"] = "{%"
    edit_layer(layers_copy, "incidents.geojson", inject)
    toml = layers_copy / "maps.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'title = "Lake Khasan (the Changkufeng incident), 1938"',
        "title = " + json.dumps("Khasan " + jinja)).replace(
        'attribution = "Base geography:', 'attribution = "' + jinja.replace('"', "") + " Base geography:"
    ).replace('title = "Incidents"', "title = " + json.dumps("Incidents " + jinja)),
        encoding="utf-8")
    out = tmp_path / "output"
    result = run_cli("build", "--layers", str(layers_copy), "--out", str(out), "--sources",
                     str(sources_dir), "--no-tiles", "--no-static")
    assert result.returncode == 0, result.stderr
    page = (out / "khasan.html").read_text(encoding="utf-8")
    assert page.count(jinja) >= 3, page.count(jinja)  # the title, attribution, layer name...
    overview = (out / "overview.html").read_text(encoding="utf-8")  # which shows every incident
    assert "S " + jinja in overview and '"{%"' in overview


def test_online_basemaps_are_offered_but_never_loaded_first(layers_copy: Path, tmp_path: Path,
                                                            sources_dir: Path):
    toml = layers_copy / "maps.toml"
    toml.write_text('online_basemaps = ["OpenStreetMap.Mapnik"]\n'
                    + toml.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "output"
    result = run_cli("build", "--layers", str(layers_copy), "--out", str(out), "--sources",
                     str(sources_dir), "--no-tiles", "--no-static")
    assert result.returncode == 0, result.stderr
    page = (out / "amur.html").read_text(encoding="utf-8")
    assert "OpenStreetMap.Mapnik (online)" in page
    assert "img-src &#x27;self&#x27; data: https://tile.openstreetmap.org;" in page
    layer = re.search(r'var (tile_layer_\w+) = L\.tileLayer\(\s*"https://tile\.openstreetmap', page)
    assert layer and f"{layer.group(1)}.addTo(" not in page  # not shown until chosen

    toml.write_text(toml.read_text(encoding="utf-8").replace("OpenStreetMap.Mapnik", "Nowhere.Maps"),
                    encoding="utf-8")
    bad = run_cli("check", "--layers", str(layers_copy), "--sources", str(sources_dir))
    assert bad.returncode == 1 and "unknown basemap 'Nowhere.Maps'" in bad.stderr
