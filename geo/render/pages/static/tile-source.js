/* Where the basemap tiles come from, and what the reader is told when they are missing.

   The single-file page (<map>.standalone.html) carries its tiles in a JSON block
   (#geo-maps-tiles): each distinct PNG once, in base64, and per map and zoom a grid of indexes
   into them ([x0, y0, columns, [index per tile, row by row; -1 for none]]). A tile whose
   relative URL (tiles/<map>/<z>/<x>/<y>.png) is in the table is served from it as a data: URI,
   so the page needs no file beside it and makes no request.

   The normal page loads its tiles from the tiles/ folder beside it. If one cannot be loaded
   (the page was copied or mailed alone), a notice over the map says so instead of leaving
   markers on grey. Online basemaps are left out of this: offline, they fail as expected. */
(function () {
  'use strict';

  var PATTERN = /^tiles\/([^/]+)\/(\d+)\/(\d+)\/(\d+)(@2x)?\.png$/;  /* map, z, x, y, retina */
  var table;

  function tileTable() {
    if (table === undefined) {
      var node = document.getElementById('geo-maps-tiles');
      table = node ? JSON.parse(node.textContent) : null;
    }
    return table;
  }

  function fromTable(url) {
    var m = PATTERN.exec(url), t = tileTable();
    var grid = m && !m[5] && t && t.maps[m[1]] && t.maps[m[1]][m[2]];  /* 256 px tiles only */
    if (!grid) return null;
    var i = +m[3] - grid[0], j = +m[4] - grid[1], columns = grid[2];
    var k = i >= 0 && i < columns && j >= 0 ? grid[3][j * columns + i] : undefined;
    return k === undefined || k < 0 ? null : 'data:image/png;base64,' + t.images[k];
  }

  /* The build made each zoom's tiles over that zoom's extent only (view.js: g.madeTiles). A
     tile beyond it is not asked for, but drawn empty: zooming in at the edge of one zoom's
     extent would otherwise ask, for the moment before the view is brought back inside, for
     tiles that do not exist, and the page would say that its tiles are missing. */
  var NONE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

  function latitude(row, n) {  /* of the top edge of tile row `row` of n, in degrees */
    return Math.atan(Math.sinh(Math.PI * (1 - 2 * row / n))) * 180 / Math.PI;
  }

  function made(url) {
    var m = PATTERN.exec(url), own = window.geoMaps && window.geoMaps.madeTiles;
    var e = m && own && m[1] === own.name && own.extents[m[2]];
    if (!e) return true;
    var n = Math.pow(2, +m[2]), x = +m[3], y = +m[4];
    var west = x / n * 360 - 180, east = (x + 1) / n * 360 - 180;
    var north = latitude(y, n), south = latitude(y + 1, n);
    return west < e[1][1] && east > e[0][1] && south < e[1][0] && north > e[0][0];
  }

  var getTileUrl = L.TileLayer.prototype.getTileUrl;
  L.TileLayer.prototype.getTileUrl = function (coords) {
    var url = getTileUrl.call(this, coords);
    if (!made(url)) return NONE;
    return tileTable() ? (fromTable(url) || url) : url;
  };

  function showNotice() {
    if (document.querySelector('.tile-notice')) return;
    var container = document.querySelector('.folium-map');
    if (!container) return;
    var page = decodeURIComponent(location.pathname.split('/').pop() || 'this map.html');
    var name = page.replace(/\.html$/, '');
    var box = L.DomUtil.create('div', 'tile-notice', container);
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:absolute;z-index:1000;left:50%;top:50%;transform:translate(-50%,-50%);' +
      'max-width:min(28em,85%);padding:12px 16px;background:#fff8e1;color:#3b2a00;border:2px solid #b26b00;' +
      'border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.35);font:14px/1.4 sans-serif;';
    var text = L.DomUtil.create('p', '', box);
    text.style.margin = '0 0 8px';
    text.textContent = tileTable()
      ? window.geoMaps.t('Some basemap tiles are missing from this single-file page; build it again with build_maps.py.')
      : window.geoMaps.t('The basemap tiles were not found next to this page (the tiles/ folder that goes with {page}). ' +
            'Keep the page together with its tiles folder, or use {name}.standalone.html, the single-file ' +
            'version that carries its basemap.', {page: page, name: name});
    var close = L.DomUtil.create('button', '', box);
    close.type = 'button';
    close.textContent = window.geoMaps.t('Show the map without its basemap');
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.on(close, 'click', function () { box.parentNode.removeChild(box); });
  }

  L.TileLayer.addInitHook(function () {
    this.on('tileerror', function (e) {  /* the URL from the layer's template, not the table */
      if (!/^[a-z][a-z0-9+.-]*:/i.test(getTileUrl.call(this, e.coords) || '')) showNotice();
    });
  });
})();
