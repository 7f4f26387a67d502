"""The page in the reader's language (issue 21 §6): the page's own words come from one table
(geo/render/interface_text.py) with every language of the language menu, the maps' titles from
maps.toml, and a reader who picks Русский, 日本語 or 中文 sees no English in the controls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.config import INTERFACE_LANGUAGES, LANGUAGE_NAMES
from geo.incident_types import INCIDENT_TYPES
from geo.render.pages.interface_text import TEXT, missing
from geo.render.pages.page import BASEMAP_NAME
from tests.conftest import MAPS
from tests.test_browser import OfflinePage, popup_shown

STATIC = Path(__file__).resolve().parent.parent / "geo" / "render" / "pages" / "static"
TEMPLATES = STATIC.parent / "templates"

# g.t('...') or geoMaps.t('...'), its literal possibly split with + over lines; the timeline's
# words of its units and the names of its sliders, which reach g.t as variables
_CALL = re.compile(r"\bt\(((?:\s*'(?:[^'\\]|\\.)*'\s*\+?)+)")
_LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'")
_VIA_VARIABLE = re.compile(r"(?:\bwords: |\bback: |\bon: |slider\(|row\()'([^']+)'")


def asked_for() -> dict[str, str]:
    """{English words: the file that asks for them} over the page's scripts and templates."""
    words = {}
    for path in sorted(STATIC.glob("*.js")):
        text = path.read_text(encoding="utf-8")
        for call in _CALL.finditer(text):
            words["".join(_LITERAL.findall(call[1]))] = path.name
        for match in _VIA_VARIABLE.finditer(text):
            words[match[1]] = path.name
    chrome = (TEMPLATES / "map-chrome.html").read_text(encoding="utf-8")
    for match in re.finditer(r"data-t>([^<{]+)<", chrome):
        words[match[1]] = "map-chrome.html"
    for t in INCIDENT_TYPES:  # the legend's label, and the popup's after its date
        words[t.label] = "geo/incident_types.py"
    words[BASEMAP_NAME] = "geo/render/pages/page.py"
    for name in LANGUAGE_NAMES.values():  # a popup's "Russian: …" of a place's other names
        words[name] = "geo/config.py"
    return words


def literals() -> set[str]:
    """Every quoted string of the page's scripts, the words above, and the legend's name for
    the features of one mark (style.LEGEND_GROUPS)."""
    from geo.render.style import LEGEND_GROUPS

    found = {*LEGEND_GROUPS, *asked_for()}
    for path in STATIC.glob("*.js"):  # (the comments' apostrophes would pair the quotes wrongly)
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", path.read_text(encoding="utf-8"), flags=re.S)
        found.update(_LITERAL.findall(code))
    return found


def test_every_word_the_page_asks_for_is_in_every_language():
    words = asked_for()
    assert len(words) > 50, sorted(words)
    assert missing() == []
    absent = {w: where for w, where in words.items() if w not in TEXT}
    assert absent == {}, "add these to geo/render/interface_text.py"
    assert set(TEXT) - literals() == set(), "nothing on the page asks for these"
    for english, texts in TEXT.items():  # the fields a script fills are in every language
        fields = set(re.findall(r"\{\w+\}", english))
        for lang in INTERFACE_LANGUAGES:
            assert set(re.findall(r"\{\w+\}", texts[lang])) == fields, (english, lang)


# The controls and headings a reader sees first, and those of an open popup: in another
# language none of them may show English (four Latin letters in a row).
CHROME = """() => [...document.querySelectorAll(
  '.map-title h1, .map-title [data-t], .map-title .incident-count, .map-legend [data-t], .map-legend summary,' +
  ' .incident-panel summary, .story button, .timeline summary, .timeline label, .timeline-play,' +
  ' .timeline-count, .language-switch, .leaflet-control-layers-list label span,' +
  ' .leaflet-popup-content .popup-row > strong, .leaflet-popup-content .popup-date,' +
  ' .leaflet-popup-content caption, .leaflet-popup-content th, .popup-sources > strong')]
  .map(n => [n.className || n.tagName, n.lang || n.closest('[lang]').lang,
             [...n.childNodes].filter(c => c.nodeType === 3 || !c.matches('select, input')).map(c => c.textContent).join('')])"""

PAGES = [(name, "ru") for name in MAPS] + [
    ("khasan", "ja"), ("overview", "zh")]


@pytest.mark.parametrize("name, lang", PAGES)
def test_a_reader_in_another_language_sees_no_english_in_the_controls(browser, built: Path, name, lang):
    with OfflinePage(browser, width=1280, height=800) as view:
        page = view.open(built / f"{name}.html", f"?lang={lang}")
        incident = page.evaluate("""() => (geoMaps.state.incidents.find(i => i.marker &&
            i.properties.casualties && i.properties._border_km !== undefined) ||
            geoMaps.state.incidents.find(i => i.marker)).id""")
        title = page.evaluate("id => geoMaps.state.incidents.find(i => i.id === id).title", incident)
        page.evaluate("id => geoMaps.emit('show', {id})", incident)
        popup_shown(page, title)
        seen = page.evaluate(CHROME)
        legend = page.eval_on_selector_all(".map-legend li", "ns => ns.map(n => n.textContent)")
        scale = page.eval_on_selector_all(".leaflet-control-scale-line",
                                          "ns => ns.filter(n => n.offsetParent).map(n => n.textContent)")
    assert len(seen) > 25
    # the scale in metric units alone (miles are for a reader in English)
    assert len(scale) == 1 and re.fullmatch(r"\d+ k?m", scale[0]), scale
    english = [(where, text) for where, _, text in seen if re.search(r"[A-Za-z]{4,}", text)]
    assert english == [], english
    # in the reader's language and marked so (a screen reader speaks it so)
    assert {mark for _, mark, _ in seen} == {lang}
    if lang in ("ja", "zh"):  # names listed with the enumeration comma (the legend's had ", ")
        assert [text for text in legend + [text for _, _, text in seen] if ", " in text] == []


def test_dates_are_written_as_the_language_writes_them(browser, built: Path):
    dates = {}
    for lang in ("en", "ru", "ja", "zh"):
        with OfflinePage(browser) as view:
            page = view.open(built / "khasan.html", "" if lang == "en" else f"?lang={lang}")
            dates[lang] = page.evaluate("""() => ['1938-07-29', '1938-07', '1938',
                '1938-07-29/1938-08-11'].map(geoMaps.formatDate)""")
    assert dates == {
        "en": ["29 July 1938", "July 1938", "1938", "29 July 1938 – 11 August 1938"],
        "ru": ["29 июля 1938", "июль 1938", "1938", "29 июля 1938 – 11 августа 1938"],
        "ja": ["1938年7月29日", "1938年7月", "1938年", "1938年7月29日 – 1938年8月11日"],
        "zh": ["1938年7月29日", "1938年7月", "1938年", "1938年7月29日 – 1938年8月11日"]}


def test_the_language_menu_and_the_page_read_one_table(browser, built: Path):
    """The languages have one home (config.LANGUAGES), which the page's script, check and the
    words' table read: the menu offers its languages, in its order, each in its own name; a
    language only a place's names are given in (?lang=mn) gives the English page (core.js once
    had its own list of five, and wrote such a page as lang="mn")."""
    from geo.config import LANGUAGES

    assert INTERFACE_LANGUAGES == tuple(code for code in LANGUAGES if code != "en")
    with OfflinePage(browser) as view:
        page = view.open(built / "khasan.html", "?lang=mn")
        menu = page.eval_on_selector_all(".language-switch option",
                                         "os => os.map(o => [o.value, o.textContent])")
        assert menu == [[code, own] for code, (_, own) in LANGUAGES.items()]
        assert page.evaluate("() => document.documentElement.lang") == "en"


def test_a_place_the_title_names_is_named_alike_on_the_map_in_each_language():
    """Where a map's title or description names one of its own places, the map names it with
    the same word in each language (a reader looks for the title's word on the map): the
    Chinese overview's description named 布拉戈维申斯克 where its map said 海兰泡, the Russian
    one Номонхан where its map said Номон-Хан. (Russian declines its nouns: each word of the
    name is found less its ending.)"""
    from geo.config import FEATURE, INTERFACE_LANGUAGES
    from geo.inputs.maps_toml import read_project
    from tests.conftest import LAYERS, real_layer

    project = read_project(LAYERS)
    checked = 0
    for spec in project.maps.values():
        english = f"{spec.title} {spec.description}"
        local = {lang: f"{dict(spec.title_in).get(lang, '')} {dict(spec.description_in).get(lang, '')}"
                 for lang in INTERFACE_LANGUAGES if lang != "en"}
        for name in spec.layers:
            if project.layers[name].kind != FEATURE:
                continue
            for f in real_layer(project.layers[name].file)["features"]:
                p = f["properties"]
                own = p.get("label_name", p["name"])
                if not p.get("label") or not re.search(rf"\b{re.escape(own)}\b", english):
                    continue
                for lang, text in local.items():
                    word = p.get("label_names", p.get("names", {})).get(lang)
                    if not word or not text.strip():
                        continue
                    stems = [w[:-1] if lang == "ru" and len(w) > 4 else w for w in word.lower().split()]
                    assert all(stem in text.lower() for stem in stems), (spec.name, own, lang, word, text)
                    checked += 1
    assert checked >= 10
