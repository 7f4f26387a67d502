"""What each map was made of at the last build (its combined layers, as plain JSON), kept in
the output folder so that an edit of an incident's text rebuilds pages without redoing the
geometry: the places, clips and measurements are those of the last build, the text is new.

The build uses it only when every input but the incidents' text is as it was (the manifest's
placement fingerprints say so); a test holds its pages to those of a full build, byte for byte.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from geo.config import MapSpec, Project
from geo.inputs.load import Layer
from geo.jsontext import compact, parse

FOLDER = ".content"
_READ: dict[str, tuple[tuple, dict]] | None = None  # path -> (inode, mtime, size; content)


def path(name: str) -> str:
    """Where a map's content is kept, relative to the output folder."""
    return f"{FOLDER}/{name}.json"


def dumps(content, keys: dict[str, str]) -> str:
    """A map's content (a geometry.content.MapContent) as the text kept for the next build,
    each layer with its ``layer_key`` (from ``keys``) where it has one; a layer of ``keys`` that
    left nothing on the map (no sea on an inland map) is kept as that: ``collection`` null."""
    layers = [{"layer": layer.spec.name, "heavy": layer.heavy, "collection": layer.collection,
               "key": keys.get(layer.spec.name)} for layer in content.layers]
    drawn = {layer.spec.name for layer in content.layers}
    layers += [{"layer": name, "heavy": False, "collection": None, "key": key}
               for name, key in sorted(keys.items()) if name not in drawn]
    return compact({"layers": layers, "locator": content.locator})


def layer_key(spec: MapSpec, layer: Layer, code: str) -> str:
    """What map ``spec``'s copy of a layer other than incidents (clipped, simplified, inverted)
    is made from: its file, its table, the map's extent and deepest zoom, and the code."""
    h = hashlib.sha256(layer.text.encode())
    table = replace(layer.spec, file=None)  # the text counts, not where the layers folder is
    h.update(repr((spec.padded_extent(), spec.max_zoom, table, code)).encode())  # (CRS: text)
    return h.hexdigest()


def kept_layers(previous: Path | None, name: str, keys: dict[str, str]) -> dict[str, tuple]:
    """{layer: (collection, heavy), or None if it left nothing on the map} of the layers of map
    ``name`` that the last build made from the very inputs their ``keys`` now name: a geometry
    edit of one layer redoes that layer alone (the base geography, clipped and the sea
    inverted, is most of the work)."""
    try:
        kept = _read(previous / path(name))["layers"] if previous else []
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {k["layer"]: None if k["collection"] is None else (k["collection"], k["heavy"])
            for k in kept if k.get("key") is not None and keys.get(k["layer"]) == k["key"]}


@contextmanager
def remembering():
    """Within: a cache file is parsed once while it is the same one (inode, mtime, size). For
    ``serve``, whose every build reads the last one's, the overview's being megabytes; nothing
    changes a content once made, so the next build may share it. (A single build does not
    keep them: a process that ends with them in memory takes a quarter second to free them.)"""
    global _READ
    _READ = {}
    try:
        yield
    finally:
        _READ = None


def _read(file: Path) -> dict:
    """The parsed content of a cache file (see ``remembering``)."""
    if _READ is None:
        return parse(file.read_bytes())
    status = file.stat()
    identity = (status.st_ino, status.st_mtime_ns, status.st_size)
    last = _READ.get(str(file))
    if last is None or last[0] != identity:
        last = _READ[str(file)] = (identity, parse(file.read_bytes()))
    return last[1]


def incident_ids(content) -> list[str]:
    """The ids of the incidents a map shows (on it or in its list), sorted."""
    return sorted(str(f["properties"]["id"]) for layer in content.layers
                  if layer.spec.kind == "incidents" for f in layer.collection["features"])


def with_new_text(previous: Path, project: Project, incident_layers: list[Layer],
                  names: list[str]) -> list:
    """The contents of maps ``names`` as the last build made them, with the incidents' text
    of ``incident_layers`` (read and checked anew)."""
    from geo.geometry.content import MapLayer, assemble, with_incident_text

    features = {f["properties"]["id"]: f for layer in incident_layers for f in layer.features}
    contents = []
    for name in names:
        kept = _read(previous / path(name))
        layers = [MapLayer(project.layers[k["layer"]], k["collection"], k["heavy"])
                  for k in kept["layers"] if k["collection"] is not None]
        contents.append(with_incident_text(assemble(project.maps[name], layers, project,
                                                    kept.get("locator")), features))
    return contents
