// @ts-check
import { CATEGORIES, CATEGORY_IDS, PREFECTURES } from './categories.js';

/**
 * The officer's settings, kept in chrome.storage.local under one key so that a change is one atomic
 * write and one `storage.onChanged` event (the worker rebuilds its analyzer when the jurisdiction changes).
 * @typedef {{
 *   endpoint: string, token: string, role: 'officer'|'volunteer'|'supervisor',
 *   unit: string, jurisdiction: string, categories: string[]
 * }} Settings
 */

export const SETTINGS_KEY = 'settings';
export const ROLES = /** @type {const} */ (['volunteer', 'officer', 'supervisor']);
export const ROLE_NAMES = { volunteer: 'ボランティア', officer: '警察官', supervisor: '幹部（承認者）' };

/**
 * Volunteer is the default: it shows the fewest actions (000 §3, 004), so a fresh install cannot
 * prepare official documents by accident.
 * @type {Settings}
 */
export const DEFAULT_SETTINGS = Object.freeze({
  endpoint: '',
  token: '',
  role: 'volunteer',
  unit: '',
  jurisdiction: '熊本県',
  categories: CATEGORIES.map((c) => c.id),
});

/**
 * Checks and normalises settings from storage or the options form; throws with a Japanese message
 * the options page shows as is.
 * @param {unknown} raw
 * @returns {Settings}
 */
export function checkSettings(raw) {
  const o = /** @type {Record<string, unknown>} */ (raw && typeof raw === 'object' ? raw : {});
  const s = { ...DEFAULT_SETTINGS, ...o };
  const endpoint = String(s.endpoint ?? '').trim();
  if (endpoint) {
    let url;
    try {
      url = new URL(endpoint);
    } catch {
      throw new Error('送信先URLが正しくありません。');
    }
    const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      throw new Error('送信先URLは https:// で始めてください（試験用の localhost を除く）。');
    }
  }
  const role = /** @type {Settings['role']} */ (String(s.role));
  if (!ROLES.includes(role)) throw new Error('役割が正しくありません。');
  const jurisdiction = String(s.jurisdiction);
  if (!PREFECTURES.includes(jurisdiction)) throw new Error('管轄（都道府県）が正しくありません。');
  const categories = Array.isArray(s.categories) ? s.categories.map(String).filter((c) => CATEGORY_IDS.has(c)) : [];
  return {
    endpoint,
    token: String(s.token ?? '').trim(),
    role,
    unit: String(s.unit ?? '').trim(),
    jurisdiction,
    categories,
  };
}

/** @returns {Promise<Settings>} */
export async function loadSettings() {
  const stored = await chrome.storage.local.get(SETTINGS_KEY);
  try {
    return checkSettings(stored[SETTINGS_KEY]);
  } catch {
    // Damaged settings must not stop patrol: fall back to the defaults; the options page shows them.
    return { ...DEFAULT_SETTINGS, categories: [...DEFAULT_SETTINGS.categories] };
  }
}

/** @param {Settings} settings */
export async function saveSettings(settings) {
  await chrome.storage.local.set({ [SETTINGS_KEY]: checkSettings(settings) });
}
