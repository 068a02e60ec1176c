/*
 * The IOC Console map: reports clustered with supercluster, drawn on a canvas, fed through the
 * QWebChannel bridge with JSON messages.
 *
 * This script runs in Qt's ApplicationWorld, after Leaflet, supercluster, qwebchannel.js and the
 * map set-up folium wrote. The page's own world (MainWorld) sees none of it: no `qt`, no bridge,
 * no `L`. Citizen text only ever reaches the DOM through textContent.
 *
 * Python → page messages ({t: ...}): labels, units, begin/chunk/end (a full set of reports, in
 * chunks), upsert, remove, select, visible, fit, move, pin, pick, details, ping.
 * Page → Python: ready, loaded, clicked, selected, moved, map_clicked, details (a request), ack, error.
 */
(function () {
  'use strict';

  const PROTOCOL = 1;
  // Deadline states, in the order of the style code's low two bits (see data.py).
  const NONE = 0, ON_TRACK = 1, DUE_SOON = 2, OVERDUE = 3;
  const COLOURS = ['#546e7a', '#1565c0', '#ef6c00', '#c62828'];
  const CLOSED_COLOUR = '#9e9e9e';
  const RESOLVED_RING = '#2e7d32';
  const DRAW_ORDER = [0, 1, 2, 3]; // severity: overdue drawn last, on top

  const host = document.querySelector('.folium-map');
  const map = host && globalThis[host.id];
  if (!map || typeof L === 'undefined' || typeof Supercluster === 'undefined') {
    console.error('ioc-map: the map, Leaflet or supercluster is missing');
    return;
  }
  host.classList.add('ioc-map');

  // ---- state -------------------------------------------------------------------------------------

  let bridge = null;
  let labels = {statuses: [], deadlines: [], legend: {}, text: {}};
  let categories = Object.create(null);
  let points = new Map();        // number -> point
  let pendingLoad = null;        // {id, points: Map, started}
  let currentLoad = 0;
  let visible = null;            // Set of numbers, or null for all
  let index = null;
  let dirty = new Set();         // numbers changed since the index was built
  let rebuildTimer = 0;
  let interacting = false;
  let selected = null;
  let moving = null;
  let pickMode = false;
  let drawnPoints = [];          // points drawn on the canvas in the last render, with x, y
  let clusterCount = 0;
  const details = new Map();     // number -> details, most recent last
  const MAX_DETAILS = 500;
  let popupNumber = null;
  let popupElement = null;
  let lastError = null;

  // ---- helpers -----------------------------------------------------------------------------------

  function post(message) {
    if (bridge) bridge.receive(JSON.stringify(message));
  }

  function afterPaint(fn) {
    let done = false;
    const once = () => { if (!done) { done = true; fn(); } };
    requestAnimationFrame(() => setTimeout(once, 0));
    setTimeout(once, 250); // a hidden view paints no frames
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function fill(template, values) {
    // Plain text substitution of {name} placeholders; the result is only ever used as text.
    return String(template || '').replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
  }

  function formatCount(n) {
    try { return n.toLocaleString(labels.locale || 'vi-VN'); } catch (e) { return String(n); }
  }

  function statusOf(code) { return Math.floor(code / 4); }
  function deadlineOf(code) { return code % 4; }
  function groupOf(code) {
    const status = labels.statuses[statusOf(code)];
    return status ? status.group : 'agency';
  }
  function isOverdue(code) { return deadlineOf(code) === OVERDUE && groupOf(code) !== 'closed'; }

  function makePoint(number, lat, lon, style, category, pending) {
    const p = {n: number, lat: lat, lon: lon, s: style, c: category, pending: pending,
               o: isOverdue(style) ? 1 : 0, geometry: {coordinates: [lon, lat]}, x: 0, y: 0};
    p.properties = p;
    return p;
  }

  function pointsFrom(m) {
    const out = [];
    const pending = new Set(m.p || []);
    const cats = m.cats || [];
    for (let i = 0; i < m.n.length; i++) {
      out.push(makePoint(m.n[i], m.lat[i], m.lon[i], m.s[i], cats[m.c[i]] || '', pending.has(m.n[i])));
    }
    return out;
  }

  function isShown(p) { return visible === null || visible.has(p.n); }

  // ---- the index ---------------------------------------------------------------------------------

  function rebuild() {
    clearTimeout(rebuildTimer);
    rebuildTimer = 0;
    const started = performance.now();
    const list = [];
    for (const p of points.values()) if (isShown(p)) list.push(p);
    const radius = labels.clusterRadius || 45;
    index = new Supercluster({
      radius: radius, extent: 256, maxZoom: labels.clusterMaxZoom || 17, minPoints: 2,
      map: (props) => ({o: props.o}),
      reduce: (acc, props) => { acc.o += props.o; },
    }).load(list);
    dirty = new Set();
    return performance.now() - started;
  }

  function scheduleRebuild() {
    if (dirty.size > 5000) { rebuild(); return; }
    clearTimeout(rebuildTimer);
    rebuildTimer = setTimeout(() => {
      if (interacting) { scheduleRebuild(); return; }
      rebuild();
      render();
    }, 1200);
  }

  // ---- drawing: shapes ---------------------------------------------------------------------------

  function drawShape(ctx, x, y, code, scale) {
    const group = groupOf(code);
    const deadline = deadlineOf(code);
    const k = scale || 1;
    if (group === 'closed') {
      ctx.beginPath();
      ctx.arc(x, y, 3.5 * k, 0, Math.PI * 2);
      ctx.fillStyle = CLOSED_COLOUR;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      return;
    }
    const colour = COLOURS[deadline];
    const r = 6.5 * k;
    ctx.beginPath();
    if (deadline === OVERDUE) {
      const h = r * 1.25;
      ctx.moveTo(x, y - h);
      ctx.lineTo(x + h * 0.95, y + h * 0.65);
      ctx.lineTo(x - h * 0.95, y + h * 0.65);
      ctx.closePath();
    } else if (deadline === DUE_SOON) {
      const d = r * 1.15;
      ctx.moveTo(x, y - d);
      ctx.lineTo(x + d, y);
      ctx.lineTo(x, y + d);
      ctx.lineTo(x - d, y);
      ctx.closePath();
    } else {
      ctx.arc(x, y, r, 0, Math.PI * 2);
    }
    if (group === 'waiting') {
      ctx.fillStyle = '#ffffff';
      ctx.fill();
      ctx.lineWidth = 2.5 * k;
      ctx.strokeStyle = colour;
      ctx.stroke();
      return;
    }
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = 1.5 * k;
    ctx.strokeStyle = group === 'resolved' ? RESOLVED_RING : '#ffffff';
    if (group === 'resolved') ctx.lineWidth = 2.5 * k;
    ctx.stroke();
    if (group === 'triage') {
      ctx.beginPath();
      ctx.arc(x, y + (deadline === OVERDUE ? r * 0.2 : 0), 2.2 * k, 0, Math.PI * 2);
      ctx.fillStyle = '#ffffff';
      ctx.fill();
    }
  }

  function drawPending(ctx, x, y) {
    ctx.beginPath();
    ctx.setLineDash([2, 2]);
    ctx.arc(x, y, 10, 0, Math.PI * 2);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#37474f';
    ctx.stroke();
    ctx.setLineDash([]);
  }

  // ---- drawing: the canvas layer -----------------------------------------------------------------

  const PAD = 0.25;
  map.createPane('iocUnits').style.zIndex = 350;
  map.createPane('iocPoints').style.zIndex = 450;
  map.createPane('iocSelection').style.zIndex = 640;
  map.getPane('iocUnits').style.pointerEvents = 'none';
  map.getPane('iocPoints').style.pointerEvents = 'none';

  const PointCanvas = L.Layer.extend({
    onAdd: function () {
      this._canvas = L.DomUtil.create('canvas', 'ioc-points leaflet-zoom-hide');
      map.getPane('iocPoints').appendChild(this._canvas);
    },
    onRemove: function () { L.DomUtil.remove(this._canvas); },
    draw: function (list) {
      const size = map.getSize();
      const pad = size.multiplyBy(PAD).round();
      const width = size.x + 2 * pad.x, height = size.y + 2 * pad.y;
      const ratio = window.devicePixelRatio || 1;
      const canvas = this._canvas;
      const origin = map.containerPointToLayerPoint([-pad.x, -pad.y]).round();
      L.DomUtil.setPosition(canvas, origin);
      if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
        canvas.style.width = width + 'px';
        canvas.style.height = height + 'px';
      }
      const ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      for (const p of list) {
        const cp = map.latLngToContainerPoint([p.lat, p.lon]);
        p.x = cp.x; p.y = cp.y;
      }
      list.sort((a, b) => drawRank(a) - drawRank(b));
      for (const p of list) {
        const x = p.x + pad.x, y = p.y + pad.y;
        if (p.pending) drawPending(ctx, x, y);
        drawShape(ctx, x, y, p.s, p.n === selected ? 1.35 : 1);
      }
    },
  });

  function drawRank(p) {
    if (p.n === selected) return 10;
    return groupOf(p.s) === 'closed' ? -1 : DRAW_ORDER[deadlineOf(p.s)];
  }

  const pointCanvas = new PointCanvas().addTo(map);
  L.control.scale({imperial: false, position: 'bottomright'}).addTo(map);
  const clusterLayer = L.layerGroup().addTo(map);

  function clusterIcon(count, overdue) {
    const size = count < 100 ? 'small' : count < 1000 ? 'medium' : 'large';
    const box = el('div', 'ioc-cluster-body');
    box.appendChild(el('span', 'ioc-cluster-count', formatCount(count)));
    if (overdue > 0) box.appendChild(el('span', 'ioc-cluster-overdue', formatCount(overdue)));
    const px = size === 'small' ? 34 : size === 'medium' ? 42 : 52;
    return L.divIcon({html: box, className: 'ioc-cluster ioc-cluster-' + size, iconSize: [px, px]});
  }

  function render() {
    clusterLayer.clearLayers();
    const list = [];
    clusterCount = 0;
    if (index) {
      const bounds = map.getBounds().pad(PAD);
      const zoom = Math.round(map.getZoom());
      const bbox = [bounds.getWest(), Math.max(-85, bounds.getSouth()), bounds.getEast(), Math.min(85, bounds.getNorth())];
      const features = index.getClusters(bbox, zoom);
      for (const f of features) {
        if (f.properties && f.properties.cluster) {
          const [lon, lat] = f.geometry.coordinates;
          const count = f.properties.point_count;
          const overdue = f.properties.o;
          const marker = L.marker([lat, lon], {icon: clusterIcon(count, overdue), keyboard: false,
                                               riseOnHover: true});
          marker.bindTooltip(clusterText(count, overdue), {direction: 'top', offset: [0, -18]});
          const id = f.properties.cluster_id;
          marker.on('click', () => {
            const target = Math.min(index.getClusterExpansionZoom(id), map.getMaxZoom());
            map.setView([lat, lon], Math.max(target, map.getZoom() + 1));
          });
          clusterLayer.addLayer(marker);
          clusterCount++;
        } else {
          const p = f.properties; // supercluster hands back our own point as the properties
          if (!dirty.has(p.n) && p.n !== selected) list.push(p);
        }
      }
    }
    // Changed since the index was built, and the selected report: always drawn as they are now.
    const view = map.getBounds().pad(PAD);
    for (const n of dirty) {
      const p = points.get(n);
      if (p && isShown(p) && n !== selected && view.contains([p.lat, p.lon])) list.push(p);
    }
    const chosen = selected !== null ? points.get(selected) : null;
    if (chosen && isShown(chosen)) list.push(chosen);
    pointCanvas.draw(list);
    drawnPoints = list;
    placeSelection();
  }

  function clusterText(count, overdue) {
    const text = fill(labels.text.cluster, {count: formatCount(count)});
    return overdue > 0 ? text + ' · ' + fill(labels.text.cluster_overdue, {overdue: formatCount(overdue)}) : text;
  }

  // ---- hit testing, hover and clicks -------------------------------------------------------------

  function pointAt(containerPoint, radius) {
    const r2 = (radius || 9) * (radius || 9);
    let best = null, bestD = Infinity;
    // Later points are drawn on top: prefer them on ties.
    for (let i = drawnPoints.length - 1; i >= 0; i--) {
      const p = drawnPoints[i];
      const dx = p.x - containerPoint.x, dy = p.y - containerPoint.y;
      const d = dx * dx + dy * dy;
      if (d <= r2 && d < bestD) { best = p; bestD = d; }
    }
    return best;
  }

  const hoverTip = L.tooltip({direction: 'top', offset: [0, -9], className: 'ioc-tooltip'});
  let hovered = null;
  let hoverFrame = 0;
  let hoverEvent = null;

  map.on('mousemove', (e) => {
    hoverEvent = e;
    if (hoverFrame) return;
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      const p = pointAt(hoverEvent.containerPoint);
      host.classList.toggle('ioc-over-point', !!p);
      if (p === hovered) return;
      hovered = p;
      if (p) {
        hoverTip.setLatLng([p.lat, p.lon]).setContent(tooltipContent(p));
        map.openTooltip(hoverTip);
      } else {
        map.closeTooltip(hoverTip);
      }
    });
  });
  map.on('mouseout', () => {
    hovered = null;
    map.closeTooltip(hoverTip);
    host.classList.remove('ioc-over-point');
  });

  function stateText(p) {
    const status = labels.statuses[statusOf(p.s)];
    const parts = [status ? status.label : ''];
    const deadline = deadlineOf(p.s);
    if (deadline !== NONE && groupOf(p.s) !== 'closed') parts.push(labels.deadlines[deadline] || '');
    return parts.filter(Boolean).join(' · ');
  }

  function tooltipContent(p) {
    const box = el('div', 'ioc-tip');
    box.appendChild(el('strong', 'ioc-tip-number', p.n));
    box.appendChild(el('div', 'ioc-tip-state ioc-deadline-' + deadlineOf(p.s), stateText(p)));
    if (p.c) box.appendChild(el('div', 'ioc-tip-category', categories[p.c] || p.c));
    const d = details.get(p.n);
    if (d && (d.title || d.description)) box.appendChild(el('div', 'ioc-tip-text', d.title || d.description));
    if (p.pending) box.appendChild(el('div', 'ioc-tip-pending', labels.text.pending));
    return box;
  }

  function popupContent(p) {
    const box = el('div', 'ioc-popup');
    const head = el('div', 'ioc-popup-head');
    head.appendChild(el('strong', 'ioc-popup-number', p.n));
    if (p.pending) head.appendChild(el('span', 'ioc-popup-pending', labels.text.pending));
    box.appendChild(head);
    box.appendChild(el('div', 'ioc-popup-state ioc-deadline-' + deadlineOf(p.s), stateText(p)));
    if (p.c) box.appendChild(el('div', 'ioc-popup-category', categories[p.c] || p.c));
    const d = details.get(p.n);
    if (d) {
      if (d.title) box.appendChild(el('div', 'ioc-popup-title', d.title));
      box.appendChild(el('div', 'ioc-popup-description', d.description));
      if (d.address) box.appendChild(el('div', 'ioc-popup-address', d.address));
      if (d.received) box.appendChild(el('div', 'ioc-popup-received', d.received));
    } else {
      box.appendChild(el('div', 'ioc-popup-loading', labels.text.loading));
    }
    return box;
  }

  const popup = L.popup({maxWidth: 340, minWidth: 200, autoPanPadding: [24, 24], className: 'ioc-popup-frame'});
  popup.on('remove', () => { popupNumber = null; popupElement = null; });

  function openPopup(p) {
    popupNumber = p.n;
    popupElement = popupContent(p);
    popup.setLatLng([p.lat, p.lon]).setContent(popupElement);
    if (!map.hasLayer(popup)) popup.openOn(map);
    if (!details.has(p.n)) post({t: 'details', n: p.n});
  }

  function refreshPopup() {
    if (popupNumber === null) return;
    const p = points.get(popupNumber);
    if (!p) { map.closePopup(popup); return; }
    popupElement = popupContent(p);
    popup.setLatLng([p.lat, p.lon]).setContent(popupElement);
  }

  function setSelected(number) {
    selected = number;
    render();
  }

  map.on('click', (e) => {
    const p = pointAt(e.containerPoint);
    if (p && !pickMode) {
      const changed = selected !== p.n;
      setSelected(p.n);
      openPopup(p);
      post({t: 'clicked', n: p.n});
      if (changed) post({t: 'selected', n: p.n});
      return;
    }
    post({t: 'map_clicked', lat: e.latlng.lat, lon: L.Util.wrapNum(e.latlng.lng, [-180, 180], true)});
  });

  map.on('keydown', (e) => {
    if (e.originalEvent.key === 'Escape' && selected !== null) {
      setSelected(null);
      map.closePopup(popup);
      post({t: 'selected', n: null});
    }
  });

  map.on('movestart zoomstart', () => { interacting = true; });
  map.on('moveend zoomend', () => { interacting = false; render(); });

  // ---- fitting the view --------------------------------------------------------------------------
  // A fit asked for while the view is still being laid out is applied again when it gets its size,
  // until the user takes over (any press, wheel or key) or we move the view ourselves.

  let fitTarget = null;

  function applyFit() {
    const size = map.getSize();
    if (!fitTarget || size.x < 50 || size.y < 50) return;
    map.fitBounds(fitTarget.bounds, {animate: false, maxZoom: fitTarget.maxZoom});
  }

  function fitTo(bounds, maxZoom) {
    fitTarget = {bounds: L.latLngBounds(bounds), maxZoom: maxZoom};
    applyFit();
  }

  function dropFit() { fitTarget = null; }
  for (const type of ['pointerdown', 'mousedown', 'wheel', 'keydown', 'touchstart']) {
    host.addEventListener(type, dropFit, {capture: true, passive: true});
  }
  map.on('resize', () => {
    applyFit();
    render();
  });

  // ---- selection, move mode, pin -----------------------------------------------------------------

  const selectionMarker = L.marker([0, 0], {
    pane: 'iocSelection', interactive: false, keyboard: false,
    icon: L.divIcon({className: 'ioc-selected', html: el('div', 'ioc-selected-ring'), iconSize: [34, 34]}),
  });

  function placeSelection() {
    const p = selected !== null ? points.get(selected) : null;
    if (p && isShown(p)) {
      selectionMarker.setLatLng([p.lat, p.lon]);
      if (!map.hasLayer(selectionMarker)) selectionMarker.addTo(map);
    } else if (map.hasLayer(selectionMarker)) {
      selectionMarker.remove();
    }
  }

  let moveMarker = null;

  function setMoving(number) {
    if (moveMarker) { moveMarker.remove(); moveMarker = null; }
    moving = number;
    host.classList.toggle('ioc-moving', number !== null);
    const p = number !== null ? points.get(number) : null;
    if (!p) { moving = null; return; }
    const handle = el('div', 'ioc-move-handle');
    handle.appendChild(el('span', 'ioc-move-label', p.n));
    moveMarker = L.marker([p.lat, p.lon], {
      draggable: true, autoPan: true, keyboard: true, pane: 'iocSelection', title: labels.text.move_hint || '',
      icon: L.divIcon({className: 'ioc-move', html: handle, iconSize: [28, 28], iconAnchor: [14, 28]}),
    }).addTo(map);
    moveMarker.on('dragend', () => {
      const ll = moveMarker.getLatLng();
      post({t: 'moved', n: moving, lat: ll.lat, lon: L.Util.wrapNum(ll.lng, [-180, 180], true)});
    });
  }

  let pinMarker = null;

  function setPin(lat, lon) {
    if (pinMarker) { pinMarker.remove(); pinMarker = null; }
    if (lat === null || lon === null || lat === undefined || lon === undefined) return;
    pinMarker = L.marker([lat, lon], {
      interactive: false, keyboard: false, pane: 'iocSelection',
      icon: L.divIcon({className: 'ioc-pin', html: el('div', 'ioc-pin-body'), iconSize: [24, 24], iconAnchor: [12, 24]}),
    }).addTo(map);
  }

  // ---- the jurisdiction drawn offline ------------------------------------------------------------

  const unitLayer = L.layerGroup().addTo(map);
  const UNIT_BIG = {province: true, city: true, district: true, town: true};

  function drawUnits(m) {
    unitLayer.clearLayers();
    if (Array.isArray(m.bbox) && m.bbox.length === 4) {
      const [s, w, n, e] = m.bbox;
      L.rectangle([[s, w], [n, e]], {pane: 'iocUnits', interactive: false, fill: false, color: '#6d4c41',
                                     weight: 2, dashArray: '8 6', opacity: 0.85}).addTo(unitLayer);
      if (m.name) {
        const label = el('div', 'ioc-region-name', m.name);
        L.marker([n, w], {pane: 'iocUnits', interactive: false, keyboard: false,
                          icon: L.divIcon({className: 'ioc-region', html: label, iconSize: null, iconAnchor: [-6, -6]})})
          .addTo(unitLayer);
      }
    }
    for (const u of m.units || []) {
      if (u.kind === 'province') continue;
      const big = !!UNIT_BIG[u.kind];
      const box = el('div', 'ioc-unit-body');
      if (!big) box.appendChild(el('span', 'ioc-unit-dot'));
      box.appendChild(el('span', 'ioc-unit-name', u.name));
      L.marker([u.lat, u.lon], {pane: 'iocUnits', interactive: false, keyboard: false,
                                icon: L.divIcon({className: 'ioc-unit ' + (big ? 'ioc-unit-major' : 'ioc-unit-minor'),
                                                 html: box, iconSize: null})})
        .addTo(unitLayer);
    }
    if (m.fit && Array.isArray(m.bbox) && m.bbox.length === 4) {
      fitTo([[m.bbox[0], m.bbox[1]], [m.bbox[2], m.bbox[3]]], 18);
    }
    zoomClasses();
  }

  function zoomClasses() {
    const z = map.getZoom();
    host.classList.toggle('ioc-zoom-far', z < 10);
    host.classList.toggle('ioc-zoom-near', z >= 11);
  }
  map.on('zoomend', zoomClasses);

  // ---- the legend --------------------------------------------------------------------------------

  let legendControl = null;

  function drawLegend() {
    if (legendControl) legendControl.remove();
    const entries = labels.legend && labels.legend.entries;
    if (!entries || !entries.length) return;
    legendControl = L.control({position: 'bottomleft'});
    legendControl.onAdd = function () {
      const box = el('div', 'ioc-legend leaflet-bar');
      const title = el('div', 'ioc-legend-title', labels.legend.title || '');
      title.setAttribute('role', 'button');
      title.tabIndex = 0;
      const toggle = () => box.classList.toggle('ioc-legend-collapsed');
      title.addEventListener('click', toggle);
      title.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') toggle(); });
      box.appendChild(title);
      for (const entry of entries) {
        const row = el('div', 'ioc-legend-row');
        const swatch = el('canvas', 'ioc-legend-swatch');
        const ratio = window.devicePixelRatio || 1;
        swatch.width = 20 * ratio; swatch.height = 20 * ratio;
        swatch.style.width = '20px'; swatch.style.height = '20px';
        const ctx = swatch.getContext('2d');
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        if (entry.cluster) {
          ctx.beginPath(); ctx.arc(10, 10, 8, 0, Math.PI * 2);
          ctx.fillStyle = 'rgba(21, 101, 192, 0.85)'; ctx.fill();
          ctx.beginPath(); ctx.arc(15, 5, 4, 0, Math.PI * 2);
          ctx.fillStyle = '#c62828'; ctx.fill();
        } else {
          drawShape(ctx, 10, 10, entry.code, 1);
        }
        row.appendChild(swatch);
        row.appendChild(el('span', 'ioc-legend-label', entry.label));
        box.appendChild(row);
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    legendControl.addTo(map);
  }

  // ---- messages from Python ----------------------------------------------------------------------

  function applyRows(m, target) {
    for (const p of pointsFrom(m)) {
      target.set(p.n, p);
    }
  }

  const handlers = {
    labels(m) {
      labels = {
        statuses: m.statuses || [], deadlines: m.deadlines || [], legend: m.legend || {}, text: m.text || {},
        locale: m.locale, clusterRadius: m.cluster_radius, clusterMaxZoom: m.cluster_max_zoom,
      };
      for (const p of points.values()) p.o = isOverdue(p.s) ? 1 : 0;
      drawLegend();
      if (index) { rebuild(); render(); }
    },
    units(m) {
      categories = Object.assign(Object.create(null), m.categories || {});
      drawUnits(m);
      render();
    },
    begin(m) {
      pendingLoad = {id: m.load, points: new Map(), started: performance.now()};
    },
    chunk(m) {
      if (pendingLoad && pendingLoad.id === m.load) applyRows(m, pendingLoad.points);
    },
    end(m) {
      if (!pendingLoad || pendingLoad.id !== m.load) return;
      const load = pendingLoad;
      pendingLoad = null;
      points = load.points;
      currentLoad = load.id;
      details.clear();
      const indexMs = rebuild();
      render();
      refreshPopup();
      if (moving !== null) setMoving(points.has(moving) ? moving : null);
      afterPaint(() => post({t: 'loaded', load: load.id, count: points.size, index_ms: indexMs,
                             total_ms: performance.now() - load.started}));
    },
    upsert(m) {
      const rows = pointsFrom(m);
      for (const p of rows) {
        points.set(p.n, p);
        details.delete(p.n);
        if (pendingLoad) pendingLoad.points.set(p.n, p);
        dirty.add(p.n);
      }
      if (moving !== null && rows.some((p) => p.n === moving)) setMoving(moving);
      render();
      if (popupNumber !== null && rows.some((p) => p.n === popupNumber)) {
        refreshPopup();
        post({t: 'details', n: popupNumber});
      }
      scheduleRebuild();
      if (m.seq !== undefined) afterPaint(() => post({t: 'ack', seq: m.seq}));
    },
    remove(m) {
      for (const n of m.n || []) {
        points.delete(n);
        details.delete(n);
        if (pendingLoad) pendingLoad.points.delete(n);
        dirty.add(n);
        if (n === selected) selected = null;
        if (n === moving) setMoving(null);
      }
      render();
      refreshPopup();
      scheduleRebuild();
      if (m.seq !== undefined) afterPaint(() => post({t: 'ack', seq: m.seq}));
    },
    select(m) {
      const number = typeof m.n === 'string' ? m.n : null;
      selected = number;
      const p = number !== null ? points.get(number) : null;
      if (popupNumber !== null && popupNumber !== number) map.closePopup(popup);
      if (p && m.pan && !map.getBounds().pad(-0.1).contains([p.lat, p.lon])) {
        dropFit();
        map.panTo([p.lat, p.lon], {animate: false});
      }
      render();
    },
    visible(m) {
      visible = Array.isArray(m.n) ? new Set(m.n) : null;
      rebuild();
      render();
      if (m.seq !== undefined) afterPaint(() => post({t: 'ack', seq: m.seq}));
    },
    fit(m) {
      const b = m.bbox;
      if (Array.isArray(b) && b.length === 4) fitTo([[b[0], b[1]], [b[2], b[3]]], 16);
    },
    move(m) { setMoving(typeof m.n === 'string' ? m.n : null); },
    pin(m) { setPin(m.lat, m.lon); },
    pick(m) {
      pickMode = !!m.on;
      host.classList.toggle('ioc-picking', pickMode);
    },
    details(m) {
      if (typeof m.n !== 'string') return;
      details.delete(m.n);
      details.set(m.n, {title: m.title || '', description: m.description || '', address: m.address || '',
                        received: m.received || ''});
      while (details.size > MAX_DETAILS) details.delete(details.keys().next().value);
      if (m.n === popupNumber) refreshPopup();
      if (hovered && hovered.n === m.n) hoverTip.setContent(tooltipContent(hovered));
    },
    ping(m) { afterPaint(() => post({t: 'ack', seq: m.seq})); },
  };

  function onMessage(text) {
    let m;
    try { m = JSON.parse(text); } catch (e) { return; }
    if (!m || typeof m.t !== 'string' || !Object.prototype.hasOwnProperty.call(handlers, m.t)) return;
    try {
      handlers[m.t](m);
    } catch (e) {
      lastError = String((e && e.stack) || e);
      post({t: 'error', message: lastError});
    }
  }

  // ---- inspection, for tests and benchmarks (this world only) ------------------------------------

  function containerPointOf(number) {
    const p = points.get(number);
    if (!p) return null;
    const cp = map.latLngToContainerPoint([p.lat, p.lon]);
    return {x: cp.x, y: cp.y};
  }

  globalThis.iocMap = {
    state() {
      const ring = document.querySelector('.ioc-selected');
      return JSON.stringify({
        count: points.size, indexed: index ? index.numPoints : 0, load: currentLoad,
        selected: selected, moving: moving, pick: pickMode, drawn: drawnPoints.length, clusters: clusterCount,
        dirty: dirty.size, visible: visible === null ? null : visible.size, zoom: map.getZoom(),
        popup: popupNumber, selectionShown: !!ring, lastError: lastError,
        units: unitLayer.getLayers().length,
        center: [map.getCenter().lat, map.getCenter().lng], size: [map.getSize().x, map.getSize().y],
      });
    },
    selectedPoint() { return selected === null ? null : JSON.stringify(containerPointOf(selected)); },
    movingPoint() {
      if (!moveMarker) return null;
      const cp = map.latLngToContainerPoint(moveMarker.getLatLng());
      return JSON.stringify({x: cp.x, y: cp.y});
    },
    drawn() { return JSON.stringify(drawnPoints.map((p) => ({n: p.n, x: p.x, y: p.y, s: p.s}))); },
    zoomTo(z) { map.setZoom(z, {animate: false}); },
  };

  // ---- the handshake -----------------------------------------------------------------------------

  new QWebChannel(qt.webChannelTransport, (channel) => {
    bridge = channel.objects.bridge;
    bridge.message_posted.connect(onMessage);
    post({t: 'ready', v: PROTOCOL});
  });
})();
