import {h} from '../dom.js';

export const name = 'exports';

export function render(main, {can}) {
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 365 * 86400000).toISOString().slice(0, 10);
  const auditor = can('auditor');
  main.append(h('h1', {}, 'Exports'),
    h('section', {class: 'card', 'aria-labelledby': 'soa-title'}, h('h2', {id: 'soa-title'}, 'Statement of Applicability'),
      h('p', {}, 'One row per ISO/IEC 27002:2022 control: applicability, justification, implementation, monitoring and status.'),
      h('ul', {class: 'downloads'},
        auditor ? h('li', {}, h('a', {href: 'api/soa?format=csv', download: '', id: 'soa-csv'}, 'SoA as CSV')) : null,
        auditor ? h('li', {}, h('a', {href: 'api/soa?format=xml', download: '', id: 'soa-xml'}, 'SoA as XML')) : null,
        h('li', {}, h('a', {href: 'api/soa?format=json', download: '', id: 'soa-json'}, 'SoA as JSON'))),
      auditor ? null : h('p', {class: 'note'}, 'CSV and XML exports are for auditors and stronger roles.')),
    auditor ? h('section', {class: 'card', 'aria-labelledby': 'audit-title'}, h('h2', {id: 'audit-title'}, 'Audit report'),
      h('p', {}, 'Every nonconformity active in the period with its treatment and whole history, under the audit trail\'s verification.'),
      h('form', {method: 'get', action: 'api/reports/audit', class: 'inline'},
        h('div', {class: 'field'}, h('label', {for: 'from'}, 'From'), h('input', {type: 'date', id: 'from', name: 'from', value: from, required: true})),
        h('div', {class: 'field'}, h('label', {for: 'to'}, 'To'), h('input', {type: 'date', id: 'to', name: 'to', value: to, required: true})),
        h('div', {class: 'field'}, h('label', {for: 'format'}, 'Format'),
          h('select', {id: 'format', name: 'format'}, h('option', {value: 'xml'}, 'XML'), h('option', {value: 'csv'}, 'CSV'))),
        h('div', {class: 'buttons'}, h('button', {type: 'submit'}, 'Download audit report')))) : null);
}
