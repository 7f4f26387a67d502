"""The page's own script and styles: incident types from the one table, public Leaflet API only."""

from __future__ import annotations

import re

import pytest

from geo.incident_types import INCIDENT_TYPES, IncidentType
from geo.inputs.check import load_and_check
from geo.render.pages.elements import SCRIPTS, incident_type_css, leaflet_assets, own_assets
from geo.render.pages.page import render_map
from tests.conftest import LAYERS

# Underscored names the script may read: properties the build adds to a layer's features.
BUILD_PROPERTIES = {"_border_km", "_border_name", "_length_km"}


@pytest.fixture(scope="module")
def page(contents) -> str:
    return render_map(contents["khasan"])


def inline_style(page: str) -> str:
    return re.search(r"<style>(.*?)</style>", page, re.S).group(1)


def own_script(page: str) -> str:
    """The inlined script that follows Leaflet's: ours, one file after another."""
    leaflet_js = leaflet_assets()[1]
    body = next(s for s in re.findall(r"<script>(.*?)</script>", page, re.S) if leaflet_js in s)
    return body.split(leaflet_js, 1)[1]


def page_scripts(page: str) -> str:
    """Every script of the page but Leaflet itself: ours and the one folium writes."""
    leaflet_js = leaflet_assets()[1]
    return "\n".join(s.replace(leaflet_js, "") for s in re.findall(r"<script>(.*?)</script>",
                                                                    page, re.S))


def test_every_incident_type_is_styled_from_the_table(page: str):
    css = inline_style(page)
    for t in INCIDENT_TYPES:
        rule = re.search(r"\.incident-%s \{([^}]*)\}" % t.name, css)
        # a circle is the icon itself; a square or a diamond is painted by its ::before
        shape = re.search(r"\.incident-%s::before \{([^}]*)\}" % t.name, css)
        painted = (rule if t.shape == "circle" else shape).group(1)
        assert rule and f"background: {t.fill};" in painted, t.name
        assert (shape is None) == (t.shape == "circle"), t.name
        assert ("rotate(45deg)" in painted) == (t.shape == "diamond"), t.name
        assert (f"box-shadow: 0 0 0 2px {t.ink}" in painted) == (t.fill == "#ffffff"), t.name
        letter = re.search(r"\.incident-%s::after \{([^}]*)\}" % t.name, css)
        assert letter and f'content: "{t.letter}";' in letter.group(1), t.name
        assert f"color: {t.ink};" in letter.group(1), t.name
    # one fact: the hand-written stylesheet names no type and the script lists none
    sheet = own_assets()[0].split("/* Incident types, from geo/incident_types.py. */")[0]
    script = own_script(page)
    for t in INCIDENT_TYPES:
        assert f".incident-{t.name}" not in sheet
        assert f"'{t.name}'" not in script
    assert '"letter":"B"' in page  # the table reaches the page as data


def test_a_type_that_cannot_be_css_is_refused():
    bad = IncidentType("x{}", "Q", "Bad", "#fff", "#000", "circle")
    with pytest.raises(ValueError):
        incident_type_css((bad,))
    with pytest.raises(ValueError):
        incident_type_css((IncidentType("ok", '"', "Bad", "#fff", "#000", "circle"),))


def test_the_script_uses_only_public_leaflet_api(page: str):
    script = page_scripts(page)
    assert "geoMaps.incidentList(" in script  # the page's own calls are in what is checked
    assert "._popup" not in script and "._source" not in script
    private = set(re.findall(r"\._[A-Za-z]\w*", script))
    assert {name[1:] for name in private} <= BUILD_PROPERTIES
    # only the legend, which the build writes and escapes, is set as HTML; layer text never is
    assert re.findall(r"\.innerHTML\s*=\s*(\w+)", script) == ["legendHtml"]


def test_script_files_are_small_and_in_their_declared_order(page: str):
    script = own_script(page)
    from importlib import resources

    folder = resources.files("geo.render.pages") / "static"
    positions = []
    for name in SCRIPTS:
        text = (folder / name).read_text(encoding="utf-8")
        assert text.startswith("/* ") and len(text.splitlines()) <= 300, name
        positions.append(script.index(text))
    assert positions == sorted(positions)


def test_the_page_is_deterministic(page: str, built, sources_dir):
    """The page of contents made anew from the layers is the page of the build's kept ones
    (the layers' check findings taken from the build's record, as a rebuild takes them)."""
    from geo.geometry import contents
    from geo.output import manifest

    checked = manifest.checked_files(manifest.read(built))
    assert checked, "the build keeps a record of the layers it checked"
    project, layers, _ = load_and_check(LAYERS, sources_dir, checked=checked)
    assert render_map(contents(project, layers, ["khasan"])[0]) == page


def test_the_shared_colours_have_one_home(page):
    """A colour the page, the tiles and the sheets share (style.PALETTE) is written once: the
    page's styles and templates use its custom property, the Python its name (the marker's
    ring had four homes, the grey beyond the data three)."""
    from pathlib import Path

    from geo.render.style import PALETTE

    root = Path(__file__).resolve().parent.parent / "geo"
    homes = {name: [] for name in PALETTE}
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".js", ".css", ".html"}:
            text = path.read_text(encoding="utf-8").lower()
            for name, colour in PALETTE.items():
                homes[name] += [str(path.relative_to(root))] * text.count(colour.lower())
    assert all(len(files) == 1 for files in homes.values()), homes
    for name, colour in PALETTE.items():  # the page defines each, and its styles use it
        assert f"--geo-{name}: {colour};" in inline_style(page), name
        assert f"var(--geo-{name})" in inline_style(page), name
