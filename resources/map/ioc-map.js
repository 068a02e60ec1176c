/*
 * The IOC Console map: reports clustered with supercluster and drawn on one canvas, fed through
 * the QWebChannel bridge with JSON messages.
 *
 * This script runs in Qt's ApplicationWorld, after Leaflet, supercluster, qwebchannel.js and the
 * map set-up folium wrote. The page's own world (MainWorld) sees none of it: no `qt`, no bridge,
 * no `L`. Citizen text only ever reaches the DOM through textContent.
 *
 * Python → page messages ({t: ...}): labels, units, begin/chunk/end (a full set of reports, in
 * chunks), upsert, remove, select, visible, fit, move, pin, pick, details, ping.
 * Page → Python: ready, loaded, clicked, selected, moved, map_clicked, details (a request), ack, error.
 *
 * Scale: reports live in columns (one array per field, a slot per report), the index is rebuilt
 * from them; changes since the last build ("dirty" slots) are drawn from the columns directly, so a
 * change shows at once and the clusters catch up at the next build.
 */
(function () {
  'use strict';

  const PROTOCOL = 1;
  // Deadline states, in the order of the style code's low two bits (see data.py).
  const NONE = 0, DUE_SOON = 2, OVERDUE = 3;
  const COLOURS = ['#546e7a', '#1565c0', '#ef6c00', '#c62828'];
  const CLOSED_COLOUR = '#9e9e9e';
  const RESOLVED_RING = '#2e7d32';
  const CLUSTER_FILL = 'rgba(21, 101, 192, 0.88)';
  const CLUSTER_FILL_LARGE = 'rgba(13, 71, 161, 0.9)';
  // A cluster of overdue reports only (the overdue filter, say) is red, not the colour of on time.
  const CLUSTER_FILL_OVERDUE = 'rgba(198, 40, 40, 0.92)';
  const OVERDUE_BADGE = '#c62828';
  const PAD = 0.25;              // the canvas reaches this far beyond the view on each side
  const POINT_HIT = 9;           // px

  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    console.error('ioc-map: a big-endian platform; report columns would be misread');
  }

  const host = document.querySelector('.folium-map');
  const map = host && globalThis[host.id];
  if (!map || typeof L === 'undefined' || typeof Supercluster === 'undefined') {
    console.error('ioc-map: the map, Leaflet or supercluster is missing');
    return;
  }
  host.classList.add('ioc-map');
  // Fit the province closely: tenth zoom steps (Leaflet's default snaps to whole levels).
  map.options.zoomSnap = 0.1;
  map.options.zoomDelta = 0.5;

  // ---- state -------------------------------------------------------------------------------------

  let bridge = null;
  let labels = {statuses: [], deadlines: [], legend: {}, text: {}};
  let categoryNames = Object.create(null);
  const categoryCodes = [];      // global category index -> code
  const categoryIds = new Map(); // code -> global index

  let store = newStore();
  let pendingLoad = null;        // {id, store, started}
  let currentLoad = 0;
  let visible = null;            // Set of numbers, or null for all
  let index = null;
  let indexedCount = 0;
  let dirty = new Set();         // slots changed since the index was built
  let rebuildTimer = 0;
  let firstDirtyAt = 0;
  let interacting = false;
  let selected = null;           // a number
  let moving = null;
  let pickMode = false;
  let viewLeaves = [];           // slots the index put in the view, as single reports
  let viewClusters = [];         // {lat, lon, count, overdue, id}
  let drawnPoints = [];          // {slot, x, y} drawn in the last frame, bottom to top
  let drawnClusters = [];        // {x, y, r, count, overdue, id, lat, lon}
  const details = new Map();     // number -> details, most recent last
  const MAX_DETAILS = 500;
  let popupNumber = null;
  let lastError = null;

  // Reports in columns, one slot each: typed arrays for the numbers we draw with, `n` for the
  // report numbers and `f` for each slot's feature for supercluster (made as the rows arrive, while
  // Python is still sending the next chunk, not when the index is built). A removed report keeps
  // its slot with style -1 and no geometry, which supercluster skips.
  //
  // The number → slot map is the costliest part of taking 200,000 reports in; it is filled after
  // the first paint, in slices, and on demand up to where a lookup needs it. A full load can skip
  // it because Python sends each number once; only if changes reached the load while it was
  // arriving do the following chunks look numbers up.
  function newStore() {
    return {
      size: 0, alive: 0, n: [], f: [], slot: new Map(), mapped: 0,
      lat: new Float64Array(1024), lon: new Float64Array(1024), mx: new Float64Array(1024),
      my: new Float64Array(1024), s: new Int8Array(1024),
      c: new Uint16Array(1024), p: new Uint8Array(1024),
    };
  }

  function reserve(t, need) {
    if (need <= t.lat.length) return;
    const capacity = Math.max(need, t.lat.length * 2);
    for (const key of ['lat', 'lon', 'mx', 'my', 's', 'c', 'p']) {
      const grown = new t[key].constructor(capacity);
      grown.set(t[key]);
      t[key] = grown;
    }
  }

  function mapUpTo(t, end) {
    const n = t.n, s = t.s, slot = t.slot;
    for (let i = t.mapped; i < end; i++) if (s[i] >= 0) slot.set(n[i], i);
    if (end > t.mapped) t.mapped = end;
  }

  function slotOf(t, number) {
    if (t.mapped < t.size) mapUpTo(t, t.size);
    return t.slot.get(number);
  }

  // Web Mercator in [0, 1] (as Leaflet's EPSG:3857 and supercluster project): a pixel is this
  // times 256 · 2^zoom.
  const MAX_LATITUDE = 85.0511287798;
  function mercatorX(lon) { return lon / 360 + 0.5; }
  function mercatorY(lat) {
    const sin = Math.sin(Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * Math.PI / 180);
    return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
  }

  function append(t, number, lat, lon, style, category, pending) {
    const i = t.size++;
    reserve(t, t.size);
    t.n.push(number);
    t.lat[i] = lat;
    t.lon[i] = lon;
    t.mx[i] = mercatorX(lon);
    t.my[i] = mercatorY(lat);
    t.s[i] = style;
    t.c[i] = category;
    t.p[i] = pending;
    t.f.push({geometry: {coordinates: [lon, lat]}, properties: i});
    t.alive++;
    return i;
  }

  function put(t, number, lat, lon, style, category, pending) {
    const i = slotOf(t, number);
    if (i === undefined) {
      const slot = append(t, number, lat, lon, style, category, pending);
      t.slot.set(number, slot);
      t.mapped = t.size;
      return slot;
    }
    t.lat[i] = lat;
    t.lon[i] = lon;
    t.mx[i] = mercatorX(lon);
    t.my[i] = mercatorY(lat);
    t.s[i] = style;
    t.c[i] = category;
    t.p[i] = pending;
    t.f[i] = {geometry: {coordinates: [lon, lat]}, properties: i};
    return i;
  }

  function drop(t, number) {
    const i = slotOf(t, number);
    if (i === undefined) return -1;
    t.s[i] = -1;
    t.f[i] = {geometry: null, properties: i};
    t.slot.delete(number);
    t.alive--;
    return i;
  }

  function mapInSlices(t) {
    // After a load is on screen: fill the number → slot map a slice at a time, between frames.
    if (t !== store || t.mapped >= t.size) return;
    mapUpTo(t, Math.min(t.size, t.mapped + 25000));
    setTimeout(() => mapInSlices(t), 0);
  }

  // A chunk's columns (see data.py encode_rows): numbers joined by newlines, the rest base64 of
  // little-endian typed arrays.
  function bytesOf(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  // `byNumber`: look each number up (a change); otherwise a chunk of a full load, which may append
  // unless changes have already reached that load.
  function putRows(target, m, byNumber, onSlot) {
    const count = m.count || 0;
    if (!count) return;
    const scale = m.scale || 1;
    const pending = new Set(m.p || []);
    const ids = (m.cats || []).map(categoryId);
    const numbers = typeof m.n === 'string' ? m.n.split('\n') : m.n;
    const lats = new Int32Array(bytesOf(m.lat)), lons = new Int32Array(bytesOf(m.lon));
    const styles = new Uint8Array(bytesOf(m.s)), cats = new Uint16Array(bytesOf(m.c));
    if (numbers.length !== count || lats.length !== count || lons.length !== count || styles.length !== count ||
        cats.length !== count) {
      throw new Error('a chunk of reports with columns of different lengths');
    }
    // A fresh load whose numbers were never looked up takes rows as they come; otherwise by number.
    const add = byNumber || target.mapped > 0 ? put : append;
    for (let k = 0; k < count; k++) {
      const slot = add(target, numbers[k], lats[k] / scale, lons[k] / scale, styles[k], ids[cats[k]],
                       pending.size > 0 && pending.has(numbers[k]) ? 1 : 0);
      if (onSlot) onSlot(slot);
    }
  }

  function categoryId(code) {
    let id = categoryIds.get(code);
    if (id === undefined) {
      id = categoryCodes.length;
      categoryCodes.push(code);
      categoryIds.set(code, id);
    }
    return id;
  }

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

  let compactFormat = null;
  function shortCount(n) {
    // What fits in a cluster's disc: 9.999 as it is, then 16,4 N / 131 N (the tooltip has it all).
    if (n < 10000) return formatCount(n);
    try {
      if (!compactFormat || compactFormat.locale !== labels.locale) {
        compactFormat = {locale: labels.locale, format: new Intl.NumberFormat(labels.locale || 'vi-VN',
                                                                                 {notation: 'compact', maximumSignificantDigits: 3})};
      }
      return compactFormat.format.format(n);
    } catch (e) {
      return Math.round(n / 1000) + 'k';
    }
  }

  function statusOf(code) { return Math.floor(code / 4); }
  function deadlineOf(code) { return code % 4; }
  function groupOf(code) {
    const status = labels.statuses[statusOf(code)];
    return status ? status.group : 'agency';
  }
  function isOverdue(code) { return deadlineOf(code) === OVERDUE && groupOf(code) !== 'closed'; }
  function isShown(slot) {
    return store.s[slot] >= 0 && (visible === null || visible.has(store.n[slot]));
  }
  function selectedSlot() {
    if (selected === null) return -1;
    const slot = slotOf(store, selected);
    return slot === undefined ? -1 : slot;
  }

  // ---- the index ---------------------------------------------------------------------------------

  function compact() {
    // Drop the slots of removed reports (their number is gone from the slot map already).
    const old = store;
    const fresh = newStore();
    for (let i = 0; i < old.size; i++) {
      if (old.s[i] >= 0) append(fresh, old.n[i], old.lat[i], old.lon[i], old.s[i], old.c[i], old.p[i]);
    }
    mapUpTo(fresh, fresh.size);
    store = fresh;
  }

  function rebuild() {
    clearTimeout(rebuildTimer);
    rebuildTimer = 0;
    const started = performance.now();
    if (store.size - store.alive > Math.max(1000, store.alive / 10)) compact();
    const s = store.s, n = store.n;
    let features = store.f;
    let indexOfSlot = null;
    if (visible !== null) {
      features = [];
      indexOfSlot = new Int32Array(store.size).fill(-1);
      for (let i = 0; i < store.size; i++) {
        if (s[i] >= 0 && visible.has(n[i])) {
          indexOfSlot[i] = features.length;
          features.push(store.f[i]);
        }
      }
    }
    indexedCount = visible === null ? store.alive : features.length;
    index = new Supercluster({
      radius: labels.clusterRadius || 60, extent: 256, minZoom: 3, maxZoom: labels.clusterMaxZoom || 16,
      minPoints: 2,
    }).load(features);
    overdue = countOverdue(index, features, indexOfSlot);
    dirty = new Set();
    query();
    return performance.now() - started;
  }

  // ---- overdue counts of clusters ----------------------------------------------------------------
  //
  // Each cluster shows how many of its reports are overdue. supercluster could add that up with
  // its map/reduce options, at the cost of an object per report per merge (builds took twice as
  // long); instead one pass over its cluster tree, in typed arrays, adds the counts up after the
  // build. The same parent links let a report whose state changed (but not its place) correct the
  // counts of the clusters above it at once, without a rebuild.
  //
  // This reads supercluster 9's internals (vendor/supercluster, pinned): `trees[z].data` holds
  // `stride` int32 per item with the item's id at offset 3 and its parent cluster's id at offset
  // 4 (-1 if none); a point's id is its index in the input, a cluster's id is
  // (originIndex << 5) + (zoom + 1) + numPoints, where it lives in `trees[zoom]` and originIndex
  // is the position of its first item in `trees[zoom + 1]`. The tests compare the counts with
  // counting the leaves, so a different supercluster fails them rather than showing wrong numbers.

  let overdue = null;
  const OFFSET_ID = 3, OFFSET_PARENT = 4;

  function countOverdue(sc, features, indexOfSlot) {
    const {trees, stride, numPoints} = sc;
    const {minZoom, maxZoom} = sc.options;
    const counts = [], parents = [];
    for (let z = minZoom; z <= maxZoom; z++) {
      counts[z] = new Int32Array(trees[z + 1].numItems);
      parents[z] = new Int32Array(trees[z + 1].numItems).fill(-1);
    }
    const pointParent = new Int32Array(numPoints).fill(-1);
    const s = store.s;
    // From the finest level up, so that a cluster is complete before it is added to its parent; a
    // level that formed no cluster shares its parent's data, which is read once.
    for (let level = maxZoom + 1; level > minZoom; level--) {
      const tree = trees[level];
      if (level <= maxZoom && tree === trees[level + 1]) continue;
      const data = tree.data, end = tree.numItems * stride;
      for (let k = 0; k < end; k += stride) {
        const parent = data[k + OFFSET_PARENT];
        if (parent === -1) continue;
        const id = data[k + OFFSET_ID];
        const pz = ((parent - numPoints) % 32) - 1, po = (parent - numPoints) >> 5;
        if (id < numPoints) {
          if (isOverdue(s[features[id].properties])) counts[pz][po] += 1;
          pointParent[id] = parent;
        } else {
          const z = ((id - numPoints) % 32) - 1, o = (id - numPoints) >> 5;
          counts[pz][po] += counts[z][o];
          parents[z][o] = parent;
        }
      }
    }
    return {counts: counts, parents: parents, pointParent: pointParent, numPoints: numPoints, indexOfSlot: indexOfSlot};
  }

  function overdueOf(clusterId) {
    const rel = clusterId - overdue.numPoints;
    return overdue.counts[(rel % 32) - 1][rel >> 5];
  }

  // A report still where the index has it changed from overdue to not, or back: correct the counts.
  function patchOverdue(slot, delta) {
    if (!overdue || delta === 0 || dirty.has(slot)) return false;
    const i = overdue.indexOfSlot ? overdue.indexOfSlot[slot] : slot;
    if (i < 0 && slot < overdue.indexOfSlot.length) return true; // filtered out: in no cluster
    if (i < 0 || i >= overdue.pointParent.length) return false;
    let parent = overdue.pointParent[i];
    while (parent !== -1) {
      const rel = parent - overdue.numPoints;
      const z = (rel % 32) - 1, o = rel >> 5;
      overdue.counts[z][o] += delta;
      parent = overdue.parents[z][o];
    }
    return true;
  }

  // Changes are drawn at once; the clusters catch up when the index is rebuilt: after a quiet
  // moment, or at the latest some seconds after the first change not yet in it, so a steady feed
  // of changes cannot keep the counts stale for long.
  const REBUILD_QUIET_MS = 1500;
  const REBUILD_MAX_WAIT_MS = 10000;

  function scheduleRebuild() {
    if (dirty.size > 5000) { rebuild(); draw(); return; }
    const now = performance.now();
    if (!rebuildTimer) firstDirtyAt = now;
    clearTimeout(rebuildTimer);
    const wait = Math.max(0, Math.min(REBUILD_QUIET_MS, firstDirtyAt + REBUILD_MAX_WAIT_MS - now));
    rebuildTimer = setTimeout(() => {
      rebuildTimer = 0;
      if (interacting) { scheduleRebuild(); return; }
      rebuild();
      draw();
    }, wait);
  }

  function query() {
    viewLeaves = [];
    viewClusters = [];
    if (!index) return;
    const bounds = map.getBounds().pad(PAD);
    const zoom = Math.round(map.getZoom());
    const bbox = [bounds.getWest(), Math.max(-85, bounds.getSouth()), bounds.getEast(), Math.min(85, bounds.getNorth())];
    for (const f of index.getClusters(bbox, zoom)) {
      const props = f.properties;
      if (typeof props === 'number') {
        viewLeaves.push(props);
      } else {
        const [lon, lat] = f.geometry.coordinates;
        viewClusters.push({lat: lat, lon: lon, count: props.point_count, overdue: overdueOf(props.cluster_id),
                           id: props.cluster_id});
      }
    }
  }

  // ---- drawing -----------------------------------------------------------------------------------

  // How a style code is drawn: shape and colour by deadline state, fill and ring by whose move it
  // is. Reports of one style are traced into one path and filled and stroked once: a dense street
  // of 9,000 reports is a few dozen canvas calls, not tens of thousands.
  function look(code) {
    const group = groupOf(code);
    const deadline = deadlineOf(code);
    if (group === 'closed') {
      return {shape: 'circle', r: 3.5, fill: CLOSED_COLOUR, stroke: '#ffffff', width: 1, dot: false, dotDy: 0};
    }
    const colour = COLOURS[deadline];
    const shape = deadline === OVERDUE ? 'triangle' : deadline === DUE_SOON ? 'diamond' : 'circle';
    if (group === 'waiting') return {shape: shape, r: 6.5, fill: '#ffffff', stroke: colour, width: 2.5, dot: false, dotDy: 0};
    return {
      shape: shape, r: 6.5, fill: colour,
      stroke: group === 'resolved' ? RESOLVED_RING : '#ffffff', width: group === 'resolved' ? 2.5 : 1.5,
      dot: group === 'triage', dotDy: deadline === OVERDUE ? 6.5 * 0.2 : 0,
    };
  }

  function trace(ctx, shape, x, y, r) {
    if (shape === 'triangle') {
      const h = r * 1.25;
      ctx.moveTo(x, y - h);
      ctx.lineTo(x + h * 0.95, y + h * 0.65);
      ctx.lineTo(x - h * 0.95, y + h * 0.65);
      ctx.closePath();
    } else if (shape === 'diamond') {
      const d = r * 1.15;
      ctx.moveTo(x, y - d);
      ctx.lineTo(x + d, y);
      ctx.lineTo(x, y + d);
      ctx.lineTo(x - d, y);
      ctx.closePath();
    } else {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
    }
  }

  // xs, ys: positions of reports that all have this style code.
  function drawBatch(ctx, code, xs, ys, scale) {
    const st = look(code);
    const k = scale || 1;
    const r = st.r * k;
    ctx.beginPath();
    for (let i = 0; i < xs.length; i++) trace(ctx, st.shape, xs[i], ys[i], r);
    ctx.fillStyle = st.fill;
    ctx.fill();
    ctx.lineWidth = st.width * k;
    ctx.strokeStyle = st.stroke;
    ctx.stroke();
    if (st.dot) {
      ctx.beginPath();
      for (let i = 0; i < xs.length; i++) {
        ctx.moveTo(xs[i] + 2.2 * k, ys[i] + st.dotDy * k);
        ctx.arc(xs[i], ys[i] + st.dotDy * k, 2.2 * k, 0, Math.PI * 2);
      }
      ctx.fillStyle = '#ffffff';
      ctx.fill();
    }
  }

  function drawShape(ctx, x, y, code, scale) {
    drawBatch(ctx, code, [x], [y], scale);
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

  function clusterRadius(count) { return count < 100 ? 16 : count < 1000 ? 19 : count < 10000 ? 22 : count < 100000 ? 24 : 27; }

  function drawCluster(ctx, x, y, count, overdue) {
    const r = clusterRadius(count);
    const allLate = overdue > 0 && overdue >= count;
    ctx.beginPath();
    ctx.arc(x, y, r + 1, 0, Math.PI * 2);
    ctx.fillStyle = allLate ? 'rgba(183, 28, 28, 0.55)' : 'rgba(13, 71, 161, 0.55)';
    ctx.fill();
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.beginPath();
    ctx.arc(x, y, r - 3, 0, Math.PI * 2);
    ctx.fillStyle = allLate ? CLUSTER_FILL_OVERDUE : count >= 1000 ? CLUSTER_FILL_LARGE : CLUSTER_FILL;
    ctx.fill();
    ctx.fillStyle = '#ffffff';
    ctx.font = '600 12px "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(shortCount(count), x, y + 0.5, 2 * r - 6);
    if (overdue > 0) {
      const text = shortCount(overdue);
      ctx.font = '600 10.5px "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif';
      const w = Math.max(18, ctx.measureText(text).width + 9);
      const h = 16;
      const bx = x + r * 0.55, by = y - r - 2;
      roundRect(ctx, bx - 2, by - 2, w + 4, h + 4, (h + 4) / 2);
      ctx.fillStyle = '#ffffff';
      ctx.fill();
      roundRect(ctx, bx, by, w, h, h / 2);
      ctx.fillStyle = OVERDUE_BADGE;
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      ctx.fillText(text, bx + w / 2, by + h / 2 + 0.5);
    }
    return r;
  }

  function badgeWidth(ctx, overdue) {
    ctx.font = '600 10.5px "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif';
    return Math.max(18, ctx.measureText(shortCount(overdue)).width + 9) + 4;
  }

  function roundRect(ctx, x, y, w, h, r) {
    ctx.beginPath();
    ctx.moveTo(x + r, y);
    ctx.arcTo(x + w, y, x + w, y + h, r);
    ctx.arcTo(x + w, y + h, x, y + h, r);
    ctx.arcTo(x, y + h, x, y, r);
    ctx.arcTo(x, y, x + w, y, r);
    ctx.closePath();
  }

  // Above the tiles (200): the outlines, the province, the reports, then the names (above the
  // reports' canvas, so that no cluster covers a district's name; the names move aside instead).
  map.createPane('iocBase').style.zIndex = 250;
  map.createPane('iocUnits').style.zIndex = 350;
  map.createPane('iocPoints').style.zIndex = 450;
  map.createPane('iocLabels').style.zIndex = 460;
  map.createPane('iocSelection').style.zIndex = 640;
  for (const pane of ['iocBase', 'iocUnits', 'iocPoints', 'iocLabels']) map.getPane(pane).style.pointerEvents = 'none';

  const canvas = L.DomUtil.create('canvas', 'ioc-points leaflet-zoom-animated');
  map.getPane('iocPoints').appendChild(canvas);
  let canvasBounds = null;

  // Zooming: scale the last frame like Leaflet scales an image overlay, then draw afresh at the end.
  map.on('zoomanim', (e) => {
    if (!canvasBounds) return;
    const scale = map.getZoomScale(e.zoom);
    const offset = map._latLngBoundsToNewLayerBounds(canvasBounds, e.zoom, e.center).min;
    L.DomUtil.setTransform(canvas, offset, scale);
  });

  function rankOf(code) {
    return groupOf(code) === 'closed' ? -1 : deadlineOf(code);
  }

  function draw() {
    const size = map.getSize();
    const pad = size.multiplyBy(PAD).round();
    const width = size.x + 2 * pad.x, height = size.y + 2 * pad.y;
    const ratio = window.devicePixelRatio || 1;
    const topLeft = map.containerPointToLayerPoint([-pad.x, -pad.y]).round();
    L.DomUtil.setPosition(canvas, topLeft);
    canvasBounds = L.latLngBounds(map.containerPointToLatLng([-pad.x, -pad.y]),
                                  map.containerPointToLatLng([size.x + pad.x, size.y + pad.y]));
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = width + 'px';
      canvas.style.height = height + 'px';
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    // Which reports: the index's single ones, then the changed ones and the selected one as they are now.
    const chosen = selectedSlot();
    const slots = [];
    for (const slot of viewLeaves) {
      if (!dirty.has(slot) && slot !== chosen && store.s[slot] >= 0) slots.push(slot);
    }
    const view = canvasBounds;
    for (const slot of dirty) {
      if (slot !== chosen && isShown(slot) && view.contains([store.lat[slot], store.lon[slot]])) slots.push(slot);
    }
    // Where: from each report's Web Mercator position (kept with the columns), one shift per frame.
    const zoomScale = map.options.crs.scale(map.getZoom());
    const shift = map.latLngToContainerPoint([0, 0]).subtract(map.project([0, 0], map.getZoom()));
    const points = [];
    const batches = new Map();   // style code -> {xs, ys}
    const pending = [];
    for (const slot of slots) {
      const x = store.mx[slot] * zoomScale + shift.x, y = store.my[slot] * zoomScale + shift.y;
      points.push({slot: slot, x: x, y: y});
      const code = store.s[slot];
      let batch = batches.get(code);
      if (!batch) batches.set(code, batch = {xs: [], ys: []});
      batch.xs.push(x + pad.x);
      batch.ys.push(y + pad.y);
      if (store.p[slot]) pending.push(x + pad.x, y + pad.y);
    }
    for (let i = 0; i < pending.length; i += 2) drawPending(ctx, pending[i], pending[i + 1]);
    // Closed reports first, then on track, due soon and overdue on top.
    const codes = Array.from(batches.keys()).sort((a, b) => rankOf(a) - rankOf(b));
    for (const code of codes) drawBatch(ctx, code, batches.get(code).xs, batches.get(code).ys, 1);
    // The hit test prefers what is drawn last: keep the same order.
    points.sort((a, b) => rankOf(store.s[a.slot]) - rankOf(store.s[b.slot]));
    const clusters = [];
    for (const c of viewClusters) {
      const p = map.latLngToContainerPoint([c.lat, c.lon]);
      const r = drawCluster(ctx, p.x + pad.x, p.y + pad.y, c.count, c.overdue);
      clusters.push({x: p.x, y: p.y, r: r, count: c.count, overdue: c.overdue, id: c.id, lat: c.lat, lon: c.lon,
                     badge: c.overdue > 0 ? badgeWidth(ctx, c.overdue) : 0});
    }
    if (chosen >= 0 && isShown(chosen)) {
      const x = store.mx[chosen] * zoomScale + shift.x, y = store.my[chosen] * zoomScale + shift.y;
      if (store.p[chosen]) drawPending(ctx, x + pad.x, y + pad.y);
      drawShape(ctx, x + pad.x, y + pad.y, store.s[chosen], 1.35);
      points.push({slot: chosen, x: x, y: y});
    }
    drawnPoints = points;
    drawnClusters = clusters;
    placeSelection();
    placeLabels();
  }

  function refresh() {
    query();
    draw();
  }

  const scaleControl = L.control.scale({imperial: false, position: 'bottomright'}).addTo(map);

  // ---- hit testing, hover and clicks -------------------------------------------------------------

  function clusterAt(cp) {
    for (let i = drawnClusters.length - 1; i >= 0; i--) {
      const c = drawnClusters[i];
      const dx = c.x - cp.x, dy = c.y - cp.y;
      if (dx * dx + dy * dy <= c.r * c.r) return c;
    }
    return null;
  }

  function pointAt(cp) {
    let best = null, bestD = POINT_HIT * POINT_HIT;
    // Later points are drawn on top: prefer them on ties.
    for (let i = drawnPoints.length - 1; i >= 0; i--) {
      const p = drawnPoints[i];
      const dx = p.x - cp.x, dy = p.y - cp.y;
      const d = dx * dx + dy * dy;
      if (d < bestD || (d === bestD && best === null)) { best = p; bestD = d; }
    }
    return best;
  }

  function hitAt(cp) {
    // The selected report is drawn above the clusters; the clusters above the other reports.
    const chosen = selectedSlot();
    const last = drawnPoints[drawnPoints.length - 1];
    if (last && last.slot === chosen) {
      const dx = last.x - cp.x, dy = last.y - cp.y;
      if (dx * dx + dy * dy <= POINT_HIT * POINT_HIT) return {point: last};
    }
    const cluster = clusterAt(cp);
    if (cluster) return {cluster: cluster};
    const point = pointAt(cp);
    return point ? {point: point} : null;
  }

  const hoverTip = L.tooltip({direction: 'top', offset: [0, -9], className: 'ioc-tooltip'});
  let hovered = null;            // {point} or {cluster}
  let hoverFrame = 0;
  let hoverEvent = null;

  function sameHit(a, b) {
    if (!a || !b) return a === b;
    if (a.point && b.point) return a.point.slot === b.point.slot;
    if (a.cluster && b.cluster) return a.cluster.id === b.cluster.id;
    return false;
  }

  map.on('mousemove', (e) => {
    hoverEvent = e;
    if (hoverFrame) return;
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      const hit = hitAt(hoverEvent.containerPoint);
      host.classList.toggle('ioc-over-point', !!hit);
      if (sameHit(hit, hovered)) return;
      hovered = hit;
      showHoverTip();
    });
  });
  map.on('mouseout movestart zoomstart', () => {
    hovered = null;
    map.closeTooltip(hoverTip);
    host.classList.remove('ioc-over-point');
  });

  function showHoverTip() {
    if (!hovered) { map.closeTooltip(hoverTip); return; }
    if (hovered.point) {
      const slot = hovered.point.slot;
      hoverTip.options.offset = [0, -9];
      hoverTip.setLatLng([store.lat[slot], store.lon[slot]]).setContent(tooltipContent(slot));
    } else {
      const c = hovered.cluster;
      hoverTip.options.offset = [0, -c.r];
      hoverTip.setLatLng([c.lat, c.lon]).setContent(el('div', 'ioc-tip', clusterText(c.count, c.overdue)));
    }
    map.openTooltip(hoverTip);
  }

  function clusterText(count, overdue) {
    const text = fill(labels.text.cluster, {count: formatCount(count)});
    return overdue > 0 ? text + ' · ' + fill(labels.text.cluster_overdue, {overdue: formatCount(overdue)}) : text;
  }

  function stateText(slot) {
    const code = store.s[slot];
    const status = labels.statuses[statusOf(code)];
    const parts = [status ? status.label : ''];
    const deadline = deadlineOf(code);
    if (deadline !== NONE && groupOf(code) !== 'closed') parts.push(labels.deadlines[deadline] || '');
    return parts.filter(Boolean).join(' · ');
  }

  function categoryName(slot) {
    const code = categoryCodes[store.c[slot]] || '';
    return categoryNames[code] || code;
  }

  function tooltipContent(slot) {
    const number = store.n[slot];
    const box = el('div', 'ioc-tip');
    box.appendChild(el('strong', 'ioc-tip-number', number));
    box.appendChild(el('div', 'ioc-tip-state ioc-deadline-' + deadlineOf(store.s[slot]), stateText(slot)));
    const category = categoryName(slot);
    if (category) box.appendChild(el('div', 'ioc-tip-category', category));
    const d = details.get(number);
    if (d && (d.title || d.description)) box.appendChild(el('div', 'ioc-tip-text', d.title || d.description));
    if (store.p[slot]) box.appendChild(el('div', 'ioc-tip-pending', labels.text.pending));
    return box;
  }

  function popupContent(slot) {
    const number = store.n[slot];
    const box = el('div', 'ioc-popup');
    const head = el('div', 'ioc-popup-head');
    head.appendChild(el('strong', 'ioc-popup-number', number));
    if (store.p[slot]) head.appendChild(el('span', 'ioc-popup-pending', labels.text.pending));
    box.appendChild(head);
    box.appendChild(el('div', 'ioc-popup-state ioc-deadline-' + deadlineOf(store.s[slot]), stateText(slot)));
    const category = categoryName(slot);
    if (category) box.appendChild(el('div', 'ioc-popup-category', category));
    const d = details.get(number);
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
  popup.on('remove', () => { popupNumber = null; });

  function openPopup(slot) {
    const number = store.n[slot];
    popupNumber = number;
    popup.setLatLng([store.lat[slot], store.lon[slot]]).setContent(popupContent(slot));
    if (!map.hasLayer(popup)) popup.openOn(map);
    if (!details.has(number)) post({t: 'details', n: number});
  }

  function refreshPopup() {
    if (popupNumber === null) return;
    const slot = slotOf(store, popupNumber);
    if (slot === undefined || !isShown(slot)) { map.closePopup(popup); return; }
    popup.setLatLng([store.lat[slot], store.lon[slot]]).setContent(popupContent(slot));
  }

  map.on('click', (e) => {
    const hit = pickMode ? null : hitAt(e.containerPoint);
    if (hit && hit.cluster) {
      const c = hit.cluster;
      let target = map.getZoom() + 2;
      try { target = index.getClusterExpansionZoom(c.id); } catch (err) { /* index rebuilt meanwhile */ }
      dropFit();
      map.setView([c.lat, c.lon], Math.min(Math.max(target, map.getZoom() + 1), map.getMaxZoom()));
      return;
    }
    if (hit && hit.point) {
      const number = store.n[hit.point.slot];
      const changed = selected !== number;
      selected = number;
      draw();
      openPopup(hit.point.slot);
      post({t: 'clicked', n: number});
      if (changed) post({t: 'selected', n: number});
      return;
    }
    post({t: 'map_clicked', lat: e.latlng.lat, lon: L.Util.wrapNum(e.latlng.lng, [-180, 180], true)});
  });

  map.on('keydown', (e) => {
    if (e.originalEvent.key === 'Escape' && selected !== null) {
      selected = null;
      map.closePopup(popup);
      draw();
      post({t: 'selected', n: null});
    }
  });

  map.on('movestart zoomstart', () => { interacting = true; });
  map.on('moveend zoomend', () => { interacting = false; refresh(); });

  // ---- fitting the view --------------------------------------------------------------------------
  // A fit asked for while the view is still being laid out is applied again when it gets its size,
  // until the user takes over (any press, wheel or key) or we move the view ourselves.

  let fitTarget = null;

  function applyFit() {
    const size = map.getSize();
    if (!fitTarget || size.x < 50 || size.y < 50) return;
    // A margin for the names of districts on the province's edge.
    map.fitBounds(fitTarget.bounds, {animate: false, maxZoom: fitTarget.maxZoom, padding: [18, 18]});
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
    refresh();
  });

  // ---- selection, move mode, pin -----------------------------------------------------------------

  const selectionMarker = L.marker([0, 0], {
    pane: 'iocSelection', interactive: false, keyboard: false,
    icon: L.divIcon({className: 'ioc-selected', html: el('div', 'ioc-selected-ring'), iconSize: [34, 34]}),
  });

  function placeSelection() {
    const slot = selectedSlot();
    if (slot >= 0 && isShown(slot)) {
      selectionMarker.setLatLng([store.lat[slot], store.lon[slot]]);
      if (!map.hasLayer(selectionMarker)) selectionMarker.addTo(map);
    } else if (map.hasLayer(selectionMarker)) {
      selectionMarker.remove();
    }
  }

  let moveMarker = null;

  function setMoving(number) {
    if (moveMarker) { moveMarker.remove(); moveMarker = null; }
    moving = number;
    const slot = number !== null ? slotOf(store, number) : undefined;
    if (slot === undefined) { moving = null; host.classList.remove('ioc-moving'); return; }
    host.classList.add('ioc-moving');
    const handle = el('div', 'ioc-move-handle');
    handle.appendChild(el('span', 'ioc-move-label', number));
    moveMarker = L.marker([store.lat[slot], store.lon[slot]], {
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
    if (typeof lat !== 'number' || typeof lon !== 'number') return;
    pinMarker = L.marker([lat, lon], {
      interactive: false, keyboard: false, pane: 'iocSelection',
      icon: L.divIcon({className: 'ioc-pin', html: el('div', 'ioc-pin-body'), iconSize: [24, 24], iconAnchor: [12, 24]}),
    }).addTo(map);
  }

  // ---- the outlines: land, borders and coast (Natural Earth), the province (its pack) -------------
  //
  // Drawn whether or not a basemap is shown; without one, the land is filled and the sea is the
  // background, so the map still reads as a map. Colours follow the palette (light or dark).

  const PALETTES = {
    light: {
      sea: '#d5e5ee', land: '#f2efe6', landEdge: '#d8d0bf', border: '#8a7a68', coast: '#6f97b0',
      province: '#fffdf6', provinceEdge: '#7b5a4b',
    },
    dark: {
      sea: '#101c24', land: '#262b2f', landEdge: '#383f45', border: '#8f857a', coast: '#4b7590',
      province: '#30373c', provinceEdge: '#cdb8a6',
    },
  };
  let dark = false;
  let tilesShown = false;
  function palette() { return dark ? PALETTES.dark : PALETTES.light; }

  const baseLayer = L.layerGroup();
  const unitLayer = L.layerGroup().addTo(map);
  const labelLayer = L.layerGroup().addTo(map);
  let countryLayers = [], borderLayer = null, coastLayer = null, provinceLayer = null;
  let outlineBounds = null;

  function drawOutlines() {
    baseLayer.clearLayers();
    countryLayers = [];
    borderLayer = coastLayer = null;
    const data = globalThis.IOC_OUTLINES;
    if (!data || !Array.isArray(data.features)) return;
    for (const f of data.features) {
      const kind = f.properties && f.properties.kind;
      const layer = L.geoJSON(f, {pane: 'iocBase', interactive: false});
      if (kind === 'country') countryLayers.push(layer);
      else if (kind === 'border') borderLayer = layer;
      else if (kind === 'coast') coastLayer = layer;
      else continue;
      layer.addTo(baseLayer);
    }
    styleOutlines();
  }

  function styleOutlines() {
    const c = palette();
    host.style.background = tilesShown ? '' : c.sea;
    for (const layer of countryLayers) {
      layer.setStyle({stroke: true, color: c.landEdge, weight: 1, fill: true, fillColor: c.land, fillOpacity: 1});
    }
    if (borderLayer) borderLayer.setStyle({color: c.border, weight: 1.4, dashArray: '7 4 2 4', opacity: 0.9});
    if (coastLayer) coastLayer.setStyle({color: c.coast, weight: 1.1, opacity: 0.95});
    if (provinceLayer) {
      provinceLayer.setStyle({color: c.provinceEdge, weight: 2.2, dashArray: '8 5', opacity: 0.9, fill: true,
                              fillColor: c.province, fillOpacity: tilesShown ? 0.08 : 1});
    }
    if (tilesShown) baseLayer.remove(); else baseLayer.addTo(map);
  }
  drawOutlines();

  const UNIT_BIG = {province: true, city: true, district: true, town: true};
  let labelItems = [];           // {name, latlng, major, node, body}

  function label(latlng, className, body, major, name) {
    const marker = L.marker(latlng, {pane: 'iocLabels', interactive: false, keyboard: false,
                                     icon: L.divIcon({className: className, html: body, iconSize: null})});
    marker.addTo(labelLayer);
    labelItems.push({name: name, latlng: L.latLng(latlng), major: major, body: body, dx: 0, dy: 0, rect: null,
                     corner: className.indexOf('ioc-region') >= 0});
  }

  function drawUnits(m) {
    unitLayer.clearLayers();
    labelLayer.clearLayers();
    labelItems = [];
    provinceLayer = null;
    outlineBounds = null;
    const polygons = Array.isArray(m.outline) ? m.outline : [];
    if (polygons.length) {
      const latlngs = polygons.map((rings) => rings.map((ring) => ring.map((p) => [p[1], p[0]])));
      provinceLayer = L.polygon(latlngs, {pane: 'iocUnits', interactive: false}).addTo(unitLayer);
      outlineBounds = provinceLayer.getBounds();
    }
    styleOutlines();
    if (m.name && Array.isArray(m.bbox) && m.bbox.length === 4) {
      const box = el('div', 'ioc-unit-body');
      box.appendChild(el('span', 'ioc-region-name', m.name));
      label([m.bbox[2], m.bbox[1]], 'ioc-unit ioc-region', box, true, m.name);
    }
    for (const u of m.units || []) {
      if (u.kind === 'province') continue;
      const big = !!UNIT_BIG[u.kind];
      const box = el('div', 'ioc-unit-body');
      if (!big) box.appendChild(el('span', 'ioc-unit-dot'));
      box.appendChild(el('span', 'ioc-unit-name', u.label || u.name));
      box.title = u.name;
      label([u.lat, u.lon], 'ioc-unit ' + (big ? 'ioc-unit-major' : 'ioc-unit-minor'), box, big, u.name);
    }
    if (m.fit) fitProvince(m);
    zoomClasses();
    placeLabels(true);
  }

  function fitProvince(m) {
    const b = Array.isArray(m.fit_bbox) && m.fit_bbox.length === 4 ? m.fit_bbox : m.bbox;
    if (Array.isArray(b) && b.length === 4) fitTo([[b[0], b[1]], [b[2], b[3]]], 18);
  }

  // ---- names out of the way of clusters, the legend and the controls ------------------------------
  //
  // Each name is tried at its place, then a little above, below and to either side, further each
  // time; it takes the first spot that covers no cluster (with its overdue badge), no control and no
  // name placed before it. District names come first and are always shown (at the least crowded
  // spot if none is free); commune names that find no free spot are hidden until the view changes.

  function obstacles() {
    const out = [];
    for (const c of drawnClusters) {
      out.push({x0: c.x - c.r - 3, y0: c.y - c.r - 6, x1: Math.max(c.x + c.r + 3, c.x + c.r * 0.55 + c.badge), y1: c.y + c.r + 3});
    }
    const origin = host.getBoundingClientRect();
    for (const node of host.querySelectorAll('.leaflet-control')) {
      const r = node.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        out.push({x0: r.left - origin.left - 4, y0: r.top - origin.top - 4, x1: r.right - origin.left + 4, y1: r.bottom - origin.top + 4});
      }
    }
    return out;
  }

  function overlap(a, b) {
    const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
    const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // Where a name may go, nearest first: above or below its place (a name reads best there when a
  // cluster sits on it), then a little to either side. Never further than a few dozen pixels, so
  // that a name stays with its district.
  function spots(w, h) {
    const out = [];
    const vy = h / 2 + 9, hx = 18;
    for (let i = -3; i <= 3; i++) {
      for (let j = -3; j <= 3; j++) {
        const dx = j * hx, dy = i * vy;
        if (dx * dx + dy * dy <= 60 * 60) out.push([dx, dy, Math.abs(i) + Math.abs(j) * 0.9 + (i > 0 ? 0.05 : 0)]);
      }
    }
    return out.sort((a, b) => a[2] - b[2]);
  }

  function baseTransform(item) {
    // Centred on its place (a commune's name: its dot is); the province's name below and right of
    // its frame's north-west corner.
    return item.corner ? 'translate(8px, 8px)' : item.major ? 'translate(-50%, -50%)' : 'translate(-4px, -50%)';
  }

  let labelsDoneFor = '';
  let spotCache = new Map();

  function placeLabels(force) {
    if (!labelItems.length) return;
    const size = map.getSize();
    const blocked = obstacles();
    // Nothing that moves names changed (a report's change that left the clusters as they were):
    // leave them where they are. Every frame of a live feed would otherwise place them again.
    const centre = map.getCenter();
    const key = [size.x, size.y, map.getZoom(), centre.lat.toFixed(6), centre.lng.toFixed(6),
                 blocked.map((o) => `${Math.round(o.x0)},${Math.round(o.y0)},${Math.round(o.x1)},${Math.round(o.y1)}`).join(';')].join('|');
    if (key === labelsDoneFor && force !== true) return;
    labelsDoneFor = key;
    const placed = [];
    const margin = 120;
    const order = [];
    for (const item of labelItems) {
      // Names far out of view are left alone (hidden), not measured.
      const p = map.latLngToContainerPoint(item.latlng);
      if (p.x < -margin || p.y < -margin || p.x > size.x + margin || p.y > size.y + margin) {
        item.body.style.visibility = 'hidden';
        item.rect = null;
        continue;
      }
      order.push(item);
    }
    order.sort((a, b) => (b.major ? 1 : 0) - (a.major ? 1 : 0));
    // Where each district's own name belongs: no other name may sit on it (names would swap places).
    const anchors = order.filter((item) => item.major && !item.corner)
      .map((item) => ({item: item, p: map.latLngToContainerPoint(item.latlng)}));
    // Each name where it would be unmoved, measured as drawn (all written, then all read: one layout).
    for (const item of order) {
      item.body.style.visibility = '';
      item.body.style.transform = baseTransform(item);
    }
    const origin = host.getBoundingClientRect();
    for (const item of order) {
      const r = item.body.getBoundingClientRect();
      item.home = r.width && r.height ? {x: r.left - origin.left + r.width / 2, y: r.top - origin.top + r.height / 2, w: r.width, h: r.height} : null;
    }
    for (const item of order) {
      const body = item.body;
      if (!item.home) { item.rect = null; continue; }  // not shown at this zoom
      const w = item.home.w, h = item.home.h, cx = item.home.x, cy = item.home.y;
      let best = null;
      // A commune's name tries the nearest spots only (there are dozens of them).
      const cacheKey = `${Math.round(w)}x${Math.round(h)}`;
      let all = spotCache.get(cacheKey);
      if (!all) spotCache.set(cacheKey, all = spots(w, h));
      const tries = item.major ? all : all.slice(0, 9);
      for (const [dx, dy] of tries) {
        {
          const rect = {x0: cx - w / 2 + dx, y0: cy - h / 2 + dy, x1: cx + w / 2 + dx, y1: cy + h / 2 + dy};
          let cost = 0;
          for (const o of blocked) cost += overlap(rect, o);
          for (const o of placed) cost += overlap(rect, {x0: o.x0 - 3, y0: o.y0 - 3, x1: o.x1 + 3, y1: o.y1 + 3});
          for (const a of anchors) {
            if (a.item !== item && a.p.x >= rect.x0 - 4 && a.p.x <= rect.x1 + 4 && a.p.y >= rect.y0 - 4 && a.p.y <= rect.y1 + 4) {
              cost += w * h;
            }
          }
          // Cut off by the edge is worse than touching a cluster.
          const outside = w * h - Math.max(0, Math.min(rect.x1, size.x) - Math.max(rect.x0, 0)) *
                                  Math.max(0, Math.min(rect.y1, size.y) - Math.max(rect.y0, 0));
          cost += outside * 2;
          // Among spots equally crowded, the nearest (a name far from its place misleads).
          cost += (Math.abs(dx) + Math.abs(dy)) * 0.5 * (cost > 0 ? 1 : 0);
          if (!best || cost < best.cost) best = {cost: cost, dx: dx, dy: dy, rect: rect};
        }
        if (best.cost === 0) break;
      }
      // Commune names, and the province's own, give way when crowded; districts' never do.
      if ((!item.major || item.corner) && best.cost > 0) {
        body.style.visibility = 'hidden';
        item.rect = null;
        continue;
      }
      item.dx = best.dx;
      item.dy = best.dy;
      item.rect = best.rect;
      item.crowded = best.cost > 0;
      placed.push(best.rect);
      body.style.transform = `${baseTransform(item)} translate(${Math.round(best.dx)}px, ${Math.round(best.dy)}px)`;
    }
  }
  map.on('zoomend moveend resize', () => requestAnimationFrame(placeLabels));

  // ---- the basemap: shown, or a notice that it is missing -------------------------------------------
  //
  // Tiles come from the configured layers (a tile server, the hub's basemap, a local file). Until
  // one tile has loaded the basemap counts as missing after a few failures or a few seconds; with
  // no tile layer at all, at once. The attribution of a layer is shown only while its tiles are.

  const tileLayers = [];
  map.eachLayer((layer) => { if (layer instanceof L.TileLayer) tileLayers.push(layer); });
  let basemap = tileLayers.length ? 'loading' : 'missing';
  let tileErrors = 0;
  let noticeControl = null;
  const attributions = new Map();

  for (const layer of tileLayers) {
    const text = layer.getAttribution && layer.getAttribution();
    if (text) {
      attributions.set(layer, text);
      if (map.attributionControl) map.attributionControl.removeAttribution(text);
      layer.options.attribution = null;
    }
    layer.on('tileload', () => setBasemap('shown'));
    layer.on('tileerror', () => {
      tileErrors++;
      if (basemap !== 'shown' && tileErrors >= 4) setBasemap('missing');
    });
  }
  if (basemap === 'loading') setTimeout(() => { if (basemap === 'loading') setBasemap('missing'); }, 6000);

  function setBasemap(state) {
    if (state === basemap && state !== 'missing') return;
    basemap = state;
    tilesShown = state === 'shown';
    if (map.attributionControl) {
      for (const [layer, text] of attributions) {
        if (tilesShown && map.hasLayer(layer)) map.attributionControl.addAttribution(text);
        else map.attributionControl.removeAttribution(text);
      }
    }
    styleOutlines();
    showNotice();
  }

  function showNotice() {
    if (noticeControl) { noticeControl.remove(); noticeControl = null; }
    if (basemap !== 'missing' || !labels.text.no_basemap) return;
    noticeControl = L.control({position: 'topright'});
    noticeControl.onAdd = () => {
      const box = el('div', 'ioc-notice leaflet-bar');
      box.setAttribute('role', 'status');
      box.appendChild(el('div', 'ioc-notice-title', labels.text.no_basemap));
      if (labels.text.no_basemap_detail) box.appendChild(el('div', 'ioc-notice-detail', labels.text.no_basemap_detail));
      return box;
    };
    noticeControl.addTo(map);
    placeLabels();
  }

  function setTheme(isDark) {
    dark = !!isDark;
    host.classList.toggle('ioc-dark', dark);
    styleOutlines();
    if (index) draw();
  }

  function zoomClasses() {
    const z = map.getZoom();
    host.classList.toggle('ioc-zoom-far', z < 10);
    host.classList.toggle('ioc-zoom-near', z >= 11);
  }
  map.on('zoomend', zoomClasses);

  // ---- the legend --------------------------------------------------------------------------------

  let legendControl = null;
  let legendBox = null;
  let legendFoldedByUser = false;

  // The legend shows folded (its title stays, one click away) unless the map is large enough for
  // it to cover no district, until the user decides.
  function autoFoldLegend() {
    const size = map.getSize();
    if (!legendBox || legendFoldedByUser || size.y < 50) return;
    legendBox.classList.toggle('ioc-legend-collapsed', size.y < 900 || size.x < 1000);
    placeLabels();
  }
  map.on('resize', autoFoldLegend);

  function drawLegend() {
    if (legendControl) legendControl.remove();
    const entries = labels.legend && labels.legend.entries;
    if (!entries || !entries.length || labels.noLegend) return;
    legendControl = L.control({position: 'bottomleft'});
    legendControl.onAdd = function () {
      const box = el('div', 'ioc-legend leaflet-bar');
      legendBox = box;
      autoFoldLegend();
      const title = el('div', 'ioc-legend-title', labels.legend.title || '');
      title.setAttribute('role', 'button');
      title.tabIndex = 0;
      const toggle = () => { legendFoldedByUser = true; box.classList.toggle('ioc-legend-collapsed'); };
      title.addEventListener('click', toggle);
      title.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') toggle(); });
      box.appendChild(title);
      for (const entry of entries) {
        const row = el('div', 'ioc-legend-row');
        const size = entry.cluster ? 28 : 20;
        const swatch = el('canvas', 'ioc-legend-swatch');
        const ratio = window.devicePixelRatio || 1;
        swatch.width = 34 * ratio; swatch.height = size * ratio;
        swatch.style.width = '34px'; swatch.style.height = size + 'px';
        const ctx = swatch.getContext('2d');
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        if (entry.cluster) {
          ctx.save();
          ctx.translate(12, 15);
          ctx.scale(0.62, 0.62);
          drawCluster(ctx, 0, 0, 24, 3);
          ctx.restore();
        } else {
          drawShape(ctx, 12, size / 2, entry.code, 1);
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

  const handlers = {
    labels(m) {
      labels = {
        statuses: m.statuses || [], deadlines: m.deadlines || [], legend: m.legend || {}, text: m.text || {},
        locale: m.locale, clusterRadius: m.cluster_radius, clusterMaxZoom: m.cluster_max_zoom,
      };
      applyOptions(m);
      drawLegend();
      showNotice();
      if (index) { rebuild(); draw(); }
    },
    theme(m) { setTheme(m.dark); },
    units(m) {
      lastUnits = m;
      categoryNames = Object.assign(Object.create(null), m.categories || {});
      drawUnits(m);
      refresh();
    },
    begin(m) {
      pendingLoad = {id: m.load, store: newStore(), started: performance.now(), putMs: 0, parseMs: 0, lastChunkAt: 0};
    },
    chunk(m) {
      if (!pendingLoad || pendingLoad.id !== m.load) return;
      const t = performance.now();
      putRows(pendingLoad.store, m, false);
      pendingLoad.putMs += performance.now() - t;
      pendingLoad.parseMs += lastParseMs;
      pendingLoad.lastChunkAt = performance.now();
    },
    end(m) {
      if (!pendingLoad || pendingLoad.id !== m.load) return;
      const load = pendingLoad;
      pendingLoad = null;
      store = load.store;
      currentLoad = load.id;
      details.clear();
      const indexMs = rebuild();
      draw();
      refreshPopup();
      if (moving !== null) setMoving(moving);
      const loaded = store;
      afterPaint(() => {
        post({t: 'loaded', load: load.id, count: loaded.alive, index_ms: indexMs,
              total_ms: performance.now() - load.started, put_ms: load.putMs,
              parse_ms: load.parseMs, chunks_ms: load.lastChunkAt - load.started});
        mapInSlices(loaded);
      });
    },
    upsert(m) {
      const numbers = new Set(m.count ? (typeof m.n === 'string' ? m.n.split('\n') : m.n) : []);
      // What each report was: a report that stays where it was only needs the counts corrected;
      // one that is new or moved is drawn from the columns until the next build.
      const before = new Map();
      for (const number of numbers) {
        const slot = slotOf(store, number);
        if (slot !== undefined) before.set(slot, [store.lat[slot], store.lon[slot], store.s[slot]]);
      }
      let moved = false;
      putRows(store, m, true, (slot) => {
        const was = before.get(slot);
        if (was && was[0] === store.lat[slot] && was[1] === store.lon[slot] && !dirty.has(slot)) {
          const delta = (isOverdue(store.s[slot]) ? 1 : 0) - (isOverdue(was[2]) ? 1 : 0);
          if (delta === 0 || patchOverdue(slot, delta)) return;
        }
        dirty.add(slot);
        moved = true;
      });
      if (pendingLoad) putRows(pendingLoad.store, m, true);
      for (const number of numbers) details.delete(number);
      if (moving !== null && numbers.has(moving)) setMoving(moving);
      query();
      draw();
      if (popupNumber !== null && numbers.has(popupNumber)) {
        refreshPopup();
        post({t: 'details', n: popupNumber});
      }
      if (moved) scheduleRebuild();
      if (m.seq !== undefined) afterPaint(() => post({t: 'ack', seq: m.seq}));
    },
    remove(m) {
      for (const number of m.n || []) {
        const slot = drop(store, number);
        if (slot >= 0) dirty.add(slot);
        if (pendingLoad) drop(pendingLoad.store, number);
        details.delete(number);
        if (number === selected) selected = null;
        if (number === moving) setMoving(null);
      }
      draw();
      refreshPopup();
      scheduleRebuild();
      if (m.seq !== undefined) afterPaint(() => post({t: 'ack', seq: m.seq}));
    },
    select(m) {
      selected = typeof m.n === 'string' ? m.n : null;
      const slot = selectedSlot();
      if (popupNumber !== null && popupNumber !== selected) map.closePopup(popup);
      if (slot >= 0 && m.pan && !map.getBounds().pad(-0.1).contains([store.lat[slot], store.lon[slot]])) {
        dropFit();
        map.panTo([store.lat[slot], store.lon[slot]], {animate: false});
      }
      draw();
    },
    visible(m) {
      visible = Array.isArray(m.n) ? new Set(m.n) : null;
      rebuild();
      draw();
      refreshPopup();
      if (m.seq !== undefined) afterPaint(() => post({t: 'ack', seq: m.seq}));
    },
    fit(m) {
      if (m.province) { if (lastUnits) fitProvince(lastUnits); return; }
      const b = m.bbox;
      if (Array.isArray(b) && b.length === 4) fitTo([[b[0], b[1]], [b[2], b[3]]], 18);
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
      if (hovered && hovered.point && store.n[hovered.point.slot] === m.n) showHoverTip();
    },
    ping(m) { afterPaint(() => post({t: 'ack', seq: m.seq})); },
  };

  let lastParseMs = 0;
  let lastUnits = null;

  // Options of the page: a wall display has no controls (nobody touches it) and larger names.
  function applyOptions(m) {
    const controls = m.controls !== false;
    if (!controls) {
      if (map.zoomControl) map.zoomControl.remove();
      scaleControl.remove();
    }
    labels.noLegend = !controls;
    const scale = typeof m.label_scale === 'number' && m.label_scale > 0 ? m.label_scale : 1;
    host.style.setProperty('--ioc-label-scale', String(scale));
  }

  function onMessage(text) {
    let m;
    const t = performance.now();
    try { m = JSON.parse(text); } catch (e) { return; }
    lastParseMs = performance.now() - t;
    if (!m || typeof m.t !== 'string' || !Object.prototype.hasOwnProperty.call(handlers, m.t)) return;
    try {
      handlers[m.t](m);
    } catch (e) {
      lastError = String((e && e.stack) || e);
      post({t: 'error', message: lastError});
    }
  }

  // ---- inspection, for tests and benchmarks (this world only) ------------------------------------

  function pointOf(slot) {
    const cp = map.latLngToContainerPoint([store.lat[slot], store.lon[slot]]);
    return {x: cp.x, y: cp.y};
  }

  globalThis.iocMap = {
    state() {
      return JSON.stringify({
        count: store.alive, indexed: indexedCount, load: currentLoad,
        selected: selected, moving: moving, pick: pickMode, drawn: drawnPoints.length,
        clusters: drawnClusters.length, dirty: dirty.size, visible: visible === null ? null : visible.size,
        zoom: map.getZoom(), popup: popupNumber, selectionShown: !!document.querySelector('.ioc-selected'),
        lastError: lastError, units: unitLayer.getLayers().length + labelLayer.getLayers().length,
        center: [map.getCenter().lat, map.getCenter().lng], size: [map.getSize().x, map.getSize().y],
        basemap: basemap, dark: dark, outlines: countryLayers.length + (borderLayer ? 1 : 0) + (coastLayer ? 1 : 0),
        baseShown: map.hasLayer(baseLayer), province: !!provinceLayer,
        bounds: [map.getBounds().getSouth(), map.getBounds().getWest(), map.getBounds().getNorth(), map.getBounds().getEast()],
        provinceBounds: outlineBounds ? [outlineBounds.getSouth(), outlineBounds.getWest(), outlineBounds.getNorth(), outlineBounds.getEast()] : null,
        background: getComputedStyle(host).backgroundColor,
        notice: (document.querySelector('.ioc-notice') || {}).textContent || null,
        attribution: map.attributionControl ? map.attributionControl.getContainer().textContent : null,
        zoomControl: !!document.querySelector('.leaflet-control-zoom'),
        legend: !!document.querySelector('.ioc-legend'),
      });
    },
    labels() {
      // Each name: its box on screen (container pixels), whether it is shown, its font size.
      return JSON.stringify(labelItems.map((item) => {
        const shown = !!item.rect && item.body.offsetWidth > 0 && item.body.style.visibility !== 'hidden';
        const r = item.body.getBoundingClientRect(), o = host.getBoundingClientRect();
        const name = item.body.querySelector('.ioc-unit-name, .ioc-region-name');
        const at = map.latLngToContainerPoint(item.latlng);
        return {name: item.name, major: item.major && !item.corner, shown: shown, px: at.x, py: at.y,
                x0: r.left - o.left, y0: r.top - o.top, x1: r.right - o.left, y1: r.bottom - o.top,
                font: name ? parseFloat(getComputedStyle(name).fontSize) : 0,
                colour: name ? getComputedStyle(name).color : ''};
      }));
    },
    controls() {
      const o = host.getBoundingClientRect();
      return JSON.stringify(Array.from(host.querySelectorAll('.leaflet-control')).map((node) => {
        const r = node.getBoundingClientRect();
        return {cls: node.className, x0: r.left - o.left, y0: r.top - o.top, x1: r.right - o.left, y1: r.bottom - o.top};
      }));
    },
    selectedPoint() {
      const slot = selectedSlot();
      return slot < 0 ? null : JSON.stringify(pointOf(slot));
    },
    movingPoint() {
      if (!moveMarker) return null;
      const cp = map.latLngToContainerPoint(moveMarker.getLatLng());
      return JSON.stringify({x: cp.x, y: cp.y});
    },
    drawn() {
      return JSON.stringify(drawnPoints.map((p) => ({n: store.n[p.slot], x: p.x, y: p.y, s: store.s[p.slot]})));
    },
    clusters() {
      // With the colour at its centre, as drawn on the canvas.
      const ctx = canvas.getContext('2d');
      const ratio = window.devicePixelRatio || 1;
      const origin = L.DomUtil.getPosition(canvas), shift = map.containerPointToLayerPoint([0, 0]);
      return JSON.stringify(drawnClusters.map((c) => {
        const px = ctx.getImageData(Math.round((c.x + shift.x - origin.x) * ratio), Math.round((c.y + shift.y - origin.y - c.r / 2) * ratio), 1, 1).data;
        return {x: c.x, y: c.y, r: c.r, count: c.count, overdue: c.overdue, badge: c.badge, rgb: [px[0], px[1], px[2]]};
      }));
    },
    checkClusterCounts() {
      // Every cluster of every zoom level, its counts against its leaves counted one by one.
      const wrong = [];
      let checked = 0;
      for (let z = index.options.minZoom; z <= index.options.maxZoom; z++) {
        for (const f of index.getClusters([-180, -85, 180, 85], z)) {
          const props = f.properties;
          if (typeof props === 'number') continue;
          const leaves = index.getLeaves(props.cluster_id, Infinity);
          let late = 0;
          for (const leaf of leaves) if (isOverdue(store.s[leaf.properties])) late++;
          checked++;
          if (leaves.length !== props.point_count || late !== overdueOf(props.cluster_id)) {
            wrong.push({zoom: z, count: props.point_count, leaves: leaves.length, overdue: overdueOf(props.cluster_id), late: late});
          }
        }
      }
      return JSON.stringify({checked: checked, wrong: wrong.slice(0, 5), wrongCount: wrong.length});
    },
    benchViews() {
      // Each zoom level from the province to a street, and a pan at each: the time to draw.
      const out = [];
      const centre = map.getCenter();
      for (let z = 9; z <= 18; z++) {
        let t = performance.now();
        map.setView(centre, z, {animate: false});
        const zoomMs = performance.now() - t;
        t = performance.now();
        map.panBy([200, 120], {animate: false});
        const panMs = performance.now() - t;
        out.push({zoom: z, zoom_ms: zoomMs, pan_ms: panMs, drawn: drawnPoints.length, clusters: drawnClusters.length});
      }
      map.setView(centre, 10, {animate: false});
      return JSON.stringify(out);
    },
    benchRebuild() { const ms = rebuild(); draw(); return ms; },
    benchLabels() {
      // Placing the names once, as a frame that moved the view does (ms, the mean of 20).
      const t = performance.now();
      for (let i = 0; i < 20; i++) placeLabels(true);
      return (performance.now() - t) / 20;
    },
  };

  // ---- the handshake -----------------------------------------------------------------------------

  new QWebChannel(qt.webChannelTransport, (channel) => {
    bridge = channel.objects.bridge;
    bridge.message_posted.connect(onMessage);
    post({t: 'ready', v: PROTOCOL});
  });
})();
