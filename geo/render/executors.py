"""Where tiles are rendered: this process, a local process pool or a Dask cluster.

All three are ``concurrent.futures`` executors, so the renderer has one code path.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import Executor, Future
from contextlib import contextmanager

from geo.errors import BuildError, Problem

PRELOAD = ["geo.render.tiles.tileset", "geo.render.sheets.images", "cairosvg"]  # what workers run


class InlineExecutor(Executor):
    """Runs each task at once in this process: the ``--jobs 1`` executor."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            future.set_exception(exc)
        return future


@contextmanager
def make_executor(jobs: int | None = None, scheduler: str | None = None, early: bool = False):
    """The executor tiles are rendered with: Dask, a process pool, or this process. With
    ``early``, the pool's workers are started at once on another thread: the build reads and
    measures its inputs meanwhile, instead of waiting for them when it first hands out work."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise BuildError([Problem("--scheduler", message=(
                "rendering on a Dask cluster needs Dask: pip install -e '.[distributed]'"))]
                             ) from None
        with Client(scheduler) as client:
            yield client.get_executor()
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        yield InlineExecutor()
        return
    from concurrent.futures import ProcessPoolExecutor  # (loads multiprocessing's machinery)

    context = multiprocessing.get_context("forkserver")
    # the server the workers are forked from loads the renderers once, while this process
    # hashes the tiles; each worker then starts with them loaded (half a second each)
    context.set_forkserver_preload(PRELOAD)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=warm)
    starting = threading.Thread(target=start_workers, args=(pool, jobs), daemon=True)
    if early:
        starting.start()
    try:
        yield pool
    finally:  # on an error or an interruption, the blocks not yet begun are dropped
        if early:
            starting.join()
        pool.shutdown(wait=True, cancel_futures=sys.exc_info()[0] is not None)


def warm() -> None:
    """Start a worker ready to draw: the renderer's modules (Mapnik, shapely) loaded and the
    fonts registered, once for all the blocks of every map it renders, while the main process
    hashes the tiles (each worker also keeps its parsed style: render.tiles.tileset)."""
    from geo.render.style import register_system_fonts
    from geo.render.tiles import tileset  # noqa: F401

    register_system_fonts()


def start_workers(executor: Executor, jobs: int) -> None:
    """Have every worker started and warm now, not on its first block (for timing)."""
    for future in [executor.submit(time.sleep, 0.05) for _ in range(jobs)]:
        future.result()


class Progress:
    """Tiles done, tiles/s and ETA on one refreshed line (a line per 50% when not a TTY)."""

    def __init__(self, label: str, stream=None):
        self.label, self.stream = label, stream or sys.stderr  # the one now, not at import
        self.started = time.perf_counter()
        self.last_print = 0.0
        self.last_decile = -1
        self.tty = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0
        line = (f"{self.label}: {done}/{total} tiles, {rate:,.0f} tiles/s, "
                f"ETA {eta:,.0f} s")
        if self.tty:
            if now - self.last_print > 0.2 or done == total:
                self.stream.write("\r" + line + (" " * 4) + ("\n" if done == total else ""))
                self.stream.flush()
                self.last_print = now
        else:
            decile = done * 10 // max(total, 1)
            if decile != self.last_decile and (decile == 10 or done == 0 or decile % 5 == 0):
                print(line, file=self.stream)
                self.last_decile = decile
