"""The plain pages beside the maps (the index and the embedding guide; no script at all), and
the pages and script `build_maps.py serve` adds: HTML from the Jinja2 templates in
geo/render/templates, which escape every value they are given."""

from __future__ import annotations

from geo.render.jinja import render


def render_index(maps: list[tuple[str, dict]], title: str) -> str:
    """output/index.html: the maps, each (name, {"title", "description", "incidents"})."""
    return render("index.html", maps=maps, title=title)


def render_embed(maps: list[tuple[str, dict]], title: str, static: bool) -> str:
    """output/embed.html: per map, an iframe snippet to paste into an article."""
    return render("embed.html", maps=maps, title=title, static=static)


def render_no_map(errors: list[str]) -> str:
    """What serve answers for a page the build has not written: the errors of the last build
    if it failed (before any map was built), else that nothing is there yet."""
    return render("no-map.html", errors=errors)


def serve_client() -> str:
    """The script serve adds to every page: reload after a rebuild, show the build's errors."""
    return render("serve-client.html")
