"""``build_maps.py serve``: build, serve output/ on 127.0.0.1, rebuild on save, reload the page.

As in mkdocs, the watcher (watchfiles, in a thread) only notes that something changed in the
layers folder (maps.toml with it) or in the source texts; one loop rebuilds, and keeps serving
whatever happens: a broken layer, or a crash of the build itself. Pages are sent with a small
script added on the fly (the files in output/ stay as the build wrote them) that asks the server
every half second for the build's state: it reloads after a successful rebuild, and shows the
errors over the map when the build failed, until it is fixed.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import tomllib
import traceback
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import watchfiles

from geo.config import CONFIG_NAME, BuildOptions, sources_path
from geo.errors import BuildError
from geo.output import content_cache
from geo.render.pages.csp import content_security_policy, with_policy
from geo.render.pages.text_pages import render_no_map, serve_client

WATCHED_SUFFIXES = (".geojson", ".json", ".toml", ".txt")
DEBOUNCE_MS = 400  # at most this long to group the changes of one save
STEP_MS = 50  # changes are handed on once the files have been quiet this long
WAIT_SECONDS = 20  # a page's question "anything new since N?" is answered at once or after this


class BuildState:
    """The result of the last build, shared by the rebuild loop and the HTTP handlers."""

    def __init__(self):
        self.lock = threading.Condition()
        self.version = 0  # successful builds
        self.generation = 0  # builds, successful or not: what a waiting page is told about
        self.errors: list[str] = []

    def succeeded(self) -> None:
        with self.lock:
            self.version += 1
            self.generation += 1
            self.errors = []
            self.lock.notify_all()

    def failed(self, errors: list[str]) -> None:
        with self.lock:
            self.generation += 1
            self.errors = errors
            self.lock.notify_all()

    def snapshot(self, since: int | None = None, timeout: float = WAIT_SECONDS) -> dict:
        """The state now, or, with ``since``, once a build newer than that generation has
        ended (or the timeout passed): the page hears of a rebuild the moment it is done."""
        with self.lock:
            if since is not None:
                self.lock.wait_for(lambda: self.generation != since, timeout)
            return {"version": self.version, "generation": self.generation,
                    "errors": list(self.errors)}


class Handler(http.server.SimpleHTTPRequestHandler):
    state: BuildState

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = self.path.split("?")[0]
        if path == "/__build__":
            since = parse_qs(urlsplit(self.path).query).get("since", [""])[0]
            state = self.state.snapshot(int(since) if since.isdigit() else None)
            return self._send(json.dumps(state).encode(), "application/json")
        if path.endswith("/"):
            path += "index.html"
        if path.endswith(".html"):
            file = Path(self.translate_path(path))
            page = (file.read_text(encoding="utf-8") if file.is_file() else
                    render_no_map(self.state.snapshot()["errors"]))
            page = page.replace("</html>", serve_client() + "</html>", 1)
            # the page's policy allows only the build's scripts: let this one in, and its polling
            page = with_policy(page, content_security_policy(page, connect="'self'"))
            return self._send(page.encode(), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass  # keep the terminal for build messages


class InputFilter(watchfiles.DefaultFilter):
    """Changes to the files a build reads: layers, maps.toml, source texts (not editor litter)."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def watched_folders(layers_dir: Path, sources_dir: Path | None) -> list[Path]:
    """The layers folder (with maps.toml) and the source texts' folder, those that exist."""
    folders = [layers_dir]
    try:
        raw = tomllib.loads((layers_dir / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raw = {}
    folders.append(sources_path(layers_dir, raw, sources_dir))
    found = []
    for folder in folders:
        if folder.is_dir() and all(folder.resolve() != f.resolve() for f in found):
            found.append(folder)
    return found


def watch(folders: list[Path], out_dir: Path, wanted: threading.Event, stop: threading.Event,
          log) -> None:
    """Set ``wanted`` whenever an input in ``folders`` changes, until ``stop`` is set."""
    changes = watchfiles.watch(*folders, watch_filter=InputFilter(ignore_paths=[out_dir.resolve()]),
                               debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop,
                               raise_interrupt=False)
    try:
        for _ in changes:
            wanted.set()
    except Exception as exc:  # e.g. a watched folder was removed: keep serving, say why
        log(f"Stopped watching {', '.join(map(str, folders))}: {type(exc).__name__}: {exc}")


class ServeError(Exception):
    """The preview cannot start (the port is taken): one line for the user, not a traceback."""


def serve(layers_dir: Path, out_dir: Path, sources_dir: Path | None, options: BuildOptions,
          port: int = 8000, log=print, ready=None, stop: threading.Event | None = None) -> None:
    """Serve until Ctrl-C (or until ``stop`` is set). ``ready(url)`` is called once the server
    listens and the inputs are watched."""
    stop = stop or threading.Event()
    state = BuildState()
    handler = functools.partial(type("BoundHandler", (Handler,), {"state": state}),
                                directory=str(out_dir))
    try:  # the port first: a busy one is said at once, not after a build
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise ServeError(f"cannot serve on 127.0.0.1:{port} ({exc.strerror}); choose another "
                         "port with --port, or --port 0 for any free one") from None
    with content_cache.remembering():
        _serve(layers_dir, out_dir, sources_dir, options, log, ready, stop, state, server)


def _serve(layers_dir, out_dir, sources_dir, options, log, ready, stop, state, server) -> None:
    """Build, then serve and rebuild on each settled save until stopped."""
    rebuild(layers_dir, out_dir, sources_dir, options, state, log)
    out_dir.mkdir(parents=True, exist_ok=True)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    wanted = threading.Event()
    folders = watched_folders(layers_dir, sources_dir)
    stop_watching, watcher = watching(folders, out_dir, wanted, log)
    log(f"Serving {out_dir} at {url} (watching {', '.join(map(str, folders))}; Ctrl-C stops)")
    if ready:
        ready(url)
    try:
        while not stop.is_set():
            if not wanted.wait(0.2):
                continue
            wanted.clear()
            rebuild(layers_dir, out_dir, sources_dir, options, state, log)
            if (now := watched_folders(layers_dir, sources_dir)) != folders:  # `sources` moved
                stop_watching.set()
                watcher.join(timeout=5)
                folders = now
                stop_watching, watcher = watching(folders, out_dir, wanted, log)
                log(f"Watching {', '.join(map(str, folders))}")
    except KeyboardInterrupt:
        log("Stopped.")
    finally:
        stop_watching.set()
        server.shutdown()
        server.server_close()


def watching(folders: list[Path], out_dir: Path, wanted: threading.Event, log
             ) -> tuple[threading.Event, threading.Thread]:
    """Start watching ``folders`` in a thread; setting the event returned stops it."""
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(folders, out_dir, wanted, stop, log), daemon=True)
    thread.start()
    return stop, thread


def rebuild(layers_dir, out_dir, sources_dir, options, state: BuildState, log) -> None:
    """Build once; whatever goes wrong is shown in the page's overlay and serving goes on."""
    from geo.output import build as output  # looked up on each call (tests replace it)

    try:
        # the pages and tiles first, the print images after: the page reloads without them
        report = output.build(layers_dir, out_dir, sources_dir, log,
                              replace(options, images_later=options.static))
        if report.images_pending:
            state.succeeded()
            log(f"Drawing the print images of {', '.join(report.images_pending)}")
            output.build(layers_dir, out_dir, sources_dir, log, options)
            return
    except BuildError as exc:
        errors = [str(p) for p in exc.problems]
        for line in errors:
            log(line)
        log("Build failed; still serving the last good build.")
        state.failed(errors)
    except Exception as exc:  # a bug, a full disk...: say where in the terminal, keep serving
        crash = f"Build crashed: {type(exc).__name__}: {exc}"
        log(traceback.format_exc().rstrip())
        log(f"{crash}; still serving the last good build.")
        state.failed([crash])
    else:
        state.succeeded()
