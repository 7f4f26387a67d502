"""The furniture of the print sheet under the map: scale bar and north arrow, the legend
(incident types drawn, with their lettered markers, then the map's line and area layers),
attribution and the line of sources. Text escaped by ``parts.text``."""

from __future__ import annotations

import math

from geo.config import BASE
from geo.geometry.content import MapContent
from geo.geometry.tilegrid import metres_between
from geo.incident_types import BY_NAME, INCIDENT_TYPES
from geo.render.citations import entry_for, work, work_name
from geo.render.names import kept_whole
from geo.render.sheets.marks import text_width, wrap
from geo.render.sheets.parts import (
    INK,
    PT,
    Sizes,
    frame_extent,
    group_marker,
    incidents,
    marker,
    metres_per_px,
    text,
    town_dot,
)
from geo.render.style import STRIPE_WIDTH, TOWN, height_symbol, legend_rows


def scale_and_north(content, s: Sizes, y: float, mw: int) -> str:
    """A scale bar (true at the map's middle latitude) at the left under the map and a north
    arrow at the right: the Mercator frame's north is up everywhere."""
    west, south, east, north = frame_extent(content, mw)
    mid = (south + north) / 2
    metres = metres_per_px(content, mw)
    most = metres * mw * 0.3
    length = max(v * 10 ** k for k in range(0, 8) for v in (1, 2, 5) if v * 10 ** k <= most)
    bar = length / metres
    label = f"{length // 1000:g} km" if length >= 1000 else f"{length:g} m"
    if north - south > 3:
        label += f" (at {mid:.0f}° N)"
    by, h = y + s.legend * 0.9, 0.9 * PT
    x0 = s.pad
    parts = [f'<g id="scale"><rect x="{x0}" y="{by:.1f}" width="{bar:.1f}" height="{h:.1f}" '
             f'fill="#ffffff" stroke="{INK}" stroke-width="{0.4 * PT:.2f}"/>',
             f'<rect x="{x0}" y="{by:.1f}" width="{bar / 2:.1f}" height="{h:.1f}" fill="{INK}"/>',
             text(x0 + bar + 1.5 * PT, by + h / 2 + s.legend * 0.36, label, s.legend), "</g>"]
    ax, ay, ah = mw - s.pad - s.legend * 0.5, y + s.legend * 0.35, s.legend * 1.55
    parts.append(f'<g id="north"><polygon points="{ax:.1f},{ay:.1f} {ax + ah * 0.3:.1f},{ay + ah:.1f} '
                 f'{ax:.1f},{ay + ah * 0.75:.1f} {ax - ah * 0.3:.1f},{ay + ah:.1f}" fill="{INK}"/>'
                 + text(ax - ah * 0.45, ay + ah * 0.8, "N", s.legend, bold=True, anchor="end")
                 + "</g>")
    return "".join(parts)


# An area less than this many pixels across on a sheet is not seen there: its legend omits it
SEEN_PX = 4


def legend(content, s: Sizes, y: float, marks, per_px: float = 0.0, whole: tuple = ()) -> tuple[str, float]:
    """Legend entries (incident types drawn, the key of the numbered groups, then the map's
    line and area layers) in ``s.columns`` columns; returns the SVG and the y below it.
    ``marks``: layout.Marks; ``per_px``: the map frame's metres a pixel; ``whole``: the names
    kept on one line (names.whole_names)."""
    placed, unplaced = incidents(content)
    counts = {t.name: 0 for t in INCIDENT_TYPES}
    for f in placed:
        counts[f["properties"].get("type", "")] = counts.get(f["properties"].get("type", ""), 0) + 1
    entries = [(lambda x, cy, t=t: marker(t.name, x, cy, s.marker), f"{t.label} ({counts[t.name]})")
               for t in INCIDENT_TYPES if counts[t.name]]
    entries += [(lambda x, cy, m=members: group_marker(m, x, cy, s.marker), group_key(members, near))
                for members, near in marks.keyed]
    rows = legend_rows(content.layers, frame_extent(content, s.width), page=False,
                       least_m=SEEN_PX * per_px, hidden=marks.hidden)
    entries += [(lambda x, cy, st=style, m=mark: _swatch(st, m, x, cy, s), ", ".join(texts))
                for style, mark, texts in rows]
    if marks.towns:  # the towns the sheet named, under their layer's title
        title = next(layer.spec.title for layer in content.layers if layer.spec.kind == BASE
                     and any(f["properties"].get("kind") == TOWN for f in layer.collection["features"]))
        entries.append((lambda x, cy: town_dot(x, cy), title))
    notes = []
    if marks.keyed:
        notes.append("A circle's number is how many incidents of one place it stands for, too many "
                     "to show apart at this scale; the key says where they are.")
    if marks.fanned:  # (one note for both: a 1-column sheet is mostly legend as it is)
        notes.append("Incidents too close to show apart are fanned out; a line leads to each place"
                     + (", as from a marker set off a place's symbol." if marks.moved else "."))
    elif marks.moved:  # (the Amur's one incident, set off Kanchazu Island's symbol: not a fan)
        notes.append("A marker set off its place, to leave the place's symbol in sight, has a line "
                     "leading to it.")
    for short, name in marks.shortened:  # ("MPR" on the overview sheet had said nothing more)
        notes.append(f"{short.upper()}: {name}.")
    if unplaced:
        notes.append(unplaced_note(unplaced))
    gap = 3 * PT
    col_w = (s.width - 2 * s.pad - gap * (s.columns - 1)) / s.columns
    symbol_w = s.marker * 2.1
    line_h = s.legend * 1.2
    blocks = []
    for draw, label in entries:
        lines = wrap(kept_whole(label, whole), s.legend, col_w - symbol_w)
        blocks.append((draw, lines, max(s.marker * 1.25, line_h * len(lines) + s.legend * 0.35)))
    parts, bottom = ['<g id="legend">'], y
    for draw, lines, x, middle in _laid_out(blocks, s, y, col_w, gap, symbol_w):
        parts.append(draw(x + symbol_w / 2 - s.marker * 0.25, middle))
        first = middle - line_h * (len(lines) - 1) / 2 + s.legend * 0.36
        for k, line in enumerate(lines):
            parts.append(text(x + symbol_w, first + k * line_h, line, s.legend))
        bottom = max(bottom, middle + max(s.marker * 1.25, line_h * len(lines) + s.legend * 0.35) / 2)
    for note in notes:
        for line in wrap(note, s.legend, s.width - 2 * s.pad):
            bottom += line_h
            parts.append(text(s.pad, bottom, line, s.legend, italic=True))
    return "".join(parts) + "</g>", bottom


def _laid_out(blocks: list, s: Sizes, y: float, col_w: float, gap: float, symbol_w: float):
    """(draw, lines, x, middle y) of each legend entry (``blocks``: (draw, lines, height)): in
    ``s.columns`` columns of about equal height; in one column (a 1-column sheet), two entries
    side by side, in two aligned halves, where both fit in half its width on one line, as a
    newspaper sets a key (one entry to a line, the 1-column sheets' keys had run longer than
    their maps)."""
    if s.columns > 1:
        total = sum(h for _, _, h in blocks)
        x, cy, column = float(s.pad), y, 0
        for draw, lines, h in blocks:
            if column < s.columns - 1 and cy - y + h / 2 > total / s.columns:
                column, cy, x = column + 1, y, x + col_w + gap
            yield draw, lines, x, cy + h / 2
            cy += h
        return
    half = (col_w - gap) / 2

    def fits(block) -> bool:
        return len(block[1]) == 1 and symbol_w + text_width(block[1][0], s.legend) <= half
    cy, k = y, 0
    while k < len(blocks):
        row = blocks[k:k + 2] if k + 1 < len(blocks) and fits(blocks[k]) and fits(blocks[k + 1]) \
            else blocks[k:k + 1]
        height = max(h for *_, h in row)
        for n, (draw, lines, _) in enumerate(row):
            yield draw, lines, s.pad + n * (half + gap), cy + height / 2
        cy, k = cy + height, k + len(row)


def group_key(members: list[dict], near: tuple) -> str:
    """A numbered group's line in the key: how many incidents, where (within how many km of
    the place they lie nearest, ``near``: a group at the scale of the overview may reach 40 km
    from Lake Khasan; near each of the places, where they lie nearest several: "near Lake Buir
    and Nomonhan"), in which years, and of which types (their markers' letters, most first)."""
    types: dict[str, int] = {}
    for f in members:
        letter = BY_NAME[f["properties"].get("type", "")].letter
        types[letter] = types.get(letter, 0) + 1
    years = sorted({str(f["properties"].get("date", ""))[:4] for f in members} - {""})
    when = "" if not years else f", {years[0]}" if years[0] == years[-1] else \
        f", {years[0]}\u2013{years[-1]}"
    most_first = sorted(types.items(), key=lambda t: (-t[1], t[0]))
    kinds = ", ".join(f"{letter}\u00a0{n}" for letter, n in most_first)
    where = ""
    if len(near) > 1:
        names = [name for name, _, _ in near]
        where = f" near {', '.join(names[:-1])} and {names[-1]}"
    elif near:
        name, lon, lat = near[0]
        reach = max(metres_between((lon, lat), tuple(f["geometry"]["coordinates"][:2])) for f in members)
        if reach > SPREAD_M:  # spread over a region: how far
            where = f" within {math.ceil(reach / 5000) * 5}\u00a0km of {name}"
        else:  # at one place: where its middle lies from the named one
            where = f" {_from(near[0], members)} {name}"
    return f"{len(members)} incidents{where}{when}: {kinds}"


SPREAD_M = 10_000  # a numbered group reaching further from its named place is a region's


def _from(near: tuple[str, float, float], members: list[dict]) -> str:
    """Where the middle of a group's incidents lies from the place ``near`` is (name, lon, lat):
    "at", or "2 km north-east of" (two groups near Zaozernaya were both keyed "within 5 km of
    Zaozernaya" on the Khasan 1-column sheet)."""
    _, lon, lat = near
    points = [f["geometry"]["coordinates"][:2] for f in members]
    mx, my = sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)
    distance = metres_between((lon, lat), (mx, my))
    if distance < 500:
        return "at"
    east, north = (mx - lon) * math.cos(math.radians(lat)), my - lat
    compass = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")
    heading = compass[round(math.degrees(math.atan2(east, north)) / 45) % 8]
    return f"{max(1, round(distance / 1000))}\u00a0km {heading} of"


def _swatch(style, mark: str, x: float, cy: float, s: Sizes) -> str:
    w = s.marker * 1.7
    k = s.raster_scale
    if mark == "area":
        return (f'<rect x="{x - w / 2:.1f}" y="{cy - s.marker * 0.4:.1f}" width="{w:.1f}" '
                f'height="{s.marker * 0.8:.1f}" fill="{style.fill}" fill-opacity="{style.fill_opacity}" '
                f'stroke="{style.color}" stroke-width="{max(style.weight, 0.5) * k:.1f}"/>')
    if mark == "line":
        dash = (f' stroke-dasharray="{",".join(f"{float(d) * k:g}" for d in style.dash.split())}"'
                if style.dash else "")
        line = f'<line x1="{x - w / 2:.1f}" y1="{cy:.1f}" x2="{x + w / 2:.1f}" y2="{cy:.1f}" '
        if style.stripe:  # the solid line, then the stripe's dashes inside it (style._rules)
            stripe = style.weight * STRIPE_WIDTH * k
            return (f'{line}stroke="{style.color}" stroke-width="{style.weight * k:.1f}"/>'
                    f'{line}stroke="{style.stripe}" stroke-width="{stripe:.1f}"{dash}/>')
        return f'{line}stroke="{style.color}" stroke-width="{style.weight * k:.1f}"{dash}/>'
    if mark == "height":  # the symbol, at the size the basemap draws it
        h = height_symbol()
        return (f'<g transform="translate({x - h["width"] / 2 * k:.1f},{cy - h["height"] / 2 * k:.1f}) '
                f'scale({k:g})"><path d="{h["d"]}" fill="{h["fill"]}" stroke="{h["stroke"]}" '
                f'stroke-width="{h["stroke-width"]}" stroke-linejoin="round"/></g>')
    return (f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="{s.symbol:.1f}" fill="{style.color}" '
            f'stroke="#ffffff" stroke-width="{1.5 * k:.1f}"/>')


def credits(content, s: Sizes, whole: tuple = ()) -> list[str]:
    width = s.width - 2 * s.pad
    lines = wrap(content.attribution, s.small, width) if content.attribution else []
    sources = cited_sources(content)
    if sources:
        lines += wrap(kept_whole("Sources: " + "; ".join(sources) + ".", whole), s.small, width)
    return lines


def cited_sources(content: MapContent) -> list[str]:
    """The works the drawn incidents cite, as a reader can look them up: by the title (and
    kind) of their bibliography entry, never by a file name (render.citations.work). A
    bibliography title names the work, then after a colon the passage: the work is printed.
    Base data the attribution line credits (``in_attribution``) is not named twice (GSHHG was,
    on the overview's and the Suifenhe sheets)."""
    placed, _ = incidents(content)
    return sorted({work_name(work(source, content.bibliography))
                   for f in placed for source in f["properties"].get("sources") or []
                   if not (entry_for(source, content.bibliography) or {}).get("in_attribution")})


def unplaced_note(unplaced: int) -> str:
    """What a sheet says of the incidents it cannot draw: a print reader has no list to look
    them up in (the sheets said "listed without a place", as the page, whose list holds them)."""
    if unplaced == 1:
        return "1 more incident is not drawn: the sources give no place for it."
    return f"{unplaced} more incidents are not drawn: the sources give no place for them."
