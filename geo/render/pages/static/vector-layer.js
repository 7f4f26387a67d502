/* GeoJSON layers of features (heights, rivers, borders) or base geography, and place labels. */
(function () {
  'use strict';

  var g = window.geoMaps;

  /* A height's symbol, as the atlas draws one: the shape and colours of static/height.svg
     (which tiles and print draw), a polygon kept at the symbol's size in pixels at every zoom. */
  var Height = L.Polygon.extend({
    onAdd: function (map) {
      L.Polygon.prototype.onAdd.call(this, map);
      this.shownOn = map;
      map.on('zoomend viewreset', this.reshape, this);
      this.reshape();
    },
    onRemove: function (map) {
      map.off('zoomend viewreset', this.reshape, this);
      L.Polygon.prototype.onRemove.call(this, map);
    },
    reshape: function () {   // the corners, in pixels about the point, at the present zoom
      var map = this.shownOn, at = map.project(this.options.at);
      this.setLatLngs(this.options.corners.map(function (c) { return map.unproject(at.add(c)); }));
    }
  });
  function heightMarker(latlng, symbol, interactive) {
    var numbers = symbol.d.match(/-?[0-9.]+/g).map(Number), corners = [];
    for (var i = 0; i + 1 < numbers.length; i += 2) {   // the path's points, about the symbol's centre
      corners.push(L.point(numbers[i] - symbol.width / 2, numbers[i + 1] - symbol.height / 2));
    }
    return new Height([latlng, latlng, latlng], {
      at: latlng, corners: corners, color: symbol.stroke, weight: Number(symbol['stroke-width']),
      fillColor: symbol.fill, fillOpacity: 1, lineJoin: 'round', interactive: interactive
    });
  }

  /* A river whose source gives its width (``width_m``) is drawn no narrower than that as the
     reader zooms in: from twice its line's weight on, a channel of water between two banks in
     the line's colour (the Amur, 1.5 km wide below Blagoveshchensk, was a 2.5 px line at zoom
     12, where it is 40 px wide, and Kanchazu Island seemed to lie on dry land). */
  var EARTH = 40075016.686;   // m, the equator: web mercator's 256 px at zoom 0
  var BANK = 1.5;   // px of each bank line of a channel
  function wide(feature) {
    return /LineString$/.test(feature.geometry.type) && feature.properties && feature.properties.width_m > 0;
  }
  /* Drawn at its width (water between banks, twice its line's width or wider), a river lies
     under the map's borders (in a pane below theirs), as on the sheets (style.py,
     _under_borders): the Amur's water hid the river border along its main channel. Narrower,
     it is its line alone, in its layer's place, over the border it follows. */
  var CHANNELS = 'geoChannels';
  var Channel = L.FeatureGroup.extend({   // drawn over the borders, and under them
    onAdd: function (map) {
      if (!map.getPane(CHANNELS)) map.createPane(CHANNELS).style.zIndex = 390;   // (overlays: 400)
      L.FeatureGroup.prototype.onAdd.call(this, map);
      this.shownOn = map;
      map.on('zoomend', this.widen, this);
      this.widen();
    },
    onRemove: function (map) {
      map.off('zoomend', this.widen, this);
      L.FeatureGroup.prototype.onRemove.call(this, map);
    },
    widen: function () {   // each river as wide as its width_m at the present zoom
      var zoom = this.shownOn.getZoom(), o = this.options;
      o.over.banks.eachLayer(function (line) {
        var lat = line.getBounds().getCenter().lat;
        var px = line.feature.properties.width_m /
          (EARTH * Math.cos(lat * Math.PI / 180) / (256 * Math.pow(2, zoom)));
        var open = px >= 2 * o.weight;   // water between banks, under the borders; else its line, over them
        [[o.over, !open], [o.below, open]].forEach(function (drawn) {
          var shown = drawn[1];
          drawn[0].banks.eachLayer(function (b) {
            if (b.feature === line.feature) b.setStyle({weight: shown ? (open ? px : o.weight) : 0, opacity: shown ? 1 : 0});
          });
          drawn[0].water.eachLayer(function (w) {
            if (w.feature === line.feature) w.setStyle({weight: shown && open ? px - 2 * BANK : 0, opacity: shown && open ? 1 : 0});
          });
        });
      });
    }
  });
  function channel(data, style, interactive, bibliography) {
    function drawn(pane) {   // banks, then the water between them, in a pane
      return {banks: drawnLayer(data, style, interactive, bibliography, wide, pane),
              water: L.geoJSON(data, {pane: pane, interactive: false, filter: wide, style: function () {
                return {color: style.water, opacity: 0, weight: 0, lineCap: 'butt'};
              }})};
    }
    var over = drawn('overlayPane'), below = drawn(CHANNELS);
    return new Channel([below.banks, below.water, over.banks, over.water],
                       {over: over, below: below, weight: style.weight});
  }

  /* A striped style (a railway; a river that is a border) draws its lines twice: the solid
     line, then the stripe's dashes inside it, which take no pointer events (down the middle of
     a river drawn at its width too: the tiles' border lies under its water). Rivers at their
     width are drawn first, under the layer's other features (an island on the river). */
  g.vectorLayer = function (data, style, interactive, bibliography) {
    var layer = drawnLayer(data, style, interactive, bibliography, function (f) { return !wide(f); });
    var parts = data.features.some(wide) ? [channel(data, style, interactive, bibliography), layer] : [layer];
    if (style.stripe) {
      parts.push(L.geoJSON(data, {
        interactive: false,
        filter: function (feature) { return /LineString$/.test(feature.geometry.type); },
        style: function () { return L.extend({fill: false}, style.stripe); }
      }));
    }
    return parts.length > 1 ? L.featureGroup(parts) : layer;
  };

  function drawnLayer(data, style, interactive, bibliography, only, pane) {
    return L.geoJSON(data, {
      pane: pane || 'overlayPane',
      interactive: interactive,
      filter: function (feature) {   // a country's name is a label only (labels.js)
        return !(feature.properties && feature.properties.kind === 'country') && (!only || only(feature));
      },
      /* A style's fill is for areas: a line filled would be closed by a chord and painted
         as water (it once laid a lens of lake over the Khasan heights). */
      style: function (feature) {   // (a point keeps the options pointToLayer gave it)
        var type = feature.geometry.type;
        return /Polygon$/.test(type) ? style : /Point$/.test(type) ? {} : L.extend({}, style, {fill: false});
      },
      pointToLayer: function (feature, latlng) {
        var p = feature.properties || {};
        if (p.kind === 'height') return heightMarker(latlng, style.height, interactive);
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
  }

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
