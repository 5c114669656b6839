// Log in with the API token the administrator issued (`patrol-server user add`); the endpoint answers
// with an HttpOnly session cookie and a CSRF token. The token itself is never stored by the page.
import * as api from './api.js';
import { ROLES } from './labels.js';

const PATHS = {
  login: '/api/session',
  current: '/api/session',
  logout: '/api/session',
};

/** The logged-in user, or null when there is no valid session. */
export async function current() {
  try {
    const res = await api.get(PATHS.current);
    return normaliseUser(res);
  } catch (err) {
    if (err.status === 401 || err.status === 403 || err.status === 404) return null;
    throw err;
  }
}

/** Exchanges the API token for a session; returns the user. */
export async function login(token) {
  const res = await api.request('POST', PATHS.login, { token });
  api.setCsrf(res?.csrf_token || res?.csrf || '');
  return normaliseUser(res);
}

export async function logout() {
  try {
    await api.request('DELETE', PATHS.logout);
  } catch {
    // the session may already be gone; the page forgets it either way
  }
  api.setCsrf('');
}

function normaliseUser(res) {
  const u = res?.user || res;
  if (!u || !u.role) return null;
  if (res?.csrf_token) api.setCsrf(res.csrf_token);
  return { id: u.id, name: u.name, role: u.role, unit: u.unit };
}

/** "名前（監督者・熊本南署）" for the header. */
export function describe(user) {
  return `${user.name}（${ROLES[user.role] || user.role}・${user.unit}）`;
}
