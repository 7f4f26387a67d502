"""Where the print images put their marks: incident markers fanned out where they would
overlap, place labels set where they cover no marker and no other label, and text measured
and wrapped with the font the images name (DejaVu Sans, shipped with the mapnik wheel).

Everything here is plain arithmetic on pixel boxes, so the same input gives the same layout.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache
from pathlib import Path

from geo.render.names import one_line, two_lines
from geo.render.style import LIFTS

Box = tuple[float, float, float, float]  # left, top, right, bottom

FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"


@lru_cache(maxsize=None)
def _font(bold: bool, size: float):
    import mapnik
    from PIL import ImageFont

    folder = Path(mapnik.__file__).parent / "lib" / "mapnik" / "fonts"
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = folder / name if (folder / name).is_file() else Path("/usr/share/fonts/truetype/dejavu") / name
    return ImageFont.truetype(str(path), size=size)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The advance width of ``text`` at ``size`` px in DejaVu Sans (bold on request)."""
    return _font(bold, round(size, 2)).getlength(one_line(text))


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy word wrap of ``text`` into lines no wider than ``width`` px (a single word
    wider than the line stays whole)."""
    lines: list[str] = []
    line = ""
    for word in one_line(text).split(" "):
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size, bold) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines


# How far (in marker diameters) a marker's centre stays from a place symbol it must not hide
CLEAR = 0.75


def spread(points: list[tuple[float, float]], size: float, frame: Box,
           keep_clear: tuple[tuple[float, float], ...] = (),
           waters: tuple[tuple[float, float], ...] = ()
           ) -> tuple[list[tuple[float, float]], list[list[int]]]:
    """Positions for markers of diameter ``size`` at ``points`` so that no two overlap.

    Markers that would overlap are gathered into a group and fanned out on rings around the
    group's centre (the page's "spiderfy"); groups that then overlap are merged, until none
    do. No marker covers one of the ``keep_clear`` points (the symbol of a place the map is
    about: the Khasan heights' triangles were hidden under their markers): a lone one stands
    off it, with a leader line, as a fan of one (off a lake's name point in ``waters`` too,
    where it can), and a fan leaves its slots over it empty. Returns each marker's position
    and the fans (the groups of more than one marker, and the lone markers moved off).
    """
    gap = size * 1.12
    groups = [[i] for i in range(len(points))]
    lifted = {i for i, p in enumerate(points) if any(math.dist(p, q) < size * CLEAR for q in keep_clear)}
    while True:
        placed = [_arrange(g, points, size, frame, len(g) == 1 and g[0] in lifted, keep_clear, waters)
                  for g in groups]
        clash = _first_clash(placed, [[points[i] for i in g] if len(g) > 1 or g[0] in lifted else []
                                      for g in groups], gap)
        if clash is None:
            break
        a, b = clash
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    for group, spots in zip(groups, placed, strict=True):
        for i, spot in zip(group, spots, strict=True):
            positions[i] = spot
    return positions, sorted((g for g in groups if len(g) > 1 or g[0] in lifted), key=lambda g: g[0])


# A fan of more markers than this is drawn instead as one numbered circle at each of its
# busiest places, keyed under the map: the page's place marker, which a sheet cannot open
# (overview-1col fanned 27 markers from Khasan to Lake Khanka into one wheel).
FAN_MOST = 8


def sites(points: list[tuple[float, float]], reach: float) -> list[list[int]]:
    """The page's grouping (incident-layer.js, declutter): the two closest groups whose
    centres lie nearer than ``reach`` on both axes merge at their members' mean, until none
    do. Returns the groups of point indices, each sorted, in order of their first member."""
    groups = [([i], points[i]) for i in range(len(points))]
    while True:
        best = None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                (ax, ay), (bx, by) = groups[a][1], groups[b][1]
                d = max(abs(ax - bx), abs(ay - by))
                if d < reach and (best is None or d < best[0]):
                    best = (d, a, b)
        if best is None:
            break
        _, a, b = best
        members = sorted(groups[a][0] + groups[b][0])
        groups[a] = (members, centre([points[i] for i in members]))
        del groups[b]
    return sorted(members for members, _ in groups)


def centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))


def fan_or_number(points: list[tuple[float, float]], size: float, frame: Box, most: int = FAN_MOST,
                  keep_clear: tuple[tuple[float, float], ...] = (),
                  waters: tuple[tuple[float, float], ...] = ()
                  ) -> tuple[list[list[int]], list[tuple[float, float]], list[list[int]]]:
    """What the sheet draws for markers of diameter ``size`` at ``points``: (marks, their
    positions, fans). A mark is one incident ([i]) or a numbered group of the incidents of one
    place (``sites``) too many to fan out; fans (``spread``) are lists of mark indices. No
    mark covers a point of ``keep_clear`` (``spread``).
    In a fan of more than ``most`` markers, or one with a marker on the name point of a lake the
    map is about (``waters``: the overview's fan of the Suifenhe clashes had covered Lake Khanka
    and sent its name off to Vladivostok), the place of the most incidents is numbered, until
    no fan is so or none has a place of several left to number."""
    places = sites(points, size * 1.12)
    place_of = {i: k for k, members in enumerate(places) for i in members}
    numbered: set[int] = set()
    while True:
        marks = [members for k, members in enumerate(places) if k in numbered] + [
            [i] for k, members in enumerate(places) if k not in numbered for i in members]
        marks.sort()
        spots, fans = spread([centre([points[i] for i in m]) for m in marks], size, frame,
                             keep_clear, waters)
        # the places of several incidents, not yet numbered, whose markers a large fan spreads
        crowded = {place_of[marks[j][0]] for fan in fans
                   if len(fan) > most or any(_covers([spots[k] for k in fan], size, q) for q in waters)
                   for j in fan if len(marks[j]) == 1 and len(places[place_of[marks[j][0]]]) > 1}
        if not crowded:
            return marks, spots, fans
        numbered.add(max(crowded, key=lambda k: (len(places[k]), -k)))


def _covers(spots: list[tuple[float, float]], size: float, q: tuple[float, float]) -> bool:
    """Whether markers of diameter ``size`` at ``spots`` (a fan) cover point q: one stands
    within a marker's size of it, or the fan's ring closes around it (the overview-1col fan of
    the Nomonhan clashes ringed Lake Buir, its name point in the middle, 36 px from the nearest)."""
    if any(math.dist(p, q) < size for p in spots):
        return True
    if len(spots) < 3:
        return False
    middle = centre(spots)
    return math.dist(middle, q) < min(math.dist(middle, p) for p in spots)


def _first_clash(placed: list[list[tuple[float, float]]], dots: list[list[tuple[float, float]]],
                 gap: float) -> tuple[int, int] | None:
    """Two groups whose markers overlap, or whose markers cover the other's places (the dots
    in the middle of a fan, where its lines meet), or None."""
    for a in range(len(placed)):
        for b in range(a + 1, len(placed)):
            if (any(math.dist(p, q) < gap for p in placed[a] for q in placed[b] + dots[b])
                    or any(math.dist(p, q) < gap for p in placed[b] for q in dots[a])):
                return a, b
    return None


def _arrange(group: list[int], points, size: float, frame: Box, lift: bool = False,
             keep_clear: tuple[tuple[float, float], ...] = (),
             waters: tuple[tuple[float, float], ...] = ()) -> list[tuple[float, float]]:
    """The markers of a group at its place (one), a marker's width off it (one lifted off a
    symbol: above it, else the first side clear of every ``keep_clear`` point, and of every
    lake's name point in ``waters`` where one is: overview-1col's Nomonhan group had been
    lifted onto Lake Buir), or fanned out on rings around its centre, on no slot over a
    ``keep_clear`` point (Suifenhe's and Grodekovo's dots were both under the fan of the
    clashes between them; the Kanchazu marker, lifted off its island, stood on
    Blagoveshchensk's dot)."""
    if len(group) == 1:
        x, y = points[group[0]]
        if not lift:
            return [_clamp(x, y, size / 2, frame)]
        spots = [_clamp(x + dx * size, y + dy * size, size / 2, frame) for dx, dy in LIFTS]
        clear = [s for s in spots if all(math.dist(s, q) >= size * CLEAR for q in keep_clear)]
        return [next((s for s in clear if all(math.dist(s, q) >= size for q in waters)),
                     clear[0] if clear else spots[0])]
    cx = sum(points[i][0] for i in group) / len(group)
    cy = sum(points[i][1] for i in group) / len(group)
    # the members farthest from the centre choose first, each the free slot nearest its place:
    # short leader lines that seldom cross
    order = sorted(group, key=lambda i: (-math.dist(points[i], (cx, cy)), i))
    slots: list[tuple[float, float]] = []
    radius, ring = 0.0, 0
    while len(slots) < len(order):
        widest = radius + size * 1.1 if radius else size * 1.75
        count = min(max(1, int(2 * math.pi * widest / (size * 1.2))), len(order) - len(slots))
        least = count * size * 1.2 / (2 * math.pi)
        radius = max(radius + size * 1.1, least) if radius else max(size * 0.75, least)
        start = -math.pi / 2 + (math.pi / count if ring % 2 else 0.0)  # rings interleave
        ring_slots = [(cx + radius * math.cos(start + 2 * math.pi * k / count),
                       cy + radius * math.sin(start + 2 * math.pi * k / count)) for k in range(count)]
        slots += [s for s in ring_slots if all(math.dist(s, q) >= size * CLEAR for q in keep_clear)]
        ring += 1
    # the whole fan moves inside the frame together
    half = size / 2
    dx = max(0.0, frame[0] + half - min(x for x, _ in slots)) - max(
        0.0, max(x for x, _ in slots) - (frame[2] - half))
    dy = max(0.0, frame[1] + half - min(y for _, y in slots)) - max(
        0.0, max(y for _, y in slots) - (frame[3] - half))
    free = [(x + dx, y + dy) for x, y in slots]
    spots = {}
    for i in order:
        best = min(range(len(free)), key=lambda k: (math.dist(free[k], points[i]), k))
        spots[i] = free.pop(best)
    _uncross(spots, points)
    return [spots[i] for i in group]


def _uncross(spots: dict, points) -> None:
    """Swap the slots of two markers while that shortens their leader lines together (two
    crossing lines always get shorter uncrossed), until no swap helps."""
    members = sorted(spots)
    improved = True
    while improved:
        improved = False
        for a in members:
            for b in members:
                if a < b:
                    now = math.dist(spots[a], points[a]) + math.dist(spots[b], points[b])
                    swapped = math.dist(spots[b], points[a]) + math.dist(spots[a], points[b])
                    if swapped < now - 1e-6:
                        spots[a], spots[b] = spots[b], spots[a]
                        improved = True


def _clamp(x: float, y: float, margin: float, frame: Box) -> tuple[float, float]:
    return (min(max(x, frame[0] + margin), frame[2] - margin),
            min(max(y, frame[1] + margin), frame[3] - margin))


def place_labels(labels: list[tuple[str, float, float]], size: float, obstacles: list[Box],
                 frame: Box, offset: float, lines=None, centred=frozenset(),
                 reaches=(1.0, 2.0, 3.2, 4.6, 6.5, 9.0), keep_off=None, side=True,
                 anyway: bool | frozenset[str] | set[str] = True,
                 symbols: tuple[tuple[float, float], ...] = (), never=None,
                 marks: dict[str, tuple[tuple[float, float, float], ...]] | None = None,
                 lakes=(), shorter: dict[str, str] | None = None) -> list[tuple]:
    """Put each label (text, x, y of its point) beside its point where its box meets no
    obstacle, no other label and stays in ``frame``: clear of ``keep_off`` (a prepared shapely
    geometry: the map's heavy lines, railways among them) where any position is, else clear of
    ``lines`` (the borders and claims), else (``side``) at least with its near edge on its
    point's side of them, else (``anyway``: all, or the texts named) where the box alone is
    free; drop it where none is. In no case is a name or its way from its point set across
    ``never`` (a prepared geometry: the map's rivers, whose other bank is another place:
    Bogomolnaya's name, its point on the Soviet claim, stood over the Tumen, in Korea).

    In every case a name reads as its own point's: no other of the ``symbols`` (the points
    of the places' and towns' symbols) lies nearer its box, and its leader line crosses no
    other label (on the Khasan 1-column sheet "Zaozernaya" stood under
    Bogomolnaya's triangle, crossed by Bogomolnaya's leader). A lake's name (``centred``) reads
    as no incident marker's place either (``marks``: {lake's name: (x, y, radius) of each
    marker but those of the lake's own incidents}): no marker's edge lies nearer its box than
    its point ("Lake Khanka" stood beside the circle of the Suifenhe clashes on the overview
    sheet, their place as it read), and no other lake of ``lakes`` (the
    outlines drawn, shapely) either ("Lake Buir", led 100 km north on overview-1col, named
    Hulun Nur).

    A name in ``shorter`` ({name: its shorter one}) is set by its shorter name where it finds
    no place in one line or two under the same rule, before it is set anyway, as on the page:
    "Zaozernaya" on the Khasan 1-column sheet, where "Zaozernaya (Changkufeng)" has no room.

    The names in ``centred`` (a lake's: its point anchors the name, no dot marks it) stand
    on their point where that is free. ``reaches``: how far off, in ``offset``s, a label may
    go (nearest first). Returns (text, x, baseline y, text-anchor, box, point) of the labels
    placed, in input order.
    """
    taken = list(obstacles)
    placed = []
    named: list = []  # (box, leader line or None) of the labels placed here
    ascent, descent = size * 0.76, size * 0.24
    pad = size * 0.18
    for text, x, y in labels:
        sided = ([(keep_off, "clear")] if keep_off is not None else []) + (
            [(lines, "clear")] + ([(lines, "side")] if side else []) if lines is not None else [])
        # on one line, else in two where the name has a second in brackets, else by its
        # shorter name, clear of the lines in any form before on its side of them; then anyway
        short = [[shorter[text]]] if shorter and text in shorter else []
        tries = [(form, geometry, rule) for geometry, rule in sided
                 for form in [[text]] + ([two_lines(text)] if two_lines(text) else []) + short] + (
            [(form, None, None) for form in [[text]] + short]
            if anyway is True or anyway and text in anyway else [])
        for form, geometry, rule in tries:
            w = max(text_width(line, size) for line in form)
            below = (len(form) - 1) * size * LEADING  # the lines under the first
            spot = next((spot for reach in ((0.0,) if text in centred else ()) + tuple(reaches)
                         if (spot := _free_spot(text, w, x, y, offset * reach, ascent, descent,
                                                pad, taken, frame, geometry, rule,
                                                (offset, symbols, named)
                                                + (((marks or {}).get(text, ()), lakes)
                                                   if text in centred else ()),
                                                below, never))), None)
            if spot:
                taken.append(spot[3])
                named.append((spot[3], ((x, y), nearest_on_box(x, y, spot[3]))
                              if led(x, y, spot[3], offset) else None))
                placed.append(("\n".join(form), *spot, (x, y)))
                break
    return placed


LEADING = 1.15  # (in font sizes) from one line of a label to the next


def _free_spot(text, w, x, y, offset, ascent, descent, pad, taken, frame, lines=None,
               rule=None, reading=(0.0, (), ()), below=0.0, never=None):
    """The first of eight positions around (x, y) at ``offset`` (or, at 0, the position
    centred on it) whose box is free and reads as the point's (``reading``: the arguments of
    ``reads_as_its_own`` after the box), or None. ``below``: how far the label's last line
    stands below its first (0 for one line)."""
    d = offset * 0.7
    middle = (ascent - descent - below) / 2
    up = descent + below  # from a label's first baseline to its bottom
    # right, left, above, below, then the diagonals: the cartographer's usual order
    candidates = [(x + offset, y + middle, "start"), (x - offset, y + middle, "end"),
                  (x, y - offset - up, "middle"), (x, y + offset + ascent, "middle"),
                  (x + d, y - d - up, "start"), (x + d, y + d + ascent, "start"),
                  (x - d, y - d - up, "end"), (x - d, y + d + ascent, "end")] if offset else \
        [(x, y + middle, "middle")]  # on the point itself
    # then those above, below or on the point slid along by a quarter or half its width
    candidates += [(bx + k * w / 4, by, anchor) for k in (1, -1, 2, -2)
                   for bx, by, anchor in candidates if anchor == "middle"]
    for bx, by, anchor in candidates:
        if anchor == "middle":  # a label above, below or on its point slides along to fit
            bx = min(max(bx, frame[0] + w / 2 + pad), frame[2] - w / 2 - pad)
        left = {"start": bx, "end": bx - w, "middle": bx - w / 2}[anchor]
        box = (left - pad, by - ascent - pad, left + w + pad, by + up + pad)
        inside = (box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2]
                  and box[3] <= frame[3])
        if inside and not any(overlaps(box, other) for other in taken) and (
                rule is None or not lines.intersects(label_and_lead(x, y, box, rule)) and (
                    rule != "clear" or _on_its_side(x, y, box, lines))) and (
                never is None or not never.intersects(label_and_lead(x, y, box, "clear"))) and \
                reads_as_its_own(x, y, box, *reading):
            return bx, by, anchor, box
    return None


def _on_its_side(x: float, y: float, box: Box, lines) -> bool:
    """Whether a box clear of the lines but the first 3 px of its way from the point is on the
    point's side of them too: a point a pixel off a line has a side, and its name's way
    leaving it across the line within those 3 px had set Blagoveshchensk's name on the
    Manchurian bank on overview-1col. A point on a line (the Khasan heights on the Soviet
    claim) has none."""
    from shapely.geometry import Point

    return not lines.intersects(label_and_lead(x, y, box, "side")) or \
        lines.context.distance(Point(x, y)) < 0.01


def led(x: float, y: float, box: Box, offset: float) -> bool:
    """Whether a label in ``box`` stands apart from its point (x, y), set ``offset`` beside
    it at the nearest: a leader line then leads to the point."""
    return math.dist((x, y), nearest_on_box(x, y, box)) > offset * 1.5


def reads_as_its_own(x: float, y: float, box: Box, offset: float, symbols, others, marks=(),
                     lakes=()) -> bool:
    """Whether a name in ``box`` reads as the name of the point (x, y): no other of the
    ``symbols`` points lies as near the box (set apart, with a leader line: none lies within
    SNUG ``offset``s of it, nor nearer it than its point, nor within an ``offset`` of its
    leader line, which would read as leading to that one: Lake Buir's, on the overview's
    1-column sheet, ran past Nomonhan's dot to a name east of it; "Zaozernaya", led, stood
    nearer Bogomolnaya's triangle than its own point on the Khasan sheet; one within an
    offset of the point shares its place at this scale), and no leader line crosses another
    label: of the ``others`` ((box, leader line or None) of the labels placed before), neither
    its leader line this box nor this label's leader line its box; and no marker of ``marks``
    ((x, y, radius)) not on the point, nor any of the ``lakes`` (shapes) more than an offset
    from it, nearer the box than the point."""
    end = nearest_on_box(x, y, box)
    near = math.dist((x, y), end)
    if any(math.dist((mx, my), nearest_on_box(mx, my, box)) - r < near
           for mx, my, r in marks if math.dist((mx, my), (x, y)) > r):
        return False
    if lakes:
        from shapely.geometry import Point
        from shapely.geometry import box as rectangle

        here, shape = Point(x, y), rectangle(*box)
        if any(lake.distance(shape) < near for lake in lakes if lake.distance(here) > offset):
            return False
    lead = ((x, y), end) if led(x, y, box, offset) else None
    def nearer(q) -> bool:  # (one within an offset of the point shares its place at this scale)
        d = math.dist(q, nearest_on_box(*q, box))
        if not lead:
            return d <= near
        return d <= offset * SNUG or d < near and math.dist(q, (x, y)) > offset

    if any(nearer(q) or lead and math.dist(q, (x, y)) > offset and _to_segment(q, lead) <= offset
           for q in symbols if math.dist(q, (x, y)) > 0.5):
        return False
    return not any((lead and _meets(lead, other)) or (line and _meets(line, box))
                   for other, line in others)


SNUG = 2.0  # (in offsets) another place's symbol this near a name reads as the name's place


def _to_segment(q, segment) -> float:
    """The distance from point q to a segment ((x0, y0), (x1, y1))."""
    (x0, y0), (x1, y1) = segment
    dx, dy = x1 - x0, y1 - y0
    t = max(0.0, min(1.0, ((q[0] - x0) * dx + (q[1] - y0) * dy) / ((dx * dx + dy * dy) or 1.0)))
    return math.dist(q, (x0 + t * dx, y0 + t * dy))


def _meets(segment, box: Box) -> bool:
    """Whether a segment passes through the inside of a box (Liang–Barsky clipping)."""
    (x0, y0), (x1, y1) = segment
    t0, t1 = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 >= t1:
            return False
    return True


def along(path: list[tuple[float, float]], text: str, size: float, gap: float,
          taken: list[Box], frame: Box, keep_off=None) -> tuple[float, float, float, Box, object] | None:
    """Where a river's name is set along it, beside its line: (x, baseline y, angle in degrees,
    the upright box around the turned text, the turned text's own shape), at the first of a
    few places along the longest run of the line inside ``frame`` (its middle first) where the
    name's box meets nothing ``taken`` and the line is straight enough to read along; None
    where the run is too short or no place is free. ``gap``: from the line to the near edge
    of the text. Clear of ``keep_off`` (prepared: the map's heavy lines) where any place is
    ("Amur" had stood on the railway beside the river, on the Amur's 1-column sheet)."""
    run = _longest_run(path, frame)
    w = text_width(text, size)
    if run is None or run.length < 1.5 * w:
        return None
    for clear_of in ((keep_off, None) if keep_off is not None else (None,)):
        found = _along(run, w, size, gap, taken, frame, clear_of)
        if found is not None:
            return found
    return None


def _along(run, w: float, size: float, gap: float, taken: list[Box], frame: Box, clear_of):
    """along's first free place on ``run`` for a name ``w`` wide, clear of ``clear_of`` too."""
    from shapely.geometry import Polygon
    from shapely.geometry import box as rectangle

    for share in sorted((k / 20 for k in range(1, 20)), key=lambda v: (abs(v - 0.5), v)):
        middle = run.length * share
        if middle < w / 2 or middle > run.length - w / 2:
            continue
        a, b = run.interpolate(middle - w / 2), run.interpolate(middle + w / 2)
        if a.distance(b) < 0.8 * w:  # a bend under the name: it would not read along the line
            continue
        angle = math.degrees(math.atan2(b.y - a.y, b.x - a.x))
        if angle > 90 or angle <= -90:  # never upside down
            angle -= math.copysign(180, angle)
        ux, uy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        nx, ny = uy, -ux  # the side above the text's baseline
        p = run.interpolate(middle)
        # each side, then a little farther off where the line bends into the text (a third
        # and two thirds of its size): still read as the line's name
        for extra, side in itertools.product((0.0, size / 3, 2 * size / 3), (1, -1)):
            # baseline this far from the line: above it (side 1) the descent, below it the ascent
            off = gap + extra + (size * 0.24 if side == 1 else size * 0.76)
            x, y = p.x + side * nx * off, p.y + side * ny * off
            corners = [(x + ux * dx + nx * dy, y + uy * dx + ny * dy)
                       for dx, dy in ((-w / 2, -size * 0.24), (w / 2, -size * 0.24),
                                      (w / 2, size * 0.76), (-w / 2, size * 0.76))]
            shape = Polygon(corners)
            found = shape.bounds
            if not (frame[0] <= found[0] and found[2] <= frame[2] and frame[1] <= found[1]
                    and found[3] <= frame[3]) or shape.intersects(run):
                continue
            if any(shape.intersects(rectangle(*other)) for other in taken) or (
                    clear_of is not None and clear_of.intersects(shape)):
                continue
            return x, y, angle, found, shape
    return None



def beside(path: list[tuple[float, float]], text: str, size: float, gap: float,
           taken: list[Box], frame: Box, keep_off=None) -> tuple[float, float, float, Box, object] | None:
    """Where a line's name is set level beside it where no place along it is free (a short or
    winding run, markers on it), as the page sets such a river's name: (middle x, baseline y, 0,
    box, box's shape), its near end ``gap`` off the line at a point of the line's longest run
    inside ``frame`` (its middle first, then towards its ends), or None. The name meets neither
    its line nor anything ``taken``, nor a line of ``keep_off`` (a prepared geometry)."""
    from shapely.geometry import box as rectangle

    run = _longest_run(path, frame)
    if run is None:
        return None
    w = text_width(text, size)
    h = size  # (from the ascent's top to the descent's foot)
    shares = sorted((k / 10 for k in range(1, 10)), key=lambda v: (abs(v - 0.5), v))
    for off, share, (dx, dy) in itertools.product((0.0, size / 2, size), shares,
                                                  ((-1, 0), (1, 0), (0, 1), (0, -1))):
        # ending before the line, starting after it, under it, over it; farther off where the
        # line winds into the name
        p = run.interpolate(run.length * share)
        x = p.x + dx * (gap + off + w / 2)
        y = p.y + dy * (gap + off + h / 2) + 0.26 * size  # (the baseline centring its capitals)
        box = (x - w / 2, y - 0.76 * size, x + w / 2, y + 0.24 * size)
        shape = rectangle(*box)
        if not (frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]) \
                or shape.intersects(run) or any(overlaps(box, other) for other in taken) \
                or (keep_off is not None and keep_off.intersects(shape)):
            continue
        return x, y, 0.0, box, shape
    return None



def _longest_run(path: list[tuple[float, float]], frame: Box):
    """The longest stretch of a line inside ``frame`` (a shapely LineString), or None."""
    from shapely.geometry import LineString
    from shapely.geometry import box as rectangle

    inside = LineString(path).intersection(rectangle(*frame))
    runs = [g for g in getattr(inside, "geoms", [inside]) if g.geom_type == "LineString" and not g.is_empty]
    return max(runs, key=lambda g: g.length) if runs else None

def label_and_lead(x: float, y: float, box: Box, rule: str, shape=None):
    """What of a label must keep off the lines: where ``rule`` is "clear", the box (or the
    label's own ``shape``, a name turned along a strip) and the way from the point to it (but
    the point's first 3 px, where a line through the point itself lies); where it is "side",
    the way from the point to the box's middle, as the page has it (labels.js). A label is set
    beyond no line from its point (Suifenhe's name once stood on the Soviet side of the border,
    and then across it, mostly on the Soviet side; Blagoveshchensk's, 1 px off the Amur on
    overview-1col, on the Manchurian bank), and across none where it can be helped."""
    from shapely.geometry import LineString, Point
    from shapely.geometry import box as rectangle
    from shapely.ops import nearest_points

    if rule == "side":  # from the point itself: a point 1 px off the line is on its side
        return LineString([(x, y), ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)])
    if shape is None:
        shape, (ex, ey) = rectangle(*box), nearest_on_box(x, y, box)
    else:
        near = nearest_points(Point(x, y), shape)[1]
        ex, ey = near.x, near.y
    d = math.dist((x, y), (ex, ey))
    t = min(1.0, 3 / d) if d else 1.0
    lead = LineString([(x + (ex - x) * t, y + (ey - y) * t), (ex, ey)]) if d > 3 else Point(ex, ey)
    return shape.union(lead)


def nearest_on_box(x: float, y: float, box: Box) -> tuple[float, float]:
    """The point of ``box`` nearest (x, y): where a label's leader line ends."""
    return min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
