#!/usr/bin/env python3
"""Build the maps: ``python build_maps.py`` (same as ``build``), ``check``, ``basedata``.

Only wiring lives here; the work is done by ``geo.build``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.errors import BuildError

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="build_maps.py",
        description="Build sourced, offline Leaflet maps of the Soviet–Japanese border "
                    "conflicts from the GeoJSON layers in layers/.")
    commands = parser.add_subparsers(dest="command")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--layers", type=Path, default=Path("layers"),
                       help="folder with maps.toml and the GeoJSON layers (default: layers)")
        p.add_argument("--sources", type=Path, default=None,
                       help="folder of the cited source texts (default: from maps.toml)")
        p.add_argument("-q", "--quiet", action="store_true", help="print errors only")

    build = commands.add_parser("build", help="build every map into --out (the default)")
    common(build)
    build.add_argument("--out", type=Path, default=Path("output"),
                       help="folder to write the maps to (default: output)")
    build.add_argument("--no-tiles", action="store_true",
                       help="skip the tile basemap and draw base geography as vectors")
    build.add_argument("--no-static", action="store_true",
                       help="skip the static PNG/SVG image of each map")
    build.add_argument("--retina", action="store_true", help="also render 512 px @2x tiles")
    build.add_argument("-j", "--jobs", type=int, default=None,
                       help="processes rendering tiles (default: every core)")
    build.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="render tiles on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    check = commands.add_parser("check", help="validate the layers without writing anything")
    common(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    basedata = commands.add_parser(
        "basedata", help="regenerate layers/base/*.geojson from GSHHG/WDBII (rewrites them)")
    common(basedata)

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {"build", "check", "basedata", "-h", "--help"}:
        argv.insert(0, "build")  # `python build_maps.py [options]` means build
    args = parser.parse_args(argv)
    log = (lambda message: None) if args.quiet else (lambda m: print(m, file=sys.stderr))

    try:
        if args.command == "check":
            from geo.build import load_and_check

            _, layers, warnings = load_and_check(args.layers, args.sources)
            for w in warnings:
                print(w, file=sys.stderr)
            if args.strict and warnings:
                print(f"Check failed: {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
                      " (--strict).", file=sys.stderr)
                return 1
            files = {layer.spec.file: len(layer.features) for layer in layers}
            log(f"OK: {len(files)} layer files, {sum(files.values())} features")
            return 0
        if args.command == "basedata":
            from geo.basedata import covering_extent, write
            from geo.config import read_project

            project = read_project(args.layers, args.sources)
            for path in write(covering_extent(project.maps.values()), args.layers / "base"):
                log(f"Wrote {path}")
            return 0
        from geo.build import BuildOptions
        from geo.build import build as run_build

        if args.jobs is not None and args.jobs < 1:
            parser.error("--jobs must be at least 1")
        options = BuildOptions(tiles=not args.no_tiles, static=not args.no_static,
                               retina=args.retina, jobs=args.jobs, scheduler=args.scheduler,
                               progress=not args.quiet)
        report = run_build(args.layers, args.out, args.sources, log, options)
        for w in report.warnings:
            print(w, file=sys.stderr)
        return 0
    except BuildError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(f"Build failed: {errors} error{'s' if errors != 1 else ''}; "
              "nothing was written.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the previous output is unchanged.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
