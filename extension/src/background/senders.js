// @ts-check
/**
 * Who may ask the worker for what (review S5). The content script runs in every http(s) page, so a
 * compromised renderer on any site speaks with the content script's voice: it gets only the kinds a
 * content script needs to read posts and show badges. Everything else (settings, queue, evidence,
 * session) answers only the extension's own pages (side panel, options, offscreen document), and no
 * reply ever carries the endpoint token.
 */

/** The kinds content scripts send (src/content/main.js, src/sync/badge-lookup.js). */
export const CONTENT_KINDS = new Set(['get-profiles', 'analyze-posts', 'page-status', 'open-post', 'lookup-post']);

/**
 * True for the extension's own pages and workers (`sender.url` under the extension's origin).
 * @param {chrome.runtime.MessageSender} sender @param {string} extensionBase `chrome.runtime.getURL('')`
 * @param {string} extensionId
 */
export function fromExtension(sender, extensionBase, extensionId) {
  if (sender.id !== undefined && sender.id !== extensionId) return false;
  return typeof sender.url === 'string' && sender.url.startsWith(extensionBase);
}

/**
 * Null when `kind` may be answered for this sender, else the refusal's text.
 * @param {string} kind @param {chrome.runtime.MessageSender} sender @param {string} extensionBase @param {string} extensionId
 * @returns {string|null}
 */
export function refusal(kind, sender, extensionBase, extensionId) {
  if (fromExtension(sender, extensionBase, extensionId)) return null;
  if (sender.tab && CONTENT_KINDS.has(kind)) return null;
  return `patrol: この操作（${kind}）は拡張機能の画面からのみ行えます`;
}

/**
 * The settings as the pages may see them: the token never leaves the worker and storage.
 * @param {import('../shared/settings.js').Settings} settings
 */
export function publicSettings(settings) {
  const { token, ...rest } = settings;
  return { ...rest, has_token: token !== '' };
}

/**
 * Keeps content scripts out of chrome.storage.local (settings with the token, signed profiles).
 * Chromium ≥ 102 supports access levels (for `local` in current versions); Firefox has no such call
 * for `local`, where the message checks above are the protection. Returns what happened, for the log.
 */
export async function restrictStorage() {
  const local = /** @type {any} */ (chrome.storage.local);
  if (typeof local.setAccessLevel !== 'function') return 'unsupported';
  try {
    await local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
    return 'trusted';
  } catch (e) {
    console.warn('patrol: chrome.storage.local cannot be restricted to the extension:', e);
    return 'failed';
  }
}
