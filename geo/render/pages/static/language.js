/* English / Russian / Japanese / Chinese place names, by reloading with ?lang=. */
(function () {
  'use strict';

  var g = window.geoMaps, el = g.el;

  g.languageSwitch = function (map) {
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var label = el('label', 'language-switch', g.t('Names') + ' ');
      var select = el('select');
      g.MENU.forEach(function (o) {
        var option = el('option', null, o[1]);
        option.value = o[0];
        option.selected = o[0] === g.LANG;
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
  };
})();
