"""The map pages: one HTML string per map (folium, the page's own scripts and styles in static/,
the templates), the single-file pages, the index, embed and article pages."""
