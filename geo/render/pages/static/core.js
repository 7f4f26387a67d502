/* Shared helpers of the map scripts, and where the controls meet: one state object and events. */
(function () {
  'use strict';

  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                'September', 'October', 'November', 'December'];
  /* The languages (geo/config.py, written before this script by elements.py): the page's
     menu [[code, own name], ...], and the English name of every language a name may be in. */
  var MENU = window.geoMapsLanguages.menu, LANGUAGES = window.geoMapsLanguages.names;

  /* ?lang=ru|ja|zh: the page in that language, place names too where the layers give them. */
  var LANG = (function () {
    var lang = new URLSearchParams(location.search).get('lang');
    return MENU.some(function (o) { return o[0] === lang; }) ? lang : 'en';
  })();

  /* A reader who asks for less motion (prefers-reduced-motion) gets none from the map: tiles
     and markers appear, and zooms jump, without animation (WCAG 2.3.3). Set before the page's
     map is made. */
  var STILL = !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  if (STILL) L.Map.mergeOptions({fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false});
  /* The scale's bars long enough for their figures: a bar is a round distance of at least half
     its maxWidth, and "100 mi" had run past its 53 px bar on a phone (Leaflet's 100 px). */
  L.Control.Scale.mergeOptions({maxWidth: 120});

  /* The page's own words in the reader's language: templates/map-chrome.html writes the table
     (render/interface_text.py) into the page; `fields` fill its {name} slots. */
  var TEXT = null;
  function t(english, fields) {
    if (TEXT === null) {
      var node = document.getElementById('geo-text');
      TEXT = node ? JSON.parse(node.textContent) : {};
    }
    var entry = TEXT[english];
    var text = LANG !== 'en' && entry && entry[LANG] ? entry[LANG] : english;
    return fields ? text.replace(/\{(\w+)\}/g, function (slot, key) {
      return key in fields ? String(fields[key]) : slot;
    }) : text;
  }

  /* The build's HTML marks its own words with data-t (the title bar, the legend): in the
     reader's language here. */
  function translate(root) {
    if (LANG === 'en') return;
    root.querySelectorAll('[data-t]').forEach(function (node) { node.textContent = t(node.textContent); });
  }

  /* Layer text (titles, summaries, notes, sources) stays as the catalogue writes it, in English:
     marked so inside a page in another language. */
  function english(node) {
    if (LANG !== 'en') node.lang = 'en';
    return node;
  }

  function localName(english, names) {
    return LANG !== 'en' && names && names[LANG] ? names[LANG] : english;
  }

  /* An element with its text set as text: layer text never reaches innerHTML. */
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

  /* Russian months as named alone ("июль 1938") and with a day ("29 июля 1938"). */
  var MONTHS_RU = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август',
                   'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
  var MONTHS_RU_OF = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа',
                      'сентября', 'октября', 'ноября', 'декабря'];

  function formatOne(iso) {
    var parts = String(iso).split('-');
    var year = parts[0], m = parseInt(parts[1], 10), d = parseInt(parts[2], 10);
    if (LANG === 'ja' || LANG === 'zh') {
      return year + '年' + (parts.length > 1 ? m + '月' : '') + (parts.length > 2 ? d + '日' : '');
    }
    if (parts.length === 1) return year;
    if (LANG === 'ru') {
      return parts.length === 2 ? MONTHS_RU[m - 1] + ' ' + year : d + ' ' + MONTHS_RU_OF[m - 1] + ' ' + year;
    }
    var month = MONTHS[m - 1] || parts[1];
    if (parts.length === 2) return month + ' ' + year;
    return d + ' ' + month + ' ' + year;
  }

  /* "1938-07-29/1938-08-11" -> "29 July 1938 – 11 August 1938" */
  function formatDate(value) {
    return String(value).split('/').map(formatOne).join(' – ');
  }

  function formatMetres(m) {
    return m >= 1000 ? t('about {x} km', {x: Math.round(m / 100) / 10}) : t('about {x} m', {x: Math.round(m)});
  }

  /* Events between controls, each with one object of details:
       'show'   {id}         asks for an incident to be centred and its popup opened
                             (list, story mode, deep links; done by incident-layer.js);
       'opened' {id}         an incident's popup has opened (incident-layer.js; the list
                             marks its row, deep-links.js writes #incident=ID);
       'filter' {visible, shown, total, from, to}   the timeline's years changed: `visible`
                             maps the ids still shown to true (incident-layer.js hides markers,
                             list.js rows, title.js updates the count);
       'select' {id}         an incident is about to be shown: incident-layer.js draws its
                             marker on its own, out of any place marker. */
  var listeners = {};

  function on(name, handler) {
    (listeners[name] = listeners[name] || []).push(handler);
  }

  function emit(name, detail) {
    (listeners[name] || []).slice().forEach(function (handler) { handler(detail); });
  }

  window.geoMaps = {
    LANG: LANG,
    LANGUAGES: LANGUAGES,
    MENU: MENU,
    el: el,
    append: append,
    localName: localName,
    t: t,
    typeLabels: {},  /* incident type name -> its legend label (incident-layer.js) */
    translate: translate,
    english: english,
    formatDate: formatDate,
    formatMetres: formatMetres,
    on: on,
    emit: emit,

    /* The state the controls share, each part written by one file only:
         incidents  every incident of the page, {id, date, title, label, marker, circle,
                    group, from, to, properties, bibliography}; marker and circle are null
                    for an incident the sources do not place, which is listed but not drawn
                    (incident-layer.js) and opens in a panel (unplaced.js);
         popup      the popup open now, or null (popups.js). */
    state: {incidents: [], popup: null}
  };
})();
