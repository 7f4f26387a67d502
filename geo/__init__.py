"""Sourced, offline maps of the Soviet–Japanese border conflicts.

The build is a pipeline, one folder per stage, plain values between them:

    inputs    layers/maps.toml + GeoJSON   -> Project, checked Layers  (read_project, load_and_check)
    geometry  Project + Layers             -> one MapContent per map    (geometry.contents)
    render    MapContent                   -> pages as strings; tiles, archives, images as bytes
              (render/pages, render/tiles, render/sheets; style and names shared)
    output    all of it                    -> output/, atomically       (output.build.build)

``config`` holds the plain values every stage shares; ``serve`` builds and rebuilds on save.
"""

__version__ = "0.1.0"
