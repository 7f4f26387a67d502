"""How the maps cite their sources to readers: by the bibliography entry of maps.toml, never
by an internal file name, and figures rounded to what the location allows.

Popups (static/popup-content.js) and the print images say the same words; these functions are
the Python side of it, for the print images. ``bibliography`` is MapContent.bibliography:
{key: {"title", "url", "licence", and for a source text "kind", "file", "found_in"}}.
"""

from __future__ import annotations

import math


def entry_for(source: dict, bibliography: dict[str, dict]) -> dict | None:
    """The bibliography entry a source ({"file"|"ref": ..., "where": ...}) points to, or None."""
    if source.get("ref"):
        return bibliography.get(source["ref"])
    return next((e for _, e in sorted(bibliography.items()) if e.get("file") == source.get("file")),
                None)


def work(source: dict, bibliography: dict[str, dict]) -> str:
    """The work cited, as a reader can look it up: "Title (kind)"; the file or key if the
    bibliography has no entry for it."""
    entry = entry_for(source, bibliography)
    if entry is None:
        return str(source.get("file") or source.get("ref") or "")
    return f"{entry['title']} ({entry['kind']})" if entry.get("kind") else entry["title"]


def work_name(title: str) -> str:
    """The work a bibliography title names: the title up to its first colon outside brackets
    (after it comes the passage), e.g. "Amur Railway, English Wikipedia"; a colon inside
    brackets ("GeoNames gazetteer (populated places: positions …)") belongs to the name."""
    depth = 0
    for i, c in enumerate(title):
        depth += (c in "([{") - (c in ")]}")
        if depth == 0 and title.startswith(": ", i):
            return title[:i]
    return title


def cite(source: dict, bibliography: dict[str, dict]) -> str:
    """'Soviet–Japanese border conflicts (encyclopedia article), line 26': the work and the
    passage, as the popups show it."""
    where = source.get("where")
    return work(source, bibliography) + (f", {where}" if where else "")


def reference(entry: dict) -> str:
    """A bibliography entry in full, for a list of sources: title (kind). Where to find it. URL."""
    text = entry["title"] + (f" ({entry['kind']})" if entry.get("kind") else "") + "."
    if entry.get("found_in"):
        text += f" {entry['found_in']}."
    return text + (f" {entry['url']}" if entry.get("url") else "")


def about_distance(km: float, precision_m: float | None) -> str:
    """A distance rounded to the precision of the location it starts from: 43.63 km from a
    place known to within 30 km is "about 40 km"; one shorter than that precision is "less
    than about 30 km". Kept in step with geoMaps.aboutDistance (popup-content.js)."""
    metres = km * 1000
    if precision_m and metres < precision_m:
        return "less than " + _metres(precision_m, _step(precision_m))
    return _metres(metres, _step(precision_m or 100))


def _step(precision_m: float) -> float:
    """The rounding step for a precision: its order of magnitude (30 km -> 10 km), at least 10 m."""
    return 10.0 ** math.floor(math.log10(max(precision_m, 10)))


def _metres(metres: float, step: float) -> str:
    value = math.floor(metres / step + 0.5) * step  # half up, as JavaScript's Math.round
    if value >= 1000:
        decimals = max(0, 3 - round(math.log10(step)))
        return f"about {value / 1000:.{decimals}f} km"
    return f"about {value:.0f} m"
