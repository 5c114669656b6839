// @ts-check
/**
 * The evidence record (docs/evidence.md §1) built from what the extension has at capture time:
 * the extracted post, the analysis, the tab's title, the extension version and the user. Missing
 * fields are `null` (or `""` / `[]`), never invented; the Rust validator checks the result.
 *
 * @typedef {import('../shared/messages.js').ExtractedPost} ExtractedPost
 * @typedef {import('./store.js').User} User
 */

/**
 * @param {{caseId: string, post: ExtractedPost, analysis: {ruleset: string, [k: string]: unknown},
 *   pageUrl?: string, pageTitle: string, extensionVersion: string, user: User, times: {utc: string, jst: string}}} input
 * @returns {Record<string, unknown>}
 */
export function buildRecord({ caseId, post, analysis, pageUrl, pageTitle, extensionVersion, user, times }) {
  const s = (/** @type {unknown} */ v) => (typeof v === 'string' && v !== '' ? v : null);
  const permalink = s(post.key)?.startsWith('https://') || s(post.key)?.startsWith('http://') ? post.key : null;
  return {
    schema: 'patrol.evidence.record/1',
    case_id: caseId,
    site: post.site,
    profile_version: s(post.profile_version),
    key: s(post.key),
    url: pageUrl ?? post.url,
    permalink: permalink ?? (post.url && post.url !== pageUrl ? post.url : null),
    post_id: s(post.post_id),
    post_no: s(post.post_no),
    board: s(post.board),
    author_handle: s(post.author_handle),
    author_name: s(post.author_name),
    profile: post.profile ?? '',
    posted_at: s(post.posted_at),
    captured_at_utc: times.utc,
    captured_at_jst: times.jst,
    text: post.text,
    media: Array.isArray(post.media) ? [...post.media] : [],
    page_title: pageTitle ?? '',
    analysis,
    ruleset: analysis.ruleset,
    extension_version: extensionVersion,
    user: { id: user.id, role: user.role, unit: user.unit },
  };
}
