"""The build: read and check everything, then write every page, then swap output/ in.

Nothing touches the output folder until every input is known good, and the new output is
written to a temporary sibling folder first: a failed or interrupted build leaves the
previous maps exactly as they were.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

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


@dataclass(frozen=True)
class BuildReport:
    pages: dict[str, int]  # file name -> bytes
    incidents: dict[str, int]  # map name -> incidents shown
    warnings: list[Problem]
    seconds: float
    tilesets: list = field(default_factory=list)  # geo.tiles.TilesetReport


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
    """Build every map of ``layers_dir/maps.toml`` into ``out_dir``."""
    started = time.perf_counter()
    _check_out_dir(layers_dir, out_dir)
    project, layers, warnings = load_and_check(layers_dir, sources_dir)
    n_features = sum(len(layer.features) for layer in layers)
    log(f"Checked {len(layers)} layers ({n_features} features) "
        f"in {time.perf_counter() - started:.1f} s")

    from geo.combine import combine
    from geo.project import measure, to_frame, with_lengths
    from geo.write import render_index, render_map

    frames = {layer.spec.name: to_frame(layer) for layer in layers}
    border_names = [n for n, spec in project.layers.items() if spec.kind == "border"]
    borders = _concat([frames[n] for n in border_names])
    for name in border_names:
        frames[name] = with_lengths(frames[name])
    for name, spec in project.layers.items():
        if spec.kind == "incidents":
            frames[name] = measure(frames[name], borders)

    contents = [combine(spec, frames, project) for spec in project.maps.values()]
    previous = out_dir if (out_dir / MARKER).is_file() else None
    pages: dict[str, str] = {}
    tilesets = []
    with staged_output(out_dir) as staging:
        if options.tiles or options.static:
            from geo import tiles

            with tiles.make_executor(options.jobs, options.scheduler) as executor:
                for content in contents:
                    tilesets += _render_images(content, staging, previous, executor, options, log)
        for content in contents:
            name = f"{content.spec.name}.html"
            pages[name] = render_map(content, tiled=options.tiles, retina=options.retina)
            log(f"Wrote {name}: {content.count('incidents')} incidents, "
                f"{len(pages[name].encode()) // 1024} KiB")
        pages["index.html"] = render_index(contents, INDEX_TITLE)
        for name, text in pages.items():
            (staging / name).write_text(text, encoding="utf-8")
    log(f"Built {len(contents)} maps into {out_dir} in {time.perf_counter() - started:.1f} s")
    return BuildReport(
        pages={name: len(text.encode()) for name, text in pages.items()},
        incidents={c.spec.name: c.count("incidents") for c in contents},
        warnings=warnings,
        seconds=time.perf_counter() - started,
        tilesets=tilesets,
    )


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
