/* output/article-demo.html: the article's paragraphs drive the map in its iframe as they scroll
   into view (the article API of article-api.js), and the map tells the article which incident
   the reader opened. Each step's message is data in its data-map-message attribute. */
(function () {
  'use strict';

  var frame = document.getElementById('map-frame');
  var steps = Array.prototype.slice.call(document.querySelectorAll('[data-map-message]'));
  var status = document.getElementById('map-status');
  /* Where messages go: the map's origin; a page from file:// has the opaque origin "null", to
     which no message can be addressed, so there it is "*" (the frame is ours, beside us). */
  var origin = new URL(frame.src, location.href).origin;
  var target = origin === 'null' || location.protocol === 'file:' ? '*' : origin;
  var ready = false, pending = null;
  window.articleMapLog = [];  /* incidents the map said it opened, in order */

  function post(message) {
    if (ready) frame.contentWindow.postMessage(message, target);
    else pending = message;
  }
  function hello() { frame.contentWindow.postMessage({hello: true}, target); }

  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow) return;  /* only our map speaks to us */
    if (target !== '*' && event.origin !== origin) return;
    var d = event.data;
    if (!d || typeof d !== 'object') return;
    if (d.type === 'geo-maps:ready' && !ready) {
      ready = true;
      if (pending) post(pending);
      pending = null;
    } else if (d.type === 'geo-maps:opened' && typeof d.incident === 'string') {
      window.articleMapLog.push(d.incident);
      steps.forEach(function (step) {
        step.classList.toggle('is-open', step.getAttribute('data-incident') === d.incident);
      });
      status.textContent = 'On the map: ' + String(d.title) + (d.by === 'reader' ? ' (opened by you)' : '');
    }
  });
  frame.addEventListener('load', hello);
  hello();  /* in case the map loaded before this script ran */

  /* A step is current while it crosses the middle of the window. */
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      steps.forEach(function (step) { step.classList.toggle('is-current', step === entry.target); });
      post(JSON.parse(entry.target.getAttribute('data-map-message')));
    });
  }, {rootMargin: '-45% 0px -45% 0px'});
  steps.forEach(function (step) { observer.observe(step); });
})();
