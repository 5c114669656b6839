// @ts-check
/**
 * Signed site-profile updates from the agency endpoint (review S4): X changes its markup more often
 * than a store review allows a release, so the endpoint publishes signed bundles
 * (GET /api/site-profiles/latest, server/openapi.json SignedBundle) and the extension takes one only
 * when it verifies against the public key the officer's administrator entered on the options page
 * (stored here, in chrome.storage.local, which content scripts cannot read: senders.js) and is newer
 * than every version accepted before (a replayed older bundle is refused: rollback).
 *
 * The bundle is stored **as received** ({key_id, payload, signature}); profiles.js verifies it again
 * on every load, so nothing in storage is trusted because it is there. The outcome of the last check
 * is kept for the options page in Japanese.
 *
 * Used by the worker (alarm + start-up) and by the options page (「今すぐ確認」).
 */
import { compareVersions, verifyBundle } from '../shared/bundle.js';
import { loadSettings } from '../shared/settings.js';

export const PUBLIC_KEY_KEY = 'profiles_public_key';
export const SIGNED_KEY = 'profiles_signed';
/** The highest version ever accepted: a later load or check refuses anything below it. */
export const HIGHEST_KEY = 'profiles_highest';
export const STATE_KEY = 'profiles_update_state';
export const ALARM = 'patrol-profile-update';
/** Minutes between checks. */
export const PERIOD_MIN = 60;
/** A worker start-up checks only when the last check is older than this (minutes). */
export const STARTUP_MIN = 10;

/**
 * @typedef {{state: 'updated'|'current'|'refused'|'unreachable'|'none'|'no-key'|'no-endpoint',
 *   message: string, version: string|null, checked_at: string}} UpdateState
 */

/** @param {string} state @param {string} message @param {string|null} [version] @returns {UpdateState} */
const outcome = (state, message, version = null) =>
  /** @type {UpdateState} */ ({ state, message, version, checked_at: new Date().toISOString() });

/** @returns {Promise<string>} the administrator's Ed25519 public key (base64), '' when none is set */
export async function publicKey() {
  const v = (await chrome.storage.local.get(PUBLIC_KEY_KEY))[PUBLIC_KEY_KEY];
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * Sets the public key; refuses (Japanese) anything that is not 32 bytes of base64. A new key drops the
 * stored bundle: it was accepted under the old key.
 * @param {string} key
 */
export async function setPublicKey(key) {
  const k = key.trim();
  if (k !== '') {
    let n = -1;
    try {
      n = atob(k).length;
    } catch {
      // reported below
    }
    if (n !== 32) throw new Error('公開鍵は Ed25519 の公開鍵（32 バイト）を base64 で入力してください。');
  }
  if (k !== (await publicKey())) await chrome.storage.local.remove([SIGNED_KEY, HIGHEST_KEY, STATE_KEY]);
  await chrome.storage.local.set({ [PUBLIC_KEY_KEY]: k });
}

/** @returns {Promise<UpdateState|null>} */
export async function lastState() {
  return /** @type {UpdateState|null} */ ((await chrome.storage.local.get(STATE_KEY))[STATE_KEY] ?? null);
}

/**
 * The stored signed bundle, verified now; null when there is none or it does not verify (then the
 * packaged profiles are used and the reason is recorded).
 * @param {string} packagedVersion
 * @returns {Promise<{version: string, profiles: object[]}|null>}
 */
export async function verifiedStoredProfiles(packagedVersion) {
  const got = await chrome.storage.local.get([SIGNED_KEY, HIGHEST_KEY, PUBLIC_KEY_KEY]);
  const signed = /** @type {import('../shared/bundle.js').Bundle|undefined} */ (got[SIGNED_KEY]);
  const key = typeof got[PUBLIC_KEY_KEY] === 'string' ? got[PUBLIC_KEY_KEY].trim() : '';
  if (!signed || !key) return null;
  const check = await verifyBundle(signed, key, null);
  if (!check.ok) {
    await chrome.storage.local.set({ [STATE_KEY]: outcome('refused', `保存されているサイト定義を使用しません: ${check.reason}`) });
    return null;
  }
  const highest = typeof got[HIGHEST_KEY] === 'string' ? got[HIGHEST_KEY] : null;
  if (highest && (compareVersions(check.version, highest) ?? -1) < 0) {
    await chrome.storage.local.set({ [STATE_KEY]: outcome('refused', `保存されているサイト定義 ${check.version} は受け入れ済みの ${highest} より古いため使用しません。`) });
    return null;
  }
  if ((compareVersions(check.version, packagedVersion) ?? -1) <= 0) return null;
  return { version: check.version, profiles: check.profiles };
}

/**
 * Fetches the endpoint's latest bundle and takes it when it verifies and is newer.
 * @param {{currentVersion: () => Promise<string>, fetchImpl?: typeof fetch}} opts
 * @returns {Promise<UpdateState>}
 */
export async function checkForUpdate({ currentVersion, fetchImpl = fetch }) {
  const settings = await loadSettings();
  const key = await publicKey();
  /** @type {UpdateState} */
  let result;
  if (!settings.endpoint) {
    result = outcome('no-endpoint', '送信先が設定されていないため、サイト定義の更新は確認していません（同梱の定義を使用中）。');
  } else if (!key) {
    result = outcome('no-key', 'サイト定義の署名用公開鍵が設定されていないため、本部からの更新は受け入れません（同梱の定義を使用中）。管理者に公開鍵を確認してください。');
  } else {
    result = await fetchAndVerify(settings.endpoint, key, await currentVersion(), fetchImpl);
  }
  await chrome.storage.local.set({ [STATE_KEY]: result });
  return result;
}

/**
 * @param {string} endpoint @param {string} key @param {string} current @param {typeof fetch} fetchImpl
 * @returns {Promise<UpdateState>}
 */
async function fetchAndVerify(endpoint, key, current, fetchImpl) {
  let bundle;
  try {
    // Joined under the endpoint's own path, as the sync module's routes are: an endpoint behind a prefix
    // (https://host/patrol) serves the bundle at /patrol/api/site-profiles/latest.
    const base = new URL(endpoint);
    const r = await fetchImpl(new URL(`${base.pathname.replace(/\/+$/, '')}/api/site-profiles/latest`, base.origin), {
      headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(15000), cache: 'no-store',
    });
    if (r.status === 404) return outcome('none', `本部から配布されたサイト定義はまだありません（使用中 ${current}）。`, current);
    if (!r.ok) return outcome('unreachable', `サイト定義の更新を確認できません（HTTP ${r.status}）。使用中 ${current} のまま動作します。`, current);
    bundle = await r.json();
  } catch (e) {
    return outcome('unreachable', `サイト定義の更新を確認できません（${e instanceof Error ? e.message : String(e)}）。使用中 ${current} のまま動作します。`, current);
  }
  // Only what is signed counts: {key_id, payload, signature}; the unsigned `version` beside it is ignored.
  const signed = { key_id: bundle?.key_id, payload: bundle?.payload, signature: bundle?.signature };
  const check = await verifyBundle(signed, key, null);
  if (!check.ok) return outcome('refused', `本部から受け取ったサイト定義を拒否しました: ${check.reason}。使用中 ${current} のまま動作します。`, current);
  const highest = (await chrome.storage.local.get(HIGHEST_KEY))[HIGHEST_KEY];
  const floor = typeof highest === 'string' && (compareVersions(highest, current) ?? 0) > 0 ? highest : current;
  const cmp = compareVersions(check.version, floor);
  if (cmp === null) return outcome('refused', `サイト定義の版 ${check.version} を比較できないため拒否しました。`, current);
  if (cmp === 0) return outcome('current', `サイト定義は最新です（${current}）。`, current);
  if (cmp < 0) {
    return outcome('refused', `本部から受け取ったサイト定義 ${check.version} は使用中の ${floor} より古いため拒否しました（古い配布物の再送の可能性）。`, current);
  }
  await chrome.storage.local.set({ [SIGNED_KEY]: signed, [HIGHEST_KEY]: check.version });
  return outcome('updated', `サイト定義を ${check.version} に更新しました（署名を確認済み）。`, check.version);
}

/**
 * Wires the worker: a periodic alarm and a check at start-up.
 * @param {() => Promise<string>} currentVersion
 */
export function scheduleProfileUpdates(currentVersion) {
  chrome.alarms?.get(ALARM).then((a) => {
    if (!a) chrome.alarms.create(ALARM, { delayInMinutes: 1, periodInMinutes: PERIOD_MIN });
  }).catch(() => {});
  chrome.alarms?.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM) checkForUpdate({ currentVersion }).catch(() => {});
  });
  // The worker starts again after every idle stop (~30 s): check at start-up only when the last check
  // is older than STARTUP_MIN, so the endpoint is not asked on every wake-up.
  lastState().then((st) => {
    const age = st ? Date.now() - Date.parse(st.checked_at) : Infinity;
    if (!(age < STARTUP_MIN * 60_000)) return checkForUpdate({ currentVersion });
    return null;
  }).catch(() => {});
}
