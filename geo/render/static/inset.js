/* A small overview of the whole theatre with this map's extent outlined. */
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
    var small = L.map(box.getContainer(), {
      attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false
    });
    L.tileLayer(options.url, {minNativeZoom: options.minZoom, maxNativeZoom: options.minZoom,
                              minZoom: 0, bounds: options.bounds}).addTo(small);
    small.fitBounds(options.bounds, {animate: false});
    L.rectangle(options.extent, {color: '#b2182b', weight: 2, fill: false,
                                 interactive: false}).addTo(small);
  };
})();
