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

  g.on('filter', function (e) {
    document.querySelectorAll('.incident-count').forEach(function (node) {
      node.textContent = e.shown + (e.shown === 1 ? ' incident' : ' incidents');
    });
  });
})();
