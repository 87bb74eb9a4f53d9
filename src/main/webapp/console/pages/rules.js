import {api, ApiError} from '../api.js';
import {h, table, row, time, message, announce} from '../dom.js';

export const name = 'rules';

const STARTER = {
  path: 'technological/c8_05_secure_authentication/sshd_permit_user_environment_disabled',
  ruleYml: `id: sshd_permit_user_environment_disabled
title: SSH does not let users set their own environment
controls:
  iso27002:2022: ["8.5"]
severity: medium
sources: [sshd_config]
rationale: >
  PermitUserEnvironment lets a user pass LD_PRELOAD and similar variables to sshd's session.
remediation: >
  Set "PermitUserEnvironment no" in sshd_config, or leave it out (the default is no).
`,
  drl: `package technological.c8_05_secure_authentication.sshd_permit_user_environment_disabled;

import io.annexa.evidence.ConfigEntry;

global io.annexa.evaluation.FindingFactory findings;

rule "sshd_permit_user_environment_disabled: PermitUserEnvironment on"
when
    $entry : ConfigEntry( source == "sshd_config", key == "PermitUserEnvironment", value not matches "(?i)no" )
then
    insertLogical(findings.of(drools, $entry.getAsset(), "users may set their environment: " + $entry.describe()));
end
`,
  scenarios: {
    'user_environment_yes.fail.sshd_config': 'PermitUserEnvironment yes\n',
    'user_environment_yes.fail.sshd_config.expect': 'users may set their environment: PermitUserEnvironment yes\n',
    'user_environment_no.pass.sshd_config': 'PermitUserEnvironment no\n',
  },
};

/** A text area with line numbers beside it; problems mark their lines. */
function editor(id, label, value, rows = 12) {
  const gutter = h('pre', {class: 'gutter', 'aria-hidden': 'true'});
  const area = h('textarea', {id, name: id, rows, spellcheck: 'false', autocapitalize: 'off', class: 'code', wrap: 'off'});
  area.value = value;
  const marks = new Set();
  const paint = () => {
    const lines = area.value.split('\n').length;
    gutter.replaceChildren(...Array.from({length: lines}, (_, i) =>
      h('span', {class: marks.has(i + 1) ? 'bad' : '', data: {line: i + 1}}, String(i + 1) + '\n')));
    gutter.scrollTop = area.scrollTop;
  };
  area.addEventListener('input', paint);
  area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
  paint();
  const box = h('div', {class: 'field editor-field'}, h('label', {for: id}, label), h('div', {class: 'editor'}, gutter, area));
  box.area = area;
  box.set = value => { area.value = value; marks.clear(); area.scrollTop = 0; paint(); };
  box.mark = lines => { marks.clear(); lines.forEach(l => marks.add(l)); paint(); };
  box.goTo = line => {
    const text = area.value.split('\n');
    const start = text.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (text[line - 1] || '').length);
  };
  return box;
}

/** "rules/.../x.drl:12:8: error: text" → {file, line, text}. */
export function locate(problem) {
  const m = problem.match(/^(\S+?):(\d+)(?::\d+)?: (.*)$/s);
  if (!m) return {file: null, line: null, text: problem};
  return {file: m[1].split('/').pop(), line: Number(m[2]), text: m[3]};
}

function authoring(main) {
  const path = h('input', {id: 'rule-path', name: 'path', value: STARTER.path, required: true, 'aria-describedby': 'rule-path-hint', class: 'wide'});
  const yml = editor('rule-yml', 'rule.yml', STARTER.ruleYml, 12);
  const drl = editor('rule-drl', 'DRL', STARTER.drl, 14);
  const scenarios = h('div', {class: 'scenarios'});
  const addScenario = (file = '', content = '') => {
    const n = scenarios.children.length + 1;
    const box = editor('scenario-' + n, 'Scenario ' + n + ' content', content, 4);
    const nameInput = h('input', {id: 'scenario-' + n + '-name', value: file, class: 'wide', 'aria-describedby': 'scenario-hint'});
    const wrapper = h('fieldset', {class: 'scenario'}, h('legend', {}, 'Scenario ' + n),
      h('div', {class: 'field'}, h('label', {for: 'scenario-' + n + '-name'}, 'File name'), nameInput), box);
    wrapper.fileName = () => nameInput.value.trim();
    wrapper.editor = box;
    scenarios.append(wrapper);
  };
  Object.entries(STARTER.scenarios).forEach(([f, c]) => addScenario(f, c));
  const results = h('div', {id: 'rule-results', 'aria-live': 'polite'});
  const editing = h('p', {id: 'rule-editing', class: 'hint'}, 'Starting from an example rule; Edit on a loaded rule opens that rule here.');

  const draft = () => {
    const files = {};
    for (const s of scenarios.children) if (s.fileName()) files[s.fileName()] = s.editor.area.value;
    return {path: path.value.trim(), ruleYml: yml.area.value, drl: drl.area.value, scenarios: files};
  };
  const editorFor = file => {
    if (!file) return null;
    if (file === 'rule.yml') return yml;
    if (file.endsWith('.drl')) return drl;
    for (const s of scenarios.children) if (s.fileName() === file) return s.editor;
    return null;
  };
  const show = (problems, ok) => {
    results.replaceChildren();
    const byEditor = new Map();
    if (ok) results.append(message(ok, 'ok'));
    if (problems.length) {
      results.append(h('h3', {}, `${problems.length} problem${problems.length === 1 ? '' : 's'}`),
        h('ul', {class: 'problems'}, problems.map(p => {
          const where = locate(p);
          const target = editorFor(where.file);
          if (target && where.line) byEditor.set(target, [...(byEditor.get(target) || []), where.line]);
          return h('li', {class: 'problem', data: {file: where.file, line: where.line}},
            where.line ? h('button', {type: 'button', class: 'link', on: {click: () => target && target.goTo(where.line)}},
              `${where.file} line ${where.line}`) : null,
            where.line ? ': ' : '', h('span', {}, where.text));
        })));
    }
    for (const e of [yml, drl, ...[...scenarios.children].map(s => s.editor)]) e.mark(byEditor.get(e) || []);
    announce(ok || `${problems.length} problems`);
  };
  const run = async (kind, button) => {
    button.disabled = true;
    try {
      const body = draft();
      if (kind === 'validate') {
        const v = await api('rules/validate', {method: 'POST', body});
        show(v.problems, v.valid ? 'Valid: it compiles and every scenario gives its expected outcome.' : null);
      } else {
        const id = body.path.split('/').pop();
        const d = await api('rules/' + encodeURIComponent(id), {method: 'PUT', body});
        show(d.problems || [], `Deployment ${d.state}: library ${d.libraryVersion}.`);
      }
    } catch (e) {
      if (e instanceof ApiError && e.body && Array.isArray(e.body.problems)) show(e.body.problems, null);
      else { results.replaceChildren(message(`${kind === 'validate' ? 'Validation' : 'Deployment'} failed: ${e.message}`)); }
    } finally {
      button.disabled = false;
    }
  };
  /** Opens a rule folder in service in the editor, as GET rules/{id}/draft gives it. */
  const load = async (id, button) => {
    if (button) button.disabled = true;
    try {
      const d = await api('rules/' + encodeURIComponent(id) + '/draft');
      path.value = d.path;
      yml.set(d.ruleYml);
      drl.set(d.drl);
      scenarios.replaceChildren();
      Object.entries(d.scenarios).forEach(([f, c]) => addScenario(f, c));
      results.replaceChildren();
      editing.textContent = `Editing ${id} as it is in service (${Object.keys(d.scenarios).length} scenario files). Validate checks it; Deploy puts it back in service.`;
      section.scrollIntoView({block: 'start'});
      drl.area.focus();
      announce(`Rule ${id} opened in the editor`);
    } catch (e) {
      results.replaceChildren(message(`Cannot open ${id} in the editor: ${e.message}`));
      section.scrollIntoView({block: 'start'});
      announce(`Cannot open ${id} in the editor`);
    } finally {
      if (button) button.disabled = false;
    }
  };
  const validate = h('button', {type: 'button', id: 'validate', on: {click: e => run('validate', e.currentTarget)}}, 'Validate');
  const deploy = h('button', {type: 'button', id: 'deploy', class: 'secondary', on: {click: e => run('deploy', e.currentTarget)}}, 'Deploy');
  const section = h('section', {class: 'card', 'aria-labelledby': 'author-title'}, h('h2', {id: 'author-title'}, 'Write a rule'),
    h('p', {}, 'Paste or edit a rule folder: its rule.yml, its DRL and its scenarios. Validate compiles it with the whole library and runs every scenario; Deploy writes it and puts it in service.'),
    editing,
    h('form', {class: 'author', on: {submit: e => e.preventDefault()}},
      h('div', {class: 'field'}, h('label', {for: 'rule-path'}, 'Rule folder'), path,
        h('span', {id: 'rule-path-hint', class: 'hint'}, '<theme>/c<control>_<name>/<rule_id>, e.g. technological/c8_05_secure_authentication/sshd_root_login_disabled')),
      yml, drl, h('h3', {}, 'Scenarios'),
      h('p', {id: 'scenario-hint', class: 'hint'}, 'File names state the outcome: <name>.pass.<source>, <name>.fail.<source>, <name>.notapplicable.<source>; a .expect file holds the evidence a fail must give.'),
      scenarios,
      h('div', {class: 'buttons'}, h('button', {type: 'button', class: 'secondary', on: {click: () => addScenario()}}, 'Add a scenario'), validate, deploy),
      results));
  section.load = load;
  return section;
}

export async function render(main, {can}) {
  const [rules, deployment] = await Promise.all([api('rules'), api('rules/deployment')]);
  const author = can('rule-author');
  const editorSection = author ? authoring(main) : null;
  const edit = r => h('button', {type: 'button', class: 'secondary small', data: {edit: r.id}, 'aria-controls': 'rule-drl',
    on: {click: e => editorSection.load(r.id, e.currentTarget)}}, 'Edit', h('span', {class: 'visually-hidden'}, ' ' + r.id));
  const toggle = r => h('button', {type: 'button', class: 'secondary small', data: {rule: r.id},
    on: {click: async e => {
      e.currentTarget.disabled = true;
      try { await api(`rules/${r.id}/enabled`, {method: 'PUT', body: !r.enabled}); window.dispatchEvent(new HashChangeEvent('hashchange')); }
      catch (err) { e.currentTarget.after(message(err.message)); e.currentTarget.disabled = false; }
    }}}, r.enabled ? 'Disable' : 'Enable', h('span', {class: 'visually-hidden'}, ' ' + r.id));
  main.append(h('h1', {}, 'Rules'),
    h('section', {class: 'card', 'aria-labelledby': 'deploy-title'}, h('h2', {id: 'deploy-title'}, 'Last deployment'),
      h('dl', {class: 'facts'},
        h('dt', {}, 'State'), h('dd', {}, h('span', {class: 'badge dep-' + deployment.state, id: 'deployment-state'}, deployment.state)),
        h('dt', {}, 'At'), h('dd', {}, time(deployment.at)),
        h('dt', {}, 'Library in service'), h('dd', {}, h('code', {}, deployment.inService || '—')),
        h('dt', {}, 'Problems'), h('dd', {}, deployment.problems.length ? h('ul', {}, deployment.problems.map(p => h('li', {}, p))) : 'none'),
        h('dt', {}, 'Quarantined'), h('dd', {}, deployment.quarantined.length
          ? h('ul', {}, deployment.quarantined.map(q => h('li', {class: 'warn-text'}, `${q.rule}: ${q.reason} (since ${q.since})`))) : 'none'))),
    h('section', {class: 'card', 'aria-labelledby': 'loaded-title'}, h('h2', {id: 'loaded-title'}, `Loaded rules (${rules.length})`),
      h('div', {class: 'scroll tall'}, table('Rules in service', ['Rule', 'Title', 'Controls', 'Severity', 'Fired', 'State', ...(author ? ['Switch', 'Edit'] : [])],
        rules.map(r => row([r.id, r.title, h('span', {}, r.controls.map((c, i) => [i ? ', ' : '', h('a', {href: '#/controls/' + c}, c)])),
          r.severity, String(r.fired),
          r.quarantined ? h('span', {class: 'badge failing', title: r.quarantine && r.quarantine.reason}, 'quarantined') : r.enabled ? 'enabled' : 'disabled',
          ...(author ? [toggle(r), edit(r)] : [])], {data: {rule: r.id}}))))),
    author ? editorSection : h('p', {class: 'note'}, 'Writing and deploying rules needs the rule-author role.'));
}
