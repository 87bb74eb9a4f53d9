import {api} from '../api.js';
import {h, table, row, time, message, announce} from '../dom.js';

const SILENCE_FOR = [['1h', 'one hour', 3600], ['4h', 'four hours', 14400], ['1d', 'one day', 86400], ['7d', 'seven days', 604800]];

/** Where a problem with a silence's field is said, next to the field, and the field marked for assistive technology. */
function flag(form, key, problem) {
  form.querySelector(`#silence-${key}-error`).textContent = problem || '';
  form.elements[key].setAttribute('aria-invalid', problem ? 'true' : 'false');
}

/** An admin's form for a new silence: matchers one per line, how long, and why (the API refuses anything else in words). */
function silenceForm() {
  const error = h('div', {class: 'form-error'});
  const field = (key, label, input, hint) => h('div', {class: 'field'},
    h('label', {for: 'silence-' + key}, label, h('span', {class: 'req'}, ' (required)')), input,
    hint ? h('span', {id: `silence-${key}-hint`, class: 'hint'}, hint) : null, h('span', {id: `silence-${key}-error`, class: 'field-error'}));
  const described = key => [`silence-${key}-hint`, `silence-${key}-error`].join(' ');
  const form = h('form', {class: 'silence', novalidate: true, 'aria-label': 'New silence', on: {submit: async event => {
    event.preventDefault();
    error.replaceChildren();
    const matchers = form.elements.matchers.value.split('\n').map(m => m.trim()).filter(Boolean);
    const comment = form.elements.comment.value.trim();
    flag(form, 'matchers', matchers.length ? null : 'At least one matcher is required.');
    flag(form, 'comment', comment ? null : 'Comment is required: say why the alerts are silenced.');
    if (!matchers.length) { form.elements.matchers.focus(); return; }
    if (!comment) { form.elements.comment.focus(); return; }
    const seconds = SILENCE_FOR.find(([value]) => value === form.elements.for.value)[2];
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      await api('silences', {method: 'POST', body: {matchers, endsAt: new Date(Date.now() + seconds * 1000).toISOString(), comment}});
      announce('Silence created.');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      error.append(message(`Not created: ${err.message}`));
      submit.disabled = false;
    }
  }}}, error,
  field('matchers', 'Matchers, one per line', h('textarea', {id: 'silence-matchers', name: 'matchers', rows: 2, required: true,
    'aria-describedby': described('matchers')}), 'as in config/alerts.yml, e.g. asset="web-01" or grade=~"minor|observation"'),
  field('for', 'For', h('select', {id: 'silence-for', name: 'for', 'aria-describedby': described('for')},
    SILENCE_FOR.map(([value, label]) => h('option', {value}, label))), null),
  field('comment', 'Comment', h('input', {id: 'silence-comment', name: 'comment', type: 'text', required: true,
    'aria-describedby': described('comment')}), null),
  h('div', {class: 'buttons'}, h('button', {type: 'submit', id: 'silence-create'}, 'Silence')));
  return h('details', {class: 'action-box'}, h('summary', {}, 'New silence'), form);
}

/**
 * A row's one-click action: disabled while the request runs, announced when done (the page is then drawn again),
 * its refusal said next to it.
 */
function rowAction(label, spoken, data, path, method, done) {
  return h('button', {type: 'button', class: 'secondary small', data, on: {click: async e => {
    const button = e.currentTarget;
    button.disabled = true;
    try {
      await api(path, {method});
      announce(done);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      button.after(message(err.message));
      button.disabled = false;
    }
  }}}, label, h('span', {class: 'visually-hidden'}, ' ' + spoken));
}

function endButton(silence) {
  return rowAction('End', 'silence ' + silence.id, {silenceEnd: silence.id}, `silences/${encodeURIComponent(silence.id)}`,
    'DELETE', 'Silence ended.');
}

export const name = 'alerts';

const STATES = ['pending', 'delivered', 'failed', 'dead'];

export async function render(main, {query, can, go}) {
  const state = STATES.includes(query.get('state')) ? query.get('state') : '';
  const cursor = query.get('cursor');
  const [page, silences, receivers] = await Promise.all([
    api('alerts/deliveries?limit=50' + (state ? '&state=' + state : '') + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')),
    api('silences'), api('alerts/receivers')]);
  const admin = can('admin');
  const redeliver = d => rowAction('Redeliver', d.id, {redeliver: d.id},
    `alerts/deliveries/${encodeURIComponent(d.id)}/redeliver`, 'POST', 'Queued for delivery again.');

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
      admin ? silenceForm() : null,
      h('div', {class: 'scroll'}, table('Silences in force or to come', ['Matchers', 'From', 'Until', 'Comment', 'By', ...(admin ? [''] : [])],
        silences.map(s => row([h('code', {}, s.matchers.join(', ')), time(s.startsAt), time(s.endsAt), s.comment, s.createdBy,
          ...(admin ? [endButton(s)] : [])], {data: {silence: s.id}}))))));
}
