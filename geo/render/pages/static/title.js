/* The title bar: the map's top controls stay below it, and its count follows the timeline. */
(function () {
  'use strict';

  var g = window.geoMaps;

  /* Keep the map's top controls below the title bar, whatever its height at this width. */
  g.clearTitle = function () {
    var title = document.querySelector('.map-title');
    if (!title) return;
    function place() {
      document.documentElement.style.setProperty('--title-height', title.offsetHeight + 'px');
    }
    place();
    if (window.ResizeObserver) new ResizeObserver(place).observe(title);
    else window.addEventListener('resize', place);
  };

  /* "62 incidents shown: 35 on the map, 27 listed without a place.": page.py's title's words
     (a reader had read "62 incidents (27 listed without a place) shown" as a contradiction). */
  g.on('filter', function (e) {
    var unplaced = g.state.incidents.filter(function (item) {
      return !item.marker && e.visible[item.id] === true;
    }).length;
    var text = g.t(unplaced ? '{n} incidents shown: {p} on the map, {u} listed without a place.'
                   : '{n} incidents shown.', {n: e.shown, p: e.shown - unplaced, u: unplaced});
    if (e.shown === 1) text = text.replace('1 incidents', '1 incident');  /* English */
    document.querySelectorAll('.incident-count').forEach(function (node) {
      node.textContent = text;
    });
  });
})();
