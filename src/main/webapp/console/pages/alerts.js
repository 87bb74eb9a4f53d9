import {api} from '../api.js';
import {h, table, row, time, message, announce} from '../dom.js';

export const name = 'alerts';

const STATES = ['pending', 'delivered', 'failed', 'dead'];

export async function render(main, {query, can, go}) {
  const state = STATES.includes(query.get('state')) ? query.get('state') : '';
  const cursor = query.get('cursor');
  const [page, silences, receivers] = await Promise.all([
    api('alerts/deliveries?limit=50' + (state ? '&state=' + state : '') + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')),
    api('silences'), api('alerts/receivers')]);
  const admin = can('admin');
  const redeliver = d => h('button', {type: 'button', class: 'secondary small', data: {redeliver: d.id}, on: {click: async e => {
    const button = e.currentTarget;
    button.disabled = true;
    try {
      await api(`alerts/deliveries/${encodeURIComponent(d.id)}/redeliver`, {method: 'POST'});
      announce('Queued for delivery again.');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      button.after(message(err.message));
      button.disabled = false;
    }
  }}}, 'Redeliver', h('span', {class: 'visually-hidden'}, ' ' + d.id));

  const picker = h('form', {class: 'inline', on: {submit: e => {
    e.preventDefault();
    const value = e.target.elements.state.value;
    go('/alerts' + (value ? '?state=' + value : ''));
  }}}, h('div', {class: 'field'}, h('label', {for: 'state'}, 'State'),
    h('select', {id: 'state', name: 'state'}, h('option', {value: ''}, 'any'), STATES.map(s => h('option', {value: s, selected: s === state}, s)))),
  h('div', {class: 'buttons'}, h('button', {type: 'submit'}, 'Show')));

  main.append(h('h1', {}, 'Alerts'),
    h('section', {class: 'card', 'aria-labelledby': 'receivers-title'}, h('h2', {id: 'receivers-title'}, 'Receivers'),
      h('div', {class: 'scroll'}, table('Alert receivers and their deliveries by state', ['Receiver', 'Channel', 'Disabled', ...STATES],
        receivers.map(r => row([r.name, r.webhook ? 'webhook ' + r.webhook : (r.email || []).length ? 'e-mail' : '—',
          r.disabled ? h('span', {class: 'badge failing'}, 'disabled: ' + (r.disabledReason || '')) : 'no',
          ...STATES.map(s => String((r.deliveries || {})[s] || 0))]))))),
    h('section', {class: 'card', 'aria-labelledby': 'deliveries-title'}, h('h2', {id: 'deliveries-title'}, 'Deliveries'), picker,
      h('div', {class: 'scroll'}, table(`Deliveries${state ? ' in state ' + state : ''}, newest first`,
        ['Created', 'Receiver', 'State', 'Attempts', 'Next attempt', 'Last error', 'Group', ...(admin ? [''] : [])],
        page.items.map(d => row([time(d.createdAt), d.receiver, h('span', {class: 'badge dl-' + d.state}, d.state), String(d.attempts),
          time(d.nextAttemptAt), d.lastError || '', h('code', {class: 'wrap'}, d.groupKey), ...(admin ? [redeliver(d)] : [])],
        {data: {delivery: d.id, state: d.state}})))),
      page.next ? h('p', {}, h('a', {href: '#/alerts?' + new URLSearchParams({...(state ? {state} : {}), cursor: page.next})}, 'Older deliveries →')) : null),
    h('section', {class: 'card', 'aria-labelledby': 'silences-title'}, h('h2', {id: 'silences-title'}, 'Silences'),
      h('div', {class: 'scroll'}, table('Silences in force or to come', ['Matchers', 'From', 'Until', 'Comment', 'By'],
        silences.map(s => row([h('code', {}, s.matchers.join(', ')), time(s.startsAt), time(s.endsAt), s.comment, s.createdBy]))))));
}
