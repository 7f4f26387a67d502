"""Stage 3, render: pages as strings, tiles, archives and images as bytes. Writes no file.

One folder per product: ``pages`` (the HTML), ``tiles`` (the PNG tiles and their MBTiles
archive), ``sheets`` (the print images). What they share stays here: ``style`` (how each layer
is drawn, the Mapnik style), ``names`` (which names a map shows, page and print), ``relief``,
``citations`` and ``executors`` (the worker pools)."""
