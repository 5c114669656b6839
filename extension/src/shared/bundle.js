/**
 * Signed site-profile bundles from the agency endpoint (format: docs/architecture.md).
 * Profiles can then follow X's markup changes without a new extension release, but only
 * profiles signed by the agency's key, and only forward: an older or equal version (a replayed
 * bundle) is refused. Same checks, same order, as crates/patrol-sites/src/bundle.rs:
 * signature first (nothing in the payload is trusted before it holds), then version, then profiles.
 */

import { compileProfile } from '../content/extract.js';

/** @typedef {{key_id: string, payload: string, signature: string}} Bundle */
/** @typedef {{ok: true, version: string, profiles: object[], key_id: string} | {ok: false, code: 'malformed'|'bad_key'|'bad_signature'|'not_newer'|'invalid_profile', reason: string}} BundleCheck */

/** @param {string} s */
function fromBase64(s) {
  const bin = atob(s.trim());
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** @param {unknown} v */
function versionParts(v) {
  if (typeof v !== 'string' || !/^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/.test(v)) return null;
  return v.split('.').map(Number);
}

/**
 * Compares profile versions (YYYY.MM.DD.N) part by part; null when either is malformed.
 * @param {string} a @param {string} b
 */
export function compareVersions(a, b) {
  const x = versionParts(a);
  const y = versionParts(b);
  if (!x || !y) return null;
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/**
 * @param {string} code @param {string} reason
 * @returns {BundleCheck}
 */
const refuse = (code, reason) => /** @type {BundleCheck} */ ({ ok: false, code, reason });

/**
 * Verifies a bundle against the configured Ed25519 public key (base64 of 32 bytes) and the
 * version in use. Never throws: the result says why a bundle is refused (Japanese, for the officer).
 * @param {Bundle} bundle
 * @param {string} publicKeyBase64
 * @param {string|null} currentVersion
 * @returns {Promise<BundleCheck>}
 */
export async function verifyBundle(bundle, publicKeyBase64, currentVersion) {
  if (!bundle || typeof bundle.payload !== 'string' || typeof bundle.signature !== 'string' || typeof bundle.key_id !== 'string') {
    return refuse('malformed', '形式が不正です（key_id, payload, signature が必要）');
  }
  let payload, signature, keyBytes;
  try {
    payload = fromBase64(bundle.payload);
    signature = fromBase64(bundle.signature);
  } catch {
    return refuse('malformed', 'payload または signature が base64 ではありません');
  }
  try {
    keyBytes = fromBase64(publicKeyBase64);
  } catch {
    return refuse('bad_key', '設定された公開鍵が base64 ではありません');
  }
  if (keyBytes.length !== 32) return refuse('bad_key', '設定された公開鍵が Ed25519 の鍵（32 バイト）ではありません');
  if (signature.length !== 64) return refuse('malformed', '署名の長さが不正です（64 バイトではありません）');
  let valid = false;
  try {
    const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'Ed25519' }, false, ['verify']);
    valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, payload);
  } catch (e) {
    return refuse('bad_key', `公開鍵を読み込めません: ${/** @type {Error} */ (e).message}`);
  }
  if (!valid) {
    return refuse('bad_signature', '署名が検証できません（内容が改ざんされたか、別の鍵で署名されています）');
  }
  let parsed;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return refuse('malformed', '署名済みの内容が JSON ではありません');
  }
  if (!parsed || !Array.isArray(parsed.profiles) || versionParts(parsed.version) === null) {
    return refuse('malformed', '署名済みの内容に version（YYYY.MM.DD.N）と profiles がありません');
  }
  if (currentVersion != null) {
    const cmp = compareVersions(parsed.version, currentVersion);
    if (cmp === null) return refuse('malformed', `現在のバージョン ${currentVersion} が不正です`);
    if (cmp <= 0) {
      return refuse('not_newer', `バージョン ${parsed.version} は使用中の ${currentVersion} より新しくありません（古い配布物の再送）`);
    }
  }
  const sites = new Set();
  for (const [i, p] of parsed.profiles.entries()) {
    try {
      compileProfile(p);
    } catch (e) {
      return refuse('invalid_profile', `サイト定義 ${i} が不正です: ${/** @type {Error} */ (e).message}`);
    }
    if (sites.has(p.site)) return refuse('invalid_profile', `サイト ${p.site} の定義が重複しています`);
    sites.add(p.site);
  }
  return { ok: true, version: parsed.version, profiles: parsed.profiles, key_id: bundle.key_id };
}
