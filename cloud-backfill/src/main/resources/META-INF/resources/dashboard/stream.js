// Stream view: a zoomable timeline of one stream's index range with its coverage, gaps, lost windows, requests and
// operator backfills; a gap's requests; a form that asks for a backfill through the operator API.
import { get, post, streamPath } from './api.js';
import { h, fill, s, percent, stateBadge, when, errorText } from './dom.js';
import { showHistory } from './requests.js';

const WIDTH = 1200;
const X0 = 150;
const X1 = WIDTH - 20;
const LANE = 22;
const REQUEST_ROW = 16;
const MAX_REQUEST_ROWS = 10;
const REFRESH_MS = 10000;

/** Index values: numbers for drawing, wire form (ISO time, decimal sequence) for everything shown and sent. */
function codec(kind) {
  if (kind === 'time') {
    return { parse: (w) => Date.parse(w), format: (v) => new Date(Math.round(v)).toISOString() };
  }
  return { parse: (w) => Number(w), format: (v) => String(Math.round(v)) };
}

export function streamView(root, ctx, deviceId, batchId) {
  let data = null;
  let kind = null;
  let view = null; // [v0, v1) drawn
  let full = null; // the stream's whole range
  let selectedGap = null;
  let timer = null;
  let fetchedRange = null;

  const title = h('h2', {}, deviceId + ' / ' + batchId);
  const summary = h('div', { id: 'stream-summary', class: 'summary' });
  const error = h('p', { class: 'error', role: 'alert', id: 'stream-error', hidden: true });
  const fromInput = h('input', { id: 'view-from', size: 26, 'aria-label': 'view from' });
  const toInput = h('input', { id: 'view-to', size: 26, 'aria-label': 'view to' });
  const svgHolder = h('div', { class: 'timeline-holder' });
  const detail = h('section', { id: 'gap-detail', class: 'panel', hidden: true });
  const history = h('section', { id: 'request-history', class: 'panel', hidden: true });
  const gapTable = h('tbody');
  const requestTable = h('tbody');
  const bfStart = h('input', { id: 'bf-start', name: 'startWindow', size: 26, required: true });
  const bfEnd = h('input', { id: 'bf-end', name: 'endWindow', size: 26, required: true });
  const bfAnswer = h('div', { id: 'bf-answer', role: 'status' });
  const form = h('form', { id: 'backfill-form', class: 'panel', onsubmit: submit },
    h('h3', {}, 'Request a backfill'),
    h('p', { class: 'muted' }, 'Asks the edge for [start, end) through POST /api/v1/backfills, even for lost or failed'
      + ' windows. Pick a gap, shift-drag on the timeline, or type the window in wire form.'),
    h('label', {}, 'start ', bfStart), ' ', h('label', {}, 'end ', bfEnd), ' ',
    h('button', { type: 'submit', id: 'bf-submit' }, 'Request backfill'), bfAnswer);

  fill(root, 
    h('p', {}, h('a', { href: '#/fleet' }, '← Fleet')), title, error, summary,
    h('section', { class: 'toolbar' },
      h('label', {}, 'from ', fromInput), h('label', {}, 'to ', toInput),
      h('button', { type: 'button', id: 'view-apply', onclick: applyInputs }, 'Show'),
      h('button', { type: 'button', id: 'zoom-in', onclick: () => zoom(0.5) }, 'Zoom in'),
      h('button', { type: 'button', id: 'zoom-out', onclick: () => zoom(2) }, 'Zoom out'),
      h('button', { type: 'button', id: 'view-all', onclick: () => setView(full) }, 'Whole stream'),
      h('span', { class: 'muted' }, 'wheel: zoom · drag: pan · shift-drag: pick a window')),
    svgHolder, legend(), detail, history, form,
    h('h3', {}, 'Gaps'),
    h('table', { class: 'grid', id: 'gap-table' }, h('thead', {}, h('tr', {}, ['start', 'end', 'state', 'observed',
      'closed', 'needs operator'].map((c) => h('th', {}, c)))), gapTable),
    h('h3', {}, 'Requests'),
    h('table', { class: 'grid', id: 'stream-requests' }, h('thead', {}, h('tr', {}, ['request', 'start', 'end',
      'state', 'attempt', 'sends', 'created', 'updated', 'reason'].map((c) => h('th', {}, c)))), requestTable));

  async function load(range) {
    try {
      const q = range ? '?from=' + encodeURIComponent(kind.format(range[0])) + '&to='
        + encodeURIComponent(kind.format(range[1])) : '';
      const next = await get(streamPath(deviceId, batchId) + '/timeline' + q);
      data = next;
      fetchedRange = range;
      kind = codec(data.stream.indexKind);
      if (!full) {
        full = wholeRange(data, kind);
        view = full.slice();
      }
      error.hidden = true;
      renderAll();
    } catch (e) {
      if (!ctx.isUnauthorized(e)) {
        error.hidden = false;
        error.textContent = e.status === 404 ? 'No such stream: ' + deviceId + '/' + batchId
          : 'Could not read the stream: ' + errorText(e);
      }
    }
    if (ctx.active()) {
      clearTimeout(timer);
      timer = setTimeout(() => load(fetchedRange), REFRESH_MS);
    }
  }

  function renderAll() {
    renderSummary();
    renderTimeline();
    renderTables();
    if (selectedGap) {
      const again = data.gaps.find((g) => g.startWindow === selectedGap.startWindow
        && g.endWindow === selectedGap.endWindow);
      showGap(again || selectedGap, false);
    }
  }

  function renderSummary() {
    const st = data.stream;
    fill(summary, 
      field('state', stateBadge(st.state)), field('index', st.indexKind), field('covered', percent(st.coveredFraction)),
      field('open gaps', String(st.openGaps)), field('origin', st.origin || '–'), field('first start', st.firstStart || '–'),
      field('last end', st.lastEnd || '–'), field('last live end', st.lastLiveEnd || '–'),
      field('last live batch', when(st.lastLiveAt)),
      st.scanParkedUntil ? field('scan parked until', when(st.scanParkedUntil) + ' (' + st.scanParkReason + ')') : null,
      data.truncated ? h('p', { class: 'warn' }, 'Long lists were cut: zoom in to see everything.') : null);
  }

  function renderTimeline() {
    fromInput.value = kind.format(view[0]);
    toInput.value = kind.format(view[1]);
    const [v0, v1] = view;
    const x = (v) => X0 + (v - v0) / (v1 - v0) * (X1 - X0);
    const rowsOf = assignRows(data.requests.map((r) => [kind.parse(r.startWindow), kind.parse(r.endWindow)]));
    const requestRows = Math.max(1, Math.min(MAX_REQUEST_ROWS, 1 + Math.max(-1, ...rowsOf)));
    const yCov = 46;
    const yGap = yCov + LANE + 10;
    const yLost = yGap + LANE + 10;
    const yReq = yLost + LANE + 10;
    const yOp = yReq + requestRows * (REQUEST_ROW + 3) + 10;
    const height = yOp + LANE + 14;
    const svg = s('svg', { id: 'timeline', width: WIDTH, height, viewBox: '0 0 ' + WIDTH + ' ' + height,
      'data-domain-start': v0, 'data-domain-end': v1, 'data-x0': X0, 'data-x1': X1,
      'data-from': kind.format(v0), 'data-to': kind.format(v1), role: 'img',
      'aria-label': 'timeline of ' + deviceId + '/' + batchId });
    svg.append(s('defs', {}, s('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse',
      patternTransform: 'rotate(45)' }, s('rect', { width: 6, height: 6, fill: '#444' }),
    s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#999', 'stroke-width': 3 }))));
    const clip = s('clipPath', { id: 'plot' }, s('rect', { x: X0, y: 0, width: X1 - X0, height }));
    svg.append(clip);
    // Axis and grid.
    const ticks = tickValues(v0, v1, data.stream.indexKind, Math.floor((X1 - X0) / 230));
    svg.append(s('line', { x1: X0, y1: 34, x2: X1, y2: 34, class: 'axis' }));
    for (const t of ticks) {
      svg.append(s('line', { x1: x(t), y1: 30, x2: x(t), y2: height - 8, class: 'grid-line' }));
      svg.append(s('text', { x: x(t), y: 24, class: 'tick', 'text-anchor': 'middle' }, kind.format(t)));
    }
    const lanes = [[yCov, 'coverage'], [yGap, 'gaps'], [yLost, 'lost windows'], [yReq, 'requests'],
      [yOp, 'operator backfills']];
    for (const [y, label] of lanes) {
      svg.append(s('text', { x: 8, y: y + 15, class: 'lane-label' }, label));
      svg.append(s('rect', { x: X0, y, width: X1 - X0, height: label === 'requests'
        ? requestRows * (REQUEST_ROW + 3) - 3 : LANE, class: 'lane' }));
    }
    const plot = s('g', { 'clip-path': 'url(#plot)' });
    svg.append(plot);
    const rect = (start, end, y, hgt, cls, tip, extra) => {
      const a = kind.parse(start);
      const b = kind.parse(end);
      if (b <= v0 || a >= v1) return null;
      const xa = Math.max(X0 - 2, x(a));
      const xb = Math.min(X1 + 2, x(b));
      const r = s('rect', Object.assign({ x: xa.toFixed(2), y, width: Math.max(1.5, xb - xa).toFixed(2),
        height: hgt, class: cls, 'data-start': start, 'data-end': end }, extra || {}), s('title', {}, tip));
      plot.append(r);
      return r;
    };
    for (const c of data.coverage) {
      rect(c.startWindow, c.endWindow, yCov, LANE, 'covered', 'covered [' + c.startWindow + ', ' + c.endWindow + ')');
    }
    for (const g of data.gaps) {
      const r = rect(g.startWindow, g.endWindow, yGap, LANE, 'gap gap-' + g.state.toLowerCase(),
        g.state + ' gap [' + g.startWindow + ', ' + g.endWindow + ') observed ' + when(g.observedAt)
        + (g.closedAt ? ', closed ' + when(g.closedAt) : '') + (g.needsOperator ? ', needs an operator' : ''),
        { 'data-state': g.state, tabindex: 0 });
      if (r) {
        r.addEventListener('click', () => showGap(g, true));
        r.addEventListener('keydown', (e) => { if (e.key === 'Enter') showGap(g, true); });
      }
    }
    for (const l of data.lost) {
      rect(l.startWindow, l.endWindow, yLost, LANE, 'lost', 'lost [' + l.startWindow + ', ' + l.endWindow + '): '
        + (l.reason || '') + ' (recorded ' + when(l.recordedAt) + ')');
    }
    data.requests.forEach((q, i) => {
      const row = Math.min(rowsOf[i], MAX_REQUEST_ROWS - 1);
      const r = rect(q.startWindow, q.endWindow, yReq + row * (REQUEST_ROW + 3), REQUEST_ROW,
        'request request-' + q.state.toLowerCase(), q.state + ' request ' + q.requestId + ' [' + q.startWindow
        + ', ' + q.endWindow + ') attempt ' + q.attempt + ', sent ' + q.sendCount + '×'
        + (q.reason ? ': ' + q.reason : ''), { 'data-request-id': q.requestId, 'data-state': q.state });
      if (r) {
        r.addEventListener('click', () => showHistory(history, q.requestId, ctx));
        const w = Number(r.getAttribute('width'));
        if (w > 40) {
          plot.append(s('text', { x: Number(r.getAttribute('x')) + 3, y: Number(r.getAttribute('y')) + 12,
            class: 'request-label' }, 'a' + q.attempt + ' ' + q.state.toLowerCase()));
        }
      }
    });
    for (const o of data.operatorBackfills) {
      rect(o.nextWindow, o.endWindow, yOp, LANE, 'operator-backfill', 'operator backfill still to plan ['
        + o.nextWindow + ', ' + o.endWindow + ')');
    }
    const selection = s('rect', { class: 'selection', x: 0, y: 30, width: 0, height: height - 38,
      visibility: 'hidden' });
    svg.append(selection);
    interact(svg, x, selection);
    fill(svgHolder, svg);
  }

  function interact(svg, x, selection) {
    const valueAt = (clientX) => {
      const box = svg.getBoundingClientRect();
      const px = (clientX - box.left) * (WIDTH / box.width);
      return view[0] + (px - X0) / (X1 - X0) * (view[1] - view[0]);
    };
    svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      zoom(e.deltaY < 0 ? 0.8 : 1.25, valueAt(e.clientX));
    }, { passive: false });
    svg.addEventListener('mousedown', (e) => {
      if (e.button !== 0 || e.target.classList.contains('gap') || e.target.classList.contains('request')) return;
      const startValue = valueAt(e.clientX);
      const startView = view.slice();
      const picking = e.shiftKey;
      let moved = false;
      const move = (m) => {
        moved = true;
        if (picking) {
          const a = Math.min(startValue, valueAt(m.clientX));
          const b = Math.max(startValue, valueAt(m.clientX));
          selection.setAttribute('visibility', 'visible');
          selection.setAttribute('x', x(a));
          selection.setAttribute('width', Math.max(1, x(b) - x(a)));
        } else {
          const span = startView[1] - startView[0];
          const box = svg.getBoundingClientRect();
          const d = (m.clientX - e.clientX) * (WIDTH / box.width) / (X1 - X0) * span;
          view = [startView[0] - d, startView[1] - d];
          renderTimeline();
        }
      };
      const up = (u) => {
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
        if (picking && moved) {
          const a = Math.min(startValue, valueAt(u.clientX));
          const b = Math.max(startValue, valueAt(u.clientX));
          bfStart.value = kind.format(a);
          bfEnd.value = kind.format(b);
        } else if (moved) {
          refetchIfNeeded();
        }
      };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    });
  }

  function setView(range) {
    if (!range || !(range[1] > range[0])) return;
    view = [range[0], range[1]];
    renderTimeline();
    refetchIfNeeded();
  }

  function zoom(factor, around) {
    const c = around === undefined ? (view[0] + view[1]) / 2 : around;
    const minSpan = data.stream.indexKind === 'time' ? 1 : 1;
    const a = c - (c - view[0]) * factor;
    const b = c + (view[1] - c) * factor;
    if (b - a < minSpan) return;
    setView([a, b]);
  }

  function applyInputs() {
    const a = kind.parse(fromInput.value.trim());
    const b = kind.parse(toInput.value.trim());
    if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) {
      error.hidden = false;
      error.textContent = 'from and to must be index values in wire form, from before to';
      return;
    }
    error.hidden = true;
    setView([a, b]);
  }

  let refetchTimer = null;
  function refetchIfNeeded() {
    // Only a cut list needs the server again; otherwise everything of the stream is loaded already.
    if (!data.truncated && !fetchedRange) return;
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => load([Math.floor(view[0]), Math.ceil(view[1])]), 250);
  }

  function showGap(g, fillForm) {
    selectedGap = g;
    const a = kind.parse(g.startWindow);
    const b = kind.parse(g.endWindow);
    const overlapping = data.requests.filter((r) => kind.parse(r.startWindow) < b && kind.parse(r.endWindow) > a);
    detail.hidden = false;
    fill(detail, 
      h('h3', {}, 'Gap [', h('span', { class: 'wire' }, g.startWindow), ', ', h('span', { class: 'wire' }, g.endWindow),
        ') ', stateBadge(g.state)),
      h('p', {}, 'observed ' + when(g.observedAt) + (g.closedAt ? ', closed ' + when(g.closedAt) : '')
        + (g.needsOperator ? ' · needs an operator: ' + g.reason : '')),
      overlapping.length === 0 ? h('p', { class: 'muted', id: 'gap-requests-none' }, 'No request overlaps this gap.')
        : h('table', { class: 'grid', id: 'gap-requests' }, h('thead', {}, h('tr', {}, ['request', 'start', 'end',
          'state', 'attempt', 'sends', 'created', 'updated', 'reason'].map((c) => h('th', {}, c)))),
        h('tbody', {}, overlapping.map((r) => requestRow(r)))));
    if (fillForm) {
      bfStart.value = g.startWindow;
      bfEnd.value = g.endWindow;
    }
  }

  function requestRow(r) {
    return h('tr', { dataset: { requestId: r.requestId, state: r.state } },
      h('td', {}, h('a', { href: 'javascript:void 0', class: 'request-link',
        onclick: (e) => { e.preventDefault(); showHistory(history, r.requestId, ctx); } }, r.requestId.slice(0, 8))),
      h('td', { class: 'wire' }, r.startWindow), h('td', { class: 'wire' }, r.endWindow),
      h('td', {}, stateBadge(r.state)), h('td', { class: 'num' }, String(r.attempt)),
      h('td', { class: 'num' }, String(r.sendCount)), h('td', {}, when(r.createdAt)), h('td', {}, when(r.updatedAt)),
      h('td', {}, r.reason || ''));
  }

  function renderTables() {
    fill(gapTable, ...data.gaps.map((g) => h('tr', { class: 'gap-row', dataset: { state: g.state },
      onclick: () => showGap(g, true) },
    h('td', { class: 'wire' }, g.startWindow), h('td', { class: 'wire' }, g.endWindow), h('td', {}, stateBadge(g.state)),
    h('td', {}, when(g.observedAt)), h('td', {}, when(g.closedAt)), h('td', {}, g.needsOperator ? 'yes' : ''))));
    if (data.gaps.length === 0) gapTable.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No gaps.')));
    fill(requestTable, ...data.requests.map(requestRow));
    if (data.requests.length === 0) {
      requestTable.append(h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No requests.')));
    }
  }

  async function submit(e) {
    e.preventDefault();
    const body = { deviceId, batchId, startWindow: bfStart.value.trim(), endWindow: bfEnd.value.trim() };
    fill(bfAnswer, h('span', { class: 'muted' }, 'asking…'));
    try {
      const created = await post('/api/v1/backfills', body);
      fill(bfAnswer, h('p', { class: 'ok', id: 'bf-ok' }, 'Accepted: ' + created.length
        + ' request(s) created now' + (created.length ? '' : ' (the scanner plans the rest)') + '.'),
      h('ul', {}, created.map((r) => h('li', { dataset: { requestId: r.requestId } }, r.requestId + ' [' + r.startWindow
        + ', ' + r.endWindow + ') ' + r.state))));
      load(fetchedRange);
    } catch (err) {
      if (!ctx.isUnauthorized(err)) {
        fill(bfAnswer, h('p', { class: 'error', id: 'bf-error' }, 'Refused' + (err.status ? ' ('
          + err.status + ')' : '') + ': ' + errorText(err)));
      }
    }
  }

  load(null);
  return () => { clearTimeout(timer); clearTimeout(refetchTimer); };
}

function field(label, value) {
  return h('span', { class: 'field' }, h('span', { class: 'label' }, label), ' ', value);
}

function legend() {
  const item = (cls, label) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch ' + cls }), label);
  return h('div', { class: 'legend' }, item('covered', 'covered'), item('gap-open', 'open gap'),
    item('gap-closed', 'closed gap'), item('gap-lost', 'lost gap'), item('lost', 'lost window'),
    item('request-pending', 'pending'), item('request-requested', 'requested'),
    item('request-completed', 'completed'), item('request-unrecoverable', 'unrecoverable'),
    item('request-failed', 'failed'), item('operator-backfill', 'operator backfill to plan'));
}

/** The stream's whole range: its first start (or origin) to its last end, widened to whatever is listed. */
function wholeRange(data, kind) {
  const st = data.stream;
  const starts = [st.firstStart, st.origin].filter(Boolean).map(kind.parse);
  const ends = [st.lastEnd, st.lastLiveEnd].filter(Boolean).map(kind.parse);
  for (const list of [data.coverage, data.gaps, data.lost, data.requests]) {
    for (const w of list) {
      starts.push(kind.parse(w.startWindow));
      ends.push(kind.parse(w.endWindow));
    }
  }
  let a = starts.length ? Math.min(...starts) : 0;
  let b = ends.length ? Math.max(...ends) : a + 1;
  if (!(b > a)) b = a + 1;
  return [a, b];
}

/** Rows for overlapping windows: each goes to the first row whose last window ended before it starts. */
function assignRows(windows) {
  const order = windows.map((w, i) => i).sort((i, j) => windows[i][0] - windows[j][0]);
  const ends = [];
  const rows = new Array(windows.length);
  for (const i of order) {
    let r = ends.findIndex((e) => e <= windows[i][0]);
    if (r < 0) { r = ends.length; ends.push(0); }
    ends[r] = windows[i][1];
    rows[i] = r;
  }
  return rows;
}

const TIME_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5,
  36e5, 72e5, 108e5, 216e5, 432e5, 864e5, 1728e5, 6048e5, 2592e6, 31536e6];

/** About {@code count} round tick values within [v0, v1]. */
function tickValues(v0, v1, indexKind, count) {
  const n = Math.max(2, count);
  const raw = (v1 - v0) / n;
  let step;
  if (indexKind === 'time') {
    step = TIME_STEPS.find((t) => t >= raw) || Math.ceil(raw / 31536e6) * 31536e6;
  } else {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    step = [1, 2, 5, 10].map((m) => m * p).find((t) => t >= raw);
    step = Math.max(1, step);
  }
  const out = [];
  for (let t = Math.ceil(v0 / step) * step; t <= v1 && out.length < 50; t += step) out.push(t);
  return out;
}
