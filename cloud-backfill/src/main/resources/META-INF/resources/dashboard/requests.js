// Requests view: requests by state, newest first, each with its history (every attempt of its line).
import { get } from './api.js';
import { h, fill, stateBadge, when, errorText } from './dom.js';

export const STATES = ['PENDING', 'REQUESTED', 'COMPLETED', 'UNRECOVERABLE', 'FAILED'];
const LIMIT = 500;
const REFRESH_MS = 10000;
let chosen = 'REQUESTED';

export function requestsView(root, ctx, state) {
  if (state && STATES.includes(state)) chosen = state;
  let timer = null;
  const tabs = h('nav', { class: 'tabs', id: 'request-tabs' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const tbody = h('tbody');
  const history = h('section', { id: 'request-history', class: 'panel', hidden: true });
  const status = h('span', { class: 'muted' });
  fill(root, 
    h('section', { class: 'toolbar' }, h('h2', {}, 'Requests'), status),
    tabs, error, history,
    h('table', { class: 'grid', id: 'requests-table' }, h('thead', {}, h('tr', {}, ['request', 'stream', 'start',
      'end', 'state', 'attempt', 'sends', 'created', 'updated', 'next attempt', 'expires', 'reason']
      .map((c) => h('th', {}, c)))), tbody));

  async function load() {
    try {
      const lists = await Promise.all(STATES.map((st) => get('/api/v1/backfills?state=' + st + '&limit=' + LIMIT)));
      const by = Object.fromEntries(STATES.map((st, i) => [st, lists[i]]));
      fill(tabs, ...STATES.map((st) => h('a', { href: '#/requests/' + st, dataset: { state: st },
        class: st === chosen ? 'tab active' : 'tab', 'aria-current': st === chosen ? 'page' : null },
      st, h('span', { class: 'count', dataset: { count: by[st].length } },
        by[st].length >= LIMIT ? LIMIT + '+' : String(by[st].length)))));
      const rows = by[chosen];
      fill(tbody, ...rows.map((r) => h('tr', { class: 'request-row', dataset: { requestId: r.requestId,
        state: r.state }, onclick: (e) => { if (e.target.tagName !== 'A') showHistory(history, r.requestId, ctx); } },
      h('td', { title: r.requestId }, r.requestId.slice(0, 8) + (r.operatorRequest ? ' (operator)' : '')),
      h('td', {}, h('a', { href: '#/stream/' + encodeURIComponent(r.deviceId) + '/' + encodeURIComponent(r.batchId) },
        r.deviceId + '/' + r.batchId)),
      h('td', { class: 'wire' }, r.startWindow), h('td', { class: 'wire' }, r.endWindow),
      h('td', {}, stateBadge(r.state)), h('td', { class: 'num' }, String(r.attempt)),
      h('td', { class: 'num' }, String(r.sendCount)), h('td', {}, when(r.createdAt)), h('td', {}, when(r.updatedAt)),
      h('td', {}, when(r.nextAttemptAt)), h('td', {}, when(r.expiresAt)), h('td', {}, r.reason || ''))));
      if (rows.length === 0) {
        tbody.append(h('tr', {}, h('td', { colspan: 12, class: 'muted' }, 'No ' + chosen + ' requests.')));
      }
      error.hidden = true;
      status.textContent = 'updated ' + new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    } catch (e) {
      if (!ctx.isUnauthorized(e)) {
        error.hidden = false;
        error.textContent = 'Could not read the requests: ' + errorText(e);
      }
    }
    if (ctx.active()) {
      clearTimeout(timer);
      timer = setTimeout(load, REFRESH_MS);
    }
  }

  load();
  return () => clearTimeout(timer);
}

/** Shows a request's history (GET /api/v1/backfills/{requestId}) in {@code panel}. */
export async function showHistory(panel, requestId, ctx) {
  panel.hidden = false;
  fill(panel, h('p', { class: 'muted' }, 'loading the history of ' + requestId + '…'));
  try {
    const body = await get('/api/v1/backfills/' + encodeURIComponent(requestId));
    const r = body.request;
    fill(panel, 
      h('h3', {}, 'Request ', h('code', {}, r.requestId), ' ', stateBadge(r.state),
        h('button', { type: 'button', class: 'close', onclick: () => { panel.hidden = true; } }, '×')),
      h('p', {}, r.deviceId + '/' + r.batchId + ' [', h('span', { class: 'wire' }, r.startWindow), ', ',
        h('span', { class: 'wire' }, r.endWindow), ')' + (r.operatorRequest ? ' · asked by an operator' : '')),
      h('table', { class: 'grid', id: 'history-table' }, h('thead', {}, h('tr', {}, ['attempt', 'request', 'start', 'end',
        'state', 'sends', 'created', 'requested', 'updated', 'next attempt', 'expires', 'edge reported', 'outcome']
        .map((c) => h('th', {}, c)))),
      h('tbody', {}, body.history.map((a) => h('tr', { class: a.requestId === r.requestId ? 'current' : '',
        dataset: { requestId: a.requestId, attempt: a.attempt } },
      h('td', { class: 'num' }, String(a.attempt)), h('td', { title: a.requestId }, a.requestId.slice(0, 8)),
      h('td', { class: 'wire' }, a.startWindow), h('td', { class: 'wire' }, a.endWindow), h('td', {}, stateBadge(a.state)),
      h('td', { class: 'num' }, String(a.sendCount)), h('td', {}, when(a.createdAt)), h('td', {}, when(a.requestedAt)),
      h('td', {}, when(a.updatedAt)), h('td', {}, when(a.nextAttemptAt)), h('td', {}, when(a.expiresAt)),
      h('td', { class: 'wire' }, (a.reported || []).map((w) => '[' + w.startWindow + ', ' + w.endWindow + ')').join(' ')),
      h('td', {}, outcome(a)))))),
      body.truncated ? h('p', { class: 'warn' }, 'The history was cut.') : null);
  } catch (e) {
    if (!ctx.isUnauthorized(e)) {
      fill(panel, h('p', { class: 'error' }, 'Could not read the history: ' + errorText(e)));
    }
  }
}

function outcome(a) {
  switch (a.state) {
    case 'PENDING': return 'to be sent' + (a.reason ? ' (' + a.reason + ')' : '');
    case 'REQUESTED': return 'accepted by the edge, waiting for data';
    case 'COMPLETED': return a.reason || 'filled';
    case 'UNRECOVERABLE': return a.reason || 'the edge reported it unavailable';
    case 'FAILED': return a.reason || 'failed';
    default: return a.reason || '';
  }
}
