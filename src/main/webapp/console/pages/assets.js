import {api} from '../api.js';
import {h, table, row, time} from '../dom.js';

export const name = 'assets';

const link = (asset, count) => count
  ? h('a', {href: '#/nonconformities?asset=' + encodeURIComponent(asset) + '&status=open,acknowledged,action-planned,pending-verification,reopened'}, String(count))
  : '0';

export async function render(main) {
  const {inventory, unregistered} = await api('assets');
  main.append(h('h1', {}, 'Assets'),
    h('section', {class: 'card', 'aria-labelledby': 'inv-title'}, h('h2', {id: 'inv-title'}, 'Inventory (config/assets.yml)'),
      h('div', {class: 'scroll'}, table('Inventoried assets', ['Asset', 'Owner', 'Criticality', 'Classification', 'Tags', 'Open', 'Last reported'],
        inventory.map(a => row([a.name || h('span', {}, a.match, h('span', {class: 'hint'}, ' (pattern)')),
          a.owner || '—', a.criticality, a.classification || '—', (a.tags || []).join(', '),
          a.name ? link(a.name, a.openNonconformities) : String(a.openNonconformities), time(a.lastReported)],
        {class: a.decommissioned ? 'muted' : '', data: {asset: a.name || a.match}}))))),
    h('section', {class: 'card', 'aria-labelledby': 'unreg-title'}, h('h2', {id: 'unreg-title'}, 'Unregistered assets'),
      h('p', {}, 'Reported by sources, or with nonconformities, but covered by no inventory entry: complete the inventory (ISO/IEC 27002:2022 5.9).'),
      h('div', {class: 'scroll'}, table('Unregistered assets', ['Asset', 'Open', 'Last reported'],
        unregistered.map(a => row([a.name, link(a.name, a.openNonconformities), time(a.lastReported)], {data: {asset: a.name}}))))));
}
