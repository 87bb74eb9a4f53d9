// A few helpers to build DOM nodes without innerHTML: every text goes in as text, never as markup.

/** h('a', {href: '#/', class: 'x', data: {control: '5.1'}, on: {click: fn}}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'data') for (const [k, v] of Object.entries(value)) { if (v !== null && v !== undefined) el.dataset[k] = v; }
    else if (key === 'on') for (const [k, v] of Object.entries(value)) el.addEventListener(k, v);
    else if (key === 'text') el.textContent = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', {datetime: iso, title: iso}, d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC');
}

/** How long ago, in words a person reads at a glance: 3 d, 5 h, 12 min. */
export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const minutes = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60000));
  if (minutes < 60) return minutes + ' min';
  if (minutes < 48 * 60) return Math.round(minutes / 60) + ' h';
  return Math.round(minutes / 1440) + ' d';
}

/** A table with a caption, column headers and rows of cells (strings or nodes). */
export function table(caption, headers, rows, attrs = {}) {
  return h('table', attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: headers.length, class: 'empty'}, 'None.'))));
}

export function row(cells, attrs = {}) {
  return h('tr', attrs, cells.map(c => h('td', {}, c)));
}

/** A message the page shows in place, and screen readers announce. */
export function message(text, kind = 'error') {
  return h('p', {class: 'msg ' + kind, role: kind === 'error' ? 'alert' : 'status'}, text);
}

export function announce(text) {
  const status = document.getElementById('status');
  if (status) status.textContent = text;
}
