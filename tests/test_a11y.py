"""Keyboard, screen readers and citations (issue 12, parts 4, 6, 7), in headless Chromium from
file:// with the network off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.inputs.maps_toml import read_project
from geo.render.citations import about_distance, cite
from tests.conftest import LAYERS
from tests.test_browser import TOPMOST_MARKER, OfflinePage, incident_title, popup_shown, screenshot, settled
from tests.test_build import MAPS

pytestmark = pytest.mark.browser

# The element focused now: what it is, whether it is a vector shape, and whether a focus ring
# shows (an outline of at least 2 px that is not "none").
FOCUSED = """() => {
  const a = document.activeElement;
  const s = getComputedStyle(a);
  return {tag: a.tagName.toLowerCase(), cls: String(a.className && a.className.baseVal !== undefined ? a.className.baseVal : a.className),
          text: (a.getAttribute('aria-label') || a.textContent || '').trim().slice(0, 60),
          svg: a instanceof SVGElement || a.tagName === 'CANVAS', incident: a.dataset ? a.dataset.incident || null : null,
          ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""


def tab_stops(page, limit: int = 250) -> list[dict]:
    """Every Tab stop from the top of the page until Tab comes round to the first again."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop["tag"] == "body":
            continue  # the browser's own stop between the last element and the first
        if stops and stop == stops[0]:
            return stops
        stops.append(stop)
    raise AssertionError(f"Tab did not come round in {limit} presses")


def bibliography() -> dict[str, dict]:
    """The bibliography as the pages receive it (MapContent.bibliography)."""
    project = read_project(LAYERS)
    return {k: {"title": r.title, "url": r.url, "licence": r.licence,
                **{f: getattr(r, f) for f in ("kind", "file", "found_in") if getattr(r, f)}}
            for k, r in project.bibliography.items()}


def incident(incident_id: str) -> dict:
    collection = json.loads((LAYERS / "incidents.geojson").read_text(encoding="utf-8"))
    return next(f["properties"] for f in collection["features"] if f["properties"]["id"] == incident_id)


@pytest.mark.parametrize("map_name", ["overview", "khasan"])
def test_tab_order_skip_link_title_first_rings_and_no_shapes(browser, built: Path, map_name: str):
    with OfflinePage(browser) as view:
        page = view.open(built / f"{map_name}.html")
        settled(page)
        stops = tab_stops(page)
        # the skip link, then the title's link, then the map itself, then its markers
        assert stops[0]["cls"] == "skip-link" and stops[0]["text"] == "Skip to the map"
        assert stops[1]["tag"] == "a" and stops[1]["text"] == "All maps"
        assert "leaflet-container" in stops[2]["cls"]
        assert stops[3]["incident"] or "incident-place" in stops[3]["cls"]
        assert not [s for s in stops if s["svg"]], "a vector shape takes a Tab stop"
        assert [s["text"] for s in stops if not s["ring"]] == [], "a Tab stop without a focus ring"
        assert [e for e in view.errors if not e.startswith("Failed to load resource")] == []


def test_skip_link_moves_to_the_map_and_landmarks(browser, built: Path):
    with OfflinePage(browser) as view:
        page = view.open(built / "khasan.html")
        assert page.locator("header.map-title").count() == 1  # the banner
        assert page.locator("main .leaflet-container[role=region][aria-label]").count() == 1
        assert page.locator(".incident-panel[role=navigation][aria-label]").count() == 1
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.classList.contains('leaflet-container')")
        assert not page.url.endswith("#")  # the skip link leaves the address to the map


def test_escape_closes_the_popup_and_returns_focus_to_its_marker(browser, built: Path, tmp_path: Path):
    with OfflinePage(browser) as view:
        page = view.open(built / "khasan.html")
        settled(page)
        marker = page.locator('.incident-marker[data-incident="khasan-1938-07-29"]')
        marker.focus()
        page.keyboard.press("Enter")
        popup_shown(page, incident_title("khasan-1938-07-29"))
        page.keyboard.press("Escape")
        page.wait_for_selector(".leaflet-popup", state="detached")
        page.wait_for_function("() => document.activeElement.dataset.incident === 'khasan-1938-07-29'")
        stop = page.evaluate(FOCUSED)
        assert stop["ring"]
        screenshot(page, tmp_path / "focus.png")


def test_a_row_of_the_list_opens_its_sheet_with_the_focus_in_it_on_a_phone(browser, built: Path):
    """On a phone the panels hide while a sheet is open (popups.js): Enter on a row of the
    incident list opened the sheet and left the keyboard on the page's body, the row gone
    from sight. The focus goes into the sheet; Escape returns it to the incident's marker."""
    with OfflinePage(browser, 375, 667) as view:
        page = view.open(built / "khasan.html")
        settled(page)
        page.locator(".incident-panel summary").click()
        row = page.locator(".incident-panel .incident-row").first
        row.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".leaflet-sheet-pane .leaflet-popup")
        assert page.evaluate("() => !!document.activeElement.closest('.leaflet-popup')")
        page.keyboard.press("Escape")
        page.wait_for_selector(".leaflet-popup", state="detached")
        # (a11y.js returns the focus once the markers are drawn again, after the close)
        page.wait_for_function("() => document.activeElement.dataset.incident || "
                               "document.activeElement.dataset.place")


@pytest.mark.parametrize("lang", ["en", "ru", "ja", "zh"])
def test_html_lang_follows_the_language(browser, built: Path, lang: str):
    with OfflinePage(browser) as view:
        page = view.open(built / "amur.html", "" if lang == "en" else f"?lang={lang}")
        assert page.evaluate("document.documentElement.lang") == lang
        # the page's own words are in the reader's language (test_language.py); the layers'
        # texts, as the catalogue writes them in English, are marked so
        assert page.locator(".map-title h1").evaluate("n => n.closest('[lang]').lang") == lang
        assert page.locator(".incident-panel summary").evaluate("n => n.closest('[lang]').lang") == lang
        assert set(page.eval_on_selector_all(".incident-list .row-title",
                                             "ns => ns.map(n => n.closest('[lang]').lang)")) == {"en"}


def test_popup_cites_the_bibliography_entry_and_rounds_the_distance(browser, built: Path):
    books = bibliography()
    props = incident("khasan-1938")
    with OfflinePage(browser) as view:
        page = view.open(built / "khasan.html", "#incident=khasan-1938")
        popup_shown(page, props["title"])
        text = page.locator(".leaflet-popup-content").inner_text()
        assert ".txt" not in text  # no internal file name
        cited = page.locator(".popup-sources li").all_inner_texts()
        assert cited == [cite(s, books) for s in props["sources"]]
        assert any(s.startswith("Japanese military operations in the area of Lake Khasan and the "
                                "Khalkhin Gol River in 1938–39 (Russian articles, machine-translated), ")
                   for s in cited)
        # each casualty figure names its source the same way
        for figure in props["casualties"]:
            assert cite(figure["source"], books) in text

        # the distance to the border: rounded to the precision of the location (the overview
        # has the incidents known only roughly; the Khasan map's are placed to the metre)
        page = view.open(built / "overview.html")
        found = page.evaluate("""() => geoMaps.state.incidents.map(i => i.properties)
          .filter(p => p._border_km !== undefined && p.precision_m >= 10000)
          .map(p => [p.id, p._border_km, p.precision_m])""")
        assert found, "no incident known only to 10 km or worse has a border distance"
        for incident_id, km, precision in found[:3]:
            page.evaluate("id => geoMaps.emit('show', {id})", incident_id)
            popup_shown(page, page.evaluate(
                "id => geoMaps.state.incidents.find(i => i.id === id).title", incident_id))
            row = page.locator(".leaflet-popup-content .popup-row",
                               has_text="Nearest border line").inner_text()
            assert about_distance(km, precision) in row, (row, km, precision)
            assert str(km) not in row  # never the raw 43.63


def test_about_distance():
    assert about_distance(43.63, 30000) == "about 40 km"
    assert about_distance(43.63, 500) == "about 43.6 km"
    assert about_distance(2.1, 30000) == "less than about 30 km"
    assert about_distance(0.43, 50) == "about 430 m"


def test_citation_of_every_source_text(sources_dir: Path):
    """Every file of the source texts has a bibliography entry with a title, kind and where to
    find it, and is cited by them."""
    books = bibliography()
    for path in sorted(sources_dir.glob("0*.txt")):
        entries = [e for e in books.values() if e.get("file") == path.name]
        assert len(entries) == 1, path.name
        assert entries[0]["title"] and entries[0]["kind"] and entries[0]["found_in"]
        assert cite({"file": path.name, "where": "line 26"}, books) == \
            f"{entries[0]['title']} ({entries[0]['kind']}), line 26"


def test_casualty_table_fits_a_375_px_phone(browser, built: Path, tmp_path: Path):
    with OfflinePage(browser, width=375, height=740) as view:
        page = view.open(built / "khasan.html", "#incident=khasan-1938")
        popup_shown(page, incident_title("khasan-1938"))
        widths = page.evaluate("""() => {
          const wrap = document.querySelector('.popup-table'), table = wrap.querySelector('table');
          const content = document.querySelector('.leaflet-popup-content');
          return {wrap: wrap.clientWidth, wrapScroll: wrap.scrollWidth, table: table.getBoundingClientRect().width,
                  content: content.clientWidth, contentScroll: content.scrollWidth,
                  stacked: getComputedStyle(table.querySelector('td')).display};
        }""")
        assert widths["stacked"] == "block"
        assert widths["wrapScroll"] <= widths["wrap"] and widths["table"] <= widths["wrap"] + 0.5
        assert widths["contentScroll"] <= widths["content"]
        page.locator(".popup-table").scroll_into_view_if_needed()
        screenshot(page, tmp_path / "casualties-375.png")


@pytest.mark.parametrize("map_name, step, label, ends", [
    ("khasan", "day", "1 July 1938 – 7 November 1938", ("1 July 1938", "11 August 1938")),
    ("amur", "day", "1 June 1937 – 30 June 1937", ("1 June 1937", "30 June 1937")),
    ("overview", "month", "1932 – September 1939", ("April 1934", "September 1939")),
])
def test_timeline_range_and_step_follow_the_map(browser, built: Path, map_name: str, step: str,
                                                 label: str, ends: tuple[str, str]):
    """The sliders span the incidents the map places (days on Khasan's battle); their open
    ends let in those before and after, and the text says what they let in: the overview's
    said "April 1934 – September 1939 (70)", though its list goes back to the disputes of
    1932, under a title of 1932-1939."""
    with OfflinePage(browser) as view:
        page = view.open(built / f"{map_name}.html")
        assert page.locator(".timeline").get_attribute("data-step") == step
        count = page.locator(".timeline-count").inner_text()
        assert count.startswith(label + ":"), count
        sliders = page.locator(".timeline input")
        assert (sliders.nth(0).get_attribute("aria-valuetext"),
                sliders.nth(1).get_attribute("aria-valuetext")) == ends
        lo, hi = int(sliders.nth(0).get_attribute("min")), int(sliders.nth(0).get_attribute("max"))
        if map_name == "khasan":
            assert hi - lo == 41  # 1 July (the month of the reinforcement) to 11 August, a day a step
            # one step in from each end: only what lies within those days stays
            sliders.nth(0).fill(str(lo + 28))  # 29 July
            sliders.nth(0).dispatch_event("input")
            sliders.nth(1).fill(str(lo + 28))
            sliders.nth(1).dispatch_event("input")
            assert page.locator(".timeline-count").inner_text().startswith("29 July 1938:")
            assert sliders.nth(0).get_attribute("aria-valuetext") == "29 July 1938"
            shown = page.evaluate("""() => geoMaps.state.incidents.filter(i =>
              document.querySelector('.incident-list button[data-incident="' + i.id + '"]').parentNode.hidden === false)
              .map(i => i.id)""")
            assert "khasan-1938-07-29" in shown and "khasan-1938" in shown
            assert "khasan-1938-08-10" not in shown and "zaozernaya-post-1938" not in shown


AXE = Path(__file__).resolve().parent.parent / ".test-tools/node_modules/axe-core/axe.min.js"


@pytest.mark.parametrize("map_name", MAPS)
@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_nothing_with_a_popup_open(browser, built: Path, map_name: str, width: int):
    """axe-core (WCAG 2.2 A and AA and best practice, target size included) on the page as a
    reader has it: a popup open, at a phone's and a desktop's width. No violation of any
    impact (the skip link outside every landmark, `region`, was the last moderate one)."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (scripts/test.sh installs it)")
    with OfflinePage(browser, width, 667 if width < 500 else 800) as view:
        page = view.open(built / f"{map_name}.html")
        incident_id, x, y = settled(page, TOPMOST_MARKER)
        page.mouse.click(x, y)
        popup_shown(page, incident_title(incident_id))
        page.evaluate(AXE.read_text(encoding="utf-8"))  # (the page's policy allows no <script>)
        found = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']}).then(r =>
          r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                  where: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""")
    assert found == []
