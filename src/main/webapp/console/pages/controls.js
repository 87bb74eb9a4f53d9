import {api} from '../api.js';
import {h, table, row, time, age} from '../dom.js';
import {shade} from './overview.js';

export const name = 'controls';

const DIMENSIONS = [['controlType', 'Control type'], ['securityProperty', 'Information security properties'],
  ['cybersecurityConcept', 'Cybersecurity concepts'], ['operationalCapability', 'Operational capabilities'],
  ['securityDomain', 'Security domains']];

async function list(main) {
  const controls = await api('controls');
  main.append(h('h1', {}, 'Controls'),
    h('div', {class: 'scroll'}, table('The 93 controls of ISO/IEC 27002:2022', ['Control', 'Title', 'Theme', 'Status', 'Monitoring', 'Open'],
      controls.map(c => row([h('a', {href: '#/controls/' + c.id}, c.id), c.title, c.theme,
        h('span', {class: 'badge ' + shade({...c, worstGrade: null})}, c.status.replace('_', ' ')), c.monitoring,
        String(c.openNonconformities.length)], {data: {control: c.id, status: c.status}})))));
}

async function one(main, id) {
  const {control: c, nonconformities} = await api('controls/' + id);
  const rules = await api('rules');
  const citing = rules.filter(r => r.controls.includes(c.id));
  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/controls'}, '← Controls')),
    h('h1', {}, `${c.id} ${c.title}`),
    h('section', {class: 'card', 'aria-labelledby': 'catalog-title'}, h('h2', {id: 'catalog-title'}, 'Catalog'),
      h('dl', {class: 'facts'},
        h('dt', {}, 'Theme'), h('dd', {}, c.theme), h('dt', {}, 'Annex A'), h('dd', {}, c.annexA),
        h('dt', {}, 'New in 2022'), h('dd', {}, c.newIn2022 ? 'yes' : 'no'),
        h('dt', {}, 'Formerly (2013)'), h('dd', {}, c.formerly.length ? c.formerly.join(', ') : '—'),
        DIMENSIONS.map(([key, label]) => [h('dt', {}, label), h('dd', {}, (c.attributes[key] || []).join(' '))]))),
    h('section', {class: 'card', 'aria-labelledby': 'soa-title'}, h('h2', {id: 'soa-title'}, 'Statement of Applicability'),
      h('dl', {class: 'facts'},
        h('dt', {}, 'Status'), h('dd', {}, h('span', {class: 'badge ' + shade({...c, worstGrade: null}), data: {status: c.status}}, c.status.replace('_', ' '))),
        h('dt', {}, 'Applicable'), h('dd', {}, c.applicable ? 'yes' : 'no'),
        h('dt', {}, 'Justification'), h('dd', {}, c.justification || '—'),
        h('dt', {}, 'Implementation'), h('dd', {}, c.implementation || '—'),
        h('dt', {}, 'Notes'), h('dd', {}, c.notes || '—'),
        h('dt', {}, 'Monitoring'), h('dd', {}, c.monitoring),
        h('dt', {}, 'Last evaluated'), h('dd', {}, time(c.lastEvaluated)),
        c.problems.length ? [h('dt', {}, 'Problems'), h('dd', {}, c.problems.join('; '))] : null)),
    h('section', {class: 'card', 'aria-labelledby': 'rules-title'}, h('h2', {id: 'rules-title'}, 'Rules that evidence it'),
      citing.length ? h('div', {class: 'scroll'}, table('Rules citing ' + c.id, ['Rule', 'Title', 'Severity', 'Fired', 'State'],
        citing.map(r => row([r.id, r.title, r.severity, String(r.fired), r.quarantined ? 'quarantined' : r.enabled ? 'enabled' : 'disabled']))))
        : h('p', {}, 'No rule covers this control: it needs a person\'s evidence (manual).')),
    h('section', {class: 'card', 'aria-labelledby': 'ncs-title'}, h('h2', {id: 'ncs-title'}, 'Nonconformities not yet fixed'),
      h('div', {class: 'scroll'}, table('Nonconformities citing ' + c.id, ['Id', 'Status', 'Grade', 'Asset', 'Age', 'Rule'],
        nonconformities.map(nc => row([h('a', {href: '#/nonconformities/' + nc.id}, '#' + nc.id), nc.status, nc.grade, nc.asset,
          age(nc.firstSeen), nc.ruleTitle]))))));
}

export async function render(main, {params}) {
  if (params[0]) await one(main, params[0]); else await list(main);
}
