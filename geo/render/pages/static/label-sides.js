/* Which side of the border lines a name stands on (container px, for one layout). A country's
   name stands on its point's side of every line; so does a name beside a dot, however near the
   line its point lies. A dot's point on a line (the Khasan heights on the Soviet claim) has no
   side of that line, but has one of every other ("Zaozernaya" had stood over Lake Khasan,
   beyond the Manchukuo-Japanese claim); one nearer a line than its stated precision (Nomonhan's,
   to 10 km) has no side its data can tell, and is named across it where its side has no room. */
(function () {
  'use strict';

  var g = window.geoMaps;
  var ON = 0.01;   // px: a point this near a line lies on it

  /* For a layout at ``zoom``: the items (labels.js) at ``points``, the border ``paths`` and
     their ``segments`` in view, the ``rivers`` the map is about, whose other bank is another
     place, beyond which no name is set in any case (Bogomolnaya's, its height on the Soviet
     claim, had stood across the Tumen, in Korea), and the ``coasts``: a country is named on its
     land ("KOREA" had stood over the Sea of Japan). */
  g.labelSides = function (items, points, borders, segments, zoom, rivers, coasts) {
    var paths = borders.concat(rivers);
    var beyond = g.boxes.wayCrosses(paths);   // whether the way from p to q crosses a line (anywhere)
    var beyondRiver = g.boxes.wayCrosses(rivers), beyondCoast = g.boxes.wayCrosses(coasts || []);
    var nearest = {}, offLine = {};
    function near(i) {   // px from the point to the nearest line in view (once asked)
      if (!(i in nearest)) nearest[i] = Math.min.apply(null, segments.map(function (s) {
        return L.LineUtil.pointToSegmentDistance(points[i], s[0], s[1]); }).concat(Infinity));
      return nearest[i];
    }
    function through(path, p) {   // whether the line runs through point p
      for (var k = 1; k < path.length; k++) {
        if (L.LineUtil.pointToSegmentDistance(p, path[k - 1], path[k]) < ON) return true;
      }
      return false;
    }
    return {
      /* whether a country's name in ``box`` stands beyond a line from its point at points[i], or
         beyond a coast at its middle or either end (turned: a box's own ``corners``) */
      country: function (i, box) {
        var c = box.corners, mid = function (a, b) { return {x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2}; };
        var centre = {x: box.x + box.w / 2, y: box.y + box.h / 2};
        var ends = c ? [mid(c[0], c[3]), mid(c[1], c[2])] : [{x: box.x, y: centre.y}, {x: box.x + box.w, y: centre.y}];
        return beyond(points[i], centre) || [centre].concat(ends).some(function (q) { return beyondCoast(points[i], q); });
      },
      /* whether the way from the dot at points[i] to q crosses a line other than one it lies on */
      beyondDot: function (i, q) {
        if (near(i) >= ON) return beyond(points[i], q);
        if (!(i in offLine)) {
          offLine[i] = g.boxes.wayCrosses(paths.filter(function (path) { return !through(path, points[i]); }));
        }
        return offLine[i](points[i], q);
      },
      /* whether the way from the dot at points[i] to q crosses a river the map is about */
      beyondRiver: function (i, q) { return beyondRiver(points[i], q); },
      /* whether the point lies nearer a line than its stated precision (metres a pixel there) */
      onBorder: function (i) {
        var perPx = 40075016.686 * Math.cos(items[i].latlng.lat * Math.PI / 180) / Math.pow(2, zoom + 8);
        return near(i) < Math.max(ON, (items[i].label.precision_m || 0) / perPx);
      }
    };
  };
})();
