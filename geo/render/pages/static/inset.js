/* A locator: the whole theatre (the overview's tiles: land, sea, rivers) filling the box, the
   period's borders over it, and this map's extent outlined. */
(function () {
  'use strict';

  window.geoMaps.inset = function (map, options) {
    var box = L.control({position: 'bottomright'});
    box.onAdd = function () {
      var div = L.DomUtil.create('div', 'inset-map');
      div.setAttribute('aria-hidden', 'true');
      return div;
    };
    box.addTo(map);
    var small = L.map(box.getContainer(), {   // at any fraction of a zoom: the theatre fills the box
      attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, zoomSnap: 0
    });
    L.tileLayer(options.url, {minNativeZoom: options.minZoom, maxNativeZoom: options.minZoom,
                              minZoom: 0, bounds: options.bounds}).addTo(small);
    small.fitBounds(options.bounds, {animate: false});
    small.setZoom(small.getZoom() + 0.35, {animate: false});   // (its grey margins cut off)
    (options.borders || []).forEach(function (layer) {
      L.polyline(layer.paths, {color: layer.color, weight: 1, interactive: false}).addTo(small);
    });
    L.rectangle(options.extent, {color: '#b2182b', weight: 2, fill: false,
                                 interactive: false}).addTo(small);
  };
})();
