"""The article API (issue 12, part 8): output/article-demo.html drives the Khasan map in an
iframe as its sections scroll into view; the map takes messages only from its parent window."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import LAYERS
from tests.test_browser import OfflinePage, incident_title, popup_shown, screenshot

pytestmark = pytest.mark.browser

def map_frame(page):
    return next(f for f in page.frames if f.url.split("?")[0].endswith("khasan.html"))


def test_demo_article_scroll_opens_the_incidents_in_order(browser, built: Path, tmp_path: Path):
    text = (built / "article-demo.html").read_text(encoding="utf-8")
    # its own policy: exactly its one inline script, by hash; frames only from beside it
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)[1]
    assert len(re.findall(r"<script>", text)) == 1
    assert len(re.findall(r"sha256-", policy)) == 1 and "frame-src &#x27;self&#x27;" in policy
    with OfflinePage(browser, width=1200, height=800) as view:
        page = view.page
        page.goto((built / "article-demo.html").resolve().as_uri())
        steps = page.locator("section.step[data-incident]")
        ids = [steps.nth(i).get_attribute("data-incident") for i in range(steps.count())]
        dates = {f["properties"]["id"]: f["properties"]["date"] for f in json.loads(
            (LAYERS / "incidents.geojson").read_text(encoding="utf-8"))["features"]}
        assert len(ids) >= 10 and dates[ids[0]] == min(dates[i] for i in ids)  # the earliest first
        frame = map_frame(page)
        for n, incident_id in enumerate(ids):
            # the section's heading crosses the middle of the window
            page.evaluate("""id => {
              const s = document.querySelector('section.step[data-incident="' + id + '"]');
              window.scrollTo(0, s.getBoundingClientRect().top + scrollY - innerHeight * 0.4);
            }""", incident_id)
            page.wait_for_function("n => window.articleMapLog.length >= n", arg=n + 1)
            popup_shown(frame, incident_title(incident_id))  # faded in, the map still
            if n == 3:
                screenshot(page, tmp_path / "article-demo.png")
        assert page.evaluate("window.articleMapLog") == ids  # in order, each once
        assert "On the map: " + incident_title(ids[-1]) in page.locator("#map-status").inner_text()
        # the reader closes the popup (the list is hidden while it covers it) and opens another
        # incident from the map's list: the article hears it
        chosen = ids[0]
        frame.locator(".leaflet-popup-close-button").click()
        frame.wait_for_function("() => !geoMaps.popupIsOpen()")  # closed, none opened in its place
        frame.locator(".incident-panel summary").click(timeout=5000)
        frame.locator(f'.incident-row[data-incident="{chosen}"]').click()
        page.wait_for_function("id => window.articleMapLog.slice(-1)[0] === id", arg=chosen)
        assert "(opened by you)" in page.locator("#map-status").inner_text()
        assert view.external == [] and [e for e in view.errors
                                        if not e.startswith("Failed to load resource")] == []


HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="map" src="{map}?embed=1" style="width:800px;height:600px"></iframe>
<iframe id="intruder" name="intruder" srcdoc="<p>another frame of the page</p>"></iframe>
<script>
window.log = [];
window.addEventListener('message', e => {{
  if (e.source === document.getElementById('map').contentWindow) window.log.push(e.data);
}});
</script></body></html>"""


def test_a_message_from_a_foreign_window_is_ignored(browser, built: Path, tmp_path: Path):
    host = tmp_path / "host.html"
    host.write_text(HOST.format(map=(built / "khasan.html").resolve().as_uri()), encoding="utf-8")
    with OfflinePage(browser, width=1000, height=700) as view:
        page = view.page
        page.goto(host.resolve().as_uri())
        frame = map_frame(page)
        frame.wait_for_selector(".leaflet-marker-icon[data-incident]", state="attached")
        # a sibling frame, then the page itself inside the map, write to the map: ignored
        intruder = next(f for f in page.frames if f.name == "intruder")
        intruder.evaluate("parent.frames[0].postMessage({incident: 'khasan-1938-08-10'}, '*')")
        frame.evaluate("window.postMessage({incident: 'khasan-ceasefire-1938'}, '*')")
        # the parent asks: the map answers it, and only it opens
        page.evaluate("document.getElementById('map').contentWindow.postMessage({hello: true}, '*')")
        page.wait_for_function("() => window.log.some(m => m.type === 'geo-maps:ready')")
        ready = next(m for m in page.evaluate("window.log") if m["type"] == "geo-maps:ready")
        assert "khasan-1938-07-29" in ready["incidents"]
        page.evaluate("""document.getElementById('map').contentWindow.postMessage(
          {incident: 'khasan-1938-07-29', dates: ['1938-07-29', '1938-08-11']}, '*')""")
        page.wait_for_function("() => window.log.some(m => m.type === 'geo-maps:opened')")
        popup_shown(frame, incident_title("khasan-1938-07-29"))
        opened = [m for m in page.evaluate("window.log") if m["type"] == "geo-maps:opened"]
        assert opened == [{"type": "geo-maps:opened", "incident": "khasan-1938-07-29",
                           "title": incident_title("khasan-1938-07-29"), "date": "1938-07-29",
                           "by": "host"}]
        assert frame.locator(".timeline-count").text_content().startswith(
            "29 July 1938 – 7 November 1938:")  # (the open last end: the latest listed date)
        # a view: the map moves there; malformed messages change nothing
        frame.evaluate("geoMaps.emit('x', {})")
        page.evaluate("""() => {
          const w = document.getElementById('map').contentWindow;
          w.postMessage({view: ['<b>', 1, 2]}, '*');
          w.postMessage('{"incident": "khasan-1938-08-10"}', '*');
          w.postMessage({view: [14, 42.4447, 130.5892]}, '*');
        }""")
        frame.wait_for_function(
            "() => { const m = window[Object.keys(window).find(k => /^map_/.test(k))];"
            " return m.getZoom() === 14 && Math.abs(m.getCenter().lat - 42.4447) < 1e-3; }")
        assert [m["incident"] for m in page.evaluate("window.log")
                if m["type"] == "geo-maps:opened"] == ["khasan-1938-07-29"]
