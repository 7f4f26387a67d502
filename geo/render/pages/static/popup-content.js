/* The contents of popups, built from DOM text only, so nothing in a layer can run. */
(function () {
  'use strict';

  var g = window.geoMaps, el = g.el, append = g.append;

  /* Popups hold layer text, in English (the root is marked so): the page's own words in them
     are marked with the reader's language. */
  function ours(node) {
    if (g.LANG !== 'en') node.lang = g.LANG;
    return node;
  }

  function row(label, value) {
    if (value === undefined || value === null || value === '') return null;
    var p = el('p', 'popup-row');
    append(p, [ours(el('strong', null, g.t(label) + ': ')), value instanceof Node ? value : el('span', null, value)]);
    return p;
  }

  /* Our words, then the layer's in brackets or after a full stop: "about 3 km (Amur river border)". */
  function mixed(own, layerText, before, after) {
    var span = el('span');
    append(span, [ours(el('span', null, own)),
                  layerText ? document.createTextNode(before) : null,
                  layerText ? el('span', null, layerText) : null,
                  layerText && after ? document.createTextNode(after) : null]);
    return span;
  }

  /* A name in its language, marked so (a screen reader speaks it so, a browser picks its font). */
  function named(text, code) {
    var span = el('span', null, text);
    span.lang = code;
    return span;
  }

  function otherNames(names) {
    var codes = names ? Object.keys(names).sort() : [];
    if (!codes.length) return null;
    var span = el('span');
    codes.forEach(function (code, i) {
      span.appendChild(document.createTextNode(i ? '; ' : ''));
      span.appendChild(ours(el('span', null, g.t(g.LANGUAGES[code] || code) + ' ')));
      span.appendChild(named(names[code], code));
    });
    return span;
  }

  /* The bibliography entry a source points to: {"ref": KEY} by its key, {"file": NAME} by
     the entry that describes that source text (maps.toml); null if there is none. The same
     rules as geo/render/citations.py, which the print images use. */
  function entryFor(s, bibliography) {
    if (s.ref) return bibliography[s.ref] || null;
    var keys = Object.keys(bibliography).sort();
    for (var i = 0; i < keys.length; i++) {
      if (bibliography[keys[i]].file === s.file) return bibliography[keys[i]];
    }
    return null;
  }

  /* "Soviet–Japanese border conflicts (encyclopedia article)": the work as a reader finds it. */
  function work(s, bibliography) {
    var entry = entryFor(s, bibliography);
    if (!entry) return String(s.file || s.ref || '');
    return entry.kind ? entry.title + ' (' + entry.kind + ')' : entry.title;
  }

  /* "... (encyclopedia article), line 26": the work and the passage. */
  function cite(s, bibliography) {
    return s ? work(s, bibliography) + (s.where ? ', ' + s.where : '') : '';
  }

  /* A distance rounded to the precision of the location it starts from: 43.63 km from a
     place known to within 30 km is "about 40 km" (citations.about_distance, in Python). */
  function aboutDistance(km, precision) {
    var metres = km * 1000;
    function step(p) { return Math.pow(10, Math.floor(Math.log10(Math.max(p, 10)))); }
    function say(m, s) {
      var value = Math.round(m / s) * s;
      if (value < 1000) return g.t('about {x} m', {x: value.toFixed(0)});
      return g.t('about {x} km', {x: (value / 1000).toFixed(Math.max(0, 3 - Math.round(Math.log10(s))))});
    }
    if (precision && metres < precision) return g.t('less than {d}', {d: say(precision, step(precision))});
    return say(metres, step(precision || 100));
  }
  g.cite = cite;
  g.aboutDistance = aboutDistance;

  function sourceList(sources, bibliography) {
    if (!sources || !sources.length) return null;
    var wrap = el('div', 'popup-sources');
    wrap.appendChild(ours(el('strong', null, g.t('Sources'))));
    var ul = el('ul');
    sources.forEach(function (s) {
      var li = el('li', 'popup-source');
      var entry = entryFor(s, bibliography), title;
      if (entry && entry.url && /^https?:\/\//.test(entry.url)) {
        title = el('a', null, work(s, bibliography));
        title.href = entry.url;
        title.rel = 'noopener noreferrer';
        title.target = '_blank';
      } else {
        title = el('cite', null, work(s, bibliography));
      }
      if (entry && entry.found_in) title.title = entry.found_in;
      append(li, [title, document.createTextNode(s.where ? ', ' + s.where : '')]);
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    return wrap;
  }

  function casualtyTable(casualties, bibliography) {
    if (!casualties || !casualties.length) return null;
    var wrap = el('div', 'popup-table');
    var table = wrap.appendChild(el('table', 'popup-casualties'));
    table.appendChild(ours(el('caption', null, g.t('Casualties (each figure with its source)'))));
    var head = el('tr', 'popup-head');
    var names = ['Side', 'Killed', 'Wounded', 'Missing', 'Captured', 'Note', 'Source'].map(function (h) { return g.t(h); });
    names.forEach(function (h) {
      var th = ours(el('th', null, h));
      th.scope = 'col';
      head.appendChild(th);
    });
    table.appendChild(head);
    /* On a phone each row is stacked as a card, each cell after its column's name. */
    casualties.forEach(function (c) {
      var tr = el('tr');
      [c.side, c.killed, c.wounded, c.missing, c.captured, c.note, cite(c.source, bibliography)]
        .forEach(function (v, i) {
          var missing = v === undefined || v === null || v === '';
          var td = el('td', missing ? 'is-empty' : null, missing ? '–' : v);
          td.setAttribute('data-label', names[i]);
          tr.appendChild(td);
        });
      table.appendChild(tr);
    });
    return wrap;
  }

  /* Popups pan clear of the title bar and the controls (see popups.js). */
  g.POPUP_OPTIONS = {maxWidth: 420, minWidth: 240, autoPanPaddingTopLeft: [20, 90]};

  /* `unplaced`: the sources give no place (the incident has no geometry). */
  g.incidentPopup = function (p, bibliography, unplaced) {
    var root = g.english(el('div', 'popup popup-incident'));
    var where = unplaced ? g.t('not given by the sources')
      : p.precision_m > g.UNCERTAIN_M ? g.t('approximate, within {d}', {d: g.formatMetres(p.precision_m)})
      : g.t('within {d}', {d: g.formatMetres(p.precision_m)});
    var local = g.LANG !== 'en' && p.place_names && p.place_names[g.LANG];
    append(root, [
      el('h2', null, p.title),
      ours(el('p', 'popup-date', g.formatDate(p.date) + ' · ' + g.t(g.typeLabels[p.type] || p.type))),
      row('Place', local ? append(el('span'), [named(local, g.LANG), document.createTextNode(' (' + p.place + ')')])
        : p.place),
      row('Other names', otherNames(p.place_names)),
      row('Belligerents', (p.belligerents || []).join(', ')),
      row('Forces', p.forces),
      el('p', 'popup-summary', p.summary),
      casualtyTable(p.casualties, bibliography),
      row('Location', mixed(where, p.location_note, '. ', '')),
      p._border_km === undefined ? null
        : row('Nearest border line', mixed(aboutDistance(p._border_km, p.precision_m), p._border_name, ' (', ')')),
      sourceList(p.sources, bibliography)
    ]);
    return root;
  };

  g.featurePopup = function (p, bibliography) {
    var root = g.english(el('div', 'popup popup-feature'));
    var name = g.localName(p.name, p.names);
    append(root, [
      name === p.name ? el('h2', null, name) : append(el('h2'), [named(name, g.LANG)]),
      row('Other names', otherNames(p.names)),
      row('Claimed by', p.claimed_by),
      p.description ? el('p', null, p.description) : null,
      p._length_km === undefined ? null : row('Length', ours(el('span', null, g.t('{x} km (geodesic)', {x: p._length_km})))),
      p.precision_m ? row('Position', ours(el('span', null, g.t('within {d}', {d: g.formatMetres(p.precision_m)})))) : null,
      sourceList(p.sources, bibliography)
    ]);
    return root;
  };
})();
