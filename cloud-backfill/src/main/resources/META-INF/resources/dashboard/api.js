// The operator API, with the operator key from sessionStorage as the bearer header (never in a URL).
const KEY = 'backfill.operatorKey';

export class Unauthorized extends Error {}

/** An error answer of the API: its status and the {error, field, value} body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : 'HTTP ' + status);
    this.status = status;
    this.body = body || {};
  }
}

export function hasKey() {
  return !!sessionStorage.getItem(KEY);
}

export function setKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

let onUnauthorized = () => {};

/** What to do when the API refuses the key: ask for it again. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

async function call(method, path, body) {
  const key = sessionStorage.getItem(KEY);
  if (!key) {
    onUnauthorized(null);
    throw new Unauthorized('no operator key');
  }
  const headers = { 'Authorization': 'Bearer ' + key, 'Accept': 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store' });
  let json = null;
  const text = await res.text();
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = { error: text.slice(0, 200) }; }
  }
  if (res.status === 401) {
    forgetKey();
    onUnauthorized(json && json.error ? json.error : 'the operator key was refused');
    throw new Unauthorized(json && json.error);
  }
  if (!res.ok) {
    throw new ApiError(res.status, json);
  }
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);

/** Every stream, page after page. */
export async function allStreams() {
  const out = [];
  let cursor = null;
  for (let page = 0; page < 100; page++) {
    const q = '/api/v1/streams?limit=1000' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    const body = await get(q);
    out.push(...body.streams);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return out;
}

export function streamPath(deviceId, batchId) {
  return '/api/v1/streams/' + encodeURIComponent(deviceId) + '/' + encodeURIComponent(batchId);
}
