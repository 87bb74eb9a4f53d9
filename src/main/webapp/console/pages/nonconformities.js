import {api} from '../api.js';
import {h, age, message} from '../dom.js';

export const name = 'nonconformities';

const STATUSES = ['open', 'acknowledged', 'action-planned', 'pending-verification', 'resolved', 'reopened', 'risk-accepted', 'closed', 'withdrawn'];
const GRADES = ['major', 'minor', 'observation'];
const THEMES = ['organizational', 'people', 'physical', 'technological'];
const FILTERS = ['status', 'grade', 'control', 'theme', 'asset', 'requirement'];
// the columns the API sorts by; the others are shown but not sortable
const COLUMNS = [['id', 'Id', 'id'], ['status', 'Status'], ['grade', 'Grade', 'grade'], ['control', 'Control', 'control'],
  ['asset', 'Asset', 'asset'], ['requirement', 'Requirement'], ['owner', 'Owner'], ['age', 'Age', 'firstSeen'], ['rule', 'Rule']];
const PAGE = 25;

function select(id, label, values, current, multiple) {
  const chosen = new Set((current || '').split(',').filter(Boolean));
  return h('div', {class: 'field'}, h('label', {for: id}, label),
    h('select', {id, name: id.replace('f-', ''), multiple, size: multiple ? 4 : null},
      multiple ? null : h('option', {value: ''}, 'any'),
      values.map(v => h('option', {value: v, selected: chosen.has(v)}, v))));
}

function text(id, label, current, hint) {
  return h('div', {class: 'field'}, h('label', {for: id}, label),
    h('input', {id, name: id.replace('f-', ''), value: current || '', placeholder: hint}));
}

export async function render(main, {query, go}) {
  const sort = query.get('sort') || 'id';
  const order = query.get('order') || 'desc';
  const cursor = query.get('cursor');
  const back = query.get('back') ? query.get('back').split('~') : [];
  const params = new URLSearchParams();
  for (const f of FILTERS) if (query.get(f)) params.set(f, query.get(f));
  params.set('sort', sort);
  params.set('order', order);
  params.set('limit', String(PAGE));
  const page = await api('nonconformities?' + params + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));

  const link = changes => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) { if (v === null || v === '') next.delete(k); else next.set(k, v); }
    return '#/nonconformities?' + next;
  };

  const form = h('form', {class: 'filters', 'aria-label': 'Filter nonconformities', on: {submit: event => {
    event.preventDefault();
    const next = new URLSearchParams({sort, order});
    const data = new FormData(event.target);
    for (const f of FILTERS) {
      const values = data.getAll(f).map(v => String(v).trim()).filter(Boolean);
      if (values.length) next.set(f, values.join(','));
    }
    go('/nonconformities?' + next);
  }}},
    select('f-status', 'Status', STATUSES, query.get('status'), true),
    select('f-grade', 'Grade', GRADES, query.get('grade'), false),
    text('f-control', 'Control', query.get('control'), '8.5'),
    select('f-theme', 'Theme', THEMES, query.get('theme'), false),
    text('f-asset', 'Asset', query.get('asset'), 'web-01.sample'),
    text('f-requirement', 'Requirement', query.get('requirement'), 'A.8.5 or 9.1'),
    h('div', {class: 'buttons'}, h('button', {type: 'submit'}, 'Filter'), h('a', {href: '#/nonconformities', class: 'button secondary'}, 'Clear')));

  const header = h('tr', {}, COLUMNS.map(([key, label, sortKey]) => {
    if (!sortKey) return h('th', {scope: 'col'}, label);
    const active = sort === sortKey;
    const nextOrder = active && order === 'asc' ? 'desc' : 'asc';
    return h('th', {scope: 'col', 'aria-sort': active ? (order === 'asc' ? 'ascending' : 'descending') : null},
      h('a', {href: link({sort: sortKey, order: nextOrder, cursor: null, back: null}), class: 'sort'},
        label, active ? (order === 'asc' ? ' ▲' : ' ▼') : ''));
  }));
  const rows = page.items.map(nc => h('tr', {data: {nonconformity: nc.id, status: nc.status, grade: nc.grade}},
    h('td', {}, h('a', {href: '#/nonconformities/' + nc.id}, '#' + nc.id)),
    h('td', {}, h('span', {class: 'badge st-' + nc.status}, nc.status)),
    h('td', {}, h('span', {class: 'badge ' + nc.grade}, nc.grade)),
    h('td', {}, h('a', {href: '#/controls/' + nc.control}, nc.control)),
    h('td', {}, nc.asset), h('td', {}, nc.requirement), h('td', {}, nc.owner || '—'),
    h('td', {}, h('span', {title: nc.firstSeen}, age(nc.firstSeen))),
    h('td', {class: 'wrap'}, nc.ruleTitle || nc.ruleId)));

  const pager = h('nav', {class: 'pager', 'aria-label': 'Pages'},
    back.length ? h('a', {href: link({cursor: back[back.length - 1] || null, back: back.slice(0, -1).join('~') || null}), rel: 'prev'}, '← Previous') : null,
    page.next ? h('a', {href: link({cursor: page.next, back: [...back, cursor || ''].join('~')}), rel: 'next'}, 'Next →') : null);

  main.append(h('h1', {}, 'Nonconformities'), form,
    h('div', {class: 'scroll'}, h('table', {class: 'list', id: 'nc-table'},
      h('caption', {}, `Nonconformities, page ${back.length + 1}, sorted by ${sort} ${order === 'asc' ? 'ascending' : 'descending'}`),
      h('thead', {}, header), h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: COLUMNS.length, class: 'empty'}, 'No nonconformity matches.'))))),
    pager);
  if (!page.items.length && cursor) main.append(message('This page is empty.', 'info'));
}
