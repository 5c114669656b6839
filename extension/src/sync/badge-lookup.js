// @ts-check
/**
 * Inline on the page: what the endpoint knows of a flagged post (報告済み / 削除依頼不可 / 削除済み), as a
 * small note beside the post's badge (src/content/badge.js). The content script calls `showLookup` for
 * flagged posts only; the worker refuses a lookup of any post that is not in the session's flagged list.
 * Texts are set with textContent. Nothing is shown when the endpoint has nothing to say or is not
 * configured/reachable (the side panel says that in full).
 *
 * The note lives in a shadow root of its own, *closed*, inside the badge's: the badge's root is open, and
 * the page's own scripts (the site itself, or whatever script runs on it) must not read what the police
 * endpoint said — which unit holds a URL, why, whom to call, how far a case got (SECURITY.md §7; review
 * finding: the note and its tooltip were readable through `host.shadowRoot`). The closed roots are kept
 * here, in the content script's isolated world, where the page cannot reach them.
 */
import { send } from '../shared/messages.js';
import { lookupPost } from './messages.js';

/** Marks the host of the note's closed shadow root (inside the badge's shadow root). */
export const NOTE_ATTR = 'data-patrol-lookup';
/** note host → the note inside its closed shadow root (reachable only from this isolated world). */
const notes = /** @type {WeakMap<Element, HTMLElement>} */ (new WeakMap());

/** Answers are reused this long in the page (ms); the worker has its own cache too. */
const PAGE_TTL_MS = 60 * 1000;
/** @type {Map<string, {at: number, view: any}|{at: number, pending: Promise<any>}>} */
const memo = new Map();

const STYLE = `.patrol-lookup { display: inline-block; margin-left: 6px; padding: 1px 6px; border-radius: 8px;
  font: 11px/1.4 system-ui, "Noto Sans CJK JP", sans-serif; background: #eceff1; color: #1a1a1a; }
.patrol-lookup[data-held="true"] { background: #e65100; color: #fff; font-weight: bold; }
.patrol-lookup[data-removed="true"] { background: #2e7d32; color: #fff; }`;

/**
 * The short text of the note, or null when there is nothing to say.
 * @param {any} v a LookupView (lookup.js)
 */
export function noteText(v) {
  if (!v || v.state !== 'ok') return null;
  /** @type {string[]} */
  const parts = [];
  if (v.hold) parts.push(v.held_by_other_unit ? `削除依頼不可（${v.hold.unit}）` : '削除依頼不可（自所属）');
  if (v.removed) parts.push('削除済み');
  if (v.reported) parts.push(v.reports > 1 ? `報告済み ${v.reports}件` : '報告済み');
  return parts.length ? parts.join('・') : null;
}

/** @param {string} key */
async function lookupOnce(key) {
  const now = Date.now();
  const hit = memo.get(key);
  if (hit && now - hit.at < PAGE_TTL_MS) return 'view' in hit ? hit.view : hit.pending;
  const pending = send(lookupPost(key)).then((/** @type {any} */ r) => r.lookup, () => null);
  memo.set(key, { at: now, pending });
  const view = await pending;
  memo.set(key, { at: now, view });
  return view;
}

/**
 * Adds (or refreshes) the note beside the badge of `element` (the badge must already be mounted).
 * @param {Element} element the post element
 * @param {string} key the post's key
 * @param {string} badgeAttr the badge host's attribute (badge.js BADGE_ATTR)
 */
export async function showLookup(element, key, badgeAttr) {
  const view = await lookupOnce(key);
  const badge = element.querySelector(`:scope > [${badgeAttr}]`);
  const root = badge?.shadowRoot;
  if (!root) return;
  const text = noteText(view);
  let noteHost = /** @type {HTMLElement|null} */ (root.querySelector(`[${NOTE_ATTR}]`));
  if (!text) {
    noteHost?.remove();
    return;
  }
  let note = noteHost ? notes.get(noteHost) : undefined;
  if (!noteHost || !note) {
    noteHost?.remove();
    noteHost = document.createElement('span');
    noteHost.setAttribute(NOTE_ATTR, '');
    const closed = noteHost.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    note = document.createElement('span');
    note.className = 'patrol-lookup';
    closed.append(style, note);
    notes.set(noteHost, note);
    root.append(noteHost);
  }
  note.textContent = text;
  note.title = view.message;
  note.dataset.held = String(!!view.hold);
  note.dataset.removed = String(!!view.removed);
  note.dataset.reported = String(!!view.reported);
}
