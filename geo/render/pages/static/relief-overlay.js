/* The world's relief beyond the zooms whose tiles carry it (render/relief.py: world_overlay):
   one image over the map's padded extent, in a pane above the tiles and under the map's own
   lines, at the opacity its zoom gives (none at the others). */
(function () {
  'use strict';

  window.geoMaps.reliefOverlay = function (map, options) {
    var pane = map.createPane('geoRelief');
    pane.style.zIndex = 250;   // above the tile pane (200), under the overlay pane (400)
    pane.style.pointerEvents = 'none';
    var image = L.imageOverlay(options.url, options.bounds, {pane: 'geoRelief', interactive: false,
                                                             alt: ''}).addTo(map);
    function update() {
      var opacity = options.opacity[Math.round(map.getZoom())] || 0;
      image.setOpacity(opacity);
      pane.style.display = opacity ? '' : 'none';
    }
    map.on('zoomend', update);
    update();
  };
})();
