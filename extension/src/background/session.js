// @ts-check
/**
 * The flagged posts of this browser session, in chrome.storage.session: it outlives the worker (stopped
 * when idle) but not the browser, and is never written to disk — only flagged posts are kept at all
 * (privacy by design: an unflagged post leaves no trace once its tab is gone).
 */

/** @typedef {import('../shared/messages.js').SessionEntry} SessionEntry */

const ENTRIES = 'session_entries';
const FOCUS = 'session_focus';
/** Oldest entries go first past this many, so the storage area's quota (10 MB) is never hit by a long shift. */
export const MAX_ENTRIES = 500;
/** Texts kept per entry are cut to this many UTF-16 units; the analysis offsets stay valid for the prefix. */
export const MAX_TEXT = 20000;

/** Serialises read-modify-write cycles: two tabs flagging at once must not lose an entry. */
let chain = Promise.resolve();

/** @returns {Promise<SessionEntry[]>} */
export async function entries() {
  const got = await chrome.storage.session.get(ENTRIES);
  return Array.isArray(got[ENTRIES]) ? got[ENTRIES] : [];
}

/**
 * Adds or replaces entries (by post key) and drops those whose post is no longer flagged.
 * @param {SessionEntry[]} flagged
 * @param {string[]} unflaggedKeys
 * @returns {Promise<number>} the number of entries after the update
 */
export function update(flagged, unflaggedKeys) {
  const run = chain.then(async () => {
    const list = await entries();
    const byKey = new Map(list.map((e) => [e.post.key, e]));
    for (const k of unflaggedKeys) byKey.delete(k);
    for (const e of flagged) {
      const text = e.post.text.length > MAX_TEXT ? e.post.text.slice(0, MAX_TEXT) : e.post.text;
      byKey.delete(e.post.key); // re-insert last: most recent at the end
      byKey.set(e.post.key, { ...e, post: { ...e.post, text } });
    }
    const next = [...byKey.values()].slice(-MAX_ENTRIES);
    await chrome.storage.session.set({ [ENTRIES]: next });
    return next.length;
  });
  chain = run.then(() => {}, () => {});
  return run;
}

/** @param {string} key */
export async function entry(key) {
  return (await entries()).find((e) => e.post.key === key) ?? null;
}

export async function clear() {
  await chrome.storage.session.remove([ENTRIES, FOCUS]);
}

/** @param {string} key */
export async function setFocus(key) {
  await chrome.storage.session.set({ [FOCUS]: key });
}

/** @returns {Promise<string|null>} */
export async function focus() {
  const got = await chrome.storage.session.get(FOCUS);
  return typeof got[FOCUS] === 'string' ? got[FOCUS] : null;
}
