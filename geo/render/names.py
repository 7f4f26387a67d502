"""The names on a map, for the page (labels.js) and the print sheets alike: which points
and lines are named, of what kind, from which zoom, and in which order they take their room
(the period's countries first, then the map's own places, lakes and rivers, then towns by
size)."""

from __future__ import annotations

import re

from geo.config import BASE, INCIDENTS
from geo.geometry.content import MapContent
from geo.geometry.tilegrid import metres_between
from geo.render.relief import spot_label
from geo.render.style import height_symbol, in_tiles, is_label_anchor, mark_of

# Who is placed first where two names want the same room, by kind (then by rank)
PRIORITY = {"country": 0, "place": 1, "water": 1, "line": 1, "town": 2}
# A base town of a rank is named from this zoom on (rank 1: the largest)
TOWN_ZOOM = {1: 0, 2: 5, 3: 6, 4: 7}


def map_labels(content: MapContent) -> list[dict]:
    """The names a map shows: every point and line of a layer that asks for a label
    (``label: true``), as {name, names, lat, lon, kind, rank, order, min_zoom, max_zoom,
    precision_m (a point's: how far off it may be), lines and lines_in (a town's or a place's
    name in two lines, and in each language's: two_lines), short and short_in (a country's or
    a place's shorter name, and in the languages that have one, where its name finds no room)}, in
    the order they are placed (``order``: PRIORITY, then rank); name and names are the
    feature's ``label_name``/``label_names`` where it has a shorter name for the map. kind is
    "country", "water" (a lake's name, centred), "line" (a river's or a claimed border's,
    along its ``path`` of [lat, lon]; ``ink``: a claim's colour, None for a river's), "town"
    (a base town) or "place" (a place of the map's own layers, which wins over a base town at
    the same spot: the town nearest it within DUPLICATE_M is left out)."""
    found = []
    for layer in content.layers:
        if layer.spec.kind == INCIDENTS:
            continue
        for f in layer.collection["features"]:
            p, geom = f["properties"], f.get("geometry")
            if not (p.get("label") and geom and geom["type"] in ("Point", "LineString", "MultiLineString")):
                continue
            # the name set on the map: the shorter label_name where the full name is too long
            name, names = p.get("label_name", p["name"]), p.get("label_names", p.get("names", {}))
            if geom["type"] != "Point":  # a line's name, set along its longest part
                parts = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
                path = max(parts, key=len)
                lon, lat = path[len(path) // 2][:2]
                found.append({"name": name, "names": names, "lat": lat, "lon": lon,
                              "kind": "line", "rank": p.get("rank", 1), "ink": line_ink(p, layer.spec.style),
                              **{k: p[k] for k in ("min_zoom", "max_zoom") if k in p},
                              "path": [[round(y, 5), round(x, 5)] for x, y, *_ in path]})
                continue
            kind = p.get("kind") if p.get("kind") in ("country", "town") else \
                "water" if is_label_anchor(f) else "place"
            if layer.spec.kind != BASE and kind == "town":
                kind = "place"
            lon, lat = geom["coordinates"][:2]
            rank = p.get("rank", 1 if kind != "town" else 4)
            if isinstance(p.get("elevation"), (int, float)) and not in_tiles(layer):
                # a spot height's figure, which the tiles write under the points they draw
                name, names = spot_label(name, p["elevation"]), {
                    lang: spot_label(text, p["elevation"]) for lang, text in names.items()}
            item = {"name": name, "names": names, "lat": lat, "lon": lon,
                    "kind": kind, "rank": rank}
            item.update({k: p[k] for k in ("min_zoom", "max_zoom", "precision_m") if k in p})
            if kind in ("country", "place") and p.get("short_name"):  # where the name finds no room
                item["short"], item["short_in"] = p["short_name"], p.get("short_names", {})
            if kind == "town":  # a lesser town from a larger zoom on
                item["min_zoom"] = max(item.get("min_zoom", 0), TOWN_ZOOM.get(rank, 0))
            if kind in ("town", "place"):  # its two lines, in each language (two_lines)
                item["lines"] = two_lines(name)
                item["lines_in"] = {lang: two_lines(text) for lang, text in names.items()}
            if mark_of(f, layer.spec.style) == "height":  # its symbol, which its name keeps clear of
                item["mark"] = [height_symbol()["width"], height_symbol()["height"]]
            found.append(item)
    # each place of the map's own layers is the base town nearest it, if one lies within
    # DUPLICATE_M: that town alone is left out (Heiho, 4 km across the Amur from
    # Blagoveshchensk, is another town, and the railway's end)
    towns = [i for i in found if i["kind"] == "town"]
    same = set()
    for place in (i for i in found if i["kind"] == "place"):
        distance, nearest = min(((metres_between((t["lon"], t["lat"]), (place["lon"], place["lat"])), k)
                                 for k, t in enumerate(towns)), default=(DUPLICATE_M, None))
        if distance < DUPLICATE_M:
            same.add(nearest)
    found = [i for i in found if i["kind"] != "town"] + [t for k, t in enumerate(towns) if k not in same]
    found = _joined(found)
    for item in found:
        item["order"] = [PRIORITY[item["kind"]], item["rank"]]
    return sorted(found, key=lambda i: (i["order"], i["name"]))


def _joined(found: list[dict]) -> list[dict]:
    """One name for a line drawn in stretches (the Amur above and below Blagoveshchensk, its
    width known below only): lines of one name whose paths meet end to start are one path,
    named once, as the reader sees one river."""
    out: list[dict] = []
    for item in found:
        before = next((o for o in out if item["kind"] == o["kind"] == "line" and _same_name(o, item)
                       and o["path"][-1] == item["path"][0]), None)
        if before is None:
            out.append(item)
            continue
        before["path"] = before["path"] + item["path"][1:]
        before["lat"], before["lon"] = before["path"][len(before["path"]) // 2]
    return out


def _same_name(a: dict, b: dict) -> bool:
    return all(a.get(k) == b.get(k) for k in ("name", "names", "ink", "rank", "min_zoom", "max_zoom"))


def line_ink(props: dict, style) -> str | None:
    """The colour of a line's name other than a river's (the waters' italic ink): a claimed
    border's is its own colour, set upright, so that the name reads as the line's."""
    return None if props.get("kind") == "river" else style.color


def shown_at(label: dict, zoom: int) -> bool:
    """Whether a name of ``map_labels`` is shown at ``zoom`` (if it finds room)."""
    return label.get("min_zoom", 0) <= zoom <= label.get("max_zoom", 99)


def whole_names(content: MapContent) -> tuple[str, ...]:
    """The map's names of more than one word ("Lake Khasan", "Grodekovo (now Pogranichny)"),
    the longest first: those ``kept_whole`` keeps on one line."""
    names = {str(label["name"]) for label in map_labels(content)}
    several = (n for n in names if " " in n and all(w.lstrip("(")[:1].isupper() for w in n.split(" ")))
    return tuple(sorted(several, key=lambda n: (-len(n), n)))


def kept_whole(words: str, names: tuple[str, ...]) -> str:
    """The text with the ``names`` (whole_names) in it kept on one line, by no-break spaces
    (a sheet's title, description, key and sources: the overview sheets' subtitle had ended one
    line in "Lake" and begun the next in "Khasan")."""
    for name in names:
        words = words.replace(name, name.replace(" ", "\u00a0"))
    return words


def one_line(text: str) -> str:
    """Text as one line: each run of white space (line and paragraph separators, which pasted
    text carries and text shaping fails on, among them) is one space, but for the no-break
    space, which keeps two words on one line."""
    return " ".join(re.split(r"[^\S\u00a0]+", text)).strip()


def two_lines(name: str) -> list[str]:
    """A name with a second one in brackets, as two lines ("Suifenhe", "(Suifenho)"), for
    where it finds no room in one, on the sheets and on the page (labels.js: ``lines``);
    else []."""
    head, bracket, tail = one_line(name).partition(" (")
    return [head, bracket.strip() + tail] if bracket and head and tail.endswith(")") else []


DUPLICATE_M = 5000  # a base town this close to a place of the map's own layers is that place
