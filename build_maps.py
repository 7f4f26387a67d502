#!/usr/bin/env python3
"""Build the maps: ``python build_maps.py`` (same as ``build``), ``serve``, ``check``, ``fmt``,
``basedata``. Only wiring lives here; the work is done in ``geo``.
"""

from __future__ import annotations

import argparse
import signal
import sys
from dataclasses import replace
from pathlib import Path

from geo.errors import BuildError, StepFailed

COMMANDS = ("build", "serve", "check", "fmt", "basedata")


def common(p: argparse.ArgumentParser) -> None:
    """Options every command takes."""
    p.add_argument("--layers", type=Path, default=Path("layers"),
                   help="folder with maps.toml and the GeoJSON layers (default: layers)")
    p.add_argument("--sources", type=Path, default=None,
                   help="folder of the cited source texts (default: from maps.toml)")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list the maps carried over unchanged")


def building(p: argparse.ArgumentParser) -> None:
    """Options of build and serve."""
    common(p)
    p.add_argument("--out", type=Path, default=Path("output"),
                   help="folder to write the maps to (default: output)")
    p.add_argument("--no-tiles", action="store_true",
                   help="skip the tile basemap and draw base geography as vectors")
    p.add_argument("--no-static", action="store_true",
                   help="skip the static PNG/SVG image of each map")
    p.add_argument("--retina", action="store_true", help="also render 512 px @2x tiles")
    p.add_argument("-j", "--jobs", type=int, default=None,
                   help="processes rendering tiles (default: every core)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="render tiles on a Dask cluster, e.g. tcp://10.0.0.5:8786")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="build_maps.py",
        description="Build sourced, offline Leaflet maps of the Soviet–Japanese border "
                    "conflicts from the GeoJSON layers in layers/.")
    commands = top.add_subparsers(dest="command")
    build = commands.add_parser("build", help="build the maps into --out (the default command)")
    building(build)
    build.add_argument("--force", action="store_true",
                       help="rebuild every map, even those whose inputs did not change")
    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild on save")
    building(serve)
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    check = commands.add_parser("check", help="validate the layers; write nothing")
    common(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    fmt = commands.add_parser("fmt", help="rewrite layer files in canonical form (keeps .bak)")
    common(fmt)
    fmt.add_argument("--check", action="store_true",
                     help="only list the files that would change; exit 1 if any")
    fmt.add_argument("files", nargs="*", type=Path, help="layer files (default: every layer)")
    basedata = commands.add_parser(
        "basedata", help="regenerate layers/base/*.geojson from GSHHG/WDBII (rewrites them)")
    common(basedata)
    return top


class Terminated(KeyboardInterrupt):
    """SIGTERM (kill, systemd, a CI's time limit): the build stops as on Ctrl-C, its staging
    folder removed and its workers shut down, the previous output unchanged."""


def _terminate(signum, frame):
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {*COMMANDS, "-h", "--help"}:
        argv.insert(0, "build")  # `python build_maps.py [options]` means build
    top = parser()
    args = top.parse_args(argv)
    say = (lambda message: None) if args.quiet else (lambda m: print(m, file=sys.stderr,
                                                                     flush=True))
    try:
        if args.command == "check":
            return check(args, say)
        if args.command == "fmt":
            return fmt(args, say)
        if args.command == "basedata":
            return basedata(args, say)
        if args.jobs is not None and args.jobs < 1:
            top.error("--jobs must be at least 1")
        from geo.config import BuildOptions

        options = BuildOptions(tiles=not args.no_tiles, static=not args.no_static,
                               retina=args.retina, jobs=args.jobs, scheduler=args.scheduler,
                               progress=not args.quiet)
        if args.command == "serve":
            from geo.serve import ServeError, serve

            try:
                serve(args.layers, args.out, args.sources, options, args.port, log=say)
            except ServeError as exc:
                print(exc, file=sys.stderr)
                return 1
            return 0
        return build(args, options, say)
    except BuildError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"Build failed: {errors} error{'s' if errors != 1 else ''}; nothing was written.",
              file=sys.stderr)
        return 1
    except Exception as exc:  # no check foresaw it: one line, not a traceback
        if args.verbose:  # (every command takes -v)
            import traceback

            traceback.print_exc()
        what = f"while making {exc}" if isinstance(exc, StepFailed) else \
            f"with {type(exc).__name__}: {exc}"
        print(f"{args.command.capitalize()} failed {what}", file=sys.stderr)
        print("The previous output is unchanged; -v shows where in the code it failed.",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt as stopped:
        print("Interrupted; the previous output is unchanged.", file=sys.stderr)
        return 143 if isinstance(stopped, Terminated) else 130


def build(args, options, say) -> int:
    from geo.output.build import build as run_build

    if args.force:
        options = replace(options, force=True)
    log = say if args.verbose else (lambda m: None if m.endswith(": unchanged") else say(m))
    report = run_build(args.layers, args.out, args.sources, log, options)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    return 0


def check(args, say) -> int:
    from geo.inputs.check import load_and_check

    _, layers, warnings = load_and_check(args.layers, args.sources)
    for warning in warnings:
        print(warning, file=sys.stderr)
    if args.strict and warnings:
        print(f"Check failed: {len(warnings)} warning{'s' if len(warnings) != 1 else ''} "
              "(--strict).", file=sys.stderr)
        return 1
    files = {layer.spec.file: len(layer.features) for layer in layers}
    say(f"OK: {len(files)} layer files, {sum(files.values())} features")
    return 0


def fmt(args, say) -> int:
    import json

    from geo.inputs.fmt import format_file
    from geo.inputs.maps_toml import read_project

    files = args.files or sorted({spec.file for spec in read_project(args.layers).layers.values()})
    changed = []
    for path in files:
        try:
            if format_file(path, check=args.check):
                changed.append(path)
        except (OSError, ValueError) as exc:  # not JSON: `check` says where
            detail = f"{exc.lineno}:{exc.colno}: " if isinstance(exc, json.JSONDecodeError) else ""
            print(f"{path}:{detail}cannot format: {exc}", file=sys.stderr)
            return 1
    for path in changed:
        say(f"{'would reformat' if args.check else 'reformatted (original kept as .bak)'}: {path}")
    if not changed:
        say(f"{len(files)} files already canonical")
    return 1 if args.check and changed else 0


def basedata(args, say) -> int:
    from geo.inputs.basedata import covering_extent, write
    from geo.inputs.maps_toml import read_project

    project = read_project(args.layers, args.sources)
    for path in write(covering_extent(project.maps.values()), args.layers / "base"):
        say(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)  # (here, not in main(): tests call main())
    sys.exit(main())
