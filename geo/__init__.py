"""Sourced, offline maps of the Soviet–Japanese border conflicts.

The build is a pipeline with one module per stage, each taking and returning plain values:

    config   layers/maps.toml          -> Project (maps, layer specs, bibliography)
    load     one GeoJSON file          -> Layer (parsed JSON, feature positions, CRS)
    validate Project + Layers          -> list of Problems
    project  Layers                    -> WGS84 GeoDataFrames, measurements in local UTM
    combine  one map + frames          -> MapContent (clipped, simplified, measured)
    write    MapContent                -> standalone HTML
    build    all of the above, written atomically into output/
"""

__version__ = "0.1.0"
