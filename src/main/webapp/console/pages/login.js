import {api, ApiError} from '../api.js';
import {h, message} from '../dom.js';
import {signedIn, route} from '../app.js';

export const name = 'login';

export function render(main, {next}) {
  const error = h('div', {id: 'login-error'});
  const user = h('input', {id: 'username', name: 'username', autocomplete: 'username', required: true, 'aria-describedby': 'login-error'});
  const password = h('input', {id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const button = h('button', {type: 'submit'}, 'Sign in');
  const form = h('form', {class: 'login', novalidate: true, on: {submit: async event => {
    event.preventDefault();
    error.replaceChildren();
    if (!user.value.trim() || !password.value) {
      error.append(message('Enter your user name and password.'));
      (user.value.trim() ? password : user).focus();
      return;
    }
    button.disabled = true;
    try {
      signedIn(await api('session', {method: 'POST', body: {username: user.value.trim(), password: password.value}}));
      password.value = '';
      if (location.hash === '#' + next || (next === '/' && location.hash === '')) route(); else location.hash = '#' + next;
    } catch (e) {
      const text = e instanceof ApiError && e.status === 401 ? 'Wrong user name or password.'
        : e instanceof ApiError && e.status === 429 ? 'Too many failed sign-ins: try again later. ' + e.message
        : 'Signing in failed: ' + e.message;
      error.append(message(text));
      password.focus();
    } finally {
      button.disabled = false;
    }
  }}},
    h('h1', {}, 'Sign in to Annexa'),
    h('p', {}, 'Compliance monitoring of the ISO/IEC 27002:2022 controls. Sign in with your Annexa user.'),
    error,
    h('div', {class: 'field'}, h('label', {for: 'username'}, 'User name'), user),
    h('div', {class: 'field'}, h('label', {for: 'password'}, 'Password'), password),
    button);
  main.append(form);
  setTimeout(() => user.focus(), 0);
}
