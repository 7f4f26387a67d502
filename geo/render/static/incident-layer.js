/* Incident markers (focusable, lettered by type, with popups) and their uncertainty circles. */
(function () {
  'use strict';

  var g = window.geoMaps;

  function byId(id) {
    return g.state.incidents.find(function (item) { return item.id === id; });
  }

  /* `types` is the table of geo/incident_types.py; a type not in it is drawn as "other". */
  g.incidentLayer = function (data, bibliography, types) {
    var known = {};
    (types || []).forEach(function (t) { known[t.name] = true; });
    var group = L.featureGroup();
    /* Incidents at the same spot are fanned out side by side, 20 px apart, so that each
       stays clickable; the uncertainty circle still marks the true position. */
    var sameSpot = {};
    data.features.forEach(function (feature) {
      if (!feature.geometry) return;
      var key = feature.geometry.coordinates.join(',');
      sameSpot[key] = (sameSpot[key] || 0) + 1;
    });
    var placed = {};
    data.features.forEach(function (feature) {
      var p = feature.properties;
      var years = String(p.date).split('/').map(function (d) { return parseInt(d, 10); });
      var item = {id: p.id, date: p.date, title: p.title, marker: null, circle: null,
                  group: group, from: years[0], to: years[years.length - 1],
                  properties: p, bibliography: bibliography};
      g.state.incidents.push(item);
      if (!feature.geometry) return;  /* the sources do not place it: listed, not drawn */
      var c = feature.geometry.coordinates;
      var latlng = L.latLng(c[1], c[0]);
      var circle = null;
      if (p.precision_m > 500) {
        circle = L.circle(latlng, {
          radius: p.precision_m, interactive: false, weight: 1, dashArray: '4 4',
          color: '#7a3b00', fillColor: '#e08214', fillOpacity: 0.06,
          className: 'incident-uncertainty'
        }).addTo(group);
        item.circle = circle;
      }
      var key = c.join(',');
      var shift = ((placed[key] = (placed[key] || 0) + 1) - 1 - (sameSpot[key] - 1) / 2) * 20;
      var label = item.label = p.title + ', ' + g.formatDate(p.date);
      var marker = item.marker = L.marker(latlng, {
        icon: L.divIcon({
          className: 'incident-marker incident-' + (known[p.type] === true ? p.type : 'other'),
          iconSize: [18, 18], iconAnchor: [9 - shift, 9], popupAnchor: [0, -8], tooltipAnchor: [10, 0]
        }),
        title: label, alt: label, keyboard: true, riseOnHover: true
      });
      marker.bindPopup(function () { return g.incidentPopup(p, bibliography); }, g.POPUP_OPTIONS);
      marker.bindTooltip(g.el('span', null, label), {direction: 'right'});
      marker.on('add', function () {
        var node = marker.getElement();
        node.setAttribute('data-incident', p.id);
        node.setAttribute('aria-label', label);
      });
      marker.on('popupopen', function () { g.emit('opened', {id: p.id}); });
      marker.addTo(group);
    });
    return group;
  };

  /* Markers and circles outside the timeline's years leave the map. */
  g.on('filter', function (e) {
    g.state.incidents.forEach(function (item) {
      var visible = e.visible[item.id] === true;
      [item.marker, item.circle].forEach(function (layer) {
        if (!layer) return;
        if (visible && !item.group.hasLayer(layer)) item.group.addLayer(layer);
        if (!visible && item.group.hasLayer(layer)) item.group.removeLayer(layer);
      });
    });
  });

  /* 'show': centre the map on the incident and open its popup. */
  g.showIncidents = function (map) {
    g.on('show', function (e) {
      var item = byId(e.id);
      if (!item || !item.marker) return;
      map.setView(item.marker.getLatLng(), Math.max(map.getZoom(), map.getMinZoom()), {animate: false});
      item.marker.openPopup();
    });
  };
})();
