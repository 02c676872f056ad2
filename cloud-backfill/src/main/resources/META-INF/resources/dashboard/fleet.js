// Fleet view: every stream with its state, covered fraction, open gaps and last live batch; sortable, filterable,
// refreshing by itself.
import { allStreams } from './api.js';
import { h, fill, percent, stateBadge, when, errorText } from './dom.js';

const REFRESH_MS = 5000;

const COLUMNS = [
  { key: 'deviceId', label: 'Device', value: (r) => r.deviceId },
  { key: 'batchId', label: 'Stream', value: (r) => r.batchId },
  { key: 'indexKind', label: 'Index', value: (r) => r.indexKind },
  { key: 'state', label: 'State', value: (r) => r.state },
  { key: 'coveredFraction', label: 'Covered', value: (r) => r.coveredFraction, numeric: true },
  { key: 'openGaps', label: 'Open gaps', value: (r) => r.openGaps, numeric: true },
  { key: 'lastLiveAt', label: 'Last live batch', value: (r) => r.lastLiveAt || '' },
  { key: 'lastLiveEnd', label: 'Live end', value: (r) => r.lastLiveEnd || '' },
];

// Kept across refreshes and visits of the view.
const ui = { sort: 'deviceId', dir: 1, text: '', state: '' };

export function fleetView(root, ctx) {
  let rows = [];
  let timer = null;
  const status = h('span', { class: 'muted', id: 'fleet-updated' }, 'loading…');
  const error = h('p', { class: 'error', role: 'alert', id: 'fleet-error', hidden: true });
  const counts = h('div', { class: 'counts', id: 'fleet-counts' });
  const tbody = h('tbody');
  const head = h('tr');
  const filterText = h('input', { type: 'search', id: 'fleet-filter', placeholder: 'device or stream contains…',
    value: ui.text, oninput: (e) => { ui.text = e.target.value; render(); } });
  const filterState = h('select', { id: 'fleet-state', onchange: (e) => { ui.state = e.target.value; render(); } },
    ['', 'HEALTHY', 'GAPPED', 'STALLED'].map((s) => h('option', { value: s, selected: s === ui.state },
      s || 'every state')));
  const auto = h('input', { type: 'checkbox', id: 'fleet-auto', checked: true,
    onchange: (e) => { if (e.target.checked) schedule(); else clearTimeout(timer); } });

  for (const c of COLUMNS) {
    head.append(h('th', { scope: 'col', dataset: { key: c.key }, class: c.numeric ? 'num sortable' : 'sortable',
      onclick: () => { if (ui.sort === c.key) ui.dir = -ui.dir; else { ui.sort = c.key; ui.dir = 1; } render(); } },
    c.label));
  }
  fill(root, 
    h('section', { class: 'toolbar' }, h('h2', {}, 'Fleet'), filterText, filterState,
      h('label', {}, auto, ' refresh every ' + REFRESH_MS / 1000 + ' s'), status),
    error, counts,
    h('table', { id: 'fleet-table', class: 'grid' }, h('thead', {}, head), tbody));

  function render() {
    const text = ui.text.trim().toLowerCase();
    const col = COLUMNS.find((c) => c.key === ui.sort) || COLUMNS[0];
    const shown = rows.filter((r) => (!ui.state || r.state === ui.state)
      && (!text || r.deviceId.toLowerCase().includes(text) || r.batchId.toLowerCase().includes(text)));
    shown.sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      const c = col.numeric ? x - y : String(x).localeCompare(String(y));
      return c !== 0 ? c * ui.dir : (a.deviceId + '/' + a.batchId).localeCompare(b.deviceId + '/' + b.batchId);
    });
    for (const th of head.children) {
      th.setAttribute('aria-sort', th.dataset.key === ui.sort ? (ui.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
    const by = { HEALTHY: 0, GAPPED: 0, STALLED: 0 };
    rows.forEach((r) => { by[r.state] = (by[r.state] || 0) + 1; });
    fill(counts, h('span', {}, rows.length + ' streams: '),
      ...Object.entries(by).map(([k, v]) => h('span', { class: 'count' }, stateBadge(k), ' ' + v)),
      shown.length !== rows.length ? h('span', { class: 'muted' }, ' (' + shown.length + ' shown)') : null);
    fill(tbody, ...shown.map((r) => {
      const href = '#/stream/' + encodeURIComponent(r.deviceId) + '/' + encodeURIComponent(r.batchId);
      return h('tr', { class: 'stream-row', dataset: { device: r.deviceId, batch: r.batchId, state: r.state },
        onclick: (e) => { if (e.target.tagName !== 'A') location.hash = href; } },
      h('td', {}, r.deviceId),
      h('td', {}, h('a', { href }, r.batchId)),
      h('td', {}, r.indexKind),
      h('td', {}, stateBadge(r.state), r.scanParkedUntil ? h('span', { class: 'muted', title: r.scanParkReason },
        ' parked') : null),
      h('td', { class: 'num' }, h('span', { class: 'bar', style: '--f:' + r.coveredFraction }), percent(r.coveredFraction)),
      h('td', { class: 'num' }, String(r.openGaps)),
      h('td', {}, when(r.lastLiveAt)),
      h('td', { class: 'wire' }, r.lastLiveEnd || '–'));
    }));
    if (rows.length === 0) {
      tbody.append(h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' }, 'No streams yet.')));
    }
  }

  async function load() {
    try {
      rows = await allStreams();
      error.hidden = true;
      status.textContent = 'updated ' + new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      render();
    } catch (e) {
      if (!ctx.isUnauthorized(e)) {
        error.hidden = false;
        error.textContent = 'Could not read the streams: ' + errorText(e);
      }
    }
    if (auto.checked && ctx.active()) schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(load, REFRESH_MS);
  }

  render();
  load();
  return () => clearTimeout(timer);
}
