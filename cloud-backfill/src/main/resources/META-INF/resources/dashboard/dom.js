// Small DOM helpers: elements built with textContent, never from HTML strings.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of {@code el}, leaving out null, undefined and false. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An instant as ISO 8601 UTC, or a dash. */
export function when(instant) {
  return instant ? instant.replace(/(\.\d{3})\d*Z$/, '$1Z') : '–';
}

export function percent(fraction) {
  if (fraction === null || fraction === undefined) return '–';
  const p = fraction * 100;
  return (p === 100 || p === 0 ? p.toFixed(0) : p >= 99.9 ? p.toFixed(3) : p.toFixed(1)) + ' %';
}

export function stateBadge(state) {
  return h('span', { class: 'badge state-' + state.toLowerCase() }, state);
}

export function errorText(e) {
  if (e && e.body && e.body.field) {
    return e.message + ' (field ' + e.body.field + (e.body.value ? ': ' + e.body.value : '') + ')';
  }
  return e && e.message ? e.message : String(e);
}
