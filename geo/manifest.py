"""What each output was built from: input fingerprints, so a rebuild can skip what is current.

Only the standard library is imported here, so that a build with nothing to do answers in a
fraction of a second, before geopandas, folium or Mapnik are loaded.

A map's fingerprint covers its table in maps.toml, the tables and files of the layers it draws
(and of every border layer, which the incidents' distances depend on), the bibliography and
attribution, the names of the source texts, the build options and the code of this package.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

MANIFEST = ".manifest.json"
PACKAGE = Path(__file__).resolve().parent


def code_digest() -> str:
    """Hash of the package's code, scripts, styles and schemas: a new version rebuilds all."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in {".py", ".js", ".css", ".json"} and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def map_digests(layers_dir: Path, sources_dir: Path | None, options: dict) -> dict[str, str] | None:
    """{map name: fingerprint of its inputs}, or None if maps.toml cannot even be read
    (the full build then reports why)."""
    try:
        raw = tomllib.loads((layers_dir / "maps.toml").read_text(encoding="utf-8"))
        maps, layers = raw["maps"], raw["layers"]
        sources = Path(sources_dir) if sources_dir else (
            layers_dir / str(raw.get("sources", "../../shared/sources")))
        source_names = sorted(p.name for p in sources.iterdir()) if sources.is_dir() else []
        file_digests = {}
        for table in layers.values():
            path = layers_dir / table["file"]
            if path not in file_digests:
                file_digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        borders = sorted(n for n, t in layers.items() if t.get("kind") == "border")
        common = {
            "code": code_digest(),
            "options": options,
            "sources": source_names,
            "bibliography": raw.get("bibliography", {}),
            "attribution": raw.get("attribution", ""),
        }
        digests = {}
        for name, table in maps.items():
            used = list(table["layers"])
            if any(layers[n].get("kind") == "incidents" for n in used):
                used += borders
            inputs = {
                **common,
                "map": table,
                "layers": {n: [layers[n], file_digests[layers_dir / layers[n]["file"]]]
                           for n in sorted(set(used))},
            }
            text = json.dumps(inputs, sort_keys=True, default=str)
            digests[name] = hashlib.sha256(text.encode()).hexdigest()
        return digests
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError):
        return None


def read(out_dir: Path) -> dict:
    """The manifest of the last successful build into ``out_dir`` (empty if none)."""
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write(out_dir: Path, maps: dict[str, dict]) -> None:
    """Record {map: {"digest": ..., "incidents": n, "title": ..., "description": ...}}."""
    (out_dir / MANIFEST).write_text(json.dumps({"maps": maps}, sort_keys=True, indent=1) + "\n",
                                    encoding="utf-8")
