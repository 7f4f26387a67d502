"""Read maps.toml and every layer it names, and check them all: the inputs stage as one call.

Used by the build, by ``check`` (which writes nothing) and by the benchmark.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from geo.config import Project
from geo.errors import BuildError, Problem
from geo.inputs.load import Layer, load_layer
from geo.inputs.maps_toml import read_project


def load_and_check(layers_dir: Path, sources_dir: Path | None = None,
                   kinds: set[str] | None = None, checked: dict | None = None
                   ) -> tuple[Project, list[Layer], list[Problem]]:
    """Read maps.toml and every layer (or those of ``kinds``: the build reads only the
    incidents when nothing else changed since its last run); return them with the
    warnings, or raise BuildError. ``checked``: see ``validate``."""
    from geo.inputs.validate import checked_before, validate

    project = read_project(layers_dir, sources_dir)
    known = checked_before(project, checked)
    layers, problems = [], []
    by_file: dict[Path, Layer] = {}
    for spec in project.layers.values():
        if kinds is not None and spec.kind not in kinds:
            continue
        if spec.file in by_file:  # one file drawn as two layers is read (and parsed) once
            layers.append(replace(by_file[spec.file], spec=spec))
            continue
        try:
            layer = load_layer(spec, parse=False)
            if not known(layer):
                layer = load_layer(spec)
            by_file[spec.file] = layer
            layers.append(layer)
        except BuildError as exc:
            problems += exc.problems
    problems += validate(project, layers, checked)
    if any(p.severity == "error" for p in problems):
        raise BuildError(problems)
    return project, layers, problems
