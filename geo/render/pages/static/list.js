/* The incident list (a real list, in date order) and story mode's previous / next buttons. */
(function () {
  'use strict';

  var g = window.geoMaps, el = g.el, append = g.append;

  function byDate(a, b) {
    return a.date < b.date ? -1 : a.date > b.date ? 1 : (a.id < b.id ? -1 : 1);
  }

  g.incidentList = function (map) {
    var items = g.state.incidents.slice().sort(byDate);
    var current = -1;
    var control = L.control({position: 'topleft'});
    var rows = [];
    var counter;

    function indexOf(id) {
      return items.findIndex(function (item) { return item.id === id; });
    }

    function show(index) {
      if (index >= 0 && index < items.length) g.emit('show', {id: items[index].id});
    }

    function select(index) {
      rows.forEach(function (row, i) {
        row.classList.toggle('is-current', i === index);
        if (i === index) row.setAttribute('aria-current', 'true');
        else row.removeAttribute('aria-current');
      });
      if (counter) counter.textContent = (index + 1) + ' / ' + items.length;
    }

    control.onAdd = function () {
      var box = L.DomUtil.create('div', 'incident-panel');
      var details = el('details');
      details.open = window.innerWidth >= 800 && !document.body.classList.contains('embed');
      var summary = el('summary', null, g.t('Incidents ({n})', {n: items.length}));
      details.appendChild(summary);
      var story = el('div', 'story');
      var prev = el('button', 'story-prev', g.t('◀ Previous'));
      var next = el('button', 'story-next', g.t('Next ▶'));
      prev.type = next.type = 'button';
      prev.setAttribute('aria-label', g.t('Previous incident in date order'));
      next.setAttribute('aria-label', g.t('Next incident in date order'));
      counter = el('span', 'story-count', items.length ? '– / ' + items.length : '');
      prev.addEventListener('click', function () { show(current <= 0 ? 0 : current - 1); });
      next.addEventListener('click', function () { show(current + 1 >= items.length ? items.length - 1 : current + 1); });
      append(story, [prev, counter, next]);
      var list = el('ol', 'incident-list');
      items.forEach(function (item, i) {
        var li = el('li');
        var button = el('button', 'incident-row');
        button.type = 'button';
        button.setAttribute('data-incident', item.id);
        append(button, [el('span', 'row-date', g.formatDate(item.date)),
                        g.english(el('span', 'row-title', item.title)),
                        item.marker ? null : el('span', 'row-unplaced', g.t('not on the map'))]);
        button.addEventListener('click', function () { show(i); });
        li.appendChild(button);
        list.appendChild(li);
        rows.push(button);
      });
      append(details, [story, list]);
      box.appendChild(details);
      box.addEventListener('keydown', function (e) {
        if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { next.click(); e.preventDefault(); }
        if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { prev.click(); e.preventDefault(); }
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);

    /* On a phone the popup is a bottom sheet (popups.js): story mode's buttons go into it,
       within reach of a thumb. */
    var sheetStory = el('div', 'sheet-story');
    var sheetPrev = el('button', 'story-prev', g.t('◀ Previous'));
    var sheetNext = el('button', 'story-next', g.t('Next ▶'));
    var sheetCount = el('span', 'story-count');
    sheetPrev.type = sheetNext.type = 'button';
    sheetPrev.setAttribute('aria-label', g.t('Previous incident in date order'));
    sheetNext.setAttribute('aria-label', g.t('Next incident in date order'));
    /* The sheet closes with its popup and opens again with the next: the button pressed keeps
       the focus (a keyboard's or a screen reader's place is not lost to the page's body). */
    var refocus = null;
    sheetPrev.addEventListener('click', function () { refocus = sheetPrev; show(current <= 0 ? 0 : current - 1); });
    sheetNext.addEventListener('click', function () { refocus = sheetNext; show(current + 1 >= items.length ? items.length - 1 : current + 1); });
    append(sheetStory, [sheetPrev, sheetCount, sheetNext]);
    L.DomEvent.disableClickPropagation(sheetStory);
    g.on('opened', function (e) {
      var popup = g.state.popup, index = indexOf(e.id);
      var node = popup && popup.isOpen() && popup.getElement();
      if (!node || index < 0 || !node.closest('.leaflet-sheet-pane')) return;
      sheetCount.textContent = (index + 1) + ' / ' + items.length;
      node.appendChild(sheetStory);
      if (refocus) refocus.focus({preventScroll: true});
      refocus = null;
    });

    /* Story mode goes on from the incident last asked for (by the list or a deep link)... */
    g.on('show', function (e) {
      var index = indexOf(e.id);
      if (index >= 0) current = index;
    });
    /* ...and the list follows the map: the row of the incident whose popup opened is current. */
    g.on('opened', function (e) {
      var index = indexOf(e.id);
      if (index < 0) return;
      current = index;
      select(index);
    });

    /* Rows of incidents outside the timeline's years are hidden. */
    g.on('filter', function (e) {
      rows.forEach(function (row, i) { row.parentNode.hidden = e.visible[items[i].id] !== true; });
    });
  };
})();
