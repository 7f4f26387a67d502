"""The build: read and check everything, then write every page, then swap output/ in.

Nothing touches the output folder until every input is known good, and the new output is
written to a temporary sibling folder first: a failed or interrupted build leaves the
previous maps exactly as they were.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from geo import manifest
from geo.config import Project, read_project
from geo.errors import BuildError, Problem
from geo.load import Layer, load_layer

MARKER = ".built-by-build_maps"
INDEX_TITLE = "Maps of the Soviet–Japanese border conflicts, 1932–1939"


@dataclass(frozen=True)
class BuildOptions:
    """How to build, beyond what maps.toml says."""

    tiles: bool = True  # render the basemap to tiles; without, the HTML draws it as vectors
    retina: bool = False  # also render 512 px @2x tiles
    static: bool = True  # PNG and SVG image of each map
    jobs: int | None = None  # worker processes for tiles; None means every core
    scheduler: str | None = None  # address of a Dask scheduler to render tiles on
    progress: bool = True  # progress bars on stderr
    force: bool = False  # ignore the last build: render every map and tile anew

    def fingerprint(self) -> dict:
        """The options that change what is written (not how fast)."""
        return {"tiles": self.tiles, "retina": self.retina, "static": self.static}


@dataclass(frozen=True)
class BuildReport:
    pages: dict[str, int]  # file name -> bytes
    incidents: dict[str, int]  # map name -> incidents shown
    warnings: list[Problem]
    seconds: float
    tilesets: list = field(default_factory=list)  # geo.tiles.TilesetReport
    rebuilt: list = field(default_factory=list)  # names of the maps built anew


def load_and_check(layers_dir: Path, sources_dir: Path | None = None
                   ) -> tuple[Project, list[Layer], list[Problem]]:
    """Read maps.toml and every layer; return them with the warnings, or raise BuildError."""
    from geo.validate import validate

    project = read_project(layers_dir, sources_dir)
    layers, problems = [], []
    by_file: dict[Path, Layer] = {}
    for spec in project.layers.values():
        if spec.file in by_file:  # one file drawn as two layers is read once
            layers.append(replace(by_file[spec.file], spec=spec))
            continue
        try:
            by_file[spec.file] = load_layer(spec)
            layers.append(by_file[spec.file])
        except BuildError as exc:
            problems += exc.problems
    problems += validate(project, layers)
    if any(p.severity == "error" for p in problems):
        raise BuildError(problems)
    return project, layers, problems


def build(layers_dir: Path, out_dir: Path, sources_dir: Path | None = None,
          log=lambda message: None, options: BuildOptions = BuildOptions()) -> BuildReport:
    """Build the maps of ``layers_dir/maps.toml`` into ``out_dir``: only those whose inputs
    changed since the last build; the others are carried over from it."""
    started = time.perf_counter()
    _check_out_dir(layers_dir, out_dir)
    with build_lock(out_dir):
        previous = out_dir if (out_dir / MARKER).is_file() and not options.force else None
        old_maps = manifest.read(out_dir).get("maps", {}) if previous else {}
        digests = manifest.map_digests(layers_dir, sources_dir, options.fingerprint())
        if digests is not None and digests == {n: m.get("digest") for n, m in old_maps.items()}:
            log(f"{out_dir} is up to date.")
            return BuildReport(pages={}, incidents={n: m["incidents"] for n, m in old_maps.items()},
                               warnings=[], seconds=time.perf_counter() - started, rebuilt=[])
        return _build(layers_dir, out_dir, sources_dir, log, options, started, previous,
                      old_maps, digests or {})


def _build(layers_dir, out_dir, sources_dir, log, options, started, previous, old_maps, digests
           ) -> BuildReport:
    project, layers, warnings = load_and_check(layers_dir, sources_dir)
    log(f"Checked {len({layer.spec.file for layer in layers})} layer files "
        f"in {time.perf_counter() - started:.1f} s")
    changed = [name for name in project.maps
               if name not in digests or old_maps.get(name, {}).get("digest") != digests[name]
               or not _can_reuse(previous, name)]

    from geo.combine import combine
    from geo.project import measure, to_frame, with_lengths
    from geo.write import alt_text, render_embed, render_index, render_map

    frames = {layer.spec.name: to_frame(layer) for layer in layers}
    border_names = [n for n, spec in project.layers.items() if spec.kind == "border"]
    borders = _concat([frames[n] for n in border_names])
    for name in border_names:
        frames[name] = with_lengths(frames[name])
    for name, spec in project.layers.items():
        if spec.kind == "incidents":
            frames[name] = measure(frames[name], borders)

    contents = [combine(project.maps[name], frames, project) for name in changed]
    pages: dict[str, str] = {}
    tilesets = []
    entries = {}
    with staged_output(out_dir) as staging:
        for name in project.maps:
            if name not in changed:
                _reuse_map_outputs(previous, staging, name)
                entries[name] = old_maps[name]
                log(f"{name}: unchanged")
        if contents and (options.tiles or options.static):
            from geo import tiles

            with tiles.make_executor(options.jobs, options.scheduler) as executor:
                for content in contents:
                    tilesets += _render_images(content, staging, previous, executor, options, log)
        for content in contents:
            name = content.spec.name
            for layer in content.layers:
                if layer.heavy:
                    n = len(layer.collection["features"])
                    log(f"{name}: layer {layer.spec.name!r} ({n} features) is too heavy for the "
                        "page; " + ("it is drawn in the tiles only" if options.tiles
                                    else "left out, as --no-tiles has no tiles to draw it in"))
            pages[f"{name}.html"] = render_map(content, tiled=options.tiles, retina=options.retina,
                                               static=options.static)
            entries[name] = {"digest": digests.get(name), "incidents": content.count("incidents"),
                             "alt": alt_text(content.spec, content)}
            log(f"{name}: wrote {name}.html, {content.count('incidents')} incidents, "
                f"{len(pages[f'{name}.html'].encode()) // 1024} KiB")
        for name, spec in project.maps.items():
            entries[name].update(title=spec.title, description=spec.description)
        entries = {name: entries[name] for name in project.maps}  # maps.toml order
        pages["index.html"] = render_index(list(entries.items()), INDEX_TITLE)
        pages["embed.html"] = render_embed(list(entries.items()), INDEX_TITLE, options.static)
        for name, text in pages.items():
            (staging / name).write_text(text, encoding="utf-8")
        manifest.write(staging, entries)
    log(f"Built {len(changed)} of {len(project.maps)} maps into {out_dir} "
        f"in {time.perf_counter() - started:.1f} s")
    return BuildReport(
        pages={name: len(text.encode()) for name, text in pages.items()},
        incidents={name: entry["incidents"] for name, entry in entries.items()},
        warnings=warnings,
        seconds=time.perf_counter() - started,
        tilesets=tilesets,
        rebuilt=changed,
    )


def _map_outputs(name: str) -> list[str]:
    """The files and folders of one map in the output folder."""
    return [f"{name}.html", f"{name}.png", f"{name}.svg", f".{name}.static.sha256",
            f"tiles/{name}", f"tiles/{name}.mbtiles", f"tiles/{name}@2x.mbtiles"]


def _can_reuse(previous: Path | None, name: str) -> bool:
    return previous is not None and (previous / f"{name}.html").is_file()


def _reuse_map_outputs(previous: Path, staging: Path, name: str) -> None:
    """Carry an unchanged map over from the last build, as hard links (no copying)."""
    from geo.tiles import link_or_copy

    for relative in _map_outputs(name):
        source = previous / relative
        if source.is_dir():
            for path in source.rglob("*"):
                if path.is_file():
                    target = staging / path.relative_to(previous)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    link_or_copy(path, target)
        elif source.is_file():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source, staging / relative)


@contextmanager
def build_lock(out_dir: Path):
    """Hold ``.<out>.lock`` beside the output folder: one build at a time writes there.

    A second build fails at once with a clear message instead of interleaving. Holding the
    lock, we also clear what a killed build may have left behind.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(out_dir.parent / f".{out_dir.name}.lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError([Problem(str(out_dir), message=(
                "another build is writing to this folder right now; "
                "wait for it to finish"))]) from None
        _recover(out_dir)
        yield


def _recover(out_dir: Path) -> None:
    """Remove staging folders of killed builds; undo a swap that was cut in half."""
    for stale in out_dir.parent.glob(f".{out_dir.name}-old-*"):
        if not out_dir.exists() and (stale / "previous").is_dir():
            os.rename(stale / "previous", out_dir)
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out_dir.parent.glob(f".{out_dir.name}-new-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _render_images(content, staging: Path, previous: Path | None, executor,
                   options: BuildOptions, log) -> list:
    """Tiles, MBTiles archive and static images of one map; reuse what has not changed."""
    from geo import tiles

    name = content.spec.name
    reports = []
    if options.tiles:
        for scale in (1, 2) if options.retina else (1,):
            label = f"Tiles {name}" + ("@2x" if scale == 2 else "")
            progress = tiles.Progress(label) if options.progress else (lambda done, total: None)
            report = tiles.render_tileset(content, staging, previous, executor, scale, progress)
            suffix = "@2x" if scale == 2 else ""
            archive = staging / "tiles" / f"{name}{suffix}.mbtiles"
            old_archive = previous / "tiles" / archive.name if previous else None
            if report.rendered == 0 and old_archive and old_archive.is_file():
                tiles.link_or_copy(old_archive, archive)
            else:
                tiles.write_mbtiles(archive, staging / "tiles" / name, content, suffix)
            log(f"{label}: {report.tiles} tiles ({report.rendered} rendered, {report.reused} "
                f"unchanged), {report.unique} distinct, {report.bytes // 1024} KiB, "
                f"{report.seconds:.1f} s")
            reports.append(report)
    if options.static:
        if tiles.render_static_cached(content, staging, previous):
            log(f"Wrote {name}.png and {name}.svg")
    return reports


@contextmanager
def staged_output(out_dir: Path):
    """Yield an empty folder beside ``out_dir``; on success it replaces ``out_dir`` whole.

    On any error or interruption the folder is removed and ``out_dir`` stays as it was.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    try:
        yield staging
        (staging / MARKER).write_text("This folder is generated by build_maps.py; "
                                      "edits here are lost on the next build.\n")
        os.chmod(staging, 0o755)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
            os.rename(out_dir, old / "previous")
            os.rename(staging, out_dir)
            shutil.rmtree(old)
        else:
            os.rename(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_out_dir(layers_dir: Path, out_dir: Path) -> None:
    out, layers = out_dir.resolve(), layers_dir.resolve()
    if out == layers or layers in out.parents or out in layers.parents:
        raise BuildError([Problem(str(out_dir), message=(
            "the output folder may not contain or sit inside the layers folder"))])
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BuildError([Problem(str(out_dir), message=(
            "refusing to replace a folder that build_maps.py did not write; "
            "choose an empty or new --out folder"))])


def _concat(frames):
    import geopandas as gpd
    import pandas as pd

    if not frames:
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")
