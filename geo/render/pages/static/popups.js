/* Which popup is open (state.popup), and room for it: clear of the title, controls and legend. */
(function () {
  'use strict';

  var g = window.geoMaps;

  /* state.popup follows Leaflet's public popupopen/popupclose events. A popup's text may be
     taller than its room (it scrolls): it takes focus, so that a keyboard reaches all of it. */
  function trackPopups(map) {
    map.on('popupopen', function (e) {
      g.state.popup = e.popup;
      var content = e.popup.getElement().querySelector('.leaflet-popup-content');
      var heading = content && content.querySelector('h2');
      if (content) {
        content.tabIndex = 0;
        content.setAttribute('role', 'region');
        content.setAttribute('aria-label', heading ? heading.textContent : g.t('Details'));
      }
    });
    map.on('popupclose', function (e) { if (g.state.popup === e.popup) g.state.popup = null; });
  }

  function popupIsOpen() {
    return !!g.state.popup && g.state.popup.isOpen();
  }

  /* A popup opens in full, clear of the title bar and the controls: on opening, its autopan
     padding is measured from what is on screen now (the incident list may be open or folded),
     and the map's bounds are lifted while a popup is open, since a popup near the edge of the
     data may need the view to go beyond it; they are restored, panning back, once none is. */
  function roomForPopups(map) {
    var container = map.getContainer();
    var title = document.querySelector('.map-title');
    function widest(corner) {
      var width = 0;
      container.querySelectorAll(corner + ' > .leaflet-control').forEach(function (control) {
        width = Math.max(width, control.offsetWidth);
      });
      return width + 20;
    }
    /* The legend shares the right edge with popups and would cover one: it folds while the
       popup it covers is open, and unfolds again after. */
    /* Likewise any control a popup still lies under: a panel folds, a button hides. */
    var folded = [], hidden = [];
    function foldLegendOver(popup) {
      if (!popup.isOpen()) return;
      var a = popup.getElement().getBoundingClientRect();
      container.querySelectorAll('.leaflet-control').forEach(function (control) {
        var b = control.getBoundingClientRect();
        if (!(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)) return;
        var panel = control.querySelector('details[open]');
        if (panel) { panel.open = false; folded.push(panel); }
        b = control.getBoundingClientRect();
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
          control.classList.add('under-popup');
          hidden.push(control);
        }
      });
    }
    /* A control (the incident list, the dates) over the place of the open incident, or over
       any marker in the room above its sheet: hidden while the sheet is open, so that the
       reader sees where the incident is and what lies around it. */
    function hideControlsOverMarkers(top, bottom) {
      var box = container.getBoundingClientRect();
      container.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon').forEach(function (icon) {
        if (getComputedStyle(icon).visibility === 'hidden') return;
        var r = icon.getBoundingClientRect(), x = (r.left + r.right) / 2 - box.left, y = (r.top + r.bottom) / 2 - box.top;
        if (x >= 0 && x <= box.width && y >= top && y <= bottom) hideControlsOver(L.point(x, y));
      });
    }
    function hideControlsOver(place) {
      var box = container.getBoundingClientRect(), x = box.left + place.x, y = box.top + place.y;
      var REACH = 12;  /* half a marker, and a little */
      container.querySelectorAll('.leaflet-control').forEach(function (control) {
        var b = control.getBoundingClientRect();
        if (x + REACH > b.left && x - REACH < b.right && y + REACH > b.top && y - REACH < b.bottom &&
            !control.classList.contains('under-popup')) {
          control.classList.add('under-popup');
          hidden.push(control);
        }
      });
    }
    /* The panels and switches (the incident list, the dates, the language, the layers): on a
       phone, hidden while a sheet is open (it steps through the incidents itself). The room
       it leaves above is the map's alone: with them there, the place just tapped and the
       heights beside it went unnamed, their names finding no room. The zoom buttons stay. */
    function hidePanels(sheet) {
      var focused = false;
      container.querySelectorAll('.leaflet-control').forEach(function (control) {
        if (control.classList.contains('leaflet-control-zoom') || control.classList.contains('under-popup')) return;
        focused = focused || control.contains(document.activeElement);
        control.classList.add('under-popup');
        hidden.push(control);
      });
      /* a keyboard's place in a panel (the list row that opened it) goes to the sheet, not to
         the page's body; Escape then returns it to the incident's marker (a11y.js) */
      var content = sheet.querySelector('.leaflet-popup-content');
      if (focused && content) content.focus({preventScroll: true});
    }
    /* On a narrow screen a popup is a bottom sheet: out of the moving map pane, across the
       bottom of the map, above the controls; the map pans its place into the room above. */
    var sheetPane = map.createPane('sheetPane', container);
    function narrow() { return container.clientWidth < 600; }
    function sheetMode() { L.Popup.mergeOptions({autoPan: !narrow()}); }
    sheetMode();
    map.on('resize', sheetMode);
    var bounds = null;
    /* the pan a sheet made, and the view it left: the map pans back when the last sheet
       closes, unless the reader has moved it since (the markers were clear of the panels
       before it opened) */
    var panned = null;
    map.on('popupopen', function (e) {
      if (map.options.maxBounds) { bounds = map.options.maxBounds; map.setMaxBounds(null); }
      if (narrow()) {
        var node = e.popup.getElement();
        sheetPane.appendChild(node);
        var top = title ? title.getBoundingClientRect().bottom - container.getBoundingClientRect().top : 0;
        var size = map.getSize(), point = map.latLngToContainerPoint(e.popup.getLatLng());
        var room = L.point(size.x / 2, Math.max(top, 0) + (size.y - node.offsetHeight - Math.max(top, 0)) / 2);
        var shift = point.subtract(room).round();  /* (as panBy moves: whole pixels) */
        var carried = panned && panned.centre.equals(map.getCenter()) ? panned.shift : L.point(0, 0);
        map.panBy(shift, {animate: false});
        panned = {shift: carried.add(shift), centre: map.getCenter()};
        foldLegendOver(e.popup);
        hidePanels(node);
        hideControlsOver(room);
        hideControlsOverMarkers(Math.max(top, 0), size.y - node.offsetHeight);
        return;
      }
      var options = e.popup.options;
      /* beside the controls at the top only, as on the right: a panel at the bottom that the
         popup still lies over folds (below); counting it too could ask for more room than
         the map has, and the popup would then hang over the right edge */
      var topLeft = L.point(widest('.leaflet-top.leaflet-left'), (title ? title.offsetHeight : 0) + 10);
      var bottomRight = L.point(widest('.leaflet-top.leaflet-right'), 10);
      if (!topLeft.equals(L.point(options.autoPanPaddingTopLeft || [0, 0])) ||
          !bottomRight.equals(L.point(options.autoPanPaddingBottomRight || [0, 0]))) {
        options.autoPanPaddingTopLeft = topLeft;
        options.autoPanPaddingBottomRight = bottomRight;
        e.popup.update();  /* lays it out again and pans with the new padding */
      }
      /* Now, where no pan follows, and after the autopan (registered after update(), whose
         stopping of the first pan ends it with a moveend of its own). */
      foldLegendOver(e.popup);
      map.once('moveend', function () { foldLegendOver(e.popup); });
    });
    map.on('popupclose', function () {
      setTimeout(function () {  /* story mode closes one popup just before opening the next */
        if (popupIsOpen()) return;
        if (panned && panned.centre.equals(map.getCenter())) map.panBy(panned.shift.multiplyBy(-1), {animate: false});
        panned = null;
        if (bounds) map.setMaxBounds(bounds);
        bounds = null;
        folded.forEach(function (panel) { panel.open = true; });
        hidden.forEach(function (control) { control.classList.remove('under-popup'); });
        folded = [];
        hidden = [];
      }, 0);
    });
  }

  g.popupIsOpen = popupIsOpen;
  g.popups = function (map) {
    trackPopups(map);
    roomForPopups(map);
  };
})();
