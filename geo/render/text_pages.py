"""The plain pages beside the maps: the index and the embedding guide. No script at all."""

from __future__ import annotations

import html


def render_embed(maps: list[tuple[str, dict]], title: str, static: bool) -> str:
    """output/embed.html: per map, an iframe snippet to paste into an article."""
    blocks = []
    for name, entry in maps:
        label = html.escape(entry["title"])
        alt = html.escape(entry.get("alt", entry["title"]))
        snippet = (
            '<div style="position:relative;width:100%;max-width:960px;aspect-ratio:4/3">\n'
            f'  <iframe src="maps/{name}.html?embed=1" title="{label}" loading="lazy"\n'
            '          style="position:absolute;inset:0;width:100%;height:100%;border:0"'
            ' allowfullscreen></iframe>\n'
            "</div>\n"
            + (f'<noscript><img src="maps/{name}.png" alt="{alt}" style="width:100%"></noscript>\n'
               if static else "")
            + f'<p><a href="maps/{name}.html">Open the map: {label}</a></p>')
        image = (f' · <a href="{html.escape(name)}.png">static image (PNG)</a>'
                 f' · <a href="{html.escape(name)}.svg">SVG</a>' if static else "")
        blocks.append(
            f'<section><h2>{label}</h2><p><a href="{html.escape(name)}.html">open</a>'
            f' · <a href="{html.escape(name)}.html?embed=1">compact view</a>{image}</p>'
            f"<p>Copy into the article (adjust <code>maps/</code> to where the files are hosted):</p>"
            f"<pre><code>{html.escape(snippet)}</code></pre></section>")
    intro = ("<p>Each snippet keeps the map responsive (it fills the article's width at a 4:3 ratio,"
             " from 320 px up), opens in the compact view (<code>?embed=1</code>), and falls back to"
             " the static image where scripts do not run. Link to one incident with"
             " <code>#incident=ID</code>, or to a view with <code>#zoom/latitude/longitude</code>.</p>")
    return _text_page(f"Embedding the maps — {title}", "Embedding the maps", "52rem",
                      "pre { background: #f4f4f2; padding: 0.8rem; overflow-x: auto; font-size: 13px; }",
                      intro + "\n" + "\n".join(blocks))


def _text_page(title: str, heading: str, width: str, css: str, body_html: str) -> str:
    """A plain page beside the maps (index, embed): no script at all, and a CSP that says so.

    `title` and `heading` are text and escaped here; `body_html` is already-escaped markup."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: {width}; margin: 2rem auto; padding: 0 1rem; color: #222; }}
a {{ color: #0b4f8a; }}
{css}
</style>
</head>
<body>
<h1>{html.escape(heading)}</h1>
{body_html}
</body>
</html>
"""


def render_index(maps: list[tuple[str, dict]], title: str) -> str:
    """output/index.html: the maps, each (name, {"title", "description", "incidents"})."""
    rows = []
    for name, entry in maps:
        n = entry["incidents"]
        rows.append(
            f'<li><a href="{html.escape(name)}.html">{html.escape(entry["title"])}</a>'
            f"<p>{html.escape(entry['description'])} ({n} incident{'s' if n != 1 else ''})</p></li>")
    return _text_page(title, title, "46rem",
                      "li { margin: 0 0 1rem; } li p { margin: 0.2rem 0 0; color: #444; }",
                      "<ul>\n" + "\n".join(rows) + "\n</ul>\n"
                      '<p><a href="embed.html">Embedding the maps in an article</a></p>')
