// @ts-check
/**
 * What a submission carries (server/openapi.json SubmissionRequest), built from what the officer chose:
 * the flagged post of the session, its analysis, and — for officers — the evidence case captured for it
 * with the forms finalised into that case. Only flagged posts can be submitted at all: the session keeps
 * nothing else (privacy by design: nothing unflagged ever leaves the browser).
 *
 * The queue stores the body *without* the evidence bytes and a reference to the case log up to the head
 * it had at submission; the bytes are read from the (encrypted) evidence store when sending, so the
 * queue never holds a second, unencrypted copy of screenshots, and every retry sends the same body.
 */

/** @typedef {import('../shared/messages.js').SessionEntry} SessionEntry */

/**
 * @typedef {{
 *   kind: 'report'|'case', post: Record<string, any>, analysis: Record<string, any>, note: string,
 *   evidence_ref: {case_id: string, head_seq: number}|null, forms?: {form: string, html: string}[]
 * }} QueuedBody
 */

/**
 * The post's own address, or null when it has none (src/content/extract.js: `key` is the permalink
 * when one was found, else a content key, and `url` falls back to the page's address).
 * @param {{key: string, url: string}} post
 */
export function permalinkOf(post) {
  return post.key === post.url && /^https?:\/\//.test(post.url) ? post.url : null;
}

/**
 * @param {SessionEntry|null} entry the session's flagged post
 * @param {{role: string}} settings
 * @param {{case_id: string, head_seq: number}|null} evidenceRef
 * @param {string} [note]
 * @param {{form: string, html: string}[]} [forms] the pre-filled documents for the supervisor (officers only)
 * @returns {QueuedBody}
 */
export function queuedBody(entry, settings, evidenceRef, note = '', forms = []) {
  if (!entry) throw new Error('この投稿はこのセッションの要対応一覧にありません（タブを再読み込みしてから、もう一度お試しください）。');
  if (entry.categories.length === 0) throw new Error('要対応と判定されていない投稿は送信できません。');
  const volunteer = settings.role === 'volunteer';
  return {
    kind: volunteer ? 'report' : 'case',
    // review C2: a post has a permalink only when the extraction found one (then its key is that URL);
    // otherwise `url` is the page's address, shared by every post of the page, and the server tells
    // posts apart by the content `key` (carried in `post`).
    post: { ...entry.post, key: entry.post.key, permalink: permalinkOf(entry.post) },
    analysis: entry.analysis,
    note,
    // Volunteers send reports: no evidence, no forms (000 §3, 004; the server refuses forms from them).
    evidence_ref: volunteer ? null : evidenceRef,
    forms: volunteer ? [] : forms,
  };
}

/**
 * The request body sent to the endpoint.
 * @param {string} key the idempotency key
 * @param {QueuedBody} q
 * @param {(ref: {case_id: string, head_seq: number}) => Promise<{evidence: object, forms: {form: string, html: string}[]}>} readEvidence
 */
export async function requestBody(key, q, readEvidence) {
  /** @type {Record<string, any>} */
  const body = { idempotency_key: key, kind: q.kind, post: q.post, analysis: q.analysis };
  if (q.note) body.note = q.note;
  /** @type {Map<string, string>} */
  const forms = new Map((q.forms ?? []).map((f) => [f.form, f.html]));
  if (q.evidence_ref) {
    const part = await readEvidence(q.evidence_ref);
    body.evidence = part.evidence;
    // A form the officer finalised into the case (form_final) replaces the pre-filled one.
    for (const f of part.forms) forms.set(f.form, f.html);
  }
  if (forms.size > 0) body.forms = [...forms].map(([form, html]) => ({ form, html }));
  return body;
}
