"""What each map was made of at the last build (its combined layers, as plain JSON), kept in
the output folder so that an edit of an incident's text rebuilds pages without redoing the
geometry: the places, clips and measurements are those of the last build, the text is new.

The build uses it only when every input but the incidents' text is as it was (the manifest's
placement fingerprints say so); a test holds its pages to those of a full build, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from geo.config import Project
from geo.inputs.load import Layer
from geo.jsontext import compact, parse

FOLDER = ".content"


def path(name: str) -> str:
    """Where a map's content is kept, relative to the output folder."""
    return f"{FOLDER}/{name}.json"


def dumps(content) -> str:
    """A map's content (a geometry.combine.MapContent) as the text kept for the next build."""
    layers = [{"layer": layer.spec.name, "heavy": layer.heavy, "collection": layer.collection}
              for layer in content.layers]
    return compact({"layers": layers})


def incident_ids(content) -> list[str]:
    """The ids of the incidents a map shows (on it or in its list), sorted."""
    return sorted(str(f["properties"]["id"]) for layer in content.layers
                  if layer.spec.kind == "incidents" for f in layer.collection["features"])


def with_new_text(previous: Path, project: Project, incident_layers: list[Layer],
                  names: list[str]) -> list:
    """The contents of maps ``names`` as the last build made them, with the incidents' text
    of ``incident_layers`` (read and checked anew)."""
    from geo.geometry.combine import MapLayer, assemble, with_incident_text

    features = {f["properties"]["id"]: f for layer in incident_layers for f in layer.features}
    contents = []
    for name in names:
        kept = parse((previous / path(name)).read_bytes())
        layers = [MapLayer(project.layers[k["layer"]], k["collection"], k["heavy"])
                  for k in kept["layers"]]
        contents.append(with_incident_text(assemble(project.maps[name], layers, project),
                                           features))
    return contents
