/* The URL follows the map (#incident=ID or #zoom/lat/lon) and the map follows the URL. */
(function () {
  'use strict';

  var g = window.geoMaps;

  g.deepLinks = function (map) {
    g.on('opened', function (e) {
      history.replaceState(null, '', '#incident=' + encodeURIComponent(e.id));
    });
    /* From the first view on (fit-view.js sets it after this script): a page opened without
       a hash keeps its address until the reader moves the map. */
    Promise.resolve(g.firstView).then(function () {
      map.on('moveend', function () {
        if (g.popupIsOpen() && /^#incident=/.test(location.hash)) return;
        var c = map.getCenter();
        history.replaceState(null, '', '#' + map.getZoom() + '/' + c.lat.toFixed(5) + '/' + c.lng.toFixed(5));
      });
    });

    function follow() {
      var hash = decodeURIComponent(location.hash.slice(1));
      var view = /^(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(hash);
      if (hash.indexOf('incident=') === 0) {
        g.emit('show', {id: hash.slice(9)});
      } else if (view) {
        map.setView([+view[2], +view[3]], +view[1], {animate: false});
      }
    }
    window.addEventListener('hashchange', follow);
    follow();
  };
})();
