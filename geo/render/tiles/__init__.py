"""The tiles: the basemap's PNG tiles rendered by Mapnik (tileset), and their MBTiles archive."""
