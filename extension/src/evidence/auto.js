// @ts-check
/**
 * Optional automatic capture (default off; the officer turns it on in the options page): a suicide
 * notice or group-suicide call that meets all four requirements of 003 §4(1) (`analysis.inquiry`) is
 * captured as soon as it is flagged, because such a post may be deleted within minutes and the
 * inquiry to the provider (様式第1号) needs the evidence. Only for officers and supervisors (000 §3,
 * 004), only once per post, and only when the post's tab is the one on screen: the extension never
 * switches tabs by itself (captureVisibleTab sees only the visible tab).
 *
 * Wired without touching the worker: the session's flagged posts live in chrome.storage.session
 * (background/session.js), so a change there is the signal.
 */
import { capturePost } from './actions.js';
import { caseOfPost, evidenceStore } from '../sync/evidence-link.js';
import { loadSettings } from '../shared/settings.js';
import { entries as sessionEntries } from '../background/session.js';
import { autoCaptureOn } from './auto-setting.js';

const SUICIDE = ['suicide_notice', 'group_suicide'];

/**
 * Whether an entry qualifies: a suicide category and 003 §4(1) met.
 * @param {import('../shared/messages.js').SessionEntry} e
 */
export function qualifies(e) {
  return e.categories.some((c) => SUICIDE.includes(c)) && e.analysis.inquiry === true;
}

/** Keys captured or being captured in this worker's life (the store is checked too). */
const tried = new Set();

/** @param {import('../shared/messages.js').SessionEntry[]} entries */
export async function autoCapture(entries) {
  const candidates = entries.filter((e) => qualifies(e) && !tried.has(e.post.key) && e.tab_id !== null);
  if (candidates.length === 0 || !(await autoCaptureOn())) return [];
  const settings = await loadSettings();
  if (settings.role === 'volunteer') return [];
  const store = await evidenceStore();
  const done = [];
  for (const e of candidates) {
    tried.add(e.post.key);
    try {
      if (await caseOfPost(store, { key: e.post.key, url: '' })) continue;
      // The entry may name a tab the officer has closed since (the session keeps the post): not a failure,
      // and the post must stay a candidate for when it shows up again in an open tab (review finding: it was
      // marked as tried for the worker's life, so reopening the post never captured it).
      const tab = await chrome.tabs.get(/** @type {number} */ (e.tab_id)).catch(() => null);
      if (!tab || !tab.active) {
        tried.delete(e.post.key); // try again when the officer is on that tab
        continue;
      }
      const captured = await capturePost(e, settings, { onlyWithScreen: true });
      if (!captured) {
        tried.delete(e.post.key); // the tab left the screen or the post is not on it: again when it is back
        continue;
      }
      const { caseId } = captured;
      await store.addNote(caseId, { text: '003 §4(1) の要件を満たす自殺予告等のため自動で保存しました（設定: 自動保存）', auto: true });
      done.push(caseId);
    } catch (err) {
      console.warn('patrol: automatic capture failed:', err);
    }
  }
  return done;
}

chrome.storage?.onChanged?.addListener((changes, area) => {
  if (area !== 'session') return;
  for (const change of Object.values(changes)) {
    const v = change.newValue;
    if (Array.isArray(v) && v.length > 0 && v[0]?.post && v[0]?.analysis) {
      autoCapture(v).catch((e) => console.warn('patrol: automatic capture failed:', e));
    }
  }
});

// A qualifying post flagged in a background tab is captured when the officer brings that tab up.
chrome.tabs?.onActivated?.addListener(() => {
  sessionEntries().then(autoCapture).catch((e) => console.warn('patrol: automatic capture failed:', e));
});
