/* A date filter: incidents whose dates overlap [from, to] stay shown; it emits 'filter'.
   Its range and step follow the map's incidents (page.py: timeline_range): days on a
   two-week battle, months or years on the overview. */
(function () {
  'use strict';

  var g = window.geoMaps, el = g.el, append = g.append;
  var DAY = 864e5;

  function day(y, m, d) { return Date.UTC(y, m - 1, d) / DAY; }  /* days since 1970-01-01 */
  function parts(iso) { return String(iso).split('-').map(function (x) { return parseInt(x, 10); }); }
  /* First and last day of an ISO date, partial dates (1938-07, 1938) counting as a whole. */
  function firstDay(iso) { var p = parts(iso); return day(p[0], p[1] || 1, p[2] || 1); }
  function lastDay(iso) {
    var p = parts(iso);
    if (p.length >= 3) return day(p[0], p[1], p[2]);
    return p.length === 2 ? day(p[0], p[1] + 1, 1) - 1 : day(p[0] + 1, 1, 1) - 1;
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /* The slider's units: a value is a day number, a month number (year * 12 + month - 1) or a
     year; each knows its first and last day and its ISO date. */
  var UNITS = {
    day: {of: firstDay, first: function (v) { return v; }, last: function (v) { return v; },
          iso: function (v) { return new Date(v * DAY).toISOString().slice(0, 10); },
          play: 400, words: 'Play the days one after another', back: 'One day earlier', on: 'One day later'},
    month: {of: function (iso) { var p = parts(iso); return p[0] * 12 + (p[1] || 1) - 1; },
            first: function (v) { return day(Math.floor(v / 12), v % 12 + 1, 1); },
            last: function (v) { return day(Math.floor((v + 1) / 12), (v + 1) % 12 + 1, 1) - 1; },
            iso: function (v) { return Math.floor(v / 12) + '-' + pad(v % 12 + 1); },
            play: 500, words: 'Play the months one after another', back: 'One month earlier',
            on: 'One month later'},
    year: {of: function (iso) { return parts(iso)[0]; },
           first: function (v) { return day(v, 1, 1); }, last: function (v) { return day(v + 1, 1, 1) - 1; },
           iso: String, play: 900, words: 'Play the years one after another', back: 'One year earlier',
           on: 'One year later'}
  };

  /* `range`: {from, to: ISO dates at the step's precision, step: "day" | "month" | "year"}. */
  g.timeline = function (map, range) {
    var unit = UNITS[range.step] || UNITS.year;
    var first = unit.of(range.from), last = unit.of(range.to);
    var spans = {};  /* incident id -> [first day, last day] */
    var lo = Infinity, hi = -Infinity, earliest, latest;  /* the incidents' first and last dates */
    g.state.incidents.forEach(function (item) {
      var dates = String(item.date).split('/'), span = [firstDay(dates[0]), lastDay(dates[dates.length - 1])];
      spans[item.id] = span;
      if (span[0] < lo) { lo = span[0]; earliest = dates[0]; }
      if (span[1] > hi) { hi = span[1]; latest = dates[dates.length - 1]; }
    });
    function label(v) { return g.formatDate(unit.iso(v)); }
    /* An open end says the date it lets in: "1932 – September 1939" on the overview, whose
       slider starts at its first placed incident (April 1934) but whose list goes back to 1932 */
    function between(a, b) {
      var from = a === first && lo < unit.first(first) ? g.formatDate(earliest) : label(a);
      var to = b === last && hi > unit.last(last) ? g.formatDate(latest) : label(b);
      return from === to ? from : from + ' – ' + to;
    }

    /* On phones the bottom edge belongs to the scale, legend and attribution. */
    var control = L.control({position: window.innerWidth < 600 ? 'topleft' : 'bottomleft'});
    var from, to, play, count, summary, timer = null;
    function apply() {
      var a = Math.min(+from.value, +to.value), b = Math.max(+from.value, +to.value);
      /* The ends are open: at the first step the incidents before the range stay shown, at
         the last those after it (the map's margin and its incidents without a place). */
      var start = a === first ? -Infinity : unit.first(a), end = b === last ? Infinity : unit.last(b);
      var visible = {}, shown = 0, total = g.state.incidents.length;
      g.state.incidents.forEach(function (item) {
        var span = spans[item.id];
        if (span && span[1] >= start && span[0] <= end) {
          visible[item.id] = true;
          shown += 1;
        }
      });
      from.setAttribute('aria-valuetext', label(+from.value));
      to.setAttribute('aria-valuetext', label(+to.value));
      count.textContent = g.t('{range}: {shown} of {total} incidents', {range: between(a, b), shown: shown, total: total});
      summary.textContent = g.t('Dates: {range} ({shown})', {range: between(a, b), shown: shown});
      g.emit('filter', {visible: visible, shown: shown, total: total,
                        from: unit.iso(a), to: unit.iso(b)});
    }
    function stop() {
      if (timer) clearInterval(timer);
      timer = null;
      play.textContent = g.t('▶ Play');
    }
    /* Buttons that move the range's end a step (a day, a month, a year) or to the date of the
       incident before or after it: what a thumb can do where a slider gives it 2 px a day
       (on a phone they are 44 px targets: geo-maps.css). */
    var starts = g.state.incidents.map(function (item) { return unit.of(String(item.date).split('/')[0]); })
      .filter(function (v) { return v >= first && v <= last; }).sort(function (a, b) { return a - b; });
    function steps() {
      var row = el('div', 'timeline-steps');
      function stepper(text, words, move) {
        var button = el('button', 'timeline-step', text);
        button.type = 'button';
        button.setAttribute('aria-label', words);
        button.addEventListener('click', function () {
          stop();
          to.value = Math.max(+from.value, Math.min(last, move(+to.value)));
          apply();
        });
        row.appendChild(button);
      }
      stepper(g.t('◀ Incident'), g.t('End the range at the incident before'), function (v) {
        var before = starts.filter(function (s) { return s < v; });
        return before.length ? before[before.length - 1] : first;
      });
      stepper('◀', g.t(unit.back), function (v) { return v - 1; });
      stepper('▶', g.t(unit.on), function (v) { return v + 1; });
      stepper(g.t('Incident ▶'), g.t('End the range at the next incident'), function (v) {
        var after = starts.filter(function (s) { return s > v; });
        return after.length ? after[0] : last;
      });
      return row;
    }
    control.onAdd = function () {
      var box = L.DomUtil.create('div', 'timeline');
      box.setAttribute('data-step', range.step);
      var details = el('details');
      details.open = window.innerWidth >= 600;  /* folded on phones, beside the folded legend */
      summary = el('summary');
      var body = el('div', 'timeline-body');
      append(details, [summary, body]);
      box.appendChild(details);
      function slider(name, value) {
        var wrap = el('label', null, g.t(name) + ' ');
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
      play = el('button', 'timeline-play', g.t('▶ Play'));
      play.type = 'button';
      play.setAttribute('aria-label', g.t(unit.words));
      play.addEventListener('click', function () {
        if (timer) { stop(); return; }
        to.value = from.value;
        apply();
        play.textContent = g.t('❚❚ Pause');
        timer = setInterval(function () {
          if (+to.value >= last) { stop(); return; }
          to.value = +to.value + 1;
          apply();
        }, unit.play);
      });
      count = el('span', 'timeline-count');
      count.setAttribute('aria-live', 'polite');
      append(body, [play, steps(), count]);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
    apply();

    /* 'dates' {from, to} (ISO dates; the article API): the sliders take the units holding them. */
    g.on('dates', function (e) {
      function clamp(v) { return Math.max(first, Math.min(last, v)); }
      stop();
      from.value = clamp(unit.of(e.from));
      to.value = clamp(unit.of(e.to));
      apply();
    });
  };
})();
