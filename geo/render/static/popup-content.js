/* The contents of popups, built from DOM text only, so nothing in a layer can run. */
(function () {
  'use strict';

  var g = window.geoMaps, el = g.el, append = g.append;

  function row(label, value) {
    if (value === undefined || value === null || value === '') return null;
    var p = el('p', 'popup-row');
    append(p, [el('strong', null, label + ': '), el('span', null, value)]);
    return p;
  }

  function otherNames(names) {
    if (!names) return null;
    var list = Object.keys(names).sort().map(function (code) {
      return (g.LANGUAGES[code] || code) + ' ' + names[code];
    });
    return list.length ? list.join('; ') : null;
  }

  function sourceList(sources, bibliography) {
    if (!sources || !sources.length) return null;
    var wrap = el('div', 'popup-sources');
    wrap.appendChild(el('strong', null, 'Sources'));
    var ul = el('ul');
    sources.forEach(function (s) {
      var li = el('li');
      if (s.file) {
        append(li, [el('code', null, s.file), document.createTextNode(', ' + s.where)]);
      } else {
        var ref = bibliography[s.ref] || {title: s.ref};
        var title;
        if (ref.url && /^https?:\/\//.test(ref.url)) {
          title = el('a', null, ref.title);
          title.href = ref.url;
          title.rel = 'noopener noreferrer';
          title.target = '_blank';
        } else {
          title = el('span', null, ref.title);
        }
        append(li, [title, document.createTextNode(', ' + s.where)]);
      }
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    return wrap;
  }

  function sourceLabel(s) {
    return s ? (s.file || s.ref) + ', ' + s.where : '';
  }

  function casualtyTable(casualties) {
    if (!casualties || !casualties.length) return null;
    var wrap = el('div', 'popup-table');
    var table = wrap.appendChild(el('table', 'popup-casualties'));
    table.appendChild(el('caption', null, 'Casualties (each figure with its source)'));
    var head = el('tr');
    ['Side', 'Killed', 'Wounded', 'Missing', 'Captured', 'Note', 'Source'].forEach(function (h) {
      var th = el('th', null, h);
      th.scope = 'col';
      head.appendChild(th);
    });
    table.appendChild(head);
    casualties.forEach(function (c) {
      var tr = el('tr');
      [c.side, c.killed, c.wounded, c.missing, c.captured, c.note, sourceLabel(c.source)]
        .forEach(function (v) { tr.appendChild(el('td', null, v === undefined || v === null ? '–' : v)); });
      table.appendChild(tr);
    });
    return wrap;
  }

  /* Popups pan clear of the title bar and the controls (see popups.js). */
  g.POPUP_OPTIONS = {maxWidth: 420, minWidth: 240, autoPanPaddingTopLeft: [20, 90]};

  /* `unplaced`: the sources give no place (the incident has no geometry). */
  g.incidentPopup = function (p, bibliography, unplaced) {
    var root = el('div', 'popup popup-incident');
    var where = unplaced ? 'not given by the sources'
      : p.precision_m > 500 ? 'approximate, within ' + g.formatMetres(p.precision_m)
      : 'within ' + g.formatMetres(p.precision_m);
    var local = g.LANG !== 'en' && p.place_names && p.place_names[g.LANG];
    append(root, [
      el('h3', null, p.title),
      el('p', 'popup-date', g.formatDate(p.date) + ' · ' + p.type),
      row('Place', g.localName(p.place, p.place_names) + (local ? ' (' + p.place + ')' : '')),
      row('Other names', otherNames(p.place_names)),
      row('Belligerents', (p.belligerents || []).join(', ')),
      row('Forces', p.forces),
      el('p', 'popup-summary', p.summary),
      casualtyTable(p.casualties),
      row('Location', where + (p.location_note ? '. ' + p.location_note : '')),
      p._border_km === undefined ? null
        : row('Nearest border line', p._border_km + ' km (' + p._border_name + ')'),
      sourceList(p.sources, bibliography)
    ]);
    return root;
  };

  g.featurePopup = function (p, bibliography) {
    var root = el('div', 'popup popup-feature');
    append(root, [
      el('h3', null, g.localName(p.name, p.names)),
      row('Other names', otherNames(p.names)),
      row('Claimed by', p.claimed_by),
      p.description ? el('p', null, p.description) : null,
      p._length_km === undefined ? null : row('Length', p._length_km + ' km (geodesic)'),
      p.precision_m ? row('Position', 'within ' + g.formatMetres(p.precision_m)) : null,
      sourceList(p.sources, bibliography)
    ]);
    return root;
  };
})();
