/* A date filter: incidents whose dates overlap [from, to] stay shown; it emits 'filter'. */
(function () {
  'use strict';

  var g = window.geoMaps, el = g.el, append = g.append;

  g.timeline = function (map, first, last) {
    /* On phones the bottom edge belongs to the scale, legend and attribution. */
    var control = L.control({position: window.innerWidth < 600 ? 'topleft' : 'bottomleft'});
    var from, to, play, count, summary, timer = null;
    function apply() {
      var a = Math.min(+from.value, +to.value), b = Math.max(+from.value, +to.value);
      var visible = {}, shown = 0, total = g.state.incidents.length;
      g.state.incidents.forEach(function (item) {
        if (item.to >= a && item.from <= b) {
          visible[item.id] = true;
          shown += 1;
        }
      });
      count.textContent = a + '–' + b + ': ' + shown + ' of ' + total + ' incidents';
      summary.textContent = 'Years ' + a + '–' + b + ' (' + shown + ')';
      g.emit('filter', {visible: visible, shown: shown, total: total, from: a, to: b});
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
  };
})();
