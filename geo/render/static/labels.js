/* Place names on the map, drawn in the page in the reader's language (the tiles carry none):
   country names, the map's own places, waters and rivers (along their lines), then towns by size. Each label is placed in turn by
   priority, at the first of its candidate positions that lies inside the map and clear of the
   labels already placed, of every place's dot and of every marker icon; a label with no such
   position is left out. Done again after every zoom, move, resize and marker change. */
(function () {
  'use strict';

  var g = window.geoMaps;
  var GAP = 3;          // px kept clear around a label
  var DOTS = [5, 17];   // px from a place's point to its label: beside its dot, or clear of a marker on it
  var LED = [34, 52];   // px, further off, for the map's own places and waters: a leader line goes to the point
  var TOWN_ZOOM = {1: 0, 2: 5, 3: 6, 4: 7};   // towns of a rank show from this zoom on
  var PRIORITY = {country: 0, place: 1, water: 1, line: 1, town: 2};

  function overlaps(a, b) {
    var near = a.x < b.x + b.w + GAP && b.x < a.x + a.w + GAP &&
               a.y < b.y + b.h + GAP && b.y < a.y + a.h + GAP;
    return near && (!a.corners && !b.corners || apart(corners(a), corners(b)) < GAP);
  }

  /* A box's corners: a turned label's own (a line's name), else its upright box's. */
  function corners(r) {
    return r.corners || [[r.x, r.y], [r.x + r.w, r.y], [r.x + r.w, r.y + r.h], [r.x, r.y + r.h]];
  }

  /* How far apart two convex quadrilaterals are along the axis that separates them most
     (negative: they overlap). The separating axis test, on both shapes' edge normals. */
  function apart(p, q) {
    var best = -Infinity;
    [p, q].forEach(function (shape) {
      for (var i = 0; i < 4; i++) {
        var a = shape[i], b = shape[(i + 1) % 4], nx = a[1] - b[1], ny = b[0] - a[0];
        var n = Math.sqrt(nx * nx + ny * ny) || 1;
        var lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
        [p, q].forEach(function (s, k) {
          s.forEach(function (c) {
            var d = (c[0] * nx + c[1] * ny) / n;
            lo[k] = Math.min(lo[k], d); hi[k] = Math.max(hi[k], d);
          });
        });
        best = Math.max(best, lo[1] - hi[0], lo[0] - hi[1]);
      }
    });
    return best;
  }

  /* Candidate boxes (container px) of a label at point p: beside its dot, or centred. A place
     or a water the map is about outranks the incident markers around it: where they leave no
     room beside its point, it goes further off, with a leader line (item.leader, box.led). */
  function candidates(item, p) {
    var w = item.w, h = item.h;
    var centred = {x: p.x - w / 2, y: p.y - h / 2, w: w, h: h};
    if (item.label.kind === 'country') {   // an area's name: on its point, else moved a little
      return [[0, 0], [0, -1], [0, 1], [-1, 0], [1, 0], [0, -2], [0, 2], [-2, 0], [2, 0]].map(function (k) {
        return {x: centred.x + k[0] * w / 2, y: centred.y + k[1] * 2 * h, w: w, h: h};
      });
    }
    var boxes = item.dot ? [] : [centred];   // a lake's name: on it, else beside its point
    DOTS.concat(item.leader ? LED : []).forEach(function (d) {
      var led = d > DOTS[DOTS.length - 1];
      [{x: p.x + d, y: p.y - h / 2}, {x: p.x - d - w, y: p.y - h / 2}, {x: p.x - w / 2, y: p.y - d - h},
       {x: p.x - w / 2, y: p.y + d}].concat(led ? [
        {x: p.x + d * 0.7, y: p.y - d * 0.7 - h}, {x: p.x - d * 0.7 - w, y: p.y - d * 0.7 - h},
        {x: p.x + d * 0.7, y: p.y + d * 0.7}, {x: p.x - d * 0.7 - w, y: p.y + d * 0.7}] : [])
        .forEach(function (b) { boxes.push({x: b.x, y: b.y, w: w, h: h, led: led}); });
    });
    return boxes;
  }

  /* Candidate boxes of a line's name (a river the map is about): along a stretch of the line
     in view that is straight enough to carry the text, centred on it and turned with it (never
     upside down); the stretches nearest the middle of the map first. Each carries its turned
     corners (the collision test's) and the upright box around them. */
  function lineCandidates(item, points, size) {
    var w = item.w, h = item.h, found = [];
    for (var i = 0; i < points.length - 1; i++) {
      for (var j = i + 1; j < points.length; j++) {
        var a = points[i], b = points[j], dx = b.x - a.x, dy = b.y - a.y, length = Math.sqrt(dx * dx + dy * dy);
        if (length < w + 8) continue;
        var straight = true;
        for (var k = i + 1; k < j && straight; k++) {   // every point between within 1.5 text heights of the chord
          straight = Math.abs((points[k].x - a.x) * dy - (points[k].y - a.y) * dx) / length <= 1.5 * h;
        }
        if (!straight) break;
        var angle = Math.atan2(dy, dx);
        if (angle > Math.PI / 2) angle -= Math.PI;
        if (angle < -Math.PI / 2) angle += Math.PI;
        var cx = (a.x + b.x) / 2, cy = (a.y + b.y) / 2;
        var cos = Math.cos(angle), sin = Math.sin(angle);
        var bw = Math.abs(w * cos) + Math.abs(h * sin), bh = Math.abs(w * sin) + Math.abs(h * cos);
        var turned = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(function (c) {
          return [cx + c[0] * cos - c[1] * sin, cy + c[0] * sin + c[1] * cos];
        });
        found.push({x: cx - bw / 2, y: cy - bh / 2, w: bw, h: bh, cx: cx, cy: cy, angle: angle,
                    corners: turned, far: Math.abs(cx - size.x / 2) + Math.abs(cy - size.y / 2)});
        break;
      }
    }
    return found.sort(function (p, q) { return p.far - q.far; });
  }

  /* Whether segment s ([a, b], container px) passes through box r, GAP around it included
     (Liang–Barsky clipping). */
  function crosses(s, r) {
    var a = s[0], dx = s[1].x - a.x, dy = s[1].y - a.y, t0 = 0, t1 = 1;
    var p = [-dx, dx, -dy, dy];
    var q = [a.x - (r.x - GAP), r.x + r.w + GAP - a.x, a.y - (r.y - GAP), r.y + r.h + GAP - a.y];
    for (var i = 0; i < 4; i++) {
      if (p[i] === 0) { if (q[i] < 0) return false; continue; }
      var t = q[i] / p[i];
      if (p[i] < 0) { if (t > t1) return false; if (t > t0) t0 = t; }
      else { if (t < t0) return false; if (t < t1) t1 = t; }
    }
    return true;
  }

  /* Whether segment s crosses the segment from p to q. */
  function meets(s, p, q) {
    function turn(a, b, c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }
    var a = s[0], b = s[1];
    return turn(a, b, p) * turn(a, b, q) < 0 && turn(p, q, a) * turn(p, q, b) < 0;
  }

  /* The leader line from a place's dot (container point p) to the nearest point of its
     label's box, placed in the pane at the dot's layer point ``at``. */
  function lead(item, p, box, at) {
    var x = Math.max(box.x, Math.min(p.x, box.x + box.w)), y = Math.max(box.y, Math.min(p.y, box.y + box.h));
    var dx = x - p.x, dy = y - p.y, length = Math.sqrt(dx * dx + dy * dy);
    item.leader.style.width = Math.max(0, length - 4) + 'px';
    item.leader.style.transform = 'translate3d(' + at.x + 'px,' + at.y + 'px,0) rotate(' +
      Math.atan2(dy, dx) + 'rad) translateX(4px)';
  }

  g.labels = function (map, labels, borders) {
    var borderPaths = (borders || []).map(function (path) {
      return path.map(function (c) { return L.latLng(c[0], c[1]); });
    });
    /* the places and waters the map is about: fit-view.js frames them with the incidents */
    g.ownPlaces = labels.filter(function (l) { return l.kind === 'place' || l.kind === 'water'; })
      .map(function (l) { return L.latLng(l.lat, l.lon); });
    var pane = map.createPane('geoLabels');
    pane.className += ' map-labels';
    var items = labels.map(function (l) {
      var text = g.localName(l.name, l.names);
      var line = l.kind === 'line';
      var node = g.el('div', 'map-label map-label-' + l.kind +
                      (l.kind === 'town' ? ' map-label-rank' + l.rank : ''), text);
      node.lang = text === l.name ? 'en' : g.LANG;
      pane.appendChild(node);
      var leader = l.kind === 'place' || l.kind === 'water' ? g.el('div', 'map-label-leader') : null;
      if (leader) { leader.setAttribute('aria-hidden', 'true'); pane.appendChild(leader); }
      return {label: l, node: node, leader: leader, latlng: L.latLng(l.lat, l.lon),
              path: line ? l.path.map(function (c) { return L.latLng(c[0], c[1]); }) : null,
              dot: l.kind !== 'country' && l.kind !== 'water' && !line,   // a country's, a lake's name: centred
              order: [PRIORITY[l.kind], l.rank || 9], w: 0, h: 0};
    });
    items.sort(function (a, b) {
      return a.order[0] - b.order[0] || a.order[1] - b.order[1] ||
             (a.label.name < b.label.name ? -1 : a.label.name > b.label.name ? 1 : 0);
    });

    function shown(item, zoom) {
      var l = item.label;
      if (l.min_zoom !== undefined && l.min_zoom !== null && zoom < l.min_zoom) return false;
      if (l.max_zoom !== undefined && l.max_zoom !== null && zoom > l.max_zoom) return false;
      return l.kind !== 'town' || zoom >= (TOWN_ZOOM[l.rank] || 0);
    }

    /* Marker icons, the title bar and the map's controls: no label goes under them. */
    function markerBoxes(origin) {
      var boxes = [];
      var covers = [].slice.call(map.getPane('markerPane').querySelectorAll('.leaflet-marker-icon'))
        .concat([].slice.call(map.getContainer().querySelectorAll('.leaflet-control')),
                [].slice.call(document.querySelectorAll('.map-title')));
      covers.forEach(function (icon) {
        var r = icon.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && getComputedStyle(icon).visibility !== 'hidden') {
          boxes.push({x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height});
        }
      });
      return boxes;
    }

    /* The border lines' segments in view (container px): a country's name is set on one side. */
    function borderSegments(size) {
      var out = [];
      borderPaths.forEach(function (path) {
        var pts = path.map(function (c) { return map.latLngToContainerPoint(c); });
        for (var i = 1; i < pts.length; i++) {
          var a = pts[i - 1], b = pts[i];
          if (Math.max(a.x, b.x) < 0 || Math.min(a.x, b.x) > size.x ||
              Math.max(a.y, b.y) < 0 || Math.min(a.y, b.y) > size.y) continue;
          out.push([a, b]);
        }
      });
      return out;
    }

    function layout() {
      var zoom = map.getZoom(), size = map.getSize();
      var origin = map.getContainer().getBoundingClientRect();
      items.forEach(function (item) {   // measure (once: the text does not change)
        if (!item.w) { item.w = item.node.offsetWidth; item.h = item.node.offsetHeight; }
      });
      var taken = markerBoxes(origin);
      var segments = borderSegments(size);
      var points = items.map(function (item) { return map.latLngToContainerPoint(item.latlng); });
      items.forEach(function (item, i) {   // every drawn dot stays readable
        if (item.dot && shown(item, zoom)) {
          taken.push({x: points[i].x - 3, y: points[i].y - 3, w: 6, h: 6, owner: item});
        }
      });
      items.forEach(function (item, i) {
        var place = null;
        if (shown(item, zoom)) {
          var boxes = item.path ? lineCandidates(item, item.path.map(function (c) {
            return map.latLngToContainerPoint(c);
          }), size) : candidates(item, points[i]);
          place = boxes.filter(function (box) {
            if (item.label.kind === 'country' && segments.some(function (s) {   // across a border,
              return crosses(s, box) || meets(s, points[i], {x: box.x + box.w / 2, y: box.y + box.h / 2});
            })) return false;   // or moved to its other side
            return box.x >= 0 && box.y >= 0 && box.x + box.w <= size.x && box.y + box.h <= size.y &&
              !taken.some(function (other) { return other.owner !== item && overlaps(box, other); });
          })[0] || null;
        }
        if (place) {
          taken.push(place);
          if (place.angle === undefined) {
            L.DomUtil.setPosition(item.node, map.containerPointToLayerPoint([place.x, place.y]).round());
          } else {   // along its line: the text's own box, centred there and turned
            var at = map.containerPointToLayerPoint([place.cx - item.w / 2, place.cy - item.h / 2]);
            item.node.style.transform = 'translate3d(' + at.x + 'px,' + at.y + 'px,0) rotate(' + place.angle + 'rad)';
          }
          item.node.classList.add('map-label-on');
        } else {
          item.node.classList.remove('map-label-on');
        }
        if (item.leader) {
          item.leader.classList.toggle('map-leader-on', !!(place && place.led));
          if (place && place.led) lead(item, points[i], place, map.containerPointToLayerPoint(points[i]).round());
        }
      });
      pane.classList.remove('map-labels-moving');
    }

    var pending = false;
    function schedule() {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; layout(); });
    }
    map.on('zoomstart', function () { pane.classList.add('map-labels-moving'); });
    map.on('zoomend moveend resize layeradd layerremove', schedule);
    g.on('filter', schedule);
    if (window.MutationObserver) {   // markers moved, shown or hidden by another control
      new MutationObserver(schedule).observe(map.getPane('markerPane'),
        {childList: true, subtree: true, attributes: true, attributeFilter: ['style', 'class']});
    }
    layout();
    g.labelItems = items;      /* (read by the tests: what was placed, and from which point) */
    g.borderPaths = borderPaths;
    return items;
  };
})();
