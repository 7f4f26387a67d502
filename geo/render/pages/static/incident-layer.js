/* Incident markers (focusable, lettered by type, with popups) and their uncertainty circles. */
(function () {
  'use strict';

  var g = window.geoMaps;

  function byId(id) {
    return g.state.incidents.find(function (item) { return item.id === id; });
  }

  /* Icon sizes in px, with a gap of 6 px: markers and place markers never touch, and two
     markers' centres stand 24 px apart or more, as WCAG 2.2 asks of targets under 24 px (2.5.8:
     a 24 px circle on each meets no other; at 22 px apart Khasan's markers did). */
  var MARKER = 18, PLACE = 28, GAP = 6;
  var SYMBOL = 12;   // px across a place's symbol (a height's triangle, a dot)

  /* `types` is the table of geo/incident_types.py; a type not in it is drawn as "other".
     Markers whose icons would touch at the current zoom are drawn as one place marker with
     their count, which opens their list; the incident asked for last (`selected`) is always
     drawn on its own. Uncertainty circles are drawn only for the incident pointed at,
     focused or open. */
  g.incidentLayer = function (data, bibliography, types, lifts, uncertainM) {   // (style.LIFTS, style.UNCERTAIN_M)
    var known = {};
    (types || []).forEach(function (t) { known[t.name] = true; g.typeLabels[t.name] = t.label; });
    g.UNCERTAIN_M = uncertainM;   // (a place no nearer: approximate, in its popup too)
    var group = L.featureGroup();
    var items = [], visible = {}, places = [], stems = [], selected = null, hovered = null;
    var map = null;  /* the map the group is on: Leaflet passes it to onAdd and onRemove */
    data.features.forEach(function (feature) {
      var p = feature.properties;
      var years = String(p.date).split('/').map(function (d) { return parseInt(d, 10); });
      var item = {id: p.id, date: p.date, title: p.title, marker: null, circle: null, latlng: null,
                  group: group, from: years[0], to: years[years.length - 1],
                  properties: p, bibliography: bibliography};
      g.state.incidents.push(item);
      if (!feature.geometry) return;  /* the sources do not place it: listed, not drawn */
      var c = feature.geometry.coordinates;
      var latlng = item.latlng = L.latLng(c[1], c[0]);   // (its marker may stand off it: declutter)
      if (p.precision_m > uncertainM) {
        item.circle = L.circle(latlng, {
          radius: p.precision_m, interactive: false, weight: 1.5, dashArray: '4 4',
          color: '#7a3b00', fillColor: '#e08214', fillOpacity: 0.06,
          className: 'incident-uncertainty'
        });
      }
      var label = item.label = p.title + ', ' + g.formatDate(p.date);
      var marker = item.marker = L.marker(latlng, {
        icon: L.divIcon({
          className: 'incident-marker incident-' + (known[p.type] === true ? p.type : 'other'),
          iconSize: [MARKER, MARKER], iconAnchor: [MARKER / 2, MARKER / 2],
          popupAnchor: [0, -8], tooltipAnchor: [10, 0]
        }),
        title: label, alt: label, keyboard: true, riseOnHover: true
      });
      marker.bindPopup(function () { return g.incidentPopup(p, bibliography); }, g.POPUP_OPTIONS);
      marker.bindTooltip(g.el('span', null, label), {direction: 'right'});
      // its name on hover (a tap shows it too) gives way to its popup, which says it all
      marker.on('popupopen', function () { marker.closeTooltip(); });
      marker.on('tooltipopen', function () { if (marker.isPopupOpen()) marker.closeTooltip(); });
      marker.on('add', function () {
        var node = marker.getElement();
        node.setAttribute('data-incident', p.id);
        node.setAttribute('aria-label', label);
      });
      marker.on('popupopen', function () {
        selected = item;
        drawCircles();
        g.emit('opened', {id: p.id});
      });
      marker.on('popupclose', function () {
        setTimeout(function () {  /* story mode closes one popup just before opening the next */
          if (selected === item && !(marker.getPopup() && marker.getPopup().isOpen())) {
            selected = null;
            declutter();
          }
        }, 0);
      });
      marker.on('mouseover focus', function () { hovered = item; drawCircles(); });
      marker.on('mouseout blur', function () { if (hovered === item) { hovered = null; drawCircles(); } });
      items.push(item);
      visible[item.id] = true;
    });

    function drawCircles() {
      items.forEach(function (item) {
        if (!item.circle) return;
        var on = visible[item.id] && (item === selected || item === hovered);
        if (on && !group.hasLayer(item.circle)) group.addLayer(item.circle);
        if (!on && group.hasLayer(item.circle)) group.removeLayer(item.circle);
      });
    }

    /* A place marker: the count of the incidents it stands for; it opens their list. */
    function placeMarker(members, latlng) {
      members.sort(function (a, b) {
        return a.date < b.date ? -1 : a.date > b.date ? 1 : (a.id < b.id ? -1 : 1);
      });
      var label = g.t('{n} incidents here: {titles}', {n: members.length,
        titles: members.map(function (m) { return m.title; }).join('; ')});
      var gravest = (types || [])[0], grave = gravest && members.some(function (m) { return m.properties.type === gravest.name; });
      var place = L.marker(latlng, {   // (ringed in the gravest type's colour where one is among them: elements.py)
        icon: L.divIcon({className: 'incident-place' + (grave ? ' incident-place-' + gravest.name : ''), iconSize: [PLACE, PLACE],
                         iconAnchor: [PLACE / 2, PLACE / 2], popupAnchor: [0, -10]}),
        title: label, alt: label, keyboard: true, riseOnHover: true
      });
      place.on('add', function () {
        var node = place.getElement();
        node.textContent = String(members.length);
        node.setAttribute('aria-label', label);
        node.setAttribute('data-place', members.map(function (m) { return m.id; }).join(' '));
      });
      place.bindPopup(function () {
        var box = g.el('div', 'popup place-list');
        box.appendChild(g.el('h2', null, g.t('{n} incidents at or near this place', {n: members.length})));
        var list = g.el('ol');
        members.forEach(function (m) {
          var li = g.el('li');
          var button = g.el('button', 'place-row');
          button.type = 'button';
          button.setAttribute('data-incident', m.id);
          g.append(button, [g.el('span', 'row-date', g.formatDate(m.date)),
                            g.el('span', 'row-title', m.title)]);
          button.addEventListener('click', function () { g.emit('show', {id: m.id}); });
          li.appendChild(button);
          list.appendChild(li);
        });
        box.appendChild(list);
        return box;
      }, {maxWidth: 320, minWidth: 200, className: 'place-popup'});
      place.on('mouseover focus', function () { hovered = null; drawCircles(); });
      return place;
    }

    /* Groups the visible markers so that no two icons touch: the two closest icons that
       touch are merged, at the mean of their positions, until none do. */
    function declutter() {
      if (!map) return;
      var zoom = map.getZoom();
      var clusters = [];
      items.forEach(function (item) {
        if (!visible[item.id] || item === selected) return;
        clusters.push({members: [item], point: map.project(item.latlng, zoom)});
      });
      function size(c) { return c.members.length > 1 ? PLACE : MARKER; }
      for (;;) {
        var best = null, bestDistance = Infinity;
        for (var i = 0; i < clusters.length; i++) {
          for (var j = i + 1; j < clusters.length; j++) {
            var a = clusters[i], b = clusters[j], reach = (size(a) + size(b)) / 2 + GAP;
            var dx = Math.abs(a.point.x - b.point.x), dy = Math.abs(a.point.y - b.point.y);
            if (dx < reach && dy < reach && Math.max(dx, dy) < bestDistance) {
              best = [i, j];
              bestDistance = Math.max(dx, dy);
            }
          }
        }
        if (!best) break;
        var first = clusters[best[0]], second = clusters[best[1]];
        var members = first.members.concat(second.members), sum = L.point(0, 0);
        members.forEach(function (m) { sum = sum.add(map.project(m.latlng, zoom)); });
        clusters.splice(best[1], 1);
        clusters[best[0]] = {members: members, point: sum.divideBy(members.length)};
      }
      standOff(clusters, zoom, size);
      places.concat(stems).forEach(function (layer) { group.removeLayer(layer); });
      places = [];
      stems = clusters.filter(function (c) { return !c.shown.equals(c.point); }).map(function (c) {
        return L.polyline([map.unproject(c.point, zoom), map.unproject(c.shown, zoom)],
                          {weight: 1.5, interactive: false, className: 'incident-stem'});   // (its ink: CSS)
      });
      var drawn = {};
      clusters.forEach(function (c) {
        if (c.members.length === 1) {
          drawn[c.members[0].id] = true;
          standAt(c.members[0], map.unproject(c.shown, zoom));
          return;
        }
        var place = placeMarker(c.members, map.unproject(c.shown, zoom));
        c.members.forEach(function (m) { m.place = place; });
        places.push(place);
      });
      if (selected) standAt(selected, selected.latlng);   // (its popup opens on its place)
      if (selected && visible[selected.id]) drawn[selected.id] = true;
      items.forEach(function (item) {
        if (drawn[item.id]) item.place = null;
        if (drawn[item.id] && !group.hasLayer(item.marker)) group.addLayer(item.marker);
        if (!drawn[item.id] && group.hasLayer(item.marker)) group.removeLayer(item.marker);
      });
      stems.concat(places).forEach(function (layer) { group.addLayer(layer); });
      drawCircles();
    }

    /* Moved only where it is not yet: a marker moved, even to where it is, moves its open
       popup, which pans the map to show it whole (a deep link's view drifted 1 km). */
    function standAt(item, latlng) {
      if (!item.marker.getLatLng().equals(latlng)) item.marker.setLatLng(latlng);
    }

    /* A marker over the symbol of a place the map is about (a height's triangle, a
       place's dot: labels.js, g.ownSymbols) stands off it, a marker's width or so,
       above it or on the first side where it covers no symbol and touches no other marker,
       with a stem to its place: the Khasan heights' triangles were all under their markers,
       and the legend's triangle was nowhere to be seen. c.shown: where each is drawn. */
    function standOff(clusters, zoom, size) {
      var symbols = (g.ownSymbols || []).map(function (latlng) { return map.project(latlng, zoom); });
      var heights = (g.ownHeights || []).map(function (latlng) { return map.project(latlng, zoom); });
      /* (where it goes it covers no symbol, nor the point a lake's name is set on) */
      var points = (g.ownPlaces || []).map(function (latlng) { return map.project(latlng, zoom); });
      clusters.forEach(function (c) { c.shown = c.point; });
      clusters.forEach(function (c, i) {
        var clear = size(c) / 2 + SYMBOL / 2 + 1;
        // (a place marker, standing for the incidents at or near a place, may stand on its
        // dot, but not on a height's triangle: over Zaozernaya's, the height the battle is
        // named after was nowhere to be seen, its name led to a "3")
        if (!(c.members.length > 1 ? heights : symbols).some(function (q) { return q.distanceTo(c.point) < clear; })) return;
        var free = function (p) {
          return !points.some(function (q) { return q.distanceTo(p) < clear; }) &&
            clusters.every(function (o, j) {
              var reach = (size(c) + size(o)) / 2 + GAP;
              return j === i || Math.abs(o.shown.x - p.x) >= reach || Math.abs(o.shown.y - p.y) >= reach;
            });
        };
        // of the free spots, the one farthest from the other places (the Kanchazu marker, set
        // above its island on the overview phone view, took Blagoveshchensk's name's room on
        // the Soviet bank, and the name went to the Manchurian one)
        var others = points.filter(function (q) { return q.distanceTo(c.point) >= clear; });
        var away = function (p) { return Math.min.apply(null, others.map(function (q) { return q.distanceTo(p); }).concat([Infinity])); };
        var spots = lifts.map(function (d) { return c.point.add(L.point(d[0], d[1]).multiplyBy(clear + 2)); })
          .filter(free);
        if (spots.length) c.shown = spots.reduce(function (best, p) { return away(p) > away(best) + 1 ? p : best; });
      });
    }

    var onAdd = group.onAdd, onRemove = group.onRemove;
    group.onAdd = function (added) {
      map = added;
      onAdd.call(group, added);
      added.on('zoomend viewreset', declutter);
      declutter();
      return group;
    };
    group.onRemove = function (removed) {
      removed.off('zoomend viewreset', declutter);
      onRemove.call(group, removed);
      map = null;
      return group;
    };

    /* Markers and circles outside the timeline's years leave the map. */
    g.on('symbols', function () { declutter(); });   // (labels.js, once its places are known)
    g.on('filter', function (e) {
      items.forEach(function (item) { visible[item.id] = e.visible[item.id] === true; });
      if (selected && !visible[selected.id]) selected = null;
      declutter();
    });
    /* The incident asked for is drawn on its own, so that its popup can open on it. */
    g.on('select', function (e) {
      var item = byId(e.id);
      if (!item || !item.marker || items.indexOf(item) < 0) return;
      selected = item;
      declutter();
    });
    return group;
  };

  /* The zoom a story step or a deep link shows an incident at: the least, from the present one
     on, at which its marker stands apart from every other incident's that is not at its very
     point (those never part), at most STORY_ZOOMS in and never past the map's last zoom. At
     the Khasan map's first zoom every heights incident was one place marker, step after step. */
  var STORY_ZOOMS = 3;
  g.storyZoom = function (map, item) {
    var at = item.latlng, from = Math.max(map.getZoom(), map.getMinZoom());
    var others = g.state.incidents.filter(function (o) {
      return o !== item && o.marker && !o.latlng.equals(at);
    });
    var top = Math.min(map.getMaxZoom(), from + STORY_ZOOMS);
    for (var z = from; z < top; z++) {
      var p = map.project(at, z);
      var near = others.some(function (o) {
        var q = map.project(o.latlng, z);
        return Math.max(Math.abs(p.x - q.x), Math.abs(p.y - q.y)) < MARKER + GAP;
      });
      if (!near) return z;
    }
    return top;
  };

  /* 'show': centre the map on the incident, close enough to tell it apart, and open its popup. */
  g.showIncidents = function (map) {
    g.on('show', function (e) {
      var item = byId(e.id);
      if (!item || !item.marker) return;
      g.emit('select', {id: item.id});
      map.setView(item.latlng, g.storyZoom(map, item), {animate: false});
      item.marker.openPopup();
    });
  };
})();
