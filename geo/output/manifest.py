"""What each output was built from: input fingerprints, so a rebuild can skip what is current.

Only the standard library is imported here, so that a build with nothing to do answers in a
fraction of a second, before geopandas, folium or Mapnik are loaded.

A map's fingerprint is ``config.map_inputs`` (its part of maps.toml and of the layers it
depends on) with the digests of those layers' files and of its DEM (`dem`), the names of the
source texts, the build options and the code of this package.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from pathlib import Path

from geo.config import CONFIG_NAME, INCIDENTS, map_inputs, sources_path

MANIFEST = ".manifest.json"
PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def code_digest() -> str:
    """Hash of the package's code, scripts, styles and schemas: a new version rebuilds all.
    (Read once per process: the fingerprints and the geometry cache's keys both use it.)"""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in {".py", ".js", ".css", ".json", ".html"} and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def map_digests(layers_dir: Path, sources_dir: Path | None, options: dict,
                placement: bool = False) -> dict[str, str] | None:
    """{map name: fingerprint of its inputs} (or, with ``placement``, of all but the text of
    the incidents: see ``fingerprints``), or None if maps.toml cannot even be read."""
    both = fingerprints(layers_dir, sources_dir, options)
    return None if both is None else both[1 if placement else 0]


def fingerprints(layers_dir: Path, sources_dir: Path | None, options: dict
                 ) -> tuple[dict[str, str], dict[str, str]] | None:
    """({map: fingerprint of its inputs}, {map: placement fingerprint}), each input read once;
    None if maps.toml cannot even be read (the full build then reports why).

    The placement fingerprint counts incident files only for what places and draws them (ids,
    geometry, type, the maps that list them): everything but the text that the pages alone
    show. Equal to the last build's, and a rebuild need not redo the geometry or tiles.
    """
    try:
        raw = tomllib.loads((layers_dir / CONFIG_NAME).read_text(encoding="utf-8"))
        sources = sources_path(layers_dir, raw, sources_dir)
        common = {
            "code": code_digest(),
            "options": options,
            "sources": sorted(p.name for p in sources.iterdir()) if sources.is_dir() else [],
        }
        file_digests: dict[str, tuple[str, str]] = {}  # file -> (bytes digest, placement digest)
        digests, placements = {}, {}
        for name in raw["maps"]:
            inputs = map_inputs(raw, name)
            for table in inputs["layers"].values():
                if table["file"] not in file_digests:
                    file_digests[table["file"]] = _file_digests(
                        layers_dir / table["file"], table.get("kind") == INCIDENTS)
            dem = inputs["map"].get("dem")
            extra = {}
            if isinstance(dem, str):  # the relief is drawn from it: editing it rebuilds the map
                extra[dem] = hashlib.sha256((layers_dir / dem).read_bytes()).hexdigest()
            for which, out in ((0, digests), (1, placements)):
                files = {t["file"]: file_digests[t["file"]][which]
                         for t in inputs["layers"].values()}
                text = json.dumps({**common, **inputs, "files": {**files, **extra}},
                                  sort_keys=True, default=str)
                out[name] = hashlib.sha256(text.encode()).hexdigest()
        return digests, placements
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError):
        return None


def _file_digests(path: Path, incidents: bool) -> tuple[str, str]:
    """(digest of the file's bytes, digest of what places and draws its incidents)."""
    data = path.read_bytes()
    whole = hashlib.sha256(data).hexdigest()
    if not incidents:
        return whole, whole
    try:
        features = json.loads(data)["features"]
        placed = json.dumps([[f.get("geometry"), *((f.get("properties") or {}).get(key)
                                                 for key in ("id", "type", "maps"))]
                             for f in features], sort_keys=True).encode()
    except (ValueError, KeyError, TypeError, AttributeError):
        return whole, whole  # not readable as GeoJSON: the bytes decide (the build says why)
    return whole, hashlib.sha256(placed).hexdigest()


def incident_text_digest(incident_layers, ids: list[str]) -> str:
    """A hash of what the incident files say of incidents ``ids`` (the ones a map shows): with
    the placement unchanged, a map whose digest is the same shows the same text."""
    wanted = set(ids)
    said = sorted(([f["properties"]["id"], f["properties"]] for layer in incident_layers
                   for f in layer.features if (f.get("properties") or {}).get("id") in wanted),
                  key=lambda pair: str(pair[0]))
    return hashlib.sha256(json.dumps(said, sort_keys=True, default=str).encode()).hexdigest()


def read(out_dir: Path) -> dict:
    """The manifest of the last successful build into ``out_dir`` (empty if none)."""
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def dumps(maps: dict[str, dict], checked: dict | None = None) -> str:
    """The manifest's text: {"maps": {map: {"digest": ..., "incidents": n, ...}}, "checked":
    {"code": ..., "files": the layer files' check records (``inputs.validate``)}}."""
    manifest = {"maps": maps}
    if checked:
        manifest["checked"] = {"code": code_digest(), "files": checked}
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def checked_files(manifest: dict) -> dict:
    """The check records of the layer files from the last build, if made by this code."""
    checked = manifest.get("checked")
    if isinstance(checked, dict) and checked.get("code") == code_digest() and isinstance(
            checked.get("files"), dict):
        return checked["files"]
    return {}
