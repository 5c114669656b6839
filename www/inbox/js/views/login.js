// Log-in form: one field for the API token. Wrong tokens get a clear message and the field keeps
// focus; the token is sent once and not kept in the page.
import { h, replace, notice } from '../dom.js';
import * as session from '../session.js';

export function renderLogin(main, onLoggedIn) {
  const token = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true });
  const status = h('div', { id: 'login-status' });
  const submit = h('button', { type: 'submit', id: 'login-submit' }, 'ログイン');
  const form = h('form', { id: 'login-form' },
    h('label', { for: 'token' }, 'API トークン', token),
    submit,
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(status);
    const value = token.value.trim();
    if (!value) {
      status.append(notice('error', 'API トークンを入力してください。'));
      return;
    }
    submit.disabled = true;
    try {
      const user = await session.login(value);
      if (!user) throw new Error('ログインに失敗しました。');
      token.value = '';
      onLoggedIn(user);
    } catch (err) {
      status.append(notice('error', err.status === 401 || err.status === 403
        ? 'トークンが正しくないか、無効になっています。'
        : err.message));
      token.select();
    } finally {
      submit.disabled = false;
    }
  });
  main.append(h('div', { class: 'card login' },
    h('h2', {}, 'ログイン'),
    h('p', { class: 'muted' }, '管理者から交付された API トークンを入力してください。'),
    form));
  token.focus();
}
