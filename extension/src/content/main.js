// @ts-check
/**
 * The content script: finds the page's site profile, reads posts with the profiles' extraction engine
 * (./extract.js), asks the worker to analyse them (content scripts never compile wasm: X's CSP forbids
 * it), and marks each analysed post element in place: the `data-patrol-categories` attribute of the
 * contract and, when flagged, a badge.
 *
 * Cost on the page is kept small: the MutationObserver only queues nodes; work runs once per animation
 * frame, never while the tab is hidden; each post is analysed once (cached by `post.key`) and again only
 * when its author's profile text becomes known (profile page, hover card).
 */
import { authorProfiles, extractPosts, matchProfile } from './extract.js';
import { BADGE_ATTR, mountBadge, removeBadge } from './badge.js';
import { showLookup } from '../sync/badge-lookup.js';
import { analyzePosts, getProfiles, openPost, pageStatus, send } from '../shared/messages.js';

/** @typedef {import('../shared/messages.js').ExtractedPost} ExtractedPost */
/** @typedef {import('../shared/messages.js').Analysis} Analysis */

export const CATEGORIES_ATTR = 'data-patrol-categories';
/** Posts per message to the worker: small enough that the first badges appear early on a long page. */
const BATCH = 100;
/** Posts remembered per page life (an endless X timeline must not grow memory without bound); oldest go first. */
const MAX_REMEMBERED = 20000;

/** @type {any} */
let profile = null;
/** @type {{version: string, profiles: object[]}|null} */
let profileSet = null;
let href = location.href;
/** @type {Set<Node>} */
const queue = new Set();
let scheduled = false;
/** Results by post key: text and profile they were computed from, and the analysis. */
/** @type {Map<string, {text: string, profile: string, analysis: Analysis|null, pending: boolean}>} */
const cache = new Map();
/** Post elements seen, with the post extracted from them (weak: X recycles its DOM as one scrolls). */
/** @type {WeakMap<Element, ExtractedPost>} */
const elements = new WeakMap();
/** The live elements of each post key; disconnected ones are dropped when met. */
/** @type {Map<string, Set<Element>>} */
const byKey = new Map();
/** Post keys by author handle (lower case), to re-analyse an author's posts when the profile appears. */
/** @type {Map<string, Set<string>>} */
const byHandle = new Map();
/** The last extracted post of each key (what is re-sent when the author's profile becomes known). */
/** @type {Map<string, ExtractedPost>} */
const posts = new Map();

/** Size of `posts` at which forgetOldest next looks (it cannot forget posts still on the page). */
let nextForget = MAX_REMEMBERED;

/**
 * Forgets the oldest posts past MAX_REMEMBERED (Maps iterate in insertion order), but only those no
 * longer on the page and not awaiting their analysis: a page that really holds 100,000 posts keeps
 * them all (forgetting one still waiting for its result left it unmarked for good — hostile gallery).
 * Runs once per flush; when nothing can go it waits for another quarter of the bound before looking again.
 */
function forgetOldest() {
  if (posts.size <= nextForget) return;
  for (const [key, post] of posts) {
    if (posts.size <= MAX_REMEMBERED) break;
    if (cache.get(key)?.pending || liveElements(key).length > 0) continue;
    posts.delete(key);
    cache.delete(key);
    byKey.delete(key);
    const h = post?.author_handle?.toLowerCase();
    if (h) {
      byHandle.get(h)?.delete(key);
      if (byHandle.get(h)?.size === 0) byHandle.delete(h);
    }
  }
  nextForget = Math.max(MAX_REMEMBERED, posts.size + MAX_REMEMBERED / 4);
}

/** @param {Element} element @param {ExtractedPost} post */
function remember(element, post) {
  elements.set(element, post);
  posts.delete(post.key); // re-inserted last: recently seen posts are kept longest
  posts.set(post.key, post);
  let set = byKey.get(post.key);
  if (!set) byKey.set(post.key, (set = new Set()));
  set.add(element);
  const h = post.author_handle?.toLowerCase();
  if (h) {
    let keys = byHandle.get(h);
    if (!keys) byHandle.set(h, (keys = new Set()));
    keys.add(post.key);
  }
}

/** The connected elements of a post key. @param {string} key */
function liveElements(key) {
  const set = byKey.get(key);
  if (!set) return [];
  for (const e of set) if (!e.isConnected) set.delete(e);
  return [...set];
}
/** Author profile texts learnt on this page, by handle. */
/** @type {Map<string, string>} */
const profiles = new Map();
let flaggedCount = 0;
/** Main-thread time this script has spent on the page (reading posts, marking them), in ms: a figure for the tests. */
let busyMs = 0;
let statusTimer = 0;

/** @param {unknown} e */
function quiet(e) {
  // The extension being reloaded or updated under an open page is not the page's problem.
  if (!(e instanceof Error) || !/context invalidated|Receiving end/i.test(e.message)) {
    console.debug('patrol:', e);
  }
}

let frame = 0;
let timer = 0;

/** Runs the queued work once: at the next animation frame, or after FALLBACK_MS when frames are held back. */
function run() {
  cancelAnimationFrame(frame);
  clearTimeout(timer);
  frame = 0;
  timer = 0;
  flush();
}
/** Chromium holds back animation frames of pages it does not paint (occluded windows, headless). */
const FALLBACK_MS = 250;

function arm() {
  if (frame || timer) return;
  frame = requestAnimationFrame(run);
  timer = window.setTimeout(run, FALLBACK_MS);
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  if (document.hidden) return; // resumed by visibilitychange
  arm();
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && scheduled) arm();
});

/** @param {Node} n */
const isBadge = (n) => n.nodeType === Node.ELEMENT_NODE && /** @type {Element} */ (n).hasAttribute(BADGE_ATTR);

/** @param {MutationRecord[]} records */
function onMutations(records) {
  for (const r of records) {
    for (const n of r.addedNodes) {
      if (n.nodeType === Node.ELEMENT_NODE && /** @type {Element} */ (n).hasAttribute(BADGE_ATTR)) continue;
      queue.add(n.nodeType === Node.ELEMENT_NODE ? n : r.target);
    }
    if (r.type === 'characterData' && r.target.parentNode) queue.add(r.target.parentNode);
    // Text taken out of a post (an edit that deletes a sentence) must be read again too; removals
    // elsewhere (X recycling whole posts) need nothing.
    if (r.removedNodes.length > 0 && ![...r.removedNodes].every(isBadge) && enclosingPost(r.target)) queue.add(r.target);
  }
  if (queue.size > 0 || location.href !== href) schedule();
}

/** The nearest known post element containing `node`, if any. */
/** @param {Node} node */
function enclosingPost(node) {
  for (let n = /** @type {Node|null} */ (node); n; n = n.parentNode) {
    if (n.nodeType === Node.ELEMENT_NODE && elements.has(/** @type {Element} */ (n))) return /** @type {Element} */ (n);
  }
  return null;
}

function flush() {
  const t0 = performance.now();
  try {
    flushNow();
  } finally {
    busyMs += performance.now() - t0;
  }
}

function flushNow() {
  scheduled = false;
  if (document.hidden) {
    scheduled = true;
    return;
  }
  if (location.href !== href) {
    // SPA navigation (X): the page is another view now; its profile may differ (timeline → profile page).
    href = location.href;
    if (profileSet) profile = matchProfile(profileSet.profiles, location, document);
    queue.clear();
    queue.add(document.documentElement);
  }
  if (!profile) {
    queue.clear();
    reportStatus();
    return;
  }
  const roots = [...queue];
  queue.clear();
  /** @type {Set<Element>} */
  const scanRoots = new Set();
  for (const n of roots) {
    if (!n.isConnected) continue;
    const post = enclosingPost(n);
    // A node added inside a known post (text rendered late) means that post must be read again.
    const root = post ?? (n.nodeType === Node.ELEMENT_NODE ? /** @type {Element} */ (n) : n.parentElement);
    if (root) scanRoots.add(root);
  }
  // Drop roots inside other roots: each subtree is read once per frame.
  for (const r of [...scanRoots]) {
    for (let p = r.parentElement; p; p = p.parentElement) {
      if (scanRoots.has(p)) {
        scanRoots.delete(r);
        break;
      }
    }
  }
  learnProfiles();
  /** @type {ExtractedPost[]} */
  const toAnalyse = [];
  for (const root of scanRoots) {
    for (const { element, post } of extractPosts(profile, root)) {
      const known = post.author_handle ? profiles.get(post.author_handle.toLowerCase()) : undefined;
      if (!post.profile && known) post.profile = known;
      remember(element, post);
      if (!post.text.trim()) {
        // Nothing to read (a photo-only post, or broken markup that left the words outside the post's
        // text element): the analyzer refuses empty text, and the post is still analysed — nothing applies.
        if (element.getAttribute(CATEGORIES_ATTR) !== '') element.setAttribute(CATEGORIES_ATTR, '');
        removeBadge(element);
        continue;
      }
      const cached = cache.get(post.key);
      if (cached && cached.text === post.text && cached.profile === (post.profile ?? '')) {
        if (cached.analysis) apply(element, post, cached.analysis);
        continue;
      }
      cache.set(post.key, { text: post.text, profile: post.profile ?? '', analysis: null, pending: true });
      toAnalyse.push(post);
    }
  }
  forgetOldest();
  analyse(toAnalyse);
  reportStatus();
}

/** Profile texts of authors shown on this page (profile page header, hover cards); re-analyses their posts. */
function learnProfiles() {
  /** @type {ExtractedPost[]} */
  const again = [];
  for (const learnt of authorProfiles(profile, document)) {
    const handle = learnt.handle.toLowerCase();
    if (profiles.get(handle) === learnt.text) continue;
    profiles.set(handle, learnt.text);
    for (const key of byHandle.get(handle) ?? []) {
      const post = posts.get(key);
      if (post && post.profile !== learnt.text && liveElements(key).length > 0) {
        post.profile = learnt.text;
        cache.set(post.key, { text: post.text, profile: post.profile, analysis: null, pending: true });
        again.push(post);
      }
    }
  }
  analyse(again);
}

/** @param {ExtractedPost[]} posts */
async function analyse(posts) {
  for (let i = 0; i < posts.length; i += BATCH) {
    const batch = posts.slice(i, i + BATCH);
    try {
      /** @type {{results: import('../shared/messages.js').PostResult[]}} */
      const reply = await send(analyzePosts(batch));
      failures = 0;
      const t0 = performance.now();
      const byKey = new Map(reply.results.map((r) => [r.key, r]));
      for (const post of batch) {
        const r = byKey.get(post.key);
        const entry = cache.get(post.key);
        if (!r || !entry || entry.text !== post.text || entry.profile !== (post.profile ?? '')) continue;
        entry.pending = false;
        if (r.analysis) {
          entry.analysis = r.analysis;
          for (const element of liveElements(post.key)) apply(element, post, r.analysis);
        } else {
          console.debug('patrol: a post could not be analysed:', r.error);
        }
      }
      busyMs += performance.now() - t0;
    } catch (e) {
      for (const post of batch) cache.delete(post.key);
      quiet(e);
      retryLater(batch);
    }
    reportStatus();
  }
}

let failures = 0;
/**
 * Queues the posts of a failed batch again, with a growing delay: a worker that is starting up or
 * being updated must not leave a page's posts unmarked until the page happens to change.
 * @param {ExtractedPost[]} batch
 */
function retryLater(batch) {
  failures++;
  if (failures > 6) return; // the extension is gone (reloaded/removed): stop quietly
  window.setTimeout(() => {
    for (const post of batch) for (const element of liveElements(post.key)) queue.add(element);
    schedule();
  }, 500 * 2 ** (failures - 1));
}

/**
 * @param {Element} element
 * @param {ExtractedPost} post
 * @param {Analysis} analysis
 */
function apply(element, post, analysis) {
  const value = analysis.categories.join(' ');
  if (element.getAttribute(CATEGORIES_ATTR) !== value) element.setAttribute(CATEGORIES_ATTR, value);
  if (analysis.categories.length > 0) {
    mountBadge(element, analysis, () => send(openPost(post.key)).catch(quiet));
    showLookup(element, post.key, BADGE_ATTR).catch(quiet); // sync: reported / held / removed, inline
  } else {
    removeBadge(element);
  }
}

function reportStatus() {
  if (statusTimer) return;
  statusTimer = window.setTimeout(() => {
    statusTimer = 0;
    let flagged = 0;
    for (const v of cache.values()) if (v.analysis && v.analysis.categories.length > 0) flagged++;
    flaggedCount = flagged;
    send(pageStatus({
      site: profile ? String(profile.site ?? profile.id ?? 'unknown') : null,
      profile_version: profile ? String(profile.version ?? profileSet?.version ?? '') : null,
      posts: cache.size,
      flagged: flaggedCount,
      url: location.href,
      main_thread_ms: Math.round(busyMs * 10) / 10,
    })).catch(quiet);
  }, 250);
}

async function start() {
  try {
    profileSet = await send(getProfiles());
  } catch (e) {
    quiet(e);
    return;
  }
  profile = matchProfile(/** @type {any} */ (profileSet).profiles, location, document);
  new MutationObserver(onMutations).observe(document.documentElement, {
    childList: true, subtree: true, characterData: true,
  });
  window.addEventListener('popstate', () => schedule());
  queue.add(document.documentElement);
  schedule();
}

start();
