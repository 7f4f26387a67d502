"""Stage 2, geometry: layers in WGS84, measured in metres, combined into one MapContent a map."""
