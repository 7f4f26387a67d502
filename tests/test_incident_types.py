"""The incident types are one table (geo/incident_types.py); every other place follows it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from geo.incident_types import INCIDENT_TYPES

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_schema_lists_exactly_the_types_of_the_table():
    schema = json.loads((ROOT / "geo/inputs/schemas/incident.schema.json").read_text())
    assert schema["properties"]["type"]["enum"] == [t.name for t in INCIDENT_TYPES]


def test_letters_and_names_are_unique_and_colours_are_colours():
    assert len({t.name for t in INCIDENT_TYPES}) == len(INCIDENT_TYPES)
    assert len({t.letter for t in INCIDENT_TYPES}) == len(INCIDENT_TYPES)
    for t in INCIDENT_TYPES:
        assert re.fullmatch(r"#[0-9a-f]{6}", t.fill) and re.fullmatch(r"#[0-9a-f]{6}", t.ink), t
        assert t.shape in {"circle", "square", "diamond"}, t


def test_the_tile_style_colours_incidents_from_the_table():
    from geo.config import Style
    from geo.render.style import _rules

    rules = _rules(Style(), "incidents")
    for t in INCIDENT_TYPES:
        assert f"[type] = '{t.name}'</Filter><MarkersSymbolizer fill=\"{t.fill}\"" in rules


def test_an_unknown_type_is_named_with_the_types_of_the_table():
    from geo.inputs.validate import _schema_errors

    errors = _schema_errors("incidents", {"type": "naval"})
    messages = " ".join(e.message for e in errors)
    assert "'naval' is not one of" in messages and "'battle'" in messages


def test_every_type_has_its_own_print_marker_and_a_new_shape_is_an_error(monkeypatch):
    """The print sheet draws each type in its shape with its letter; a type whose shape it
    cannot draw stops the build (it once fell back to a circle marked '?')."""
    import pytest

    from geo import incident_types
    from geo.render.sheets.parts import marker

    drawn = {t.name: marker(t.name, 10, 10, 20) for t in INCIDENT_TYPES}
    for t in INCIDENT_TYPES:
        assert f">{t.letter}</text>" in drawn[t.name] and f'fill="{t.fill}"' in drawn[t.name]
    assert len(set(drawn.values())) == len(INCIDENT_TYPES)
    odd = INCIDENT_TYPES[0]._replace(shape="hexagon")
    monkeypatch.setitem(incident_types.BY_NAME, odd.name, odd)
    with pytest.raises(ValueError, match="hexagon"):
        marker(odd.name, 10, 10, 20)
