/* Draws the layers of a generated map. Layer text only ever reaches the page through
 * textContent and DOM properties, never through innerHTML, so nothing in a layer can run. */
(function () {
  'use strict';

  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                'September', 'October', 'November', 'December'];
  var LANGUAGES = {ru: 'Russian', ja: 'Japanese', zh: 'Chinese', mn: 'Mongolian', ko: 'Korean'};
  /* Popups pan clear of the title bar and the controls (see roomForPopups). */
  var POPUP_OPTIONS = {maxWidth: 420, minWidth: 240, autoPanPaddingTopLeft: [20, 90]};
  var TYPES = ['skirmish', 'battle', 'air', 'river', 'defection', 'diplomatic', 'raid',
               'reconnaissance', 'deployment', 'command'];

  /* ?lang=ru|ja|zh|mn|ko shows place names in that language where the layers give them. */
  var LANG = (function () {
    var lang = new URLSearchParams(location.search).get('lang');
    return lang && LANGUAGES[lang] ? lang : 'en';
  })();

  function localName(english, names) {
    return LANG !== 'en' && names && names[LANG] ? names[LANG] : english;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function append(parent, children) {
    children.forEach(function (child) { if (child) parent.appendChild(child); });
    return parent;
  }

  function formatOne(iso) {
    var parts = String(iso).split('-');
    var year = parts[0];
    if (parts.length === 1) return year;
    var month = MONTHS[parseInt(parts[1], 10) - 1] || parts[1];
    if (parts.length === 2) return month + ' ' + year;
    return parseInt(parts[2], 10) + ' ' + month + ' ' + year;
  }

  /* "1938-07-29/1938-08-11" -> "29 July 1938 – 11 August 1938" */
  function formatDate(value) {
    return String(value).split('/').map(formatOne).join(' – ');
  }

  function formatMetres(m) {
    return m >= 1000 ? 'about ' + Math.round(m / 100) / 10 + ' km' : 'about ' + Math.round(m) + ' m';
  }

  function row(label, value) {
    if (value === undefined || value === null || value === '') return null;
    var p = el('p', 'popup-row');
    append(p, [el('strong', null, label + ': '), el('span', null, value)]);
    return p;
  }

  function otherNames(names) {
    if (!names) return null;
    var list = Object.keys(names).sort().map(function (code) {
      return (LANGUAGES[code] || code) + ' ' + names[code];
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

  function incidentPopup(p, bibliography) {
    var root = el('div', 'popup popup-incident');
    var where = p.precision_m > 500
      ? 'approximate, within ' + formatMetres(p.precision_m)
      : 'within ' + formatMetres(p.precision_m);
    append(root, [
      el('h3', null, p.title),
      el('p', 'popup-date', formatDate(p.date) + ' · ' + p.type),
      row('Place', localName(p.place, p.place_names) + (LANG !== 'en' && p.place_names &&
          p.place_names[LANG] ? ' (' + p.place + ')' : '')),
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
  }

  function featurePopup(p, bibliography) {
    var root = el('div', 'popup popup-feature');
    append(root, [
      el('h3', null, localName(p.name, p.names)),
      row('Other names', otherNames(p.names)),
      row('Claimed by', p.claimed_by),
      p.description ? el('p', null, p.description) : null,
      p._length_km === undefined ? null : row('Length', p._length_km + ' km (geodesic)'),
      p.precision_m ? row('Position', 'within ' + formatMetres(p.precision_m)) : null,
      sourceList(p.sources, bibliography)
    ]);
    return root;
  }

  /* Every incident marker of the page, for the list, story mode and deep links. */
  var registry = [];

  function byDate(a, b) {
    return a.date < b.date ? -1 : a.date > b.date ? 1 : (a.id < b.id ? -1 : 1);
  }

  /* The incident list (a real list, in date order), story mode and deep links. */
  /* Keep the map's top controls below the title bar, whatever its height at this width. */
  function clearTitle() {
    var title = document.querySelector('.map-title');
    if (!title) return;
    function place() {
      document.documentElement.style.setProperty('--title-height', title.offsetHeight + 'px');
    }
    place();
    if (window.ResizeObserver) new ResizeObserver(place).observe(title);
    else window.addEventListener('resize', place);
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
    var folded = null;
    function foldLegendOver(popup) {
      var legend = container.querySelector('.map-legend details');
      if (!legend || !legend.open || !popup.isOpen()) return;
      var a = popup.getElement().getBoundingClientRect(), b = legend.getBoundingClientRect();
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        legend.open = false;
        folded = legend;
      }
    }
    var bounds = map.options.maxBounds;
    map.on('popupopen', function (e) {
      if (bounds) map.setMaxBounds(null);
      var options = e.popup.options;
      var topLeft = L.point(widest('.leaflet-left'), (title ? title.offsetHeight : 0) + 10);
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
        if (map._popup && map._popup.isOpen()) return;
        if (bounds) map.setMaxBounds(bounds);
        if (folded) folded.open = true;
        folded = null;
      }, 0);
    });
  }

  function article(map) {
    clearTitle();
    roomForPopups(map);
    var items = registry.slice().sort(byDate);
    var current = -1;
    var control = L.control({position: 'topleft'});
    var rows = [];
    var counter;

    function show(index) {
      if (index < 0 || index >= items.length) return;
      current = index;
      var marker = items[index].marker;
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), map.getMinZoom()), {animate: false});
      marker.openPopup();
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
      var summary = el('summary', null, 'Incidents (' + items.length + ')');
      details.appendChild(summary);
      var story = el('div', 'story');
      var prev = el('button', 'story-prev', '◀ Previous');
      var next = el('button', 'story-next', 'Next ▶');
      prev.type = next.type = 'button';
      prev.setAttribute('aria-label', 'Previous incident in date order');
      next.setAttribute('aria-label', 'Next incident in date order');
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
        append(button, [el('span', 'row-date', formatDate(item.date)),
                        el('span', 'row-title', item.title)]);
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

    map.on('popupopen', function (e) {
      var index = items.findIndex(function (item) { return item.marker === e.popup._source; });
      if (index < 0) return;
      current = index;
      select(index);
      history.replaceState(null, '', '#incident=' + encodeURIComponent(items[index].id));
    });
    map.on('moveend', function () {
      if (map._popup && map._popup.isOpen() && /^#incident=/.test(location.hash)) return;
      var c = map.getCenter();
      history.replaceState(null, '', '#' + map.getZoom() + '/' + c.lat.toFixed(5) + '/' + c.lng.toFixed(5));
    });

    /* Inside an article, scrolling the page must not zoom the map: the wheel zooms only
       once the reader has clicked or focused the map, and stops again when they leave it. */
    map.scrollWheelZoom.disable();
    map.on('focus click', function () { map.scrollWheelZoom.enable(); });
    map.on('blur', function () { map.scrollWheelZoom.disable(); });
    map.getContainer().addEventListener('mouseleave', function () {
      if (document.activeElement !== map.getContainer()) map.scrollWheelZoom.disable();
    });

    function follow() {
      var hash = decodeURIComponent(location.hash.slice(1));
      var view = /^(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(hash);
      if (hash.indexOf('incident=') === 0) {
        var id = hash.slice(9);
        show(items.findIndex(function (item) { return item.id === id; }));
      } else if (view) {
        map.setView([+view[2], +view[3]], +view[1], {animate: false});
      }
    }
    window.addEventListener('hashchange', follow);
    follow();
  }

  /* A date filter: incidents whose dates overlap [from, to] stay on the map and in counts. */
  function timeline(map, first, last) {
    /* On phones the bottom edge belongs to the scale, legend and attribution. */
    var control = L.control({position: window.innerWidth < 600 ? 'topleft' : 'bottomleft'});
    var from, to, play, count, summary, timer = null;
    function apply() {
      var a = Math.min(+from.value, +to.value), b = Math.max(+from.value, +to.value);
      var shown = 0;
      registry.forEach(function (item) {
        var visible = item.to >= a && item.from <= b;
        [item.marker, item.circle].forEach(function (layer) {
          if (!layer) return;
          if (visible && !item.group.hasLayer(layer)) item.group.addLayer(layer);
          if (!visible && item.group.hasLayer(layer)) item.group.removeLayer(layer);
        });
        var row = document.querySelector('.incident-row[data-incident="' + CSS.escape(item.id) + '"]');
        if (row) row.parentNode.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = a + '–' + b + ': ' + shown + ' of ' + registry.length + ' incidents';
      summary.textContent = 'Years ' + a + '–' + b + ' (' + shown + ')';
      document.querySelectorAll('.incident-count').forEach(function (node) {
        node.textContent = shown + (shown === 1 ? ' incident' : ' incidents');
      });
    }
    control.onAdd = function () {
      var box = L.DomUtil.create('div', 'timeline');
      var details = el('details');
      details.open = window.innerWidth >= 600;  /* folded on phones, beside the folded legend */
      summary = el('summary');
      var body = el('div', 'timeline-body');
      append(details, [summary, body]);
      box.appendChild(details);
      function slider(label, value) {
        var wrap = el('label', null, label + ' ');
        var input = el('input');
        input.type = 'range'; input.min = first; input.max = last; input.step = 1;
        input.value = value;
        input.addEventListener('input', apply);
        wrap.appendChild(input);
        body.appendChild(wrap);
        return input;
      }
      from = slider('From', first);
      to = slider('To', last);
      play = el('button', 'timeline-play', '▶ Play');
      play.type = 'button';
      play.setAttribute('aria-label', 'Play the years one after another');
      play.addEventListener('click', function () {
        if (timer) { clearInterval(timer); timer = null; play.textContent = '▶ Play'; return; }
        to.value = from.value;
        apply();
        play.textContent = '❚❚ Pause';
        timer = setInterval(function () {
          if (+to.value >= last) { clearInterval(timer); timer = null; play.textContent = '▶ Play'; return; }
          to.value = +to.value + 1;
          apply();
        }, 900);
      });
      count = el('span', 'timeline-count');
      count.setAttribute('aria-live', 'polite');
      append(body, [play, count]);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
    apply();
  }

  /* A small overview of the whole theatre with this map's extent outlined. */
  function inset(map, options) {
    var box = L.control({position: 'bottomright'});
    box.onAdd = function () {
      var div = L.DomUtil.create('div', 'inset-map');
      div.setAttribute('aria-hidden', 'true');
      return div;
    };
    box.addTo(map);
    var small = L.map(box.getContainer(), {
      attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false
    });
    L.tileLayer(options.url, {minNativeZoom: options.minZoom, maxNativeZoom: options.minZoom,
                              minZoom: 0, bounds: options.bounds}).addTo(small);
    small.fitBounds(options.bounds, {animate: false});
    L.rectangle(options.extent, {color: '#b2182b', weight: 2, fill: false,
                                 interactive: false}).addTo(small);
  }

  /* English / Russian / Japanese / Chinese names, by reloading with ?lang=. */
  function languageSwitch(map) {
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var label = el('label', 'language-switch', 'Names ');
      var select = el('select');
      [['en', 'English'], ['ru', 'Русский'], ['ja', '日本語'], ['zh', '中文']].forEach(function (o) {
        var option = el('option', null, o[1]);
        option.value = o[0];
        option.selected = o[0] === LANG;
        select.appendChild(option);
      });
      select.addEventListener('change', function () {
        var params = new URLSearchParams(location.search);
        params.set('lang', select.value);
        location.search = params.toString();
      });
      label.appendChild(select);
      L.DomEvent.disableClickPropagation(label);
      return label;
    };
    control.addTo(map);
  }

  function safeType(type) {
    return TYPES.indexOf(type) >= 0 ? type : 'other';
  }

  window.geoMaps = {
    formatDate: formatDate,

    /* A GeoJSON layer of features (heights, rivers, borders) or base geography. */
    vectorLayer: function (data, style, interactive, bibliography) {
      return L.geoJSON(data, {
        interactive: interactive,
        style: function () { return style; },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, {
            radius: 5, color: '#ffffff', weight: 1.5, fillColor: style.color, fillOpacity: 1,
            interactive: interactive
          });
        },
        onEachFeature: function (feature, layer) {
          if (!interactive) return;
          var p = feature.properties;
          layer.bindPopup(function () { return featurePopup(p, bibliography); }, POPUP_OPTIONS);
          var isLabel = p.label && feature.geometry.type === 'Point';
          layer.bindTooltip(el('span', null, localName(p.name, p.names)), {
            permanent: !!isLabel, direction: isLabel ? 'right' : 'auto',
            className: isLabel ? 'feature-label' : 'feature-tooltip'
          });
        }
      });
    },

    /* Incident markers (focusable, with popups) and their uncertainty circles. */
    incidentLayer: function (data, bibliography) {
      var group = L.featureGroup();
      /* Incidents at the same spot are fanned out side by side, 20 px apart, so that each
         stays clickable; the uncertainty circle still marks the true position. */
      var sameSpot = {};
      data.features.forEach(function (feature) {
        var key = feature.geometry.coordinates.join(',');
        sameSpot[key] = (sameSpot[key] || 0) + 1;
      });
      var placed = {};
      data.features.forEach(function (feature) {
        var p = feature.properties;
        var c = feature.geometry.coordinates;
        var latlng = L.latLng(c[1], c[0]);
        var circle = null;
        if (p.precision_m > 500) {
          circle = L.circle(latlng, {
            radius: p.precision_m, interactive: false, weight: 1, dashArray: '4 4',
            color: '#7a3b00', fillColor: '#e08214', fillOpacity: 0.06,
            className: 'incident-uncertainty'
          }).addTo(group);
        }
        var key = c.join(',');
        var shift = ((placed[key] = (placed[key] || 0) + 1) - 1 - (sameSpot[key] - 1) / 2) * 20;
        var label = p.title + ', ' + formatDate(p.date);
        var marker = L.marker(latlng, {
          icon: L.divIcon({
            className: 'incident-marker incident-' + safeType(p.type),
            iconSize: [18, 18], iconAnchor: [9 - shift, 9], popupAnchor: [0, -8], tooltipAnchor: [10, 0]
          }),
          title: label, alt: label, keyboard: true, riseOnHover: true
        });
        marker.bindPopup(function () { return incidentPopup(p, bibliography); },
                         POPUP_OPTIONS);
        marker.bindTooltip(el('span', null, label), {direction: 'right'});
        marker.on('add', function () {
          var node = marker.getElement();
          node.setAttribute('data-incident', p.id);
          node.setAttribute('aria-label', label);
        });
        marker.addTo(group);
        var years = String(p.date).split('/').map(function (d) { return parseInt(d, 10); });
        registry.push({id: p.id, date: p.date, title: p.title, label: label, marker: marker,
                       circle: circle, group: group, from: years[0], to: years[years.length - 1]});
      });
      return group;
    },

    /* Permanent place labels only from a zoom on; below it they would pile up. With a null
       zoom they stay hidden: the map's tiles carry the labels. */
    labelsFromZoom: function (map, zoom) {
      function update() {
        var hide = zoom === null || map.getZoom() < zoom;
        L.DomUtil[hide ? 'addClass' : 'removeClass'](map.getContainer(), 'labels-hidden');
      }
      map.on('zoomend', update);
      update();
    },

    article: article,
    timeline: timeline,
    inset: inset,
    languageSwitch: languageSwitch,

    /* Attribution text, escaped by the build, added as-is to Leaflet's control. */
    attribution: function (map, escapedText) {
      if (escapedText) map.attributionControl.addAttribution(escapedText);
    }
  };
})();
