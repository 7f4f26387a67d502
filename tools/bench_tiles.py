"""Tile speed for the benchmark: ours (1 process, all cores, unchanged rebuild) against a bare
Mapnik loop and a naive matplotlib renderer. Run through ``python tools/bench.py``."""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_FORMAT = "png8:m=h:z=9"  # the yardstick's encoding, fixed: what the tiles used before
ROUNDS = 3  # runs of ours on 1 and on every process, in turn: the machine's speed drifts


def _content(layers_dir: Path, map_name: str):
    from geo.geometry import contents
    from geo.inputs.check import load_and_check

    project, layers, _ = load_and_check(layers_dir)
    return contents(project, layers, [map_name])[0]


def bench_tiles(layers_dir: Path, map_name: str, jobs: int, naive_sample: int) -> None:
    """Tiles/s of our renderer (one process, all cores) against a bare Mapnik loop and a
    naive matplotlib renderer; bytes per tile and the share of duplicates in the archive."""

    import mapnik

    from geo.geometry.tilegrid import map_tiles, mercator_bounds
    from geo.output.tilesets import write_tileset
    from geo.render.executors import InlineExecutor, make_executor, start_workers
    from geo.render.style import load_style, style_xml

    content = _content(layers_dir, map_name)
    tile_list = map_tiles(content.spec)
    xml = style_xml(content)
    n = len(tile_list)

    m = mapnik.Map(256, 256)
    load_style(m, xml)
    started = time.perf_counter()
    for t in tile_list:
        m.zoom_to_box(mapnik.Box2d(*mercator_bounds(t)))
        image = mapnik.Image(256, 256)
        mapnik.render(m, image)
        image.to_string(BARE_FORMAT)
    bare = n / (time.perf_counter() - started)

    with tempfile.TemporaryDirectory(prefix=".bench-", dir=ROOT) as tmp:  # (see bench.main)
        ones, manys = [], []  # in turn, ROUNDS times: the ratio of each pair, then the median
        machine, creates = [], []  # the anchors of that ratio, measured in the same rounds
        with make_executor(jobs) as pool:
            start_workers(pool, jobs)  # as in a build, where one pool serves every map
            for round_ in range(ROUNDS):
                ones.append(write_tileset(content, Path(tmp) / f"one{round_}", None,
                                          InlineExecutor()).seconds)
                report_n = write_tileset(content, Path(tmp) / f"all{round_}", None, pool)
                manys.append(report_n.seconds)
                machine.append(_cpu_speedup(pool, jobs))
                creates.append(_create_ms(Path(tmp) / f"files{round_}"))
        last = Path(tmp) / f"all{ROUNDS - 1}"
        again = write_tileset(content, Path(tmp) / "again", last, InlineExecutor())
        archive_bytes = (last / "tiles" / f"{map_name}.mbtiles").stat().st_size
        distinct = report_n.unique

    naive = _naive_matplotlib(content, tile_list[:: max(1, n // naive_sample)][:naive_sample])
    print(f"\ntiles of '{map_name}': {n} tiles, zooms {content.spec.min_zoom}-{content.spec.max_zoom}")
    one, many = n / statistics.median(ones), n / statistics.median(manys)
    speedup = statistics.median(a / b for a, b in zip(ones, manys, strict=True))
    print(f"  bare Mapnik loop (yardstick)   {bare:8.0f} tiles/s  (one render call per tile)")
    print(f"  ours, 1 process                {one:8.0f} tiles/s  ({one / bare:.2f}x the bare loop;"
          f" median of {ROUNDS}, {statistics.median(ones):.1f} s, hashing, known tiles and "
          "writing included)")
    print(f"  ours, {jobs} processes            {many:8.0f} tiles/s  ({speedup:.2f}x ours on 1,"
          f" median of the {ROUNDS} pairs: " + ", ".join(f"{a / b:.2f}" for a, b in zip(
              ones, manys, strict=True)) + ")")
    print(f"  this machine, same rounds: {jobs} processes of a C loop give "
          f"{statistics.median(machine):.2f}x one (" + ", ".join(f"{r:.2f}" for r in machine)
          + f"); a new file costs {statistics.median(creates):.2f} ms here ("
          + ", ".join(f"{c:.2f}" for c in creates) + f"), {report_n.unique} files and the "
          "folders above them, created by the main process")
    print(f"  ours, unchanged rebuild        {n / again.seconds:8.0f} tiles/s"
          f"  ({again.seconds:.2f} s, every tile reused)")
    print(f"  naive matplotlib per tile      {naive:8.1f} tiles/s  (sample of {naive_sample})")
    print(f"  bytes per tile (PNG, mean)     {report_n.bytes / n:8.0f}")
    print(f"  distinct tiles                 {distinct:8d}  ({1 - distinct / n:.0%} duplicates)")
    print(f"  MBTiles archive                {archive_bytes:8,d} bytes "
          f"(folder: {report_n.bytes:,d} bytes of PNG)")


def _cpu_speedup(pool, jobs: int, n: int = 30_000_000) -> float:
    """What ``jobs`` processes give over one on this machine now, for work with nothing
    shared and nothing written (a loop in C): our ratio's yardstick, which the host's other
    load moves from run to run (over ``jobs``x when it slowed the one-process loop)."""
    started = time.perf_counter()
    sum(range(jobs * n))
    one = time.perf_counter() - started
    started = time.perf_counter()
    for future in [pool.submit(sum, range(n)) for _ in range(jobs)]:
        future.result()
    return one / (time.perf_counter() - started)


def _create_ms(folder: Path, n: int = 200) -> float:
    """Milliseconds to create one small file in the folder the tiles are written to: on
    some file systems (ext4 without a journal, after many files were deleted) it is a large
    share of the main process's work in a cold tile set."""
    folder.mkdir()
    data = b"\0" * 2000
    started = time.perf_counter()
    for i in range(n):
        (folder / f"{i}.png").write_bytes(data)
    return (time.perf_counter() - started) / n * 1000


def _naive_matplotlib(content, sample) -> float:
    """What a quick script would do: one matplotlib figure per tile, every layer plotted."""
    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from geo.geometry.tilegrid import mercator_bounds as xy_bounds

    frames = []
    for layer in content.layers:
        if layer.spec.kind == "incidents" or not layer.collection["features"]:
            continue
        frame = gpd.GeoDataFrame.from_features(layer.collection["features"], crs="EPSG:4326")
        frames.append((frame.to_crs("EPSG:3857"), layer.spec.style))
    started = time.perf_counter()
    for t in sample:
        fig = plt.figure(figsize=(2.56, 2.56), dpi=100)
        ax = fig.add_axes([0, 0, 1, 1])
        ax.set_axis_off()
        for frame, style in frames:
            frame.plot(ax=ax, color=style.fill or "none", edgecolor=style.color,
                       linewidth=style.weight)
        left, bottom, right, top = xy_bounds(t)
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    return len(sample) / (time.perf_counter() - started)
