/* GeoJSON layers of features (heights, rivers, borders) or base geography, and place labels. */
(function () {
  'use strict';

  var g = window.geoMaps;

  g.vectorLayer = function (data, style, interactive, bibliography) {
    return L.geoJSON(data, {
      interactive: interactive,
      filter: function (feature) {   // a country's name is a label only (labels.js)
        return !(feature.properties && feature.properties.kind === 'country');
      },
      /* A style's fill is for areas: a line filled would be closed by a chord and painted
         as water (it once laid a lens of lake over the Khasan heights). */
      style: function (feature) {
        return /Polygon$/.test(feature.geometry.type) ? style : L.extend({}, style, {fill: false});
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 5, color: '#ffffff', weight: 1.5, fillColor: style.color, fillOpacity: 1,
          interactive: interactive
        });
      },
      onEachFeature: function (feature, layer) {
        if (!interactive) return;
        var p = feature.properties;
        layer.bindPopup(function () { return g.featurePopup(p, bibliography); }, g.POPUP_OPTIONS);
        if (p.label && feature.geometry.type === 'Point') return;  // named by labels.js
        layer.bindTooltip(g.el('span', null, g.localName(p.name, p.names)), {
          direction: 'auto', className: 'feature-tooltip'
        });
      }
    });
  };

  /* Permanent place labels only from a zoom on; below it they would pile up. With a null
     zoom they stay hidden: the map's tiles carry the labels. */
  g.labelsFromZoom = function (map, zoom) {
    function update() {
      var hide = zoom === null || map.getZoom() < zoom;
      L.DomUtil[hide ? 'addClass' : 'removeClass'](map.getContainer(), 'labels-hidden');
    }
    map.on('zoomend', update);
    update();
  };
})();
