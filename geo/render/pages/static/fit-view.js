/* The first view: every incident, and every place and water the map is about (labels.js,
   g.ownPlaces), inside the part of the map that the title bar and the controls leave free. A
   control that would cover a marker pushes the view away from its corner, or, if that would
   cost too much of the map, folds (the incident list, the legend, the timeline); an open
   panel over one of the map's own lines inside its extent (g.ownLines: its rivers, the
   claimed borders) folds, and the locator inset over one steps aside. In ?embed=1 these
   panels start folded. */
(function () {
  'use strict';

  var g = window.geoMaps;
  var MARGIN = 16;  /* px between the incidents and the edge of the free area */

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function shown(node) {
    return node.getClientRects().length > 0 && getComputedStyle(node).visibility !== 'hidden';
  }

  var PLACE = 8;  /* px around a place's point kept clear of the panels: its dot and the start of its name */

  /* Boxes (client px) of ``r`` px about each of the points that lie inside the map. */
  function pointsInView(map, latlngs, r) {
    var box = map.getContainer().getBoundingClientRect(), size = map.getSize(), rects = [];
    latlngs.forEach(function (latlng) {
      var p = map.latLngToContainerPoint(latlng);
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) return;
      rects.push({left: box.left + p.x - r, right: box.left + p.x + r, top: box.top + p.y - r, bottom: box.top + p.y + r});
    });
    return rects;
  }

  var STEP = 6;  /* px between the points of a line tested against the panels */

  /* Boxes (client px, empty) of points every STEP px along each path, where they lie inside
     the map and inside ``area``: a line passes under a panel between two vertices too. */
  function pointsAlong(map, paths, area) {
    var box = map.getContainer().getBoundingClientRect(), size = map.getSize(), rects = [];
    paths.forEach(function (path) {
      var pts = path.map(function (c) { return map.latLngToContainerPoint(c); });
      pts.forEach(function (b, i) {
        var a = i ? pts[i - 1] : b, n = Math.max(1, Math.ceil(a.distanceTo(b) / STEP));
        for (var k = i ? 1 : 0; k <= n; k++) {
          var p = a.add(b.subtract(a).multiplyBy(k / n));
          if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y || !area.contains(map.containerPointToLatLng(p))) continue;
          rects.push({left: box.left + p.x, right: box.left + p.x, top: box.top + p.y, bottom: box.top + p.y});
        }
      });
    });
    return rects;
  }

  /* What the first view keeps clear of the panels: the visible marker icons and the points of
     the map's own places inside the map (their names go beside them, or off with a leader). */
  function keptClear(map) {
    var rects = [];
    map.getContainer().querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon').forEach(function (m) {
      if (getComputedStyle(m).visibility !== 'hidden') rects.push(m.getBoundingClientRect());
    });
    return rects.concat(pointsInView(map, g.ownPlaces || [], PLACE));
  }

  /* The title bar and each control, with the corner it sits in. */
  function obstacles(container) {
    var list = [];
    var title = document.querySelector('.map-title');
    if (title && shown(title)) list.push({node: title, vertical: 'top', horizontal: null});
    container.querySelectorAll('.leaflet-control').forEach(function (node) {
      if (!shown(node)) return;
      var corner = node.parentNode.className;
      list.push({node: node, vertical: /leaflet-top/.test(corner) ? 'top' : 'bottom',
                 horizontal: /leaflet-left/.test(corner) ? 'left' : 'right'});
    });
    return list;
  }

  g.fitView = function (map, extent) {
    var container = map.getContainer();
    if (document.body.classList.contains('embed')) {
      container.querySelectorAll('.leaflet-control details[open]').forEach(function (d) { d.open = false; });
    }
    /* g.firstView: settled once the first view is set (deep-links.js follows the map only
       from then on, so that a page opened without a hash keeps its address) */
    if (/^#(incident=|\d+\/)/.test(location.hash)) {  /* a deep link chooses the view */
      g.firstView = Promise.resolve();
      return;
    }
    /* after the rest of the page's first script (view.js sets the least zoom first) */
    g.firstView = Promise.resolve().then(function () { fitIncidents(map, extent); });
  };

  /* Where the least zoom (view.js: no grey beyond the tiles) keeps the incidents from fitting
     clear of the panels, a marker may still lie under one: the view then moves by the least
     that brings it out (or off screen), within the area the map has tiles for, as long as no
     other marker comes under a panel and as few as possible leave the screen. */
  function nudge(map, allowed) {
    var container = map.getContainer(), box = container.getBoundingClientRect(), size = map.getSize();
    var GAP = 4;
    var rects = obstacles(container).map(function (o) { return o.node.getBoundingClientRect(); });
    var icons = keptClear(map);
    function moved(r, d) {
      return {left: r.left - d[0], right: r.right - d[0], top: r.top - d[1], bottom: r.bottom - d[1]};
    }
    function onScreen(r) {
      var x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
      return x >= box.left && x < box.right && y >= box.top && y < box.bottom;
    }
    function covered(r) { return onScreen(r) && rects.some(function (q) { return overlaps(r, q); }); }
    function score(d) {  /* [markers under a panel, markers off screen, distance]: the less the better */
      var under = 0, off = 0;
      icons.forEach(function (icon) {
        var r = moved(icon, d);
        if (covered(r)) under += 1;
        else if (!onScreen(r)) off += 1;
      });
      return [under, off, Math.abs(d[0]) + Math.abs(d[1])];
    }
    function better(a, b) {
      for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
      return false;
    }
    function inside(d) {
      if (!allowed) return true;
      return allowed.contains(map.containerPointToLatLng([d[0], d[1]])) &&
             allowed.contains(map.containerPointToLatLng([size.x + d[0], size.y + d[1]]));
    }
    for (var round = 0; round < 4; round++) {
      var best = [0, 0], bestScore = score(best);
      if (bestScore[0] === 0) return;
      var candidates = [];
      icons.forEach(function (m) {
        rects.forEach(function (r) {
          if (!onScreen(m) || !overlaps(m, r)) return;
          candidates.push([m.right - r.left + GAP, 0], [m.left - r.right - GAP, 0],
                          [0, m.bottom - r.top + GAP], [0, m.top - r.bottom - GAP]);
        });
      });
      /* also two such moves at once, for a marker in the corner of two panels */
      candidates.slice().forEach(function (a) {
        candidates.forEach(function (b) {
          if (!a[0] !== !b[0]) candidates.push([a[0] + b[0], a[1] + b[1]]);
        });
      });
      candidates.forEach(function (d) {
        if (!inside(d)) return;
        var s = score(d);
        if (better(s, bestScore)) { best = d; bestScore = s; }
      });
      if (!best[0] && !best[1]) return;
      map.panBy(best, {animate: false});
      icons = icons.map(function (r) { return moved(r, best); });
    }
  }

  /* At the zoom the incidents and places set, the view moves within the room they leave it
     by the least that shows the map's claimed borders (inside its extent) whole, along each
     axis where they fit: at 375 px the claims near Nomonhan ran off the right edge with 50 px
     to spare on the left. */
  function towardClaims(map, target, area, pad) {
    var size = map.getSize(), pts = [];
    (g.ownLines || []).filter(function (path) { return path.claim; }).forEach(function (path) {
      path.forEach(function (c) { if (area.contains(c)) pts.push(map.latLngToContainerPoint(c)); });
    });
    if (!pts.length) return;
    var corners = [target.getNorthWest(), target.getSouthEast()].map(function (c) { return map.latLngToContainerPoint(c); });
    var move = [['x', pad.left, size.x - pad.right], ['y', pad.top, size.y - pad.bottom]].map(function (axis) {
      var k = axis[0], lo = Math.min(corners[0][k], corners[1][k]), hi = Math.max(corners[0][k], corners[1][k]);
      var along = pts.map(function (q) { return q[k]; });
      var from = Math.min.apply(null, along), to = Math.max.apply(null, along);
      var d = to - from > axis[2] - axis[1] ? 0 : from < axis[1] ? from - axis[1] : to > axis[2] ? to - axis[2] : 0;
      var least = hi - axis[2], most = lo - axis[1];   /* (the incidents and places stay in) */
      return least > most ? 0 : Math.round(Math.max(least, Math.min(most, d)));
    });
    if (move[0] || move[1]) map.panBy(move, {animate: false});
  }

  function fitIncidents(map, extent) {
    var container = map.getContainer();
    /* the incidents of the map's extent (those in the margin around it are context) */
    var area = L.latLngBounds(extent);
    var points = g.state.incidents.filter(function (item) {
      return item.marker && area.contains(item.latlng);
    }).map(function (item) { return item.latlng; });
    var incidents = points.length;
    points = points.concat((g.ownPlaces || []).filter(function (latlng) { return area.contains(latlng); }));
    var target = points.length ? L.latLngBounds(points) : L.latLngBounds(extent);
    var box = container.getBoundingClientRect();
    var pad = {top: MARGIN, right: MARGIN, bottom: MARGIN, left: MARGIN};
    var title = document.querySelector('.map-title');
    if (title && shown(title)) pad.top = title.getBoundingClientRect().bottom - box.top + MARGIN;

    var minZoom = map.getMinZoom();
    /* On a small screen the incidents may not fit at the map's smallest zoom: the map may
       then go up to two levels further out, its tiles drawn from their smallest zoom. */
    function allowZoom(zoom) {
      if (zoom >= map.getMinZoom()) return;
      map.eachLayer(function (layer) {
        if (!(layer instanceof L.TileLayer) || layer.options.minZoom === undefined) return;
        if (layer.options.minNativeZoom === undefined) layer.options.minNativeZoom = layer.options.minZoom;
        layer.options.minZoom = Math.min(layer.options.minZoom, zoom);
      });
      map.setMinZoom(zoom);
    }

    function fit() {
      var size = L.point(pad.left + pad.right, pad.top + pad.bottom);
      var current = map.getMinZoom();
      map.options.minZoom = minZoom - 2;  /* unclamped, for the two measures below */
      var needed = map.getBoundsZoom(target, false, size);
      /* never closer than two levels in from the zoom that shows the map's whole extent
         (the extent's own zoom for a map of a single incident) */
      var widest = map.getBoundsZoom(extent, false, size) + (incidents > 1 ? 2 : 0);
      map.options.minZoom = current;
      allowZoom(Math.max(minZoom - 2, needed));
      var options = {paddingTopLeft: [pad.left, pad.top], paddingBottomRight: [pad.right, pad.bottom],
                     maxZoom: Math.max(map.getMinZoom(), widest), animate: false};
      map.fitBounds(target, options);
      /* a new zoom may have brought bounds back (view.js), and a pan into them: again */
      if (map.options.maxBounds) map.setMaxBounds(null);
      map.stop();
      map.fitBounds(target, options);
    }

    /* The view may reach beyond the map's bounds to show the incidents clear of the panels:
       the bounds grow to take it in. */
    var bounds = map.options.maxBounds;  /* (view.js may change them with the zoom) */
    if (bounds) map.setMaxBounds(null);
    map.stop();  /* a pan into the bounds may still be under way */
    for (var round = 0; round < 12; round++) {
      fit();
      towardClaims(map, target, area, pad);
      var markers = keptClear(map), lines = pointsAlong(map, g.ownLines || [], area);
      var changed = false;
      obstacles(container).forEach(function (o) {
        if (changed) return;
        var r = o.node.getBoundingClientRect();
        var panel = o.node.querySelector('details[open]');
        var inset = o.node.classList.contains('inset-map');
        if (!markers.some(function (m) { return overlaps(m, r); })) {
          // an open panel over one of the map's lines folds (the legend hid the claims'
          // meeting at the Khalkhin Gol), the inset steps aside (it hid the claims' south-east
          // end there at 1920 px); a line never moves the view
          if ((panel || inset) && lines.some(function (m) { return overlaps(m, r); })) {
            if (panel) panel.open = false;
            else o.node.classList.add('inset-map-aside');
            changed = true;
          }
          return;
        }
        var padY = o.vertical === 'top' ? r.bottom - box.top + MARGIN : box.bottom - r.top + MARGIN;
        var padX = o.horizontal === 'left' ? r.right - box.left + MARGIN
                 : o.horizontal === 'right' ? box.right - r.left + MARGIN : Infinity;
        var fx = padX / box.width, fy = padY / box.height;
        var side = fx <= fy ? o.horizontal : o.vertical, value = fx <= fy ? padX : padY;
        var cost = Math.min(fx, fy);
        if (panel && cost > 0.35) { panel.open = false; changed = true; return; }
        if (value > pad[side] && cost <= 0.6) { pad[side] = value; changed = true; return; }
        if (panel) { panel.open = false; changed = true; }
      });
      if (!changed) break;
    }
    nudge(map, bounds ? L.latLngBounds(bounds).extend(map.getBounds()) : null);
    if (bounds) map.setMaxBounds(L.latLngBounds(bounds).extend(map.getBounds()));
  }
})();
