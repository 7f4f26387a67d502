"""Import folium without pandas, unless pandas is loaded already.

folium uses pandas only to accept DataFrames, which these pages never hand it, and loading
pandas is a third of the start of a rebuild that edits text alone (a rebuild of geometry has
loaded it, with geopandas, before the pages). Imported first by the modules that use folium.
"""

from __future__ import annotations

import sys

if "pandas" in sys.modules:
    import folium  # noqa: F401
else:
    sys.modules["pandas"] = None  # folium's "import pandas" then fails, as if not installed
    try:
        import folium  # noqa: F401
    finally:
        del sys.modules["pandas"]
