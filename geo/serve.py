"""``build_maps.py serve``: build, serve output/ on 127.0.0.1, rebuild on save, reload the page.

As in mkdocs, the watcher only notes that something changed; one loop waits for the changes
to settle, rebuilds, and keeps serving whatever happens. Pages are sent with a small script
added on the fly (the files in output/ stay as the build wrote them) that asks the server
every half second for the build's state: it reloads after a successful rebuild, and shows the
errors over the map when the layers are broken, until they are fixed.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from pathlib import Path

from geo.config import BuildOptions
from geo.errors import BuildError
from geo.output.build import build
from geo.render.csp import content_security_policy, with_policy

POLL_SECONDS = 0.3
SETTLE_SECONDS = 0.3
WATCHED_SUFFIXES = {".geojson", ".json", ".toml"}

CLIENT = """
<script>
/* Added by `build_maps.py serve` only: reload after a rebuild, show build errors. */
(function () {
  var seen = null;
  function overlay(errors) {
    var box = document.getElementById("build-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "build-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:100000;background:rgba(40,0,0,.88);" +
        "color:#fff;font:14px/1.5 monospace;padding:24px;overflow:auto;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "The layers have errors; the map below is from the last good build.\\n\\n" +
      errors.join("\\n");
  }
  function poll() {
    fetch("/__build__", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (state) {
        if (seen !== null && state.version !== seen) { location.reload(); return; }
        seen = state.version;
        overlay(state.errors);
      }).catch(function () {}).finally(function () { setTimeout(poll, 500); });
  }
  poll();
})();
</script>
"""


class BuildState:
    """The result of the last build, shared by the rebuild loop and the HTTP handlers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = 0
        self.errors: list[str] = []

    def succeeded(self) -> None:
        with self.lock:
            self.version += 1
            self.errors = []

    def failed(self, errors: list[str]) -> None:
        with self.lock:
            self.errors = errors

    def snapshot(self) -> dict:
        with self.lock:
            return {"version": self.version, "errors": list(self.errors)}


class Handler(http.server.SimpleHTTPRequestHandler):
    state: BuildState

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = self.path.split("?")[0]
        if path == "/__build__":
            return self._send(json.dumps(self.state.snapshot()).encode(), "application/json")
        if path.endswith("/"):
            path += "index.html"
        if path.endswith(".html"):
            file = Path(self.translate_path(path))
            page = (file.read_text(encoding="utf-8") if file.is_file() else
                    "<!DOCTYPE html><html><body><p>No map built yet.</p></body></html>")
            page = page.replace("</html>", CLIENT + "</html>", 1)
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


def snapshot_mtimes(folders: list[Path]) -> dict[Path, float]:
    found = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in WATCHED_SUFFIXES and path.is_file():
                found[path] = path.stat().st_mtime_ns
    return found


def serve(layers_dir: Path, out_dir: Path, sources_dir: Path | None, options: BuildOptions,
          port: int = 8000, log=print, ready=None) -> None:
    """Serve until Ctrl-C. ``ready(url)`` is called once the server listens."""
    state = BuildState()
    rebuild(layers_dir, out_dir, sources_dir, options, state, log)
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(type("BoundHandler", (Handler,), {"state": state}),
                                directory=str(out_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    log(f"Serving {out_dir} at {url} (watching {layers_dir}; Ctrl-C stops)")
    if ready:
        ready(url)
    watched = [layers_dir]
    try:
        before = snapshot_mtimes(watched)
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot_mtimes(watched)
            if now == before:
                continue
            while True:  # wait until the editor has finished saving
                time.sleep(SETTLE_SECONDS)
                settled = snapshot_mtimes(watched)
                if settled == now:
                    break
                now = settled
            before = now
            rebuild(layers_dir, out_dir, sources_dir, options, state, log)
    except KeyboardInterrupt:
        log("Stopped.")
    finally:
        server.shutdown()
        server.server_close()


def rebuild(layers_dir, out_dir, sources_dir, options, state: BuildState, log) -> None:
    try:
        build(layers_dir, out_dir, sources_dir, log, options)
    except BuildError as exc:
        errors = [str(p) for p in exc.problems]
        for line in errors:
            log(line)
        log("Build failed; still serving the last good build.")
        state.failed(errors)
    else:
        state.succeeded()
