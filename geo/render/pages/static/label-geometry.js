/* The geometry of label placement (container px): whether two label boxes, upright or turned
   along a line, come closer than GAP, whether a segment crosses a box or another segment, and
   where a name may stand: beside its point, over an area, or along its line. */
(function () {
  'use strict';

  var GAP = 3;   // px kept clear around a label

  function overlaps(a, b) {
    var near = a.x < b.x + b.w + GAP && b.x < a.x + a.w + GAP &&
               a.y < b.y + b.h + GAP && b.y < a.y + a.h + GAP;
    return near && (!a.corners && !b.corners || apart(corners(a), corners(b), GAP) < GAP);
  }

  /* A box's corners: a turned label's own (a line's name), else its upright box's. */
  function corners(r) {
    return r.corners || [[r.x, r.y], [r.x + r.w, r.y], [r.x + r.w, r.y + r.h], [r.x, r.y + r.h]];
  }

  /* How far apart two convex quadrilaterals are along the axis (an edge normal) that parts
     them most, negative if they overlap; or along the first that parts them by ``enough``. */
  function apart(p, q, enough) {
    var best = -Infinity, shapes = [p, q];   // (plain loops: a relayout of the overview asks 10 000 times)
    for (var m = 0; m < 2; m++) {
      var shape = shapes[m];
      for (var i = 0; i < 4; i++) {
        var a = shape[i], b = shape[(i + 1) % 4], nx = a[1] - b[1], ny = b[0] - a[0];
        if (!nx && !ny) continue;   // (a segment, as a quadrilateral, has edges of no length)
        var n = Math.sqrt(nx * nx + ny * ny);
        var lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
        for (var k = 0; k < 2; k++) {
          for (var j = 0; j < shapes[k].length; j++) {
            var c = shapes[k][j], d = (c[0] * nx + c[1] * ny) / n;
            lo[k] = Math.min(lo[k], d); hi[k] = Math.max(hi[k], d);
          }
        }
        best = Math.max(best, lo[1] - hi[0], lo[0] - hi[1]);
        if (best >= enough) return best;
      }
    }
    return best;
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

  /* Whether segment s crosses or touches the segment from p to q (a way that passes through
     a vertex of a border line meets it too: KOREA was once set across the Tumen so). */
  function meets(s, p, q) {
    function turn(a, b, c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }
    var a = s[0], b = s[1];
    var d1 = turn(a, b, p), d2 = turn(a, b, q), d3 = turn(p, q, a), d4 = turn(p, q, b);
    if (d1 === 0 && d2 === 0) {  /* on one line: whether they overlap along it */
      return Math.max(Math.min(a.x, b.x), Math.min(p.x, q.x)) <= Math.min(Math.max(a.x, b.x), Math.max(p.x, q.x)) &&
             Math.max(Math.min(a.y, b.y), Math.min(p.y, q.y)) <= Math.min(Math.max(a.y, b.y), Math.max(p.y, q.y));
    }
    return d1 * d2 <= 0 && d3 * d4 <= 0;
  }

  /* A test of whether the way from p to q meets any of ``paths`` (anywhere, in view or not), by
     runs of RUN segments, each with its box: a test reads the few runs near the way (the
     overview's borders have thousands of segments; a relayout asks for each candidate). */
  var RUN = 16;
  function wayCrosses(paths) {
    var runs = [];
    paths.forEach(function (pts) {
      for (var start = 1; start < pts.length; start += RUN) {
        var part = pts.slice(start - 1, start + RUN);
        var xs = part.map(function (c) { return c.x; }), ys = part.map(function (c) { return c.y; });
        runs.push({pts: pts, start: start, end: start - 1 + part.length, x0: Math.min.apply(null, xs),
                   x1: Math.max.apply(null, xs), y0: Math.min.apply(null, ys), y1: Math.max.apply(null, ys)});
      }
    });
    return function (p, q) {
      var x0 = Math.min(p.x, q.x), x1 = Math.max(p.x, q.x), y0 = Math.min(p.y, q.y), y1 = Math.max(p.y, q.y);
      return runs.some(function (run) {
        if (run.x1 < x0 || run.x0 > x1 || run.y1 < y0 || run.y0 > y1) return false;
        for (var k = run.start; k < run.end; k++) {   // (each segment's box first, as meets is not exact)
          var a = run.pts[k - 1], b = run.pts[k];
          if (Math.max(a.x, b.x) >= x0 && Math.min(a.x, b.x) <= x1 && Math.max(a.y, b.y) >= y0 &&
              Math.min(a.y, b.y) <= y1 && meets([p, q], a, b)) return true;
        }
        return false;
      });
    };
  }

  /* Candidate boxes of a line's name (a river, a claimed border): centred at points STEP px
     apart along the line, where the stretch under the text is straight enough to carry it
     (every vertex within 1.5 text heights of its chord, the chord at least 0.8 of the text's
     width), turned with it (never upside down), just beside it on either side (a thin line
     showing between the words read as a hyphen), else on it; the points nearest the middle of
     the map first. Each carries
     its turned corners (the collision test's) and the upright box around them. */
  var STEP = 12, ON_IT = 1e6;   // (px: a name on its line comes after every one beside it)
  function lineCandidates(item, points, size) {
    var w = item.w, h = item.h, found = [], along = [0];
    for (var i = 1; i < points.length; i++) {
      along.push(along[i - 1] + Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y));
    }
    function at(d) {   // the point d px along the line, and the index of the vertex before it
      var i = 1;
      while (i < points.length - 1 && along[i] < d) i++;
      var a = points[i - 1], b = points[i], t = (d - along[i - 1]) / ((along[i] - along[i - 1]) || 1);
      return {x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, i: i};
    }
    var total = along[along.length - 1];
    for (var m = w / 2; m <= total - w / 2; m += STEP) {
      var a = at(m - w / 2), b = at(m + w / 2), c = at(m);
      if (c.x < 0 || c.y < 0 || c.x > size.x || c.y > size.y) continue;
      var dx = b.x - a.x, dy = b.y - a.y, length = Math.sqrt(dx * dx + dy * dy);
      if (length < 0.8 * w) continue;   // a bend under the name
      var straight = true;
      for (var k = a.i; k < b.i && straight; k++) {
        straight = Math.abs((points[k].x - a.x) * dy - (points[k].y - a.y) * dx) / length <= 1.5 * h;
      }
      if (!straight) continue;
      var angle = Math.atan2(dy, dx);
      if (angle > Math.PI / 2) angle -= Math.PI;
      if (angle < -Math.PI / 2) angle += Math.PI;
      var cos = Math.cos(angle), sin = Math.sin(angle);
      var bw = Math.abs(w * cos) + Math.abs(h * sin), bh = Math.abs(w * sin) + Math.abs(h * cos);
      var far = Math.abs(c.x - size.x / 2) + Math.abs(c.y - size.y / 2);
      [-1, 1, 0].forEach(function (side, rank) {   // beside the line (above, below), else on it
        var off = side * (h / 2 + 3), cx = c.x - off * sin, cy = c.y + off * cos;
        var turned = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(function (p) {
          return [cx + p[0] * cos - p[1] * sin, cy + p[0] * sin + p[1] * cos];
        });
        // beside the line, clear of it: at a bend the chord's side may lie across the line
        for (var k = Math.max(1, a.i - 1); side && k <= Math.min(points.length - 1, b.i + 1); k++) {
          var q0 = points[k - 1], q1 = points[k];
          if (apart(turned, [[q0.x, q0.y], [q1.x, q1.y], [q1.x, q1.y], [q0.x, q0.y]], 0) < 0) return;
        }
        found.push({x: cx - bw / 2, y: cy - bh / 2, w: bw, h: bh, cx: cx, cy: cy, angle: angle,
                    corners: turned, far: far + (side ? rank * 2 * STEP : ON_IT)});
      });
    }
    return found.sort(function (p, q) { return p.far - q.far; });
  }

  /* How far point p lies from box r (0 inside it). */
  function reach(p, r) {
    return Math.hypot(Math.max(r.x - p.x, 0, p.x - r.x - r.w), Math.max(r.y - p.y, 0, p.y - r.y - r.h));
  }

  /* Whether a name in box r beside the dot at points[i] reads as another dot's: one of
     ``dots`` (the points of the dots drawn) lies nearer it than its own (a led "Zaozernaya"
     had stood nearer Bogomolnaya's triangle than its own height's); one within DOTS[1] px of
     its own shares its place at the zoom (Suifenhe's and Grodekovo's on the overview). */
  function readsAsAnother(points, i, r, dots) {
    var own = reach(points[i], r), p = points[i];
    return dots.some(function (q) { return reach(q, r) < own && Math.hypot(q.x - p.x, q.y - p.y) > DOTS[1]; });
  }

  /* The leader line from point p to the nearest point of box r, as a box of no breadth (its
     corners the line's two ends, for overlaps): no other name or dot may lie on it. */
  function leaderBox(p, r) {
    var x = Math.max(r.x, Math.min(p.x, r.x + r.w)), y = Math.max(r.y, Math.min(p.y, r.y + r.h));
    return {x: Math.min(p.x, x), y: Math.min(p.y, y), w: Math.abs(x - p.x), h: Math.abs(y - p.y),
            corners: [[p.x, p.y], [x, y], [x, y], [p.x, p.y]], to: {x: x, y: y}};
  }

  var DOTS = [5, 17];   // px from a place's point to its label: beside its dot, or clear of a marker on it
  var LED = [34, 52];   // px, further off, for the map's own places and waters: a leader line goes to the point

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
    function around(d, led) {   // right, left, above, below; then the four corners
      return [{x: p.x + d, y: p.y - h / 2}, {x: p.x - d - w, y: p.y - h / 2}, {x: p.x - w / 2, y: p.y - d - h},
              {x: p.x - w / 2, y: p.y + d}].concat(led ? corners(d) : []).map(function (b) {
        return {x: b.x, y: b.y, w: w, h: h, led: led};
      });
    }
    function corners(d) {
      return [{x: p.x + d * 0.7, y: p.y - d * 0.7 - h}, {x: p.x - d * 0.7 - w, y: p.y - d * 0.7 - h},
              {x: p.x + d * 0.7, y: p.y + d * 0.7}, {x: p.x - d * 0.7 - w, y: p.y + d * 0.7}];
    }
    DOTS.concat(item.leader ? LED : []).forEach(function (d) {
      boxes = boxes.concat(around(d, d > DOTS[DOTS.length - 1]));
    });
    // beside the dot at its corners, last (where a line leaves the dot on either side)
    corners(DOTS[0]).forEach(function (b) { boxes.push({x: b.x, y: b.y, w: w, h: h, led: false}); });
    return boxes;
  }

  /* Where a country's point lies off the view at a large zoom (or its name finds no room at
     it), its name may stand anywhere in view on the same side of every border: positions on a
     grid over the view, nearest the point first (the test against the borders is the caller's).
     Only for a point within REACH views' sizes of the view: a far one names nothing. */
  var REACH = 4;
  function areaCandidates(item, p, size) {
    if (Math.abs(p.x - size.x / 2) > (REACH + 0.5) * size.x || Math.abs(p.y - size.y / 2) > (REACH + 0.5) * size.y) return [];
    var w = item.w, h = item.h, step = 20, found = [];
    for (var cy = h / 2 + GAP; cy <= size.y - h / 2 - GAP; cy += step) {
      for (var cx = w / 2 + GAP; cx <= size.x - w / 2 - GAP; cx += step) {
        found.push({x: cx - w / 2, y: cy - h / 2, w: w, h: h, far: Math.hypot(cx - p.x, cy - p.y)});
      }
    }
    return found.sort(function (a, b) { return a.far - b.far; });
  }

  /* Where no level room is left for a country's name, turned along the room there is (as an
     atlas sets a name along a narrow strip of its country: Manchukuo's between the Tumen and
     the Soviet claim at Khasan on a phone): positions on the grid of areaCandidates, nearest
     the point first, each at ANGLES, least turned first; each with its turned corners and the
     upright box around them, as a line's name has. */
  var ANGLES = [15, -15, 30, -30, 45, -45, 60, -60, 75, -75].map(function (d) { return d * Math.PI / 180; });
  function turnedAreaCandidates(item, p, size) {
    var w = item.w, h = item.h, found = [];
    areaCandidates({w: h, h: h}, p, size).forEach(function (spot) {
      var cx = spot.x + spot.w / 2, cy = spot.y + spot.h / 2;
      ANGLES.forEach(function (angle) {
        var cos = Math.cos(angle), sin = Math.sin(angle);
        var bw = Math.abs(w * cos) + Math.abs(h * sin), bh = Math.abs(w * sin) + Math.abs(h * cos);
        if (cx - bw / 2 < GAP || cy - bh / 2 < GAP || cx + bw / 2 > size.x - GAP || cy + bh / 2 > size.y - GAP) return;
        found.push({x: cx - bw / 2, y: cy - bh / 2, w: bw, h: bh, cx: cx, cy: cy, angle: angle,
                    corners: [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(function (c) {
                      return [cx + c[0] * cos - c[1] * sin, cy + c[0] * sin + c[1] * cos];
                    })});
      });
    });
    return found;
  }

  /* The segments of ``projected`` (lines in container px) that lie in a view of ``size``:
     those a name in view may meet (a country's is set on one side of the borders). */
  function segmentsInView(projected, size) {
    var out = [];
    projected.forEach(function (pts) {
      for (var i = 1; i < pts.length; i++) {
        var a = pts[i - 1], b = pts[i];
        if (Math.max(a.x, b.x) < 0 || Math.min(a.x, b.x) > size.x ||
            Math.max(a.y, b.y) < 0 || Math.min(a.y, b.y) > size.y) continue;
        out.push([a, b]);
      }
    });
    return out;
  }

  /* Whether any of ``segments`` (container px, in a view of ``size``) crosses a box: through a
     grid of CELL px cells, each holding the segments that pass near it. A layout tests every
     candidate box of every name against the border lines: on the overview that was 2 to 4.5
     million tests a layout (a third of a second), where the cells leave a few dozen a box. */
  var CELL = 48;
  function crossing(segments, size) {
    var cols = Math.ceil(size.x / CELL) + 1, rows = Math.ceil(size.y / CELL) + 1, cells = [];
    function span(a, b, most) {   // the cells from a to b (px), within the view's
      return [Math.max(0, Math.floor((a - GAP) / CELL)), Math.min(most - 1, Math.floor((b + GAP) / CELL))];
    }
    segments.forEach(function (s) {
      var x = span(Math.min(s[0].x, s[1].x), Math.max(s[0].x, s[1].x), cols),
          y = span(Math.min(s[0].y, s[1].y), Math.max(s[0].y, s[1].y), rows);
      for (var i = x[0]; i <= x[1]; i++) {
        for (var j = y[0]; j <= y[1]; j++) (cells[j * cols + i] = cells[j * cols + i] || []).push(s);
      }
    });
    return function (r) {
      var x = span(r.x, r.x + r.w, cols), y = span(r.y, r.y + r.h, rows);
      for (var i = x[0]; i <= x[1]; i++) {
        for (var j = y[0]; j <= y[1]; j++) {
          var near = cells[j * cols + i] || [];
          for (var k = 0; k < near.length; k++) {
            var q = near[k];   // (a turned name by its own corners, GAP around them)
            if (r.corners ? apart(r.corners, [[q[0].x, q[0].y], [q[1].x, q[1].y], [q[1].x, q[1].y],
                                              [q[0].x, q[0].y]], GAP) < GAP : crosses(q, r)) return true;
          }
        }
      }
      return false;
    };
  }

  window.geoMaps.boxes = {GAP: GAP, overlaps: overlaps, crosses: crosses, meets: meets, leaderBox: leaderBox,
                         lineCandidates: lineCandidates, candidates: candidates, areaCandidates: areaCandidates,
                         turnedAreaCandidates: turnedAreaCandidates, readsAsAnother: readsAsAnother,
                         segmentsInView: segmentsInView, crossing: crossing,
                         wayCrosses: wayCrosses};
})();
