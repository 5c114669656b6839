// @ts-check
/**
 * The site profiles the content script interprets: the ones packaged with the extension
 * (profiles/bundle.json, written by scripts/build-extension.sh from profiles/*.json), or a newer
 * signed bundle from the agency endpoint kept in chrome.storage.local — X changes its markup more
 * often than a store review allows a release.
 */

import { verifiedStoredProfiles } from './profile-updates.js';

/** @typedef {{version: string, profiles: object[]}} ProfileSet */

/** @type {Promise<ProfileSet>|null} */
let bundled = null;

/** @returns {Promise<ProfileSet>} */
export function loadBundledProfiles() {
  bundled ??= fetch(chrome.runtime.getURL('profiles/bundle.json')).then(async (r) => {
    if (!r.ok) throw new Error(`patrol: the packaged site profiles cannot be read (HTTP ${r.status})`);
    const set = await r.json();
    if (typeof set?.version !== 'string' || !Array.isArray(set?.profiles)) {
      throw new Error('patrol: the packaged site profiles are malformed');
    }
    return set;
  });
  bundled.catch(() => {
    bundled = null;
  });
  return bundled;
}

/**
 * Compares dotted versions part by part as numbers ("2026.11.22.10" > "2026.11.22.9").
 * @param {string} a @param {string} b
 */
export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * The newest of the packaged set and the signed bundle from the endpoint (profile-updates.js). The
 * stored bundle is kept as received and its signature, version and profiles are verified again here on
 * every load (review S4): storage is never trusted for being storage, and a version below the highest
 * ever accepted is refused (rollback).
 * @returns {Promise<ProfileSet>}
 */
export async function loadProfiles() {
  const packaged = await loadBundledProfiles();
  const signed = await verifiedStoredProfiles(packaged.version);
  return signed ?? packaged;
}
