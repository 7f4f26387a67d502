/* Keyboard and screen readers: the page's language, a skip link, landmarks, the tab order, and
   Escape closing a popup with focus back on its marker. */
(function () {
  'use strict';

  var g = window.geoMaps, el = g.el;

  /* <html lang> follows ?lang=: the page's own words are in that language (the build's HTML,
     the layer control's names here; the scripts write theirs with g.t), the layers' texts stay
     English and are marked so (tooltips here, popups and list rows where they are made). */
  function languages(map) {
    document.documentElement.lang = g.LANG;
    if (g.LANG === 'en') return;
    var title = document.querySelector('.map-title');
    if (title) g.translate(title);
    map.getContainer().querySelectorAll('.leaflet-control-layers-list label span').forEach(function (span) {
      if (!span.children.length && span.textContent.trim()) span.textContent = ' ' + g.t(span.textContent.trim());
    });
    g.english(map.getPane('tooltipPane'));
  }

  /* Landmarks: the title bar is the banner, the map (in <main>) a named region, the incident
     list a navigation. The title comes first in the document, after the skip link, so that
     its links are the first Tab stops (it is drawn over the map wherever it is in the DOM). */
  function landmarks(map) {
    var container = map.getContainer();
    var title = document.querySelector('.map-title');
    var heading = title && title.querySelector('h1');
    var name = heading ? heading.textContent : document.title;
    var main = el('main', 'map-main');
    main.setAttribute('aria-label', name);
    container.parentNode.insertBefore(main, container);
    main.appendChild(container);
    container.setAttribute('role', 'region');
    container.setAttribute('aria-roledescription', 'map');
    container.setAttribute('aria-label', g.t('{name}. Arrow keys pan, + and − zoom; Tab reaches the markers.', {name: name}));
    var skip = el('a', 'skip-link', g.t('Skip to the map'));
    skip.href = '#' + container.id;   /* (a link to the map: checkers know it as a skip link) */
    skip.addEventListener('click', function (e) {
      e.preventDefault();  /* no hash: the address is the map's (deep-links.js) */
      container.focus();
    });
    document.body.insertBefore(skip, document.body.firstChild);
    if (title) document.body.insertBefore(title, skip.nextSibling);
    var list = container.querySelector('.incident-panel');
    if (list) {
      list.setAttribute('role', 'navigation');
      list.setAttribute('aria-label', g.t('Incidents in date order'));
    }
  }

  /* Shapes the reader cannot act on take no Tab stop (and are hidden from screen readers);
     the others are named after their feature, as their tooltip. */
  function pathsOutOfTabOrder(map) {
    function tidy() {
      map.getPanes().mapPane.querySelectorAll('svg path, canvas').forEach(function (path) {   // (every pane's)
        if (!path.classList.contains('leaflet-interactive')) {
          path.setAttribute('aria-hidden', 'true');
        }
        path.setAttribute('tabindex', '-1');
        path.setAttribute('focusable', 'false');
      });
    }
    map.on('layeradd zoomend', tidy);
    tidy();
  }

  /* Escape closes the open popup and puts the focus back where it opened from: its marker,
     or the place marker the marker has gone back into. */
  function escapeCloses(map) {
    document.addEventListener('keydown', function (e) {
      if (e.key !== 'Escape' || !g.popupIsOpen()) return;
      var popup = g.state.popup, source = null;
      map.eachLayer(function (layer) {  /* the layer the popup is bound to */
        if (layer.getPopup && layer.getPopup() === popup) source = layer;
      });
      e.preventDefault();
      e.stopPropagation();  /* Leaflet's own Escape (map focused) would find nothing to close */
      map.closePopup(popup);
      setTimeout(function () {  /* after incident-layer.js has drawn the markers again */
        var node = source && source.getElement && source.getElement();
        if (!node || !node.isConnected) {
          var item = g.state.incidents.find(function (i) { return i.marker === source; });
          node = item && item.place && item.place.getElement();
        }
        if (node && node.isConnected) node.focus();
        else map.getContainer().focus();
      }, 0);
    }, true);
  }

  g.accessible = function (map) {
    languages(map);
    landmarks(map);
    pathsOutOfTabOrder(map);
    escapeCloses(map);
  };
})();
