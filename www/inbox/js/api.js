// The endpoint's JSON API as the pages use it (server/openapi.json). One place knows paths, the
// session's CSRF token and how errors look, so views only call named functions.

let csrf = sessionStorage.getItem('patrol.csrf') || '';

/** An API failure with the server's message (shown to the supervisor in Japanese). */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
    /** The endpoint's stable error code (`url_held`, `approval_required`, …). */
    this.code = body?.error || '';
  }
}

const STATUS_TEXT = {
  400: '入力に誤りがあります',
  401: 'ログインが必要です',
  403: 'この操作の権限がありません',
  404: '見つかりません',
  409: '他の操作と競合しました',
  413: 'データが大きすぎます',
  422: '入力に誤りがあります',
  429: '操作が多すぎます。少し待ってから再度お試しください',
};

/** Sends a request; JSON in and out; the CSRF token on every unsafe method. */
export async function request(method, path, body, { raw = false } = {}) {
  const headers = { Accept: raw ? '*/*' : 'application/json' };
  /** @type {RequestInit} */
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'サーバーに接続できません。ネットワークを確認してください。');
  }
  if (!res.ok) {
    let detail = null;
    let message = '';
    try {
      detail = await res.json();
      // The endpoint's errors are {error, message_ja, detail?} (server/openapi.json).
      message = detail?.message_ja || '';
    } catch {
      // not JSON: keep the status text
    }
    if (typeof message !== 'string') message = '';
    const base = STATUS_TEXT[res.status] || `サーバーエラー (${res.status})`;
    const err = new ApiError(res.status, message || base, detail);
    if (res.status === 401) window.dispatchEvent(new CustomEvent('patrol:unauthorized'));
    throw err;
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

export const get = (path) => request('GET', path);
export const post = (path, body = {}) => request('POST', path, body);
export const put = (path, body = {}) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

/** Remembers the CSRF token for this tab only (sessionStorage, never localStorage). */
export function setCsrf(token) {
  csrf = token || '';
  if (csrf) sessionStorage.setItem('patrol.csrf', csrf);
  else sessionStorage.removeItem('patrol.csrf');
}

/** Query string from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Path segment escape: ids come from the server but are still data. */
export const seg = (v) => encodeURIComponent(String(v));
