// The console's shell: who is signed in, the navigation, and which page the address (#/...) shows.
import {api, setCsrf, ApiError} from './api.js';
import {h, clear, message} from './dom.js';
import * as login from './pages/login.js';
import * as overview from './pages/overview.js';
import * as nonconformities from './pages/nonconformities.js';
import * as nonconformity from './pages/nonconformity.js';
import * as controls from './pages/controls.js';
import * as assets from './pages/assets.js';
import * as rules from './pages/rules.js';
import * as alerts from './pages/alerts.js';
import * as exports from './pages/exports.js';

const ROLES = ['viewer', 'auditor', 'analyst', 'rule-author', 'admin'];

const ROUTES = [
  [/^\/$/, overview],
  [/^\/nonconformities$/, nonconformities],
  [/^\/nonconformities\/(\d+)$/, nonconformity],
  [/^\/controls$/, controls],
  [/^\/controls\/([\d.]+)$/, controls],
  [/^\/assets$/, assets],
  [/^\/rules$/, rules],
  [/^\/alerts$/, alerts],
  [/^\/exports$/, exports],
];

let session = null;
let rendering = 0;

/** Whether the signed-in user's role includes this one (admin includes all, viewer only itself). */
export function can(role) {
  return session !== null && ROLES.indexOf(session.role) >= ROLES.indexOf(role);
}

export function signedIn(who) {
  session = who;
  setCsrf(who.csrfToken);
  document.getElementById('nav').hidden = false;
  document.getElementById('who').hidden = false;
  document.getElementById('who-name').textContent = who.user + ' (' + who.role + ')';
  document.body.dataset.role = who.role;
}

function signedOut() {
  session = null;
  setCsrf(null);
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  delete document.body.dataset.role;
}

function parse() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  return {path, query: new URLSearchParams(query)};
}

export async function route() {
  const main = document.getElementById('main');
  const ticket = ++rendering;
  const {path, query} = parse();
  if (session === null) {
    clear(main);
    login.render(main, {next: path === '/login' ? '/' : path});
    document.title = 'Sign in · Annexa';
    return;
  }
  const match = ROUTES.map(([re, page]) => [path.match(re), page]).find(([m]) => m);
  for (const link of document.querySelectorAll('#nav a')) {
    const target = link.getAttribute('href').slice(1);
    const current = target === '/' ? path === '/' : path.startsWith(target);
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  const fresh = h('div', {class: 'page'});
  try {
    if (!match) {
      fresh.append(h('h1', {tabindex: '-1'}, 'Not found'), message('No page at ' + path + '.'));
    } else {
      const [m, page] = match;
      await page.render(fresh, {params: m.slice(1), query, session, can, go: to => { location.hash = '#' + to; }});
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    fresh.append(message(e instanceof ApiError ? `Annexa answered ${e.status}: ${e.message}` : String(e)));
  }
  if (ticket !== rendering) return;
  clear(main).append(fresh);
  document.body.dataset.page = match ? match[1].name : 'none';
  const heading = main.querySelector('h1');
  document.title = (heading ? heading.textContent + ' · ' : '') + 'Annexa';
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
  main.setAttribute('aria-busy', 'false');
}

async function start() {
  document.getElementById('sign-out').addEventListener('click', async () => {
    try { await api('session', {method: 'DELETE'}); } catch (e) { /* signed out either way */ }
    signedOut();
    location.hash = '#/login';
    route();
  });
  window.addEventListener('annexa:signed-out', () => { signedOut(); route(); });
  window.addEventListener('hashchange', route);
  try {
    signedIn(await api('session'));
  } catch (e) {
    signedOut();
  }
  route();
}

start();
