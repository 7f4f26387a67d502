/* The map inside an article: ?embed=1 compacts the chrome; the wheel zooms only when focused. */
(function () {
  'use strict';

  window.geoMaps.embed = function (map) {
    if (new URLSearchParams(location.search).get('embed') === '1') document.body.classList.add('embed');
    /* Scrolling the page must not zoom the map: the wheel zooms only once the reader has
       clicked or focused the map, and stops again when they leave it. */
    map.scrollWheelZoom.disable();
    map.on('focus click', function () { map.scrollWheelZoom.enable(); });
    map.on('blur', function () { map.scrollWheelZoom.disable(); });
    map.getContainer().addEventListener('mouseleave', function () {
      if (document.activeElement !== map.getContainer()) map.scrollWheelZoom.disable();
    });
  };
})();
