"""The kinds of incident: the one table every stage reads.

The JSON Schema's ``type`` enum is made from it when layers are checked (a test holds the
shipped schema file to it, for editors that read the file), the tile style and static images
colour markers by it, and the page receives it as data for markers, legend and list, with the
CSS rules of each kind generated from it. Add a kind here and every stage follows.
"""

from __future__ import annotations

from typing import NamedTuple


class IncidentType(NamedTuple):
    name: str  # the value of an incident's "type" property
    letter: str  # drawn in the marker, so the type never rests on colour alone
    label: str  # legend text
    fill: str  # marker colour (WCAG AA against `ink`, checked in the browser tests)
    ink: str  # colour of the letter
    shape: str  # "circle", "square" or "diamond"


# The markers' dark ink: their ring (style.MARKER_STROKE) and the letter on a light marker
MARKER_INK = "#3b1f00"

INCIDENT_TYPES: tuple[IncidentType, ...] = (
    IncidentType("battle", "B", "Battle", "#a50f15", "#ffffff", "diamond"),
    IncidentType("skirmish", "S", "Skirmish", "#c24100", "#ffffff", "circle"),
    IncidentType("air", "A", "Air and artillery offensive", "#6a51a3", "#ffffff", "circle"),
    IncidentType("river", "R", "River incident", "#08519c", "#ffffff", "square"),
    IncidentType("defection", "D", "Defection", "#01665e", "#ffffff", "circle"),
    IncidentType("diplomatic", "P", "Diplomatic step or ceasefire", "#ffffff", MARKER_INK,
                 "circle"),
    IncidentType("raid", "X", "Raid", "#f16913", MARKER_INK, "circle"),
    IncidentType("violation", "V", "Border violation (no detail given)", "#fdd0a2", MARKER_INK,
                 "circle"),
    IncidentType("reconnaissance", "C", "Reconnaissance", "#74c476", "#10350f", "circle"),
    IncidentType("deployment", "F", "Deployment of forces", "#fee391", MARKER_INK, "square"),
    IncidentType("command", "K", "Command decision or inspection", "#bdbdbd", "#222222",
                 "square"),
)
BY_NAME = {t.name: t for t in INCIDENT_TYPES}
# The gravest kind, the table's first (a battle): a place marker or a sheet's numbered group
# holding one is ringed in its colour (the Khalkhin Gol war's "3" had looked like three
# skirmishes); the page's script takes the same table's first
GRAVEST = INCIDENT_TYPES[0]


def holds_gravest(features) -> bool:
    """Whether any of these incident features is of the gravest kind."""
    return any(f["properties"].get("type") == GRAVEST.name for f in features)
