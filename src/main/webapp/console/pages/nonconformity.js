import {api, all, ApiError} from '../api.js';
import {h, time, table, row, message, announce} from '../dom.js';

export const name = 'nonconformity';

const REASONS = ['false-positive', 'rule-retired', 'asset-decommissioned', 'evidence-removed'];
const today = () => new Date().toISOString().slice(0, 10);

/** The fields of each lifecycle action (README "The register"): [name, label, kind, required, hint]. */
const ACTIONS = {
  'acknowledge': {label: 'Acknowledge', fields: [['comment', 'Comment', 'textarea', false]]},
  'plan': {label: 'Plan treatment', fields: [['rootCause', 'Root cause', 'textarea', true], ['correction', 'Correction', 'textarea', true],
    ['correctiveAction', 'Corrective action', 'textarea', true], ['dueDate', 'Due date', 'date', true, 'in the future'],
    ['owner', 'Owner', 'text', false, 'leave empty to keep the owner']]},
  'resolve': {label: 'Claim resolved', fields: [['comment', 'How it was fixed', 'textarea', false]]},
  'close': {label: 'Close incident', fields: [['comment', 'Comment', 'textarea', true]]},
  'reopen': {label: 'Reopen', fields: [['comment', 'Why', 'textarea', true]]},
  'accept-risk': {label: 'Accept risk', fields: [['requestedBy', 'Requested by', 'text', true, 'another person than you'],
    ['justification', 'Justification', 'textarea', true], ['expiresAt', 'Expires on', 'date', true, 'at most 365 days ahead']]},
  'withdraw': {label: 'Withdraw', fields: [['reason', 'Reason', 'select', true], ['comment', 'Comment', 'textarea', false]]},
};

function field(action, [key, label, kind, required, hint]) {
  const id = `${action}-${key}`;
  const hintId = hint ? id + '-hint' : null;
  const errorId = id + '-error';
  const attrs = {id, name: key, required, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ')};
  const input = kind === 'textarea' ? h('textarea', {...attrs, rows: 2})
    : kind === 'select' ? h('select', attrs, h('option', {value: ''}, 'choose…'), REASONS.map(r => h('option', {value: r}, r)))
    : h('input', {...attrs, type: kind, min: kind === 'date' ? today() : null});
  return h('div', {class: 'field'}, h('label', {for: id}, label, required ? h('span', {class: 'req'}, ' (required)') : ''), input,
    hint ? h('span', {id: hintId, class: 'hint'}, hint) : null, h('span', {id: errorId, class: 'field-error'}));
}

function actionForm(nc, action, done) {
  const spec = ACTIONS[action];
  if (!spec) return null;
  const error = h('div', {class: 'form-error'});
  const submit = h('button', {type: 'submit', data: {action}}, spec.label);
  const form = h('form', {class: 'action', novalidate: true, data: {action}, 'aria-label': spec.label, on: {submit: async event => {
    event.preventDefault();
    error.replaceChildren();
    const body = {expectedVersion: nc.version};
    let first = null;
    for (const [key, label, kind, required] of spec.fields) {
      const input = form.elements[key];
      const slot = form.querySelector(`#${action}-${key}-error`);
      const value = input.value.trim();
      let problem = required && !value ? `${label} is required.` : null;
      if (!problem && kind === 'date' && value && value <= today()) problem = `${label} must be in the future.`;
      slot.textContent = problem || '';
      input.setAttribute('aria-invalid', problem ? 'true' : 'false');
      if (problem && !first) first = input;
      if (value) body[key] = value;
    }
    if (first) { first.focus(); return; }
    submit.disabled = true;
    try {
      await api(`nonconformities/${nc.id}/${action}`, {method: 'POST', body});
      announce(`${spec.label}: done.`);
      done();
    } catch (e) {
      const detail = e instanceof ApiError && e.status === 409 && e.body && e.body.allowed
        ? `${e.message} (now ${e.body.currentStatus}; allowed: ${e.body.allowed.join(', ') || 'none'})` : e.message;
      error.append(message(`Not done: ${detail}`));
      submit.disabled = false;
    }
  }}}, error, spec.fields.map(f => field(action, f)), h('div', {class: 'buttons'}, submit));
  return h('details', {class: 'action-box'}, h('summary', {}, spec.label), form);
}

function facts(nc) {
  const items = [['Status', h('span', {class: 'badge st-' + nc.status, data: {field: 'status'}}, nc.status)],
    ['Grade', h('span', {class: 'badge ' + nc.grade}, nc.grade + (nc.escalation ? ` (escalated: ${nc.escalation})` : ''))],
    ['Rule', `${nc.ruleTitle} (${nc.ruleId}), severity ${nc.severity}`],
    ['Control', [h('a', {href: '#/controls/' + nc.control}, nc.control), nc.controls.length > 1 ? ` (also ${nc.controls.slice(1).join(', ')})` : '']],
    ['Requirement', `${nc.requirement}; clauses ${nc.clauses.join(', ')}`], ['Asset', nc.asset], ['Owner', nc.owner || '—'],
    ['First seen', time(nc.firstSeen)], ['Last seen', time(nc.lastSeen)], ['Resolved', time(nc.resolvedAt)], ['Closed', time(nc.closedAt)],
    ['Occurrences', String(nc.occurrences)], ['Recurrences', String(nc.recurrences)]];
  if (nc.previousId) items.push(['Recurs', h('a', {href: '#/nonconformities/' + nc.previousId}, '#' + nc.previousId)]);
  if (nc.withdrawnReason) items.push(['Withdrawn because', nc.withdrawnReason]);
  if (nc.evidenceSummary) items.push(['Evidence', h('code', {}, nc.evidenceSummary)]);
  const t = nc.treatment;
  if (t) {
    for (const [label, value] of [['Root cause', t.rootCause], ['Correction', t.correction], ['Corrective action', t.correctiveAction],
      ['Due', t.dueAt && time(t.dueAt)], ['Risk requested by', t.riskRequestedBy], ['Risk approved by', t.riskApprover],
      ['Risk justification', t.riskJustification], ['Risk expires', t.riskExpiresAt && time(t.riskExpiresAt)]]) {
      if (value) items.push([label, value]);
    }
  }
  return h('dl', {class: 'facts'}, items.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function render(main, {params, can}) {
  const id = params[0];
  const nc = await api('nonconformities/' + id);
  const auditor = can('auditor');
  const [history, occurrences] = auditor
    ? await Promise.all([api(`nonconformities/${id}/history`), all(`nonconformities/${id}/occurrences?limit=100`, 500)])
    : [null, null];
  const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/nonconformities'}, '← Nonconformities')),
    h('h1', {}, `Nonconformity #${nc.id}: ${nc.ruleTitle} on ${nc.asset}`),
    h('section', {class: 'card', 'aria-labelledby': 'facts-title'}, h('h2', {id: 'facts-title'}, 'Facts'), facts(nc)));

  const actions = h('section', {class: 'card', id: 'actions', 'aria-labelledby': 'actions-title'}, h('h2', {id: 'actions-title'}, 'Actions'));
  if (!can('analyst')) {
    actions.append(h('p', {}, `Your role (${document.body.dataset.role}) reads the register; triage needs the analyst role or stronger.`));
  } else if (!nc.allowedActions.length) {
    actions.append(h('p', {}, `No action is possible in status ${nc.status}.`));
  } else {
    actions.append(h('p', {}, 'What you may do now (ISO/IEC 27001:2022 10.2):'),
      h('div', {class: 'action-list'}, nc.allowedActions.map(a => actionForm(nc, a, rerender))));
  }
  main.append(actions);

  if (auditor) {
    main.append(h('section', {class: 'card', 'aria-labelledby': 'history-title'}, h('h2', {id: 'history-title'}, 'History'),
      h('div', {class: 'scroll'}, table('Audit entries, oldest first', ['When', 'Who', 'Action', 'From', 'To', 'Comment'],
        history.map(e => row([time(e.at), e.actor, e.action, e.from || '—', e.to || '—', e.comment || ''], {data: {history: e.action}})),
        {id: 'history'}))),
    h('section', {class: 'card', 'aria-labelledby': 'occ-title'}, h('h2', {id: 'occ-title'}, 'Evidence occurrences'),
      h('div', {class: 'scroll'}, table('Occurrences, oldest first', ['Observed', 'Source', 'Evidence', 'SHA-256'],
        occurrences.map(o => row([time(o.observedAt), o.source, h('code', {class: 'wrap'}, o.evidence),
          h('code', {title: o.contentHash}, (o.contentHash || '').slice(0, 12) + '…')])), {id: 'occurrences'}))));
  } else {
    main.append(h('p', {class: 'note'}, 'Evidence and history are shown to auditors and stronger roles.'));
  }
}
