// @ts-check
/**
 * What the endpoint knows about a flagged post (000 §1(1), §1(2)ア, §4(1); issue 5): already reported
 * (and how far the case got), held as 削除依頼不可 by a unit (who to contact before any takedown
 * request), or removed. Only the URL of a post the extension flagged is ever sent. Answers are cached
 * briefly in chrome.storage.session (outlives the worker, never written to disk), and a missing or
 * unreachable endpoint is a state with a Japanese explanation, not an error: analysis goes on regardless.
 */
import { getLookup } from './client.js';

/** A known answer is reused this long (ms). */
export const TTL_MS = 60 * 1000;
/** A failure is remembered this long (ms), so a page of fifty flagged posts does not try fifty times. */
export const ERROR_TTL_MS = 15 * 1000;
const CACHE = 'sync_lookup_cache';
/** At most this many URLs are cached; the oldest go first. */
const MAX_CACHED = 300;

export const STATUS_NAMES = /** @type {Record<string, string>} */ ({
  new: '承認待ち', approved: '承認済み', returned: '差戻し', done: '対応完了',
});

/**
 * @typedef {{
 *   url: string, state: 'ok'|'no-endpoint'|'unreachable', checked_at: string,
 *   reported: boolean, status: string|null, reports: number, case_id: string|null,
 *   hold: {unit: string, reason: string, contact: string}|null, held_by_other_unit: boolean,
 *   removed: boolean, removed_at: string|null, message: string, error?: string
 * }} LookupView
 */

/** @param {unknown} v */
const s = (v) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/**
 * Reads the endpoint's answer into the view the badge and the panel show
 * (server/openapi.json `Lookup`); a hold without a unit or released is not shown as one.
 * @param {string} url
 * @param {Record<string, any>} raw
 * @param {string} myUnit
 * @param {string} checkedAt
 * @returns {LookupView}
 */
export function viewOf(url, raw, myUnit, checkedAt) {
  // server/openapi.json Lookup: {reported, report_count, case_id, status, held, hold, takedown_state, removed}
  const h = raw.held === false ? null : raw.hold;
  const hold = h && typeof h === 'object' && h.released_at == null
    ? { unit: s(h.unit), reason: s(h.reason), contact: s(h.contact) }
    : null;
  const removed = raw.removed === true;
  const removedAt = s(raw.removed_at) || null;
  const status = s(raw.status) || null;
  const reports = Number.isInteger(raw.report_count) ? raw.report_count : 0;
  const reported = raw.reported === true;
  // review S9: whose hold it is comes from the endpoint's authenticated identity (`held_for_caller`);
  // the unit typed in the options page only words the message when an older endpoint does not say.
  // Either way any active hold blocks a takedown request (panel-view.js).
  const heldByOther = !!hold && (typeof raw.held_for_caller === 'boolean' ? !raw.held_for_caller : hold.unit !== myUnit);
  /** @type {string[]} */
  const parts = [];
  if (hold) {
    parts.push(heldByOther
      ? `削除依頼不可（${hold.unit} が保留登録）: 削除依頼の前に ${hold.unit}${hold.contact ? `（${hold.contact}）` : ''}へ連絡してください。`
      : `削除依頼不可（自所属 ${hold.unit || myUnit} が保留登録）。`);
    if (hold.reason) parts.push(`理由: ${hold.reason}`);
  }
  if (removed) parts.push(`削除済み${removedAt ? `（${removedAt}）` : ''}。`);
  if (reported) parts.push(`報告済み${reports > 1 ? `（${reports} 件）` : ''}${status ? `・${STATUS_NAMES[status] ?? status}` : ''}。`);
  if (parts.length === 0) parts.push('本部への報告はまだありません。');
  return {
    url, state: 'ok', checked_at: checkedAt, reported, status, reports, case_id: s(raw.case_id) || null,
    hold, held_by_other_unit: heldByOther, removed, removed_at: removedAt, message: parts.join(' '),
  };
}

/**
 * @param {string} url
 * @param {LookupView['state']} state
 * @param {string} checkedAt
 * @param {string} [error]
 * @returns {LookupView}
 */
export function unknownView(url, state, checkedAt, error) {
  const message = state === 'no-endpoint'
    ? '送信先が設定されていないため、報告済み・保留（削除依頼不可）の確認はできません。解析・証拠保存は通常どおり使えます。'
    : `送信先に接続できないため、報告済み・保留（削除依頼不可）の確認ができません。解析・証拠保存は通常どおり使えます。${error ? `（${error}）` : ''}`;
  return {
    url, state, checked_at: checkedAt, reported: false, status: null, reports: 0, case_id: null, hold: null,
    held_by_other_unit: false, removed: false, removed_at: null, message, ...(error ? { error } : {}),
  };
}

/** @returns {Promise<Record<string, {at: number, view: LookupView}>>} */
async function readCache() {
  const got = /** @type {Record<string, any>} */ (await chrome.storage.session.get(CACHE));
  return got[CACHE] && typeof got[CACHE] === 'object' ? got[CACHE] : {};
}

/**
 * The endpoint's knowledge of `url`, from the cache when fresh.
 * @param {{endpoint: string, token: string, unit: string}} settings
 * @param {string} url the flagged post's URL
 * @param {{fresh?: boolean, fetchLookup?: typeof getLookup, now?: number}} [opts]
 * @returns {Promise<LookupView>}
 */
export async function lookup(settings, url, opts = {}) {
  const now = opts.now ?? Date.now();
  const at = new Date(now).toISOString();
  if (!settings.endpoint) return unknownView(url, 'no-endpoint', at);
  const cacheKey = `${settings.endpoint}\n${url}`;
  const cache = await readCache();
  const hit = cache[cacheKey];
  if (!opts.fresh && hit && now - hit.at < (hit.view.state === 'ok' ? TTL_MS : ERROR_TTL_MS)) return hit.view;
  let view;
  try {
    view = viewOf(url, await (opts.fetchLookup ?? getLookup)(settings, url), settings.unit, at);
  } catch (e) {
    view = unknownView(url, 'unreachable', at, e instanceof Error ? e.message : String(e));
  }
  const next = { ...(await readCache()), [cacheKey]: { at: now, view } };
  const keys = Object.keys(next);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_CACHED))) delete next[k];
  await chrome.storage.session.set({ [CACHE]: next });
  return view;
}

/** Forgets cached answers (after a submission the post's state has changed). @param {string} [url] */
export async function forget(url) {
  if (url === undefined) {
    await chrome.storage.session.remove(CACHE);
    return;
  }
  const cache = await readCache();
  for (const k of Object.keys(cache)) if (k.endsWith(`\n${url}`)) delete cache[k];
  await chrome.storage.session.set({ [CACHE]: cache });
}
