/* Incidents the sources do not place: no marker; asked for, they open in a panel instead. */
(function () {
  'use strict';

  var g = window.geoMaps, el = g.el;

  g.unplacedPanel = function (map) {
    var panel = el('section', 'unplaced-panel');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', g.t('Incident without a place on the map'));
    panel.tabIndex = -1;
    panel.hidden = true;
    var close = el('button', 'unplaced-close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', g.t('Close'));
    var body = el('div', 'unplaced-body');
    panel.appendChild(close);
    panel.appendChild(body);
    map.getContainer().appendChild(panel);
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    var opener = null;

    function hide() {
      if (panel.hidden) return;
      panel.hidden = true;
      if (opener && opener.focus) opener.focus();
    }
    close.addEventListener('click', hide);
    panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') hide(); });
    map.on('popupopen', hide);

    g.on('show', function (e) {
      var item = g.state.incidents.find(function (i) { return i.id === e.id; });
      if (!item || item.marker) { hide(); return; }
      map.closePopup();
      opener = document.activeElement;
      body.textContent = '';
      body.appendChild(el('p', 'unplaced-note', g.t('Not on the map (see where below).')));
      body.appendChild(g.incidentPopup(item.properties, item.bibliography, true));
      panel.hidden = false;
      panel.focus();
      g.emit('opened', {id: item.id});
    });
  };
})();
