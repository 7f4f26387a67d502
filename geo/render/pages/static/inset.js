/* A locator: the whole theatre (the overview's tiles: land, sea, rivers) filling the box, the
   period's borders and the countries' names over it (the layers marked `locator`), and this
   map's extent outlined. A name is set on its point where it fits whole in the box, clear of
   the others and of the outline; else not. */
(function () {
  'use strict';

  var g = window.geoMaps;

  g.inset = function (map, options) {
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
    (options.lines || []).forEach(function (layer) {
      L.polyline(layer.paths, {color: layer.color, weight: 1, interactive: false}).addTo(small);
    });
    var frame = L.rectangle(options.extent, {color: '#b2182b', weight: 2, fill: false,
                                             interactive: false}).addTo(small);
    var names = (options.names || []).map(function (n) {
      var text = g.localName(n.name, n.names), node = g.el('div', 'inset-name', text);
      node.lang = text === n.name ? 'en' : g.LANG;
      small.getContainer().appendChild(node);
      return {node: node, latlng: L.latLng(n.lat, n.lon)};
    });
    function place() {   // again when the window changes (the inset is hidden in narrow ones)
      var size = small.getSize(), b = frame.getBounds();
      var a = small.latLngToContainerPoint(b.getNorthWest()), z = small.latLngToContainerPoint(b.getSouthEast());
      var taken = [{x: a.x, y: a.y, w: z.x - a.x, h: z.y - a.y}];
      names.forEach(function (n) {
        var p = small.latLngToContainerPoint(n.latlng), w = n.node.offsetWidth, h = n.node.offsetHeight;
        var r = {x: p.x - w / 2, y: p.y - h / 2, w: w, h: h};
        var fits = w > 0 && r.x >= 1 && r.y >= 1 && r.x + w <= size.x - 1 && r.y + h <= size.y - 1 &&
          !taken.some(function (o) { return g.boxes.overlaps(r, o); });
        if (fits) { taken.push(r); L.DomUtil.setPosition(n.node, L.point(Math.round(r.x), Math.round(r.y))); }
        n.node.classList.toggle('inset-name-on', fits);
      });
    }
    place();
    map.on('resize', function () { small.invalidateSize({animate: false}); place(); });
  };
})();
