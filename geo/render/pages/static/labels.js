/* Place names on the map, drawn in the page in the reader's language (the tiles carry none),
   and the towns' dots with their names: country names, the map's own places, waters and rivers
   (along their lines), then towns by size. Each label is placed in turn by priority, at the
   first of its candidate positions that lies inside the map and clear of the labels already
   placed, of every place's dot and of every marker icon; a label with no such position is left
   out (a town's dot with it). Done again after every zoom, move, resize and marker change. */
(function () {
  'use strict';

  var g = window.geoMaps;
  var GAP = g.boxes.GAP;   // px kept clear around a label
  var overlaps = g.boxes.overlaps, readsAsAnother = g.boxes.readsAsAnother;
  var lineCandidates = g.boxes.lineCandidates, leaderBox = g.boxes.leaderBox;
  var turnedAreaCandidates = g.boxes.turnedAreaCandidates, borderSegments = g.boxes.segmentsInView;
  var WATER_CLEAR = 12;   // px between a lake's name and any dot

  /* The first of the boxes that passes the test (the rest are not tested). */
  function find(boxes, test) {
    for (var i = 0; i < boxes.length; i++) if (test(boxes[i])) return boxes[i];
    return null;
  }

  /* The leader line from a place's dot (container point p) to the nearest point of its
     label's box, placed in the pane at the dot's layer point ``at``. */
  function lead(item, p, box, at) {
    var end = leaderBox(p, box).to, dx = end.x - p.x, dy = end.y - p.y, length = Math.sqrt(dx * dx + dy * dy);
    item.leader.style.width = Math.max(0, length - 4) + 'px';
    item.leader.style.transform = 'translate3d(' + at.x + 'px,' + at.y + 'px,0) rotate(' +
      Math.atan2(dy, dx) + 'rad) translateX(4px)';
  }

  /* Set a label's text in one line, or (two) in its two: text nodes and a line break, never
     markup (the name is layer text). The first line ends in a space, so that the text reads
     whole. */
  function setForm(item, two) {
    if (item.stack === two) return;
    item.stack = two;
    item.node.textContent = two ? item.lines[0] + ' ' : item.lines.join(' ');
    if (two) { item.node.appendChild(document.createElement('br')); item.node.appendChild(document.createTextNode(item.lines[1])); }
    item.node.classList.toggle('map-label-two', two);
  }

  g.labels = function (map, labels, borders, lines, coasts) {
    var toLatLngs = function (path) { return path.map(function (c) { return L.latLng(c[0], c[1]); }); };
    var borderPaths = (borders || []).map(toLatLngs);
    var linePaths = (lines || []).map(toLatLngs);   // the other heavy lines (railways, the map's own)
    var coastPaths = (coasts || []).map(toLatLngs);
    /* the places and waters the map is about: fit-view.js frames them with the incidents */
    g.ownPlaces = labels.filter(function (l) { return l.kind === 'place' || l.kind === 'water'; })
      .map(function (l) { return L.latLng(l.lat, l.lon); });
    /* the symbols of its places (a height's triangle, a dot): incident-layer.js keeps its
       markers off them */
    g.ownSymbols = labels.filter(function (l) { return l.kind === 'place'; })
      .map(function (l) { return L.latLng(l.lat, l.lon); });
    g.ownHeights = labels.filter(function (l) { return l.kind === 'place' && l.mark; })   // (their triangles)
      .map(function (l) { return L.latLng(l.lat, l.lon); });
    g.emit('symbols', {});
    /* the courses of the lines the map is about (its rivers, the claimed borders, .claim): fit-
       view.js keeps the panels and the inset off them where it can, and the claims in view */
    g.ownLines = labels.filter(function (l) { return l.kind === 'line'; })
      .map(function (l) { return L.extend(l.path.map(function (c) { return L.latLng(c[0], c[1]); }), {claim: !!l.ink}); });
    var pane = map.createPane('geoLabels');
    pane.className += ' map-labels';
    var items = labels.map(function (l) {
      var text = g.localName(l.name, l.names);
      var line = l.kind === 'line';
      var node = g.el('div', 'map-label map-label-' + l.kind +
                      (l.kind === 'town' ? ' map-label-rank' + l.rank : ''), text);
      node.lang = text === l.name ? 'en' : g.LANG;
      if (l.ink) { node.style.color = l.ink; node.style.fontStyle = 'normal'; }   // a claim's name, as its line
      pane.appendChild(node);
      var leader = l.kind === 'place' || l.kind === 'water' ? g.el('div', 'map-label-leader') : null;
      if (leader) { leader.setAttribute('aria-hidden', 'true'); pane.appendChild(leader); }
      /* a town's dot is drawn here, with its name: where the name finds no room, neither shows */
      var spot = l.kind === 'town' ? g.el('div', 'map-town-dot') : null;
      if (spot) { spot.setAttribute('aria-hidden', 'true'); pane.appendChild(spot); }
      // a country's shortest name ("MPR"), a place's shorter one, in the reader's language: where the name finds no room
      var short = l.short && (g.LANG === 'en' ? l.short : (l.short_in || {})[g.LANG]);
      return {label: l, node: node, leader: leader, spot: spot, latlng: L.latLng(l.lat, l.lon),
              text: text, short: short || null, brief: null,
              path: line ? l.path.map(function (c) { return L.latLng(c[0], c[1]); }) : null,
              dot: l.kind !== 'country' && l.kind !== 'water' && !line,   // a country's, a lake's name: centred
              // a name with a second in brackets, in two lines where one finds no room on its
              // side ("Grodekovo", "(now Pogranichny)"): names.two_lines, as the sheets set it
              lines: l.lines && g.localName(l.lines, l.lines_in).length ? g.localName(l.lines, l.lines_in) : null,
              stack: false,
              order: l.order, w: 0, h: 0};   // (geo/render/names.py: who takes room first)
    });
    items.sort(function (a, b) {
      return a.order[0] - b.order[0] || a.order[1] - b.order[1] ||
             (a.label.name < b.label.name ? -1 : a.label.name > b.label.name ? 1 : 0);
    });

    function shown(item, zoom) {
      var l = item.label;
      if (l.min_zoom !== undefined && l.min_zoom !== null && zoom < l.min_zoom) return false;
      return l.max_zoom === undefined || l.max_zoom === null || zoom <= l.max_zoom;
    }

    /* Marker icons, the title bar, the map's controls and an open popup (a phone's sheet has
       its own rule, popups.js): no label goes under them, nor names a dot under a panel. */
    function markerBoxes(origin) {
      var boxes = [];
      var covers = [].slice.call(map.getPane('markerPane').querySelectorAll('.leaflet-marker-icon'))
        .concat([].slice.call(map.getContainer().querySelectorAll(
                  '.leaflet-control, .leaflet-popup-pane .leaflet-popup')),
                [].slice.call(document.querySelectorAll('.map-title')));
      covers.forEach(function (icon) {
        var r = icon.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && getComputedStyle(icon).visibility !== 'hidden') {
          boxes.push({x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height,
                      panel: !icon.classList.contains('leaflet-marker-icon')});
        }
      });
      return boxes;
    }

    function layout() {
      var zoom = map.getZoom(), size = map.getSize();
      var origin = map.getContainer().getBoundingClientRect();
      items.forEach(function (item) {   // measure (once: the text does not change), in each form
        if (!item.w) {
          var was = item.stack;
          if (item.lines) setForm(item, false);
          item.w = item.node.offsetWidth; item.h = item.node.offsetHeight;
          if (item.lines) {
            setForm(item, true);
            item.two = {w: item.node.offsetWidth, h: item.node.offsetHeight};
            setForm(item, was);
          }
        }
        if (item.short && !item.brief) {   // (and a country's shortest name)
          item.node.textContent = item.short;
          item.brief = {w: item.node.offsetWidth, h: item.node.offsetHeight, short: true};
          item.node.textContent = item.text;
        }
      });
      var taken = markerBoxes(origin);
      /* points as the map projects them, not rounded to the pixel: a dot's side of a border
         that runs within a pixel of it (Blagoveshchensk's, 2 km off the Amur, on the overview) */
      var corner = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
      var exact = function (c) { return map.project(c, zoom).subtract(corner); };
      var all = borderPaths.map(function (path) { return path.map(exact); });
      var segments = borderSegments(all, size);
      /* the lines a name beside a dot keeps off where it can: the borders and the other heavy lines */
      var heavy = segments.concat(borderSegments(linePaths.map(function (path) {
        return path.map(function (c) { return map.latLngToContainerPoint(c); });
      }), size));
      var crossesBorder = g.boxes.crossing(segments, size), crossesHeavy = g.boxes.crossing(heavy, size);
      var points = items.map(function (item) { return exact(item.latlng); });
      var sides = g.labelSides(items, points, all, segments, zoom, items.filter(function (item) {
        return item.path && !item.label.ink; }).map(function (item) { return item.path.map(exact); }),
        coastPaths.map(function (path) { return path.map(exact); }));   // (label-sides.js)
      // the dots drawn, and of them the places' symbols: a name reads as the nearest one's
      var dots = [], placeDots = [];
      items.forEach(function (item, i) {   // every drawn dot stays readable
        if (!item.dot || !shown(item, zoom)) return;
        var mark = item.label.mark || [6, 6];   // a town's dot, a place's, or a height's symbol
        taken.push(item.dotBox = {x: points[i].x - mark[0] / 2, y: points[i].y - mark[1] / 2, w: mark[0], h: mark[1], owner: item});
        dots.push(points[i]);
        if (item.label.kind === 'place') placeDots.push(points[i]);
      });
      var named = {};   // a country named at one of its points is not named again off its others
      var inView = function (i) {   // (under no panel: a name beside the legend named a dot it hid; a town's not on a place's symbol: Heiho's on Blagoveshchensk's)
        var p = points[i], g = 3, on = function (o) { return o.panel || items[i].spot && o.owner && o.owner.label.kind === 'place'; };
        var under = function (o) { return on(o) && p.x >= o.x - g && p.y >= o.y - g && p.x <= o.x + o.w + g && p.y <= o.y + o.h + g; };
        return p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y && !taken.some(under); };
      var order = items.map(function (item, i) { return i; }).sort(function (a, b) {   // (points in view first)
        return items[a].order[0] - items[b].order[0] || (inView(a) ? 0 : 1) - (inView(b) ? 0 : 1) || a - b;
      });
      order.forEach(function (i) {
        var item = items[i];
        var place = null, country = item.label.kind === 'country';
        if (shown(item, zoom) && !(item.dot && !inView(i))) {   // a name beside a dot off the view names nothing
          var boxes = item.path ? lineCandidates(item, item.path.map(function (c) {
            return map.latLngToContainerPoint(c);
          }), size) : g.boxes.candidates(item, points[i]);
          if (country && !named[item.label.name]) boxes = boxes.concat(g.boxes.areaCandidates(item, points[i], size));
          // a lake's name set beside its point keeps WATER_CLEAR px from every other dot: nearer,
          // it reads as that dot's name ("Lake Buir" had stood beside Nomonhan's dot)
          var water = item.label.kind === 'water';
          var free = function (box) {   // (and read as its dot's: led, by the places' symbols alone)
            if (item.dot && readsAsAnother(points, i, box, box.led ? placeDots : dots)) return false;
            return box.x >= 0 && box.y >= 0 && box.x + box.w <= size.x && box.y + box.h <= size.y &&
              !taken.some(function (other) {
                if (other.owner === item) return false;   // a leader runs through no other name,
                if (box.led && other.placed && overlaps(leaderBox(points[i], box), other)) return true;
                if (other.lead && item.spot && overlaps(item.dotBox, other)) return true;   // a town's dot on one: neither shows
                if (!(water && other.owner)) return overlaps(box, other);
                return overlaps(box, {x: other.x - WATER_CLEAR, y: other.y - WATER_CLEAR,
                                      w: other.w + 2 * WATER_CLEAR, h: other.h + 2 * WATER_CLEAR});
              });
          };
          var sided = function (box) {
            if (!free(box)) return false;
            var centre = {x: box.x + box.w / 2, y: box.y + box.h / 2};
            if (country) return !(crossesBorder(box) ||   // across a border,
                                  sides.country(i, box));   // or beyond one, or off its land
            // a name beside a dot stands on its place's side of every border, as the point itself
            // lies, however near the line (Aigun's, 0.7 km from the Amur, had stood on the Soviet
            // bank, Blagoveshchensk's on the Manchurian one)
            return !(item.dot && sides.beyondDot(i, centre));
          };
          /* on its side: [the nearest position there, the nearest also clear of the heavy
             lines (a railway had run through Spassk-Dalny's name) but no further off, the
             nearest clear of the borders and claims] */
          var onSide = function (options) {
            var found = find(options, sided);
            if (!found || !item.dot) return [found, found, found];
            var clearOf = function (crossesLine) {
              return function (box) { return !crossesLine(box) && sided(box); };
            };
            var unled = function (test) { return function (box) { return (!box.led || found.led) && test(box); }; };
            return [found, find(options, unled(clearOf(crossesHeavy))), find(options, clearOf(crossesBorder))];
          };
          var one = onSide(boxes), two = [null, null, null], boxes2 = [];
          if (item.lines && !one[1]) {   // in two lines, where one finds no clear room on its side
            boxes2 = g.boxes.candidates(L.extend({}, item, item.two), points[i]);
            two = onSide(boxes2);
          }
          // in one line clear of the lines, else in two; else clear of the borders (a name across
          // one reads as on both sides: "Suifenhe (Suifenho)" straddled the border); a place
          // of the map's own across one even so
          var own = item.label.kind === 'place';
          place = one[1] || two[1] || one[2] || two[2];
          // a place's shorter name where its full one finds no room ("Zaozernaya", of
          // "Zaozernaya (Changkufeng)"): clear of the lines, else on its side before the full one
          var boxes3 = !place && item.short && !country ? g.boxes.candidates(L.extend({}, item, item.brief), points[i]) : [];
          var three = boxes3.length ? onSide(boxes3) : [null, null, null];
          place = place || three[1] || three[2] || (own ? one[0] || two[0] || three[0] : null);
          // the map's own place on a border, as far as its data says (Nomonhan's, the Khasan
          // heights'), is named even so where its side leaves no room, across as few lines as it
          // can (but no river the map is about: its other bank is another place); another
          // (Grodekovo's on the overview, 20 km inside the USSR) or a town then
          // goes unnamed, a town's dot with it
          if (!place && own && sides.onBorder(i)) {
            var thisBank = function (box) { return free(box) && !sides.beyondRiver(i, {x: box.x + box.w / 2, y: box.y + box.h / 2}); };
            var offHeavy = function (box) { return thisBank(box) && !crossesHeavy(box); };
            place = find(boxes, offHeavy) || find(boxes2, offHeavy) || find(boxes3, offHeavy) ||
              find(boxes, thisBank) || find(boxes2, thisBank) || find(boxes3, thisBank);
          }
          if (place && boxes3.indexOf(place) >= 0) place.short = true;
          if (!place && country && !named[item.label.name])   // no level room: turned along the room there is
            place = find(turnedAreaCandidates(item, points[i], size), sided);
          if (!place && country && item.short && !named[item.label.name]) {   // no room: its shortest name
            var brief = L.extend({}, item, item.brief);
            place = find(g.boxes.candidates(brief, points[i]).concat(g.boxes.areaCandidates(brief, points[i], size)), sided) ||
              find(turnedAreaCandidates(brief, points[i], size), sided);
            if (place) place.short = true;
          }
          var stack = !!place && boxes2.indexOf(place) >= 0;
          if (item.lines) setForm(item, stack);   // (then its shorter name, if set: one line)
          var form = place && place.short ? item.short : item.text;
          if (item.short && !stack && item.node.textContent !== form) item.node.textContent = form;
          if (place && country) named[item.label.name] = true;
        }
        if (place) {
          place.placed = true;
          taken.push(place);   // and later names keep off its leader (Kanchazu's had run through the Amur's)
          if (place.led) taken.push(L.extend(leaderBox(points[i], place), {lead: true}));
          if (place.angle === undefined) {
            L.DomUtil.setPosition(item.node, map.containerPointToLayerPoint([place.x, place.y]).round());
          } else {   // along its line: the text's own box, centred there and turned
            var set = place.short ? item.brief : item;
            var at = map.containerPointToLayerPoint([place.cx - set.w / 2, place.cy - set.h / 2]);
            item.node.style.transform = 'translate3d(' + at.x + 'px,' + at.y + 'px,0) rotate(' + place.angle + 'rad)';
          }
          item.node.classList.add('map-label-on');
        } else {
          item.node.classList.remove('map-label-on');
        }
        if (item.spot && item.spot.classList.toggle('map-dot-on', !!place)) {   // (true: now shown)
          L.DomUtil.setPosition(item.spot, map.containerPointToLayerPoint(points[i]).round());
        }
        if (item.leader) {
          item.leader.classList.toggle('map-leader-on', !!(place && place.led));
          if (place && place.led) lead(item, points[i], place, map.containerPointToLayerPoint(points[i]).round());
        }
      });
      pane.classList.remove('map-labels-moving');
    }

    var pending = false; function schedule() {   // (one layout a frame, however many changes come in it)
      if (!pending) requestAnimationFrame(function () { pending = false; layout(); });
      pending = true;
    }
    map.on('zoomstart', function () { pane.classList.add('map-labels-moving'); });
    map.on('zoomend moveend resize layeradd layerremove popupopen popupclose', schedule);
    g.on('filter', schedule);
    if (window.MutationObserver) {   // markers moved, shown or hidden by another control
      new MutationObserver(schedule).observe(map.getPane('markerPane'),
        {childList: true, subtree: true, attributes: true, attributeFilter: ['style', 'class']});
    }
    schedule();   // (in the first frame: the view set meanwhile, as the page fits it, is laid out once)
    g.labelItems = items;      /* (read by the tests: what was placed, and from which point) */
    g.borderPaths = borderPaths;
    g.linePaths = linePaths;
    return items;
  };
})();
