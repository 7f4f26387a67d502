"""Import folium quickly: without pandas, and with its templates compiled when first used.

folium uses pandas only to accept DataFrames, which these pages never hand it, and loading
pandas is a third of the start of a rebuild that edits text alone (a rebuild of geometry has
loaded it, with geopandas, before the pages). And folium compiles a Jinja template for each
of its classes as it is imported, a quarter of a second, while a page uses a handful: while
folium (and branca) are imported, ``jinja2.Template`` is one that compiles on first use.
Imported first by the modules that use folium.
"""

from __future__ import annotations

import functools
import sys

import jinja2

_Template = jinja2.Template


class LazyTemplate:
    """A ``jinja2.Template`` that is compiled the first time it is used (in the environment
    its class names: folium's own Template subclass adds filters)."""

    environment_class = _Template.environment_class

    def __init__(self, *args, **kwargs):
        self._arguments = args, kwargs
        self._compiled = None

    def __getattr__(self, name: str):  # render, module, make_module...: the template's own
        if name.startswith("__") or "_arguments" not in self.__dict__:
            raise AttributeError(name)  # (copy and pickle ask before __init__ has run)
        if self._compiled is None:
            args, kwargs = self._arguments
            self._compiled = _compiling(self.environment_class)(*args, **kwargs)
        return getattr(self._compiled, name)


@functools.cache
def _compiling(environment_class: type) -> type:
    """The jinja2.Template class that compiles in ``environment_class``."""
    return type("Template", (_Template,), {"environment_class": environment_class})


jinja2.Template = LazyTemplate
without_pandas = "pandas" not in sys.modules
if without_pandas:
    sys.modules["pandas"] = None  # folium's "import pandas" then fails, as if not installed
try:
    import folium  # noqa: F401
finally:
    jinja2.Template = _Template
    if without_pandas:
        del sys.modules["pandas"]
