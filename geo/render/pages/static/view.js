/* No grey beyond the data: the map has tiles over a margin that depends on the zoom (about
   1024 px on every side, within limits: geo/config.py), and the view is kept inside that
   margin: the least zoom is raised on a window too large for it (also when another control
   lowers it to fit the incidents), and panning stops at it. */
(function () {
  'use strict';

  var g = window.geoMaps;

  /* extents: {zoom: [[south, west], [north, east]]}; tiles: the name of the map whose tiles
     the build made over them (tiles/<name>/...), none for a page without tiles */
  g.view = function (map, extents, tiles) {
    if (tiles) g.madeTiles = {name: tiles, extents: extents};  /* for tile-source.js */
    var zooms = Object.keys(extents).map(Number).sort(function (a, b) { return a - b; });
    var most = zooms[zooms.length - 1];
    map.options.maxBoundsViscosity = 1.0;

    var floor = zooms[0];   // the least zoom another control (fit-view.js) has allowed

    function extent(zoom) { return extents[Math.min(Math.max(zoom, zooms[0]), most)]; }

    /* The opaque title bar hides the top of the map: what lies under it need not be basemap. */
    function hidden() {
      var title = document.querySelector('.map-title');
      return title && title.offsetParent !== null ? title.offsetHeight : 0;
    }

    function fits(zoom) {
      var bounds = L.latLngBounds(extent(zoom)), size = map.getSize();
      var nw = map.project(bounds.getNorthWest(), zoom), se = map.project(bounds.getSouthEast(), zoom);
      return se.x - nw.x >= size.x && se.y - nw.y >= size.y - hidden();
    }

    function bound() {
      map.setMaxBounds(extent(map.getZoom()));
    }

    function update() {
      floor = Math.min(floor, map.getMinZoom());
      var least = most;
      for (var z = floor; z <= most; z++) { if (fits(z)) { least = z; break; } }
      if (map.getZoom() < least) map.setView(map.getCenter(), least, {animate: false});
      map.setMinZoom(least);
      bound();
    }

    map.on('zoomend zoomlevelschange resize', update);
    /* after the rest of the page's first script (the first view is chosen by fit-view.js
       and deep-links.js, which may run after this) */
    Promise.resolve().then(update);
  };
})();
