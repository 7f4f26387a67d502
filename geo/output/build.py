"""The build, top to bottom: read and check every input, then make every page and image, then
swap the new output folder in.

    inputs     maps.toml + layers      -> Project, checked Layers      (geo.inputs)
    geometry   Layers                  -> WGS84 frames, measured; one MapContent per map
    render     MapContent              -> HTML strings, tile/image bytes (geo.render)
    output     all of it               -> output/, atomically           (this package)

Only maps whose inputs changed since the last build are made anew (``manifest``); the others
are carried over from it as hard links.
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from geo.config import INCIDENTS, BuildOptions
from geo.errors import Problem, step
from geo.inputs.check import load_and_check
from geo.output import content_cache, folder, manifest, single_file

INDEX_TITLE = "Maps of the Soviet–Japanese border conflicts, 1932–1939"


@dataclass(frozen=True)
class BuildReport:
    pages: dict[str, int]  # file name -> bytes
    incidents: dict[str, int]  # map name -> incidents shown
    warnings: list[Problem]
    seconds: float
    tilesets: list = field(default_factory=list)  # output.tilesets.TilesetReport
    rebuilt: list = field(default_factory=list)  # names of the maps built anew
    stages: dict = field(default_factory=dict)  # stage name -> seconds
    images_pending: list = field(default_factory=list)  # maps whose print images are to draw


def build(layers_dir: Path, out_dir: Path, sources_dir: Path | None = None,
          log=lambda message: None, options: BuildOptions | None = None) -> BuildReport:
    """Build the maps of ``layers_dir/maps.toml`` into ``out_dir``: only those whose inputs
    changed since the last build; the others are carried over from it."""
    started = time.perf_counter()
    options = options or BuildOptions()
    folder.check_out_dir(layers_dir, out_dir)
    with folder.build_lock(out_dir):
        previous = folder.previous_build(out_dir, options.force)
        last = manifest.read(out_dir) if previous else {}
        old_maps = last.get("maps", {})
        digests, placements = manifest.fingerprints(layers_dir, sources_dir,
                                                    options.fingerprint()) or ({}, {})
        if digests and digests == {n: m.get("digest") for n, m in old_maps.items()} and not any(
                m.get("images_pending") for m in old_maps.values()):
            log(f"{out_dir} is up to date.")
            return BuildReport(pages={}, incidents={n: m["incidents"] for n, m in old_maps.items()},
                               warnings=[], seconds=time.perf_counter() - started, rebuilt=[])
        # only the text of incidents changed: reuse the last build's geometry (and so its tiles)
        text_only = bool(placements) and placements == {
            n: m.get("placement") for n, m in old_maps.items()} and all(
            (previous / content_cache.path(n)).is_file() for n in placements)
        unfinished = any(m.get("images_pending") for m in old_maps.values())
        with _executor(options, text_only and not unfinished) as executor:
            return _build(layers_dir, out_dir, sources_dir, log, options, started, previous,
                          old_maps, digests, placements, text_only, manifest.checked_files(last),
                          executor)


def _executor(options: BuildOptions, draws_nothing: bool):
    """Where tiles and print images are drawn: the workers start now, while the inputs are
    read (an edit of text alone, with no print images left to draw: this process)."""
    from geo.render.executors import InlineExecutor, make_executor

    if draws_nothing or not (options.tiles or options.static):
        return nullcontext(InlineExecutor())
    return make_executor(options.jobs, options.scheduler, early=True)


def _build(layers_dir, out_dir, sources_dir, log, options, started, previous, old_maps, digests,
           placements, text_only, checked, executor) -> BuildReport:
    stages: dict[str, float] = {}  # seconds each stage took, for the log and the benchmark
    lap = _stopwatch(stages)
    project, layers, warnings = load_and_check(layers_dir, sources_dir,
                                               {"incidents"} if text_only else None, checked)
    lap("inputs")
    log(f"Checked {len({layer.spec.file for layer in layers})} layer files "
        f"in {time.perf_counter() - started:.1f} s")
    unfinished = {name for name, entry in old_maps.items() if entry.get("images_pending")}
    changed = [name for name in project.maps
               if name not in digests or old_maps.get(name, {}).get("digest") != digests[name]
               or previous is None or not (previous / f"{name}.html").is_file()
               or name in unfinished]
    incident_layers = [layer for layer in layers if layer.spec.kind == INCIDENTS]
    if text_only:  # of these, the maps that show an incident whose text changed
        changed = [name for name in changed if name in unfinished or old_maps[name].get("text")
                   != manifest.incident_text_digest(incident_layers,
                                                    old_maps[name].get("shown", []))]
        contents = content_cache.with_new_text(previous, project, layers, changed)
        keys = {}
    else:
        with step("the maps' geometry"):
            contents, keys = _contents(project, layers, changed, previous)
    lap("geometry")

    from geo.render.pages.page import alt_text, render_map
    from geo.render.pages.text_pages import ARTICLE_MAP, render_article_demo, render_embed, render_index

    pages: dict[str, str] = {}
    tilesets, entries, pending = [], {}, []
    with folder.staged_output(out_dir) as staging:
        for name in project.maps:
            if name not in changed:
                folder.reuse_map_outputs(previous, staging, name)
                entries[name] = {**old_maps[name], "digest": digests.get(name)}
                log(f"{name}: unchanged")
            elif text_only:  # no tile changed: carry them over, as the maps' cached geometry
                folder.reuse_map_outputs(previous, staging, name, [
                    *folder.tile_outputs(name), content_cache.path(name)])
        lap("reuse")
        if contents and options.tiles and not text_only:
            tilesets = _write_tiles(contents, staging, previous, options, log, executor)
        lap("tiles")
        # handed out now, drawn by the workers while this process makes the pages
        images, pending = _start_print_images(contents, staging, previous, options, executor,
                                              set(changed) - unfinished if text_only else set())
        drawn = {report.name: report.pngs for report in tilesets if report.pngs is not None}
        if options.tiles and previous is not None and not text_only:
            pages.update(_new_insets(project, changed, staging, previous, drawn, log))
        for content in contents:
            name = content.spec.name
            _warn_heavy(content, options, log)
            with step(f"the page {name}.html"):
                pages[f"{name}.html"] = render_map(content, tiled=options.tiles,
                                                   retina=options.retina, static=options.static)
                if options.tiles:  # the same page with its basemap inside: it works copied alone
                    pages[f"{name}{single_file.SUFFIX}"] = single_file.single_file_page(
                        content, staging, render_map(content, tiled=True, static=options.static)
                        if options.retina else pages[f"{name}.html"], previous, text_only, drawn)
            shown = content_cache.incident_ids(content)
            entries[name] = {"digest": digests.get(name), "incidents": content.count(INCIDENTS),
                             "alt": alt_text(content.spec, content),
                             "placement": placements.get(name), "shown": shown,
                             "text": manifest.incident_text_digest(incident_layers, shown),
                             **({"images_pending": True} if name in pending else {})}
            if not text_only:  # (with text alone edited, the last build's is linked above)
                folder.write_or_link(staging, content_cache.path(name),
                                     content_cache.dumps(content, keys[name]), previous)
            n = content.count("incidents")
            log(f"{name}: wrote {name}.html, {n} incident{'' if n == 1 else 's'}, "
                f"{len(pages[f'{name}.html'].encode()) // 1024} KiB")
        for name, spec in project.maps.items():
            entries[name].update(title=spec.title, description=spec.description)
        entries = {name: entries[name] for name in project.maps}  # maps.toml order
        pages["index.html"] = render_index(list(entries.items()), INDEX_TITLE)
        pages["embed.html"] = render_embed(list(entries.items()), INDEX_TITLE, options.static)
        if ARTICLE_MAP in project.maps:  # the article API's demo: an article driving that map
            pages["article-demo.html"] = render_article_demo(project.maps[ARTICLE_MAP], [
                f for layer in layers if layer.spec.kind == INCIDENTS
                for f in layer.collection["features"]])
        for name, text in pages.items():
            folder.write_or_link(staging, name, text, previous)
        folder.write(staging, manifest.MANIFEST, manifest.dumps(entries, checked))
        lap("pages")
        _finish_print_images(images, staging, previous, log)
        lap("print images")
    lap("swap")
    log(f"Built {len(changed)} of {len(project.maps)} maps into {out_dir} "
        f"in {time.perf_counter() - started:.1f} s ("
        + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages.items()) + ")")
    return BuildReport(
        pages={name: len(text.encode()) for name, text in pages.items()},
        incidents={name: entry["incidents"] for name, entry in entries.items()},
        warnings=warnings,
        seconds=time.perf_counter() - started,
        tilesets=tilesets,
        rebuilt=changed,
        stages=stages,
        images_pending=pending,
    )


def _stopwatch(stages: dict[str, float]):
    """lap(name): record the seconds since the last lap under ``name``."""
    last = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        stages[name] = stages.get(name, 0.0) + now - last[0]
        last[0] = now
    return lap


def _contents(project, layers, names: list[str], previous: Path | None) -> tuple[list, dict]:
    """The geometry stage, with the layers of each map that the last build made from the same
    inputs taken from its cache. Returns the contents and, per map, each layer's
    ``content_cache.layer_key``."""
    from geo.geometry import contents

    code = manifest.code_digest()
    keys = {name: {layer.spec.name: content_cache.layer_key(project.maps[name], layer, code)
                   for layer in layers if layer.spec.kind != INCIDENTS
                   and layer.spec.name in project.maps[name].layers} for name in names}
    kept = {name: content_cache.kept_layers(previous, name, keys[name]) for name in names}
    return contents(project, layers, names, kept), keys


def _write_tiles(contents, staging: Path, previous: Path | None, options: BuildOptions, log,
                 executor) -> list:
    """Tiles and MBTiles archives of the maps built anew; returns the tile set reports."""
    from geo.output.tilesets import write_tileset
    from geo.render.executors import Progress

    reports = []
    for content in contents:
        name = content.spec.name
        for scale in (1, 2) if options.retina else (1,):
            label = f"Tiles {name}" + ("@2x" if scale == 2 else "")
            progress = Progress(label) if options.progress else (lambda done, total: None)
            with step(f"the tiles of {name}"):
                report = write_tileset(content, staging, previous, executor, scale, progress)
            log(f"{label}: {report.tiles} tiles ({report.rendered} rendered, {report.reused} "
                f"unchanged), {report.unique} distinct, {report.bytes // 1024} KiB, "
                f"{report.seconds:.1f} s")
            reports.append(report)
    return reports


def _start_print_images(contents, staging: Path, previous: Path | None, options: BuildOptions,
                        executor, same_basemap: set[str]) -> tuple[dict, list[str]]:
    """Hand out the print images, one job per map and width: {map: (basemap digest, {width
    suffix: a future of ``render.sheets.images.redrawn``, or its result})}; with ``images_later``,
    keep the last build's images of the maps whose inputs changed, and return those maps too.
    (After the tiles: an edit's tiles are what the page waits for, and the images are drawn
    while it is made.) The maps of ``same_basemap`` (an edit of text alone, their images not
    left for later) have the last build's basemap: its digest is in their images' record."""
    from geo.output.tilesets import keep_last_static, last_static_digests
    from geo.render.sheets.images import PRINT_WIDTHS_MM, basemap_digest, redrawn, static_digest

    images, pending = {}, []
    for content in contents if options.static else ():
        name = content.spec.name
        last, last_basemap = last_static_digests(name, previous)
        basemap = (name in same_basemap and last_basemap) or basemap_digest(content)
        if not options.images_later:
            images[name] = basemap, {suffix: executor.submit(
                redrawn, content, suffix, last.get(suffix), basemap) for suffix in PRINT_WIDTHS_MM}
        elif all(last.get(suffix, ("",))[0] == static_digest(content, suffix, basemap=basemap)
                 for suffix in PRINT_WIDTHS_MM):  # unchanged (an edit of text alone)
            images[name] = basemap, {suffix: _done((last[suffix], None))
                                     for suffix in PRINT_WIDTHS_MM}
        else:
            keep_last_static(staging, previous, name)
            pending.append(name)
    return images, pending


def _done(value) -> Future:
    """A future that has its result already."""
    future: Future = Future()
    future.set_result(value)
    return future


def _finish_print_images(images: dict, staging: Path, previous: Path | None, log) -> None:
    """Write (or link, where unchanged) the print images handed out, and their digests."""
    from geo.output.tilesets import write_static, write_static_digests

    for name, (basemap, jobs) in images.items():
        with step(f"the print images of {name}"):
            done = {suffix: future.result() for suffix, future in jobs.items()}
        for suffix, (_, made) in done.items():
            write_static(staging, previous, name, suffix, made)
        write_static_digests(staging, previous, name, {s: d for s, (d, _) in done.items()},
                             basemap)
        if any(made is not None for _, made in done.values()):
            log(f"Wrote {name}.png/.svg/.pdf (2 columns) and {name}-1col.png/.svg/.pdf")


def _new_insets(project, changed: list[str], staging: Path, previous: Path, drawn: dict,
                log) -> dict:
    """{file: page} of the single-file pages of the maps carried over whose inset (the
    overview's tiles at its widest zoom, inside them) an edit of the overview changed."""
    from geo.geometry.content import widest_map

    overview = widest_map(project)
    pages = {}
    for name in project.maps if overview.name in changed else ():
        page = None if name in changed else single_file.with_new_inset(
            name, overview, staging, previous, drawn)
        if page is not None:  # (written over the last build's link: folder.write unlinks it)
            pages[f"{name}{single_file.SUFFIX}"] = page
            log(f"{name}: its single file has the overview's new inset")
    return pages


def _warn_heavy(content, options: BuildOptions, log) -> None:
    for layer in content.layers:
        if layer.heavy:
            n = len(layer.collection["features"])
            log(f"{content.spec.name}: layer {layer.spec.name!r} ({n} features) is too heavy for "
                "the page; " + ("it is drawn in the tiles only" if options.tiles
                                else "left out, as --no-tiles has no tiles to draw it in"))

