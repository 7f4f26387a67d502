"""Stage 2, geometry: layers in WGS84, measured in metres, combined into one MapContent a map."""

from __future__ import annotations

from geo.config import INCIDENTS


def contents(project, layers, names=None, kept=None) -> list:
    """The geometry stage, whole: one ``MapContent`` per map of ``names`` (default: every map,
    in maps.toml order). The layers go to WGS84, the incidents are measured against the border
    layers, and each map's layers are clipped and simplified for it. ``kept`` ({map: {layer:
    (collection, heavy), or None}}) holds layers a last build made from the same inputs: they
    are taken as they are, and their files are not framed again.

    (Imports inside: the geometry libraries load only when a map's geometry is made.)"""
    from geo.config import distance_layers
    from geo.geometry.combine import combine, locator
    from geo.geometry.reproject import concat, measure, to_frame, with_lengths

    names = list(project.maps) if names is None else names
    kept = kept or {}
    border_names = distance_layers({n: spec.kind for n, spec in project.layers.items()})
    incident_names = [n for n, spec in project.layers.items() if spec.kind == INCIDENTS]
    needed = {*border_names, *incident_names, *(n for n, spec in project.layers.items() if spec.locator),
              *(n for name in names for n in project.maps[name].layers
                if n not in kept.get(name, {}))}
    frames = {layer.spec.name: to_frame(layer) for layer in layers if layer.spec.name in needed}
    borders = concat([frames[n] for n in border_names])
    for name in border_names:
        frames[name] = with_lengths(frames[name])
    for name in incident_names:
        frames[name] = measure(frames[name], borders)
    drawn = locator(project, frames)  # (what every map's locator draws of the theatre)
    return [combine(project.maps[name], frames, project, kept.get(name), drawn) for name in names]
