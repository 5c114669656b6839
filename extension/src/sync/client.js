// @ts-check
/**
 * HTTP to the agency endpoint, and the one decision the queue depends on: is a failure worth
 * retrying? The network, timeouts, 408, 429 and 5xx are (the endpoint or the way to it is down);
 * any other 4xx is the server refusing this submission (broken chain, bad hash, wrong token), and
 * sending it again unchanged would only be refused again — it is kept for the officer instead.
 */
import { retryAfterMs } from './backoff.js';
import { endpointUrl, LOOKUP_PATH, SUBMIT_PATH } from './routes.js';

/** A request slower than this is abandoned and retried later (ms)… */
export const TIMEOUT_MS = 30000;
/** …plus this long per byte of body, so a 16 MiB submission on a 50 kB/s uplink still gets through. */
export const MS_PER_BYTE = 1000 / 50000;

/** @param {number} bytes */
export function timeoutFor(bytes) {
  return Math.min(10 * 60 * 1000, TIMEOUT_MS + Math.ceil(bytes * MS_PER_BYTE));
}

/**
 * @typedef {{kind: 'ack', status: number, body: Record<string, any>}
 *   | {kind: 'refused', status: number|null, error: string}
 *   | {kind: 'retry', status: number|null, error: string, retryAfterMs: number|null}} Outcome
 */

/**
 * The server's own words when it gives them (`message_ja`, else `message` or the `error` code), else the status.
 * @param {number} status
 * @param {string} text
 */
export function serverError(status, text) {
  try {
    const j = JSON.parse(text);
    // server/openapi.json Error: {error: code, message_ja, detail}
    const msg = typeof j?.message_ja === 'string' ? j.message_ja : typeof j?.message === 'string' ? j.message
      : typeof j?.error === 'string' ? j.error : null;
    if (msg) return `${msg}（HTTP ${status}）`;
  } catch {
    // not JSON: fall through
  }
  // A proxy's or crashed server's page (HTML, a stack trace) means nothing to an officer: show its text only when it
  // is one short plain line.
  const t = text.trim();
  const plain = t.length > 0 && t.length <= 120 && !/[<>\r\n]/.test(t);
  return plain ? `${t}（HTTP ${status}）` : `送信先がエラーを返しました（HTTP ${status}）`;
}

/** @param {number} status */
export function retryable(status) {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Classifies a finished HTTP exchange.
 * @param {number} status
 * @param {string} text the response body
 * @param {string|null} retryAfter the Retry-After header
 * @param {number} now
 * @returns {Outcome}
 */
export function classify(status, text, retryAfter, now) {
  if (status >= 200 && status < 300) {
    let body = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // An acknowledgement we cannot read is not an acknowledgement: retry (the key makes it safe).
      return { kind: 'retry', status, error: `送信先の応答を読めません（HTTP ${status}）`, retryAfterMs: null };
    }
    return { kind: 'ack', status, body: body && typeof body === 'object' ? body : {} };
  }
  if (status === 401 || status === 403) {
    return { kind: 'refused', status, error: `送信先が認証を拒否しました。設定画面でトークンを確認してください。${serverError(status, text)}` };
  }
  if (retryable(status)) return { kind: 'retry', status, error: serverError(status, text), retryAfterMs: retryAfterMs(retryAfter, now) };
  return { kind: 'refused', status, error: serverError(status, text) };
}

/**
 * @param {string} url
 * @param {RequestInit} init
 * @returns {Promise<{status: number, text: string, retryAfter: string|null}>}
 */
async function exchange(url, init) {
  const ctl = new AbortController();
  const size = typeof init.body === 'string' ? new TextEncoder().encode(init.body).length : 0;
  const timer = setTimeout(() => ctl.abort(), timeoutFor(size));
  try {
    const res = await fetch(url, { ...init, signal: ctl.signal, credentials: 'omit', cache: 'no-store' });
    return { status: res.status, text: await res.text(), retryAfter: res.headers.get('Retry-After') };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Posts one submission. Never throws: every failure becomes an Outcome.
 * @param {{endpoint: string, token: string}} settings
 * @param {string} key the idempotency key
 * @param {object} body
 * @returns {Promise<Outcome>}
 */
export async function postSubmission(settings, key, body) {
  let r;
  try {
    r = await exchange(endpointUrl(settings.endpoint, SUBMIT_PATH), {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${settings.token}`, 'Content-Type': 'application/json',
        Accept: 'application/json', 'Idempotency-Key': key,
      },
      body: JSON.stringify(body),
    });
  } catch (e) {
    const why = e instanceof Error && e.name === 'AbortError' ? '応答がありません（時間切れ）' : '接続できません';
    return { kind: 'retry', status: null, error: `送信先に${why}。`, retryAfterMs: null };
  }
  return classify(r.status, r.text, r.retryAfter, Date.now());
}

/**
 * Asks what the endpoint knows about a post's URL. Throws an Error with a Japanese message on failure.
 * @param {{endpoint: string, token: string}} settings
 * @param {string} url
 * @returns {Promise<Record<string, any>>}
 */
export async function getLookup(settings, url) {
  let r;
  try {
    r = await exchange(endpointUrl(settings.endpoint, LOOKUP_PATH, { url }), {
      method: 'GET', headers: { Authorization: `Bearer ${settings.token}`, Accept: 'application/json' },
    });
  } catch {
    throw new Error('送信先に接続できません。');
  }
  if (r.status < 200 || r.status >= 300) throw new Error(serverError(r.status, r.text));
  try {
    return JSON.parse(r.text);
  } catch {
    throw new Error('送信先の応答を読めません。');
  }
}
