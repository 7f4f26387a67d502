/* The legend (HTML escaped by the build) and the attribution, bottom right. */
(function () {
  'use strict';

  var g = window.geoMaps;

  /* `legendHtml` is written by the build (page.py), with every layer text escaped there. */
  g.legend = function (map, legendHtml) {
    var control = L.control({position: 'bottomright'});
    control.onAdd = function () {
      var div = L.DomUtil.create('div', 'map-legend');
      div.innerHTML = legendHtml;
      g.translate(div);
      div.querySelector('details').open = window.innerWidth >= 800 &&  /* folded on phones */
        !document.body.classList.contains('embed');
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
  };

  /* Attribution text, escaped by the build, added as-is to Leaflet's control. */
  g.attribution = function (map, escapedText) {
    if (escapedText) map.attributionControl.addAttribution(escapedText);
  };
})();
