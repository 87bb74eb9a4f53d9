import {api} from '../api.js';
import {h, table, row, time} from '../dom.js';

export const name = 'overview';

const THEMES = [['organizational', 'Organizational controls (5)'], ['people', 'People controls (6)'],
  ['physical', 'Physical controls (7)'], ['technological', 'Technological controls (8)']];
const GRADES = ['major', 'minor', 'observation'];
const UNFIXED = 'open,acknowledged,action-planned,pending-verification,reopened';

/** The colour class of a cell: the status the API reports, refined by the worst grade and by manual monitoring. */
export function shade(c) {
  if (c.status === 'nonconforming') return 'nc-' + (c.worstGrade || 'major');
  if (c.status === 'not_evaluated' && c.monitoring === 'manual') return 'manual';
  return c.status.replace('_', '-');
}

function describe(c) {
  const words = {compliant: 'compliant', nonconforming: 'nonconforming', not_evaluated: 'not evaluated', not_applicable: 'not applicable'};
  let text = words[c.status] || c.status;
  if (c.status === 'nonconforming') text += `, worst grade ${c.worstGrade}, ${c.open} open`;
  if (c.monitoring === 'manual') text += ', monitored manually';
  return `${c.id} ${c.title}: ${text}`;
}

function heatmap(controls) {
  return h('section', {class: 'card', 'aria-labelledby': 'heatmap-title'},
    h('h2', {id: 'heatmap-title'}, 'Controls'),
    legend(),
    h('div', {class: 'themes'}, THEMES.map(([theme, title]) => {
      const cells = controls.filter(c => c.theme === theme);
      return h('section', {class: 'theme', 'aria-label': title},
        h('h3', {}, title, h('span', {class: 'count'}, ` ${cells.length}`)),
        h('ul', {class: 'heatmap', role: 'list'}, cells.map(c => h('li', {},
          h('a', {href: '#/controls/' + c.id, class: 'cell ' + shade(c), title: describe(c), 'aria-label': describe(c),
            data: {control: c.id, status: c.status, grade: c.worstGrade, monitoring: c.monitoring}}, c.id)))));
    })));
}

function legend() {
  const items = [['compliant', 'Compliant'], ['nc-major', 'Nonconforming: major'], ['nc-minor', 'Nonconforming: minor'],
    ['nc-observation', 'Nonconforming: observation'], ['not-evaluated', 'Not evaluated'], ['manual', 'Manual'],
    ['not-applicable', 'Not applicable']];
  return h('ul', {class: 'legend', 'aria-label': 'Legend'}, items.map(([cls, text]) => h('li', {}, h('span', {class: 'swatch ' + cls, 'aria-hidden': 'true'}), text)));
}

function grades(overview) {
  return h('section', {class: 'card', 'aria-labelledby': 'grades-title'},
    h('h2', {id: 'grades-title'}, 'Open nonconformities'),
    h('ul', {class: 'stats', role: 'list'},
      GRADES.map(g => h('li', {class: 'stat ' + g, data: {grade: g}},
        h('a', {href: `#/nonconformities?status=${UNFIXED}&grade=${g}`},
          h('span', {class: 'figure'}, String(overview.openByGrade[g] || 0)), h('span', {class: 'label'}, g)))),
      h('li', {class: 'stat total'}, h('a', {href: `#/nonconformities?status=${UNFIXED}`},
        h('span', {class: 'figure'}, String(overview.open)), h('span', {class: 'label'}, 'not yet fixed')))));
}

function trend(points) {
  const byDay = new Map();
  for (const p of points) {
    const day = byDay.get(p.day) || {major: 0, minor: 0, observation: 0};
    day[p.grade] = (day[p.grade] || 0) + p.open;
    byDay.set(p.day, day);
  }
  const days = [...byDay.keys()].sort();
  const section = h('section', {class: 'card', 'aria-labelledby': 'trend-title'}, h('h2', {id: 'trend-title'}, 'Trend, last 90 days'));
  if (days.length === 0) {
    section.append(h('p', {}, 'No daily snapshots yet.'));
    return section;
  }
  const chart = h('div', {class: 'chart', 'aria-hidden': 'true'});
  section.append(chart, h('details', {}, h('summary', {}, 'The figures as a table'),
    table('Nonconformities not yet fixed, by day and grade', ['Day', ...GRADES],
      days.map(d => row([d, ...GRADES.map(g => String(byDay.get(d)[g]))])))));
  section.draw = () => {
    if (typeof window.uPlot !== 'function') return;
    const x = days.map(d => Date.parse(d + 'T00:00:00Z') / 1000);
    // the whole 90 days, today last, however few days have a snapshot
    const end = Date.parse(new Date().toISOString().slice(0, 10) + 'T00:00:00Z') / 1000;
    const colours = {major: '#b42318', minor: '#b54708', observation: '#175cd3'};
    const width = Math.max(300, chart.clientWidth || 600);
    new window.uPlot({width, height: 200, legend: {show: true},
      scales: {x: {time: true, auto: false, range: [end - 89 * 86400, end]}}, axes: [{}, {label: 'open'}],
      series: [{}, ...GRADES.map(g => ({label: g, stroke: colours[g], width: 2, points: {show: days.length < 30}}))]},
    [x, ...GRADES.map(g => days.map(d => byDay.get(d)[g]))], chart);
  };
  return section;
}

/** Silent sources and sources whose last attempt failed (an unreachable host, a broken file) stand out. */
export function health(source) {
  if (source.silent) return 'silent';
  if (source.lastError && (!source.lastSuccess || source.lastError > source.lastSuccess)) return 'failing';
  // a route not started is one the configuration leaves off (no syslog port, no inventory URL): shown, not alarming
  if (source.state && source.state.toLowerCase() !== 'started') return 'off';
  return 'ok';
}

function sources(list) {
  const order = {silent: 0, failing: 1, ok: 2, off: 3};
  const sorted = [...list].sort((a, b) => order[health(a)] - order[health(b)] || a.routeId.localeCompare(b.routeId));
  const bad = sorted.filter(s => health(s) === 'silent' || health(s) === 'failing').length;
  return h('section', {class: 'card', 'aria-labelledby': 'sources-title'},
    h('h2', {id: 'sources-title'}, 'Sources and collection'),
    h('p', {class: bad ? 'warn-text' : ''}, bad ? `${bad} of ${list.length} sources need attention: silent, or their last attempt failed.`
      : `No source is silent or failing (${list.filter(s => health(s) === 'off').length} of ${list.length} are off).`),
    h('div', {class: 'scroll'}, table('Source routes', ['Health', 'Source', 'Kind', 'Last success', 'Items read', 'Errors', 'Last error'],
      sorted.map(s => {
        const state = health(s);
        return h('tr', {class: 'health-' + state, data: {source: s.routeId, health: state}},
          h('td', {}, h('span', {class: 'badge ' + state}, state)), h('td', {}, s.routeId), h('td', {}, s.kind || ''),
          h('td', {}, time(s.lastSuccess)), h('td', {class: 'num'}, String(s.itemsRead)), h('td', {class: 'num'}, String(s.errors)),
          h('td', {class: 'wrap'}, s.lastErrorMessage || ''));
      }))));
}

export async function render(main) {
  const [overview, points, routes] = await Promise.all([api('overview'), api('nonconformities/trend?days=90'), api('sources')]);
  const chart = trend(points);
  main.append(h('h1', {}, 'Overview'),
    h('p', {class: 'lead'}, 'ISO/IEC 27002:2022 controls as Annexa sees them now. ', time(overview.generatedAt)),
    h('div', {class: 'overview'}, heatmap(overview.controls),
      h('div', {class: 'side'}, grades(overview), chart)),
    sources(routes));
  requestAnimationFrame(() => {
    chart.draw && chart.draw();
    // for measurements: the overview is on screen with its data (Navigation Timing, see the console benchmark)
    if (!performance.getEntriesByName('annexa:overview-rendered').length) performance.mark('annexa:overview-rendered');
  });
}
