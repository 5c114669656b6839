// @ts-check
import { SYNC_KINDS, parseSyncMessage } from '../sync/messages.js';
import { EVIDENCE_KINDS, parseEvidenceMessage } from '../evidence/messages.js';

/**
 * The one message union exchanged by the content script, the service worker and the extension pages
 * (side panel, options). Every sender builds messages with the constructors below and every receiver
 * checks them with `parseMessage`, so a kind or payload that drifts fails loudly at the edge instead of
 * deep in a handler. Replies are always `Reply<T>`: `{ok: true, ...T}` or `{ok: false, error}`.
 */

/**
 * A post as the site profiles' extraction engine yields it (docs/architecture.md "Extracted post").
 * @typedef {{
 *   site: string, profile_version: string, key: string, url: string,
 *   post_id: string|null, post_no: string|null, board: string|null,
 *   author_handle: string|null, author_name: string|null, posted_at: string|null,
 *   text: string, media: string[], profile: string
 * }} ExtractedPost
 */

/**
 * A code-point span of the analysis (offsets count Unicode scalar values, not UTF-16 units).
 * @typedef {{source: string, start: number, end: number, text?: string, signal?: string, label?: string}} Span
 */

/**
 * The analyzer's result (the fields of `patrol analyze` minus `id`); only what the extension reads is typed.
 * `urgency` is present only when a suicide category applies; its `level` is `high`, `elevated` or `watch`.
 * @typedef {{
 *   categories: string[], minor: boolean, region: string, inquiry: boolean, ruleset: string,
 *   flags: {category: string, label: string, clause: string, rule: string, confidence: number, evidence: Span[]}[],
 *   child: {minor: boolean, signals: Span[], adult_signals: Span[]},
 *   jurisdiction: string,
 *   places: {name: string, prefectures: string[], kind: string, inside: boolean, source: string, start: number, end: number}[],
 *   urgency?: {timing: Span[], specific: Span[], explicit: Span[], doubt: Span[], inquiry: boolean, level: string},
 *   suppressed: unknown[]
 * }} Analysis
 */

/** @typedef {{key: string, analysis?: Analysis, error?: string}} PostResult */

/**
 * A flagged post kept for the session (chrome.storage.session): only flagged posts are kept at all.
 * @typedef {{post: ExtractedPost, analysis: Analysis, categories: string[], seen_at: string, tab_id: number|null, page_url: string}} SessionEntry
 */

/** @typedef {{evidence: boolean, forms: string[], report: boolean}} Capabilities */

/**
 * @typedef {{kind: 'get-profiles'}} GetProfiles
 * @typedef {{kind: 'analyze-posts', posts: ExtractedPost[]}} AnalyzePosts
 * @typedef {{kind: 'analyze-text', text: string, profile: string, site: string}} AnalyzeText
 * @typedef {{kind: 'page-status', site: string|null, profile_version: string|null, posts: number, flagged: number, url: string, main_thread_ms?: number}} PageStatus
 * @typedef {{kind: 'open-post', key: string}} OpenPost
 * @typedef {{kind: 'get-session'}} GetSession
 * @typedef {{kind: 'clear-session'}} ClearSession
 * @typedef {{kind: 'get-status'}} GetStatus
 * @typedef {{kind: 'session-updated', count: number, focus: string|null}} SessionUpdated
 * @typedef {{kind: 'capture-evidence', key: string}} CaptureEvidence
 * @typedef {{kind: 'render-form', key: string, form: string}} RenderForm
 * @typedef {{kind: 'submit-report', key: string, target: 'police'|'ihc'}} SubmitReport
 * @typedef {{key: string, text: string, profile: string, site: string}} HostItem
 * @typedef {{kind: 'host-analyze', jurisdiction: string, items: HostItem[]}} HostAnalyze
 * @typedef {{kind: 'host-warm', jurisdiction: string}} HostWarm
 * @typedef {{kind: 'host-status'}} HostStatus
 * @typedef {import('../sync/messages.js').SyncMessage} SyncMessage
 * @typedef {import('../evidence/messages.js').EvidenceMessage} EvidenceMessage
 * @typedef {GetProfiles|AnalyzePosts|AnalyzeText|PageStatus|OpenPost|GetSession|ClearSession|GetStatus|SessionUpdated|CaptureEvidence|RenderForm|SubmitReport|HostAnalyze|HostWarm|HostStatus|SyncMessage|EvidenceMessage} Message
 */

/**
 * @template T
 * @typedef {({ok: true} & T) | {ok: false, error: string}} Reply
 */

/** Every kind, for validation and for tests that enumerate the union (the sync module's kinds included). */
export const KINDS = /** @type {const} */ ([
  'get-profiles', 'analyze-posts', 'analyze-text', 'page-status', 'open-post', 'get-session',
  'clear-session', 'get-status', 'session-updated', 'capture-evidence', 'render-form', 'submit-report',
  'host-analyze', 'host-warm', 'host-status', ...SYNC_KINDS, ...EVIDENCE_KINDS,
]);

/** Worker → offscreen document (the analyzer's host in Chromium); the worker ignores them. */
export const HOST_KINDS = new Set(['host-analyze', 'host-warm', 'host-status']);

/** Broadcasts from the worker to the pages: the worker ignores them when they echo back. */
export const BROADCASTS = new Set(['session-updated', 'sync-updated']);

/** @param {string} jurisdiction @param {HostItem[]} items @returns {HostAnalyze} */
export const hostAnalyze = (jurisdiction, items) => ({ kind: 'host-analyze', jurisdiction, items });
/** @param {string} jurisdiction @returns {HostWarm} */
export const hostWarm = (jurisdiction) => ({ kind: 'host-warm', jurisdiction });
/** @returns {HostStatus} */
export const hostStatus = () => ({ kind: 'host-status' });

/** @returns {GetProfiles} */
export const getProfiles = () => ({ kind: 'get-profiles' });
/** @param {ExtractedPost[]} posts @returns {AnalyzePosts} */
export const analyzePosts = (posts) => ({ kind: 'analyze-posts', posts });
/** @param {string} text @param {string} [profile] @param {string} [site] @returns {AnalyzeText} */
export const analyzeText = (text, profile = '', site = '') => ({ kind: 'analyze-text', text, profile, site });
/**
 * @param {{site: string|null, profile_version: string|null, posts: number, flagged: number, url: string, main_thread_ms?: number}} s
 * @returns {PageStatus}
 */
export const pageStatus = (s) => ({ kind: 'page-status', ...s });
/** @param {string} key @returns {OpenPost} */
export const openPost = (key) => ({ kind: 'open-post', key });
/** @returns {GetSession} */
export const getSession = () => ({ kind: 'get-session' });
/** @returns {ClearSession} */
export const clearSession = () => ({ kind: 'clear-session' });
/** @returns {GetStatus} */
export const getStatus = () => ({ kind: 'get-status' });
/** @param {number} count @param {string|null} focus @returns {SessionUpdated} */
export const sessionUpdated = (count, focus) => ({ kind: 'session-updated', count, focus });
/** @param {string} key @returns {CaptureEvidence} */
export const captureEvidence = (key) => ({ kind: 'capture-evidence', key });
/** @param {string} key @param {string} form @returns {RenderForm} */
export const renderForm = (key, form) => ({ kind: 'render-form', key, form });
/** @param {string} key @param {'police'|'ihc'} target @returns {SubmitReport} */
export const submitReport = (key, target) => ({ kind: 'submit-report', key, target });

/** @param {unknown} v @param {string} what */
function str(v, what) {
  if (typeof v !== 'string') throw new Error(`patrol: message field ${what} must be a string`);
  return v;
}
/** @param {unknown} v @param {string} what */
function strOrNull(v, what) {
  return v === null ? null : str(v, what);
}
/** @param {unknown} v @param {string} what */
function count(v, what) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`patrol: message field ${what} must be a count`);
  return v;
}

/**
 * Checks an extracted post's required fields; the text is what matters, the rest is carried along.
 * @param {unknown} p
 * @returns {ExtractedPost}
 */
export function checkPost(p) {
  if (!p || typeof p !== 'object') throw new Error('patrol: a post must be an object');
  const o = /** @type {Record<string, unknown>} */ (p);
  str(o.key, 'post.key');
  str(o.text, 'post.text');
  str(o.site, 'post.site');
  if (o.profile !== undefined) str(o.profile, 'post.profile');
  return /** @type {ExtractedPost} */ (p);
}

/**
 * Validates a received message and returns it typed; throws an `Error` saying what is wrong.
 * @param {unknown} raw
 * @returns {Message}
 */
export function parseMessage(raw) {
  if (!raw || typeof raw !== 'object') throw new Error('patrol: a message must be an object');
  const m = /** @type {Record<string, unknown>} */ (raw);
  switch (m.kind) {
    case 'get-profiles':
    case 'get-session':
    case 'clear-session':
    case 'get-status':
    case 'host-status':
      return /** @type {Message} */ ({ kind: m.kind });
    case 'host-warm':
      return { kind: 'host-warm', jurisdiction: str(m.jurisdiction, 'jurisdiction') };
    case 'host-analyze': {
      if (!Array.isArray(m.items)) throw new Error('patrol: host-analyze needs an items array');
      const items = m.items.map((/** @type {any} */ it) => ({
        key: str(it?.key, 'item.key'), text: str(it?.text, 'item.text'), profile: str(it?.profile ?? '', 'item.profile'), site: str(it?.site ?? '', 'item.site'),
      }));
      return { kind: 'host-analyze', jurisdiction: str(m.jurisdiction, 'jurisdiction'), items };
    }
    case 'analyze-posts':
      if (!Array.isArray(m.posts)) throw new Error('patrol: analyze-posts needs a posts array');
      return { kind: 'analyze-posts', posts: m.posts.map(checkPost) };
    case 'analyze-text':
      return { kind: 'analyze-text', text: str(m.text, 'text'), profile: str(m.profile ?? '', 'profile'), site: str(m.site ?? '', 'site') };
    case 'page-status':
      return {
        kind: 'page-status', site: strOrNull(m.site, 'site'), profile_version: strOrNull(m.profile_version, 'profile_version'),
        posts: count(m.posts, 'posts'), flagged: count(m.flagged, 'flagged'), url: str(m.url, 'url'),
        ...(typeof m.main_thread_ms === 'number' && Number.isFinite(m.main_thread_ms) ? { main_thread_ms: m.main_thread_ms } : {}),
      };
    case 'open-post':
      return { kind: 'open-post', key: str(m.key, 'key') };
    case 'session-updated':
      return { kind: 'session-updated', count: count(m.count, 'count'), focus: strOrNull(m.focus, 'focus') };
    case 'capture-evidence':
      return { kind: 'capture-evidence', key: str(m.key, 'key') };
    case 'render-form':
      return { kind: 'render-form', key: str(m.key, 'key'), form: str(m.form, 'form') };
    case 'submit-report': {
      const target = str(m.target, 'target');
      if (target !== 'police' && target !== 'ihc') throw new Error('patrol: submit-report target must be police or ihc');
      return { kind: 'submit-report', key: str(m.key, 'key'), target };
    }
    default:
      if (SYNC_KINDS.includes(/** @type {any} */ (m.kind))) return parseSyncMessage(m);
      if (EVIDENCE_KINDS.includes(/** @type {any} */ (m.kind))) return parseEvidenceMessage(m);
      throw new Error(`patrol: unknown message kind ${JSON.stringify(m.kind)}`);
  }
}

/**
 * Sends a message to the worker and unwraps its reply, turning `{ok: false}` into a thrown `Error`.
 * @template T
 * @param {Message} message
 * @returns {Promise<T>}
 */
export async function send(message) {
  /** @type {Reply<T>|undefined} */
  const reply = await chrome.runtime.sendMessage(message);
  if (!reply) throw new Error(`patrol: no reply to ${message.kind}`);
  if (!reply.ok) throw new Error(reply.error);
  return reply;
}
