"""Stage 1, inputs: maps.toml and the GeoJSON layers, read with positions and checked."""
