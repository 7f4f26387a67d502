/* The map inside an article: ?embed=1 compacts the chrome; the wheel zooms only when focused;
   one finger scrolls the article, two move the map. */
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
    if (new URLSearchParams(location.search).get('embed') === '1' || framed()) cooperative(map);
  };

  function framed() {
    try { return window.self !== window.top; } catch (e) { return true; }
  }

  /* In an article, touch as the wheel: one finger scrolls the article (the map lets the
     browser pan the page: touch-action pan-x pan-y), two fingers move and zoom the map
     (Leaflet's touch zoom); a one-finger swipe shows a hint. The mouse drags as ever. */
  function cooperative(map) {
    var container = map.getContainer();
    container.classList.add('cooperative-gestures');
    var hint = window.geoMaps.el('div', 'gesture-hint', window.geoMaps.t('Use two fingers to move the map'));
    hint.setAttribute('aria-hidden', 'true');
    container.appendChild(hint);
    var timer = null, fingers = 0;
    function showHint(on) {
      hint.classList.toggle('is-shown', on);
      clearTimeout(timer);
      if (on) timer = setTimeout(function () { hint.classList.remove('is-shown'); }, 1500);
    }
    container.addEventListener('touchstart', function (e) {
      fingers = e.touches.length;
      if (fingers === 1) map.dragging.disable();
      else showHint(false);
    }, {capture: true, passive: true});
    container.addEventListener('touchmove', function (e) {
      if (e.touches.length === 1 && fingers === 1) showHint(true);
    }, {capture: true, passive: true});
    container.addEventListener('mousedown', function () { map.dragging.enable(); }, true);
  }
})();
