(function () {
  'use strict';
  var status = document.getElementById('report-status');
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var M = data('data-meta'), T = M.t;
  var net = data('data-network'), com = data('data-communities'), fac = data('data-facilities');
  var cov = data('data-covered'), units = data('data-units');
  var hexes = data('data-gap-hexagons'), sites = data('data-sites');
  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function fmt(x, d) {
    if (x === null || x === undefined) { return T.none; }
    return Number(x).toLocaleString(M.locale, { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function pct(x) { return fmt(100 * x, 1) + '%'; }
  function row(k, v) { return '<tr><th>' + esc(k) + '</th><td>' + v + '</td></tr>'; }
  function yn(b) { return b === null || b === undefined ? T.unknown : (b ? T.yes : T.no); }
  function sw(colour, kind) { return '<span class="sw ' + (kind || '') + '" style="background:' + colour + '"></span>'; }
  function label(map, key) { return map[key] !== undefined ? map[key] : key; }
  function fill(text, k, v) { return String(text).replace('{' + k + '}', v); }

  function communityPopup(p) {
    var h = '<h4>' + esc(p.name || p.id) + '</h4><table>';
    h += row(T.population, fmt(p.pop, 0) + (p.est ? esc(T.estimate) : ''));
    if (p.unit !== null) { h += row(T.unit, esc(p.unit)); }
    if (!p.reach) { h += row(T.reason, '<span class="bad">' + esc(T.unreachable) + ' (' + esc(p.why) + ')</span>'); }
    h += '</table><h4>' + esc(T.nearest) + '</h4><table><tr><th>' + esc(T.target) + '</th><th>' +
      esc(T.min_col) + '</th><th>' + esc(T.count_col) + '</th></tr>';
    p.near.forEach(function (n) {
      var ok = n[1] !== null && n[1] <= M.limit_min + 1e-9;
      h += '<tr><td>' + esc(label(M.targets, n[0])) + '</td><td class="num ' + (ok ? 'good' : 'bad') + '">' +
        (n[1] === null ? '&gt; ' + fmt(M.report_min, 0) : fmt(n[1], 1)) + '</td><td class="num">' + n[2] + '</td></tr>';
    });
    h += '</table>';
    if (p.tiers.length) {
      h += '<h4>' + esc(T.tiers) + '</h4><table>';
      p.tiers.forEach(function (t) {
        var v = t[1] ? '<span class="good">' + esc(T.met) + '</span>' :
          '<span class="bad">' + esc(T.missing) + ': ' + t[2].map(function (r) { return esc(label(M.requirements, r)); }).join(', ') + '</span>';
        h += row(label(M.tiers, t[0]), v);
      });
      h += '</table>';
    }
    h += '<h4>' + esc(T.sfca) + '</h4><table>' +
      row(T.outdoor, fmt(p.sfca[0], 3) + ' ' + esc(T.m2pp)) +
      row(T.indoor, fmt(p.sfca[1], 3) + ' ' + esc(T.m2pp)) +
      row(T.total, fmt(p.sfca[2], 3) + ' ' + esc(T.m2pp)) + '</table>';
    return h;
  }

  function facilityPopup(p) {
    var c = M.cats[p.cat] || { label: p.cat, colour: '#555' };
    var h = '<h4>' + sw(c.colour, 'dot') + esc(p.name || p.id) + '</h4><table>';
    h += row(T.category, esc(c.label));
    h += row(T.status, esc(p.status === 'planned' ? T.planned : T.existing));
    h += row(T.area, fmt(p.area, 0) + ' ' + esc(T.m2));
    h += row(T.floor, fmt(p.floor, 0) + ' ' + esc(T.m2));
    h += row(T.land, fmt(p.land, 0) + ' ' + esc(T.m2));
    if (p.hours) { h += row(T.hours, '<code>' + esc(p.hours) + '</code>'); }
    h += row(T.windows, p.open.length ? p.open.map(function (w) { return esc(label(M.windows, w)); }).join(', ') : T.none);
    h += row(T.counted, esc(yn(p.counted)));
    if (p.unit !== null) { h += row(T.unit, esc(p.unit)); }
    if (p.within !== null) { h += row(T.within, fmt(p.within, 0)); }
    return h + '</table>';
  }

  function unitPopup(p) {
    return '<h4>' + esc(p.name) + '</h4><table>' + row(T.population, fmt(p.pop, 0)) +
      row(T.share, pct(p.share)) +
      row(T.percap, fmt(p.out, 2) + ' / ' + fmt(p.in, 2) + ' ' + esc(T.m2pp)) + '</table>';
  }

  function hexPopup(p) {
    var names = p.names.map(esc).join('、') + (p.more ? ' ' + esc(fill(T.hex_more, 'n', p.more)) : '');
    return '<h4>' + esc(T.hex_title) + '</h4><table>' + row(T.hex_communities, fmt(p.n, 0)) +
      row(T.hex_people, fmt(p.pop, 0)) + row(T.hex_names, names) + '</table>';
  }

  function sitePopup(p) {
    var names = p.names.map(esc).join('、') + (p.more ? ' ' + esc(fill(T.hex_more, 'n', p.more)) : '');
    var h = '<h4>' + esc(fill(T.site_title, 'rank', p.rank)) + (p.name ? ' ' + esc(p.name) : '') + '</h4><table>';
    if (p.unit) { h += row(T.unit, esc(p.unit)); }
    h += row(T.site_new, fmt(p.new, 0)) + row(T.site_cumulative, fmt(p.cum, 0)) + row(T.site_share, pct(p.share));
    if (names) { h += row(T.site_names, names); }
    return h + '</table>';
  }

  var map = L.map('map', { preferCanvas: true, zoomSnap: 0.25 });
  map.attributionControl.setPrefix('Leaflet');
  M.attribution.forEach(function (a) { map.attributionControl.addAttribution(esc(a)); });
  L.control.scale({ imperial: false }).addTo(map);
  var counts = {};
  var overlays = {};

  // An online base map only when the run asked for one (--basemap): the
  // page is offline otherwise.
  if (M.basemap) {
    var B = M.basemap;
    var tiles = L.layerGroup([L.tileLayer(B.url, {
      subdomains: B.subdomains || 'abc', maxZoom: B.max_zoom, attribution: esc(B.attribution)
    })]);
    if (B.labels) { tiles.addLayer(L.tileLayer(B.labels, { subdomains: B.subdomains, maxZoom: B.max_zoom })); }
    overlays[sw('#bbb', 'area') + esc(T.lyr_basemap)] = tiles.addTo(map);
    counts.basemap = 1;
  }

  var networkLayer = L.geoJSON(net, { style: { color: '#a3a3a3', weight: 1, opacity: 0.9 }, interactive: false });
  counts.network = net.features.length ? net.features[0].properties.edges : 0;
  if (counts.network) { overlays[sw('#a3a3a3', 'line') + esc(T.lyr_network)] = networkLayer.addTo(map); }

  var coveredLayer = L.geoJSON(cov, {
    style: { color: '#238b45', weight: 1.5, fillColor: '#78c679', fillOpacity: 0.22 }, interactive: false
  });
  counts.covered = cov.features.length;
  overlays[sw('rgba(120,198,121,.4)', 'area') + esc(T.lyr_covered)] = coveredLayer.addTo(map);

  function popupOptions() { return { maxWidth: 380, maxHeight: 420 }; }
  var comLayer = L.geoJSON(com, {
    style: function (f) {
      var c = M.classes[f.properties.cls].colour;
      return { color: c, weight: 1, opacity: 0.95, fillColor: c, fillOpacity: 0.55 };
    },
    pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 6 }); },
    onEachFeature: function (f, l) { l.bindPopup(function () { return communityPopup(f.properties); }, popupOptions()); }
  });
  counts.communities = com.features.length;
  overlays[sw(M.classes[0].colour) + esc(T.lyr_communities)] = comLayer.addTo(map);

  // Uncovered communities: a dashed ring each, or above a count the
  // hexagons summing them (M.hex_m across), darker with more residents.
  var uncovered = com.features.filter(function (f) { return !f.properties.cov; }).length;
  var gapLayer;
  var hexColours = ['#fee5d9', '#fcae91', '#fb6a4a', '#de2d26', '#a50f15'];
  if (hexes.features.length) {
    var pops = hexes.features.map(function (f) { return f.properties.pop; }).sort(function (a, b) { return a - b; });
    var breaks = [0.2, 0.4, 0.6, 0.8].map(function (q) { return pops[Math.floor(q * (pops.length - 1))]; });
    var hexColour = function (v) {
      var k = 0;
      while (k < breaks.length && v > breaks[k]) { k += 1; }
      return hexColours[k];
    };
    gapLayer = L.geoJSON(hexes, {
      style: function (f) {
        return { color: '#7f0000', weight: 0.8, opacity: 0.7, fillColor: hexColour(f.properties.pop), fillOpacity: 0.6 };
      },
      onEachFeature: function (f, l) { l.bindPopup(function () { return hexPopup(f.properties); }, popupOptions()); }
    });
    counts.gap_hexagons = hexes.features.length;
    overlays[sw('#de2d26', 'hex') + esc(fill(T.lyr_gap_hex, 'n', uncovered))] = gapLayer.addTo(map);
  } else {
    gapLayer = L.geoJSON(com, {
      filter: function (f) { return !f.properties.cov; },
      style: { color: '#b2182b', weight: 2.5, dashArray: '5 4', fill: false },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 9 }); },
      onEachFeature: function (f, l) { l.bindPopup(function () { return communityPopup(f.properties); }, popupOptions()); }
    });
    overlays['<span class="sw gap"></span>' + esc(T.lyr_gaps) + ' (' + uncovered + ')'] = gapLayer.addTo(map);
  }
  counts.gaps = uncovered;

  var unitLayer = L.geoJSON(units, {
    style: { color: '#333', weight: 2, dashArray: '8 5', opacity: 0.8 },
    onEachFeature: function (f, l) { l.bindPopup(function () { return unitPopup(f.properties); }, popupOptions()); }
  });
  counts.units = units.features.length;
  // The units' names, at a point inside each.
  var labels = 0;
  if (M.unit_labels) {
    units.features.forEach(function (f) {
      var at = f.properties.at;
      if (!at || !f.properties.name) { return; }
      unitLayer.addLayer(L.marker([at[1], at[0]], {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'unit-label', html: '<span>' + esc(f.properties.name) + '</span>', iconSize: null })
      }));
      labels += 1;
    });
  }
  counts.unit_labels = labels;
  if (counts.units) { overlays[sw('#333', 'line') + esc(T.lyr_units)] = unitLayer.addTo(map); }

  var facilityLayers = [];
  var states = {};
  var byCat = {};
  fac.features.forEach(function (f) { (byCat[f.properties.cat] = byCat[f.properties.cat] || []).push(f); });
  var allFacilities = L.featureGroup();
  counts.facilities = 0;
  Object.keys(M.cats).forEach(function (cat) {
    var list = byCat[cat];
    if (!list) { return; }
    var c = M.cats[cat];
    var layer = L.geoJSON({ type: 'FeatureCollection', features: list }, {
      pointToLayer: function (f, ll) {
        var p = f.properties, on = p.counted;
        if (p.public === false) {
          states.closed = true;
          return L.circleMarker(ll, {
            radius: 5.5, color: '#a01e28', weight: 2.5, fillColor: c.colour, fillOpacity: 0.25, dashArray: '3 2'
          });
        }
        if (p.status === 'planned') {
          states.planned = true;
          return L.circleMarker(ll, { radius: 6, color: '#e67800', weight: 3, fillColor: '#fff', fillOpacity: 1 });
        }
        if (!on) { states.off = true; }
        return L.circleMarker(ll, {
          radius: 5.5, color: on ? '#fff' : c.colour, weight: on ? 1.5 : 2,
          fillColor: c.colour, fillOpacity: on ? 1 : 0.25, dashArray: on ? null : '2 2'
        });
      },
      onEachFeature: function (f, l) { l.bindPopup(function () { return facilityPopup(f.properties); }, popupOptions()); }
    });
    counts.facilities += list.length;
    facilityLayers.push(layer);
    allFacilities.addLayer(layer);
    overlays[sw(c.colour, 'dot') + esc(T.lyr_facilities) + ': ' + esc(c.label) + ' (' + list.length + ')'] = layer.addTo(map);
  });

  // Suggested sites (fitcircle sites): a numbered disc each, and its walk.
  var siteLayer = L.featureGroup();
  var sitePoints = 0;
  sites.features.forEach(function (f) {
    var p = f.properties;
    if (p.area) {
      siteLayer.addLayer(L.geoJSON(f, {
        style: { color: M.site_colour, weight: 2, dashArray: '6 4', fillColor: M.site_colour, fillOpacity: 0.07 },
        interactive: false
      }));
      return;
    }
    var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
    var marker = L.marker(ll, {
      icon: L.divIcon({ className: 'site-icon', html: '<span>' + esc(p.rank) + '</span>', iconSize: null })
    });
    marker.bindPopup(function () { return sitePopup(p); }, popupOptions());
    siteLayer.addLayer(marker);
    sitePoints += 1;
  });
  counts.sites = sitePoints;
  if (sitePoints) {
    overlays['<span class="sw dot" style="background:' + M.site_colour + '"></span>' + esc(fill(T.lyr_sites, 'n', sitePoints))] = siteLayer.addTo(map);
  }

  L.control.layers(null, overlays, { collapsed: false, position: 'topright' }).addTo(map);

  var legend = L.control({ position: 'bottomright' });
  legend.onAdd = function () {
    var d = L.DomUtil.create('div', 'legend');
    var h = '<b>' + esc(T.legend) + '</b>';
    M.classes.forEach(function (c, i) {
      var text = c.label + (i < 5 ? ' ' + T.minutes : '') + (i === 4 ? ' ' + T.or_none : '');
      h += '<div>' + sw(c.colour) + esc(text) + '</div>';
    });
    var ring = function (border, fill, dash) {
      return '<svg width="14" height="14" style="vertical-align:middle;margin-right:4px"><circle cx="7" cy="7" r="5" fill="' + fill +
        '" stroke="' + border + '" stroke-width="2.5"' + (dash ? ' stroke-dasharray="3 2"' : '') + '/></svg>';
    };
    if (states.planned) { h += '<div>' + ring('#e67800', '#fff', false) + esc(T.fac_planned) + '</div>'; }
    if (states.closed) { h += '<div>' + ring('#a01e28', '#ddd', true) + esc(T.fac_closed) + '</div>'; }
    if (states.off) { h += '<div>' + ring('#888', '#ddd', true) + esc(T.fac_off) + '</div>'; }
    if (counts.gap_hexagons) {
      h += '<div>' + esc(fill(T.hex_legend, 'd', fmt(M.hex_m, 0))) + '<br>' + hexColours.map(function (c) {
        return sw(c, 'hex');
      }).join('') + '</div>';
    }
    if (counts.sites) { h += '<div>' + sw(M.site_colour, 'dot') + esc(fill(T.lyr_sites, 'n', counts.sites)) + '</div>'; }
    d.innerHTML = h;
    return d;
  };
  legend.addTo(map);

  var bounds = L.latLngBounds([]);
  [networkLayer, comLayer, allFacilities, siteLayer].forEach(function (l) {
    var b = l.getBounds();
    if (b.isValid()) { bounds.extend(b); }
  });
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); } else { map.setView([0, 0], 2); }

  // With #selftest in the address, open the first popup of every layer
  // (tests/browser.rs checks that each one renders a table).
  if (location.hash === '#selftest') {
    var opened = 0;
    var withPopups = function (g) {
      return g.getLayers().filter(function (l) { return l.getPopup && l.getPopup(); });
    };
    [comLayer, gapLayer, unitLayer, siteLayer].concat(facilityLayers).forEach(function (g) {
      var first = withPopups(g)[0];
      if (!first) { return; }
      first.openPopup();
      var c = document.querySelector('#map .leaflet-popup-content');
      if (c && c.querySelector('table tr')) { opened += 1; }
    });
    map.closePopup();
    counts.popups = opened;
    counts.popup_layers = [comLayer, gapLayer, unitLayer, siteLayer].concat(facilityLayers)
      .filter(function (g) { return withPopups(g).length > 0; }).length;
  }
  counts.panes = document.querySelectorAll('#map .leaflet-pane').length;
  counts.canvas = document.querySelectorAll('#map .leaflet-overlay-pane canvas').length;
  status.setAttribute('data-layers', JSON.stringify(counts));
  if (window.__reportErrors.length) {
    var el = document.getElementById('report-errors');
    el.hidden = false;
    el.textContent = window.__reportErrors.join('\n');
    status.setAttribute('data-state', 'error');
  } else {
    status.setAttribute('data-state', 'ok');
  }
})();
