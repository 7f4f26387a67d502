"""The plain pages beside the maps (the index and the embedding guide; no script at all), and
the pages and script `build_maps.py serve` adds: HTML from the Jinja2 templates in
geo/render/pages/templates, which escape every value they are given."""

from __future__ import annotations

from geo.render.pages.jinja import render


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


ARTICLE_MAP = "khasan"  # the map output/article-demo.html drives
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def render_article_demo(spec, features: list[dict]) -> str:
    """output/article-demo.html: an article whose sections drive the map ``spec`` in an iframe
    as they scroll into view, one section per incident the map places inside its extent (in
    date order), with a policy that runs exactly its one script (static/article-demo.js) and
    frames only our pages. ``features`` are the incidents of the project (GeoJSON features, WGS84)."""
    from importlib import resources

    from geo.inputs.dates import parse_date
    from geo.render.pages.csp import content_security_policy, with_policy

    west, south, east, north = spec.extent  # the incidents the map is about
    placed = [f for f in features if f.get("geometry") and f["geometry"]["type"] == "Point"
              and west <= f["geometry"]["coordinates"][0] <= east
              and south <= f["geometry"]["coordinates"][1] <= north]
    placed.sort(key=lambda f: (str(f["properties"]["date"]), f["properties"]["id"]))
    spans = [parse_date(str(f["properties"]["date"])) for f in placed]
    everything = [min(s[0] for s in spans).isoformat(), max(s[1] for s in spans).isoformat()] \
        if spans else None
    w, s, e, n = spec.extent
    whole = {"view": [spec.min_zoom, round((s + n) / 2, 5), round((w + e) / 2, 5)]}
    steps = [{"heading": "The ground", "text": spec.description,
              "message": {**whole, **({"dates": everything} if everything else {})}}]
    for f in placed:
        p = f["properties"]
        steps.append({"heading": p["title"], "date": format_date(str(p["date"])),
                      "text": p.get("summary", ""), "incident": p["id"],
                      "message": {"incident": p["id"], **({"dates": everything} if everything else {})}})
    steps.append({"heading": "Afterwards", "text": "Scroll back up to step through the incidents "
                  "again, or open any marker on the map: the article hears which one you opened.",
                  "message": whole})
    script = (resources.files("geo.render.pages") / "static" / "article-demo.js").read_text("utf-8")
    if "</script" in script.lower():
        raise ValueError("article-demo.js would close the tag it is inlined into")
    page = render("article-demo.html", title=spec.title, lede=spec.description, steps=steps,
                  map_name=spec.name, map_title=spec.title, script=script)
    return with_policy(page, content_security_policy(page, frames="'self'"))


def format_date(value: str) -> str:
    """'1938-07-29/1938-08-11' -> '29 July 1938 – 11 August 1938', as the map's popups say it."""
    def one(iso: str) -> str:
        parts = iso.split("-")
        if len(parts) == 1:
            return parts[0]
        month = _MONTHS[int(parts[1]) - 1]
        return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"
    return " – ".join(one(part) for part in value.split("/"))
