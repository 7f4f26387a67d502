/* The article API: the page a map is embedded in (its parent window, only) drives it with
   postMessage and hears back when an incident opens. Messages, plain objects:
     to the map     {incident: ID}            open that incident, as a deep link does
                    {view: [zoom, lat, lon]}  show that view
                    {dates: [FROM, TO]}       the timeline's range (ISO dates)
                    {hello: true}             ask for {type: 'geo-maps:ready', incidents: [ID...]}
     from the map   {type: 'geo-maps:opened', incident: ID, title, date, by: 'reader'|'host'}
   A message is taken only if it comes from the parent window (event.source), and answers go
   to the origin the parent last wrote from (event.origin); a parent opened from file:// has
   the opaque origin "null", which no message can be addressed to, so it is answered with "*"
   (answers carry only incident ids and titles that the map shows anyway). Nothing in a message
   is run or put into the page as HTML: ids are looked up, numbers checked. */
(function () {
  'use strict';

  var g = window.geoMaps;
  var DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

  function finite(v) { return typeof v === 'number' && isFinite(v); }

  g.articleApi = function (map) {
    if (window.parent === window) return;  /* not embedded: nobody to talk to */
    var replyTo = null, askedFor = null;
    function byId(id) {
      return g.state.incidents.find(function (item) { return item.id === id; });
    }
    function answer(message) {
      if (replyTo !== null) window.parent.postMessage(message, replyTo === 'null' ? '*' : replyTo);
    }

    /* A message may carry several of its keys: the dates are set first, then the view, then
       the incident opened. */
    window.addEventListener('message', function (event) {
      if (event.source !== window.parent) return;  /* a foreign window: ignored */
      var d = event.data, taken = false;
      if (!d || typeof d !== 'object') return;
      if (Array.isArray(d.dates) && d.dates.length === 2 &&
          d.dates.every(function (v) { return typeof v === 'string' && DATE.test(v); })) {
        taken = true;
        g.emit('dates', {from: d.dates[0], to: d.dates[1]});
      }
      if (Array.isArray(d.view) && d.view.length === 3 && d.view.every(finite) &&
          Math.abs(d.view[1]) <= 90 && Math.abs(d.view[2]) <= 180) {
        taken = true;
        var zoom = Math.max(map.getMinZoom(), Math.min(map.getMaxZoom(), Math.round(d.view[0])));
        map.closePopup();
        map.setView([d.view[1], d.view[2]], zoom);
      }
      if (typeof d.incident === 'string' && byId(d.incident)) {
        taken = true;
        replyTo = event.origin;
        askedFor = d.incident;
        g.emit('show', {id: d.incident});
      }
      if (taken || d.hello === true) replyTo = event.origin;
      if (d.hello === true) {
        answer({type: 'geo-maps:ready', incidents: g.state.incidents.map(function (i) { return i.id; })});
      }
    });

    g.on('opened', function (e) {
      var item = byId(e.id);
      answer({type: 'geo-maps:opened', incident: e.id, title: item ? item.title : '',
              date: item ? String(item.date) : '', by: e.id === askedFor ? 'host' : 'reader'});
      askedFor = null;
    });
  };
})();
