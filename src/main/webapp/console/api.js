// The console's only way to Annexa: the JSON API under /api, signed in by the session cookie (HttpOnly, so this code
// never sees it). Changes repeat the session's CSRF token in X-CSRF-Token.

let csrfToken = null;

export function setCsrf(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export async function api(path, {method = 'GET', body, accept = 'application/json'} = {}) {
  const headers = {Accept: accept};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch('api/' + path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  if (text && (response.headers.get('Content-Type') || '').includes('json')) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  if (!response.ok) {
    const reason = data && (data.error || data.message) ? (data.error || data.message) : (text || response.statusText);
    const error = new ApiError(response.status, reason, data);
    if (response.status === 401 && path !== 'session') window.dispatchEvent(new CustomEvent('annexa:signed-out'));
    throw error;
  }
  return data === null ? text : data;
}

/** Every page of a cursor-paged list ({items, next}), up to max items. */
export async function all(path, max = 2000) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(path + (cursor ? sep + 'cursor=' + encodeURIComponent(cursor) : ''));
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && items.length < max);
  return items;
}
