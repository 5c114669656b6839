// Cases as the pages read them (server/openapi.json: CaseSummary, Case, Submission). This is the
// one place that knows the endpoint's case routes and field names.
import * as api from './api.js';
import { isSuicide, URGENCY_RANK } from './labels.js';

/** Page size for the inbox: the endpoint's maximum, so client-side filters see every case. */
export const INBOX_LIMIT = 500;

/** GET /api/cases → {items, counts: {by_status}, total, limit, offset}. */
export const listCases = (filters) => api.get(`/api/cases${api.query({ ...filters, limit: INBOX_LIMIT })}`);
export const getCase = (id) => api.get(`/api/cases/${api.seg(id)}`);
export const getSubmission = (id) => api.get(`/api/submissions/${api.seg(id)}`);

/** approve (new/returned → approved), return (new/approved → returned, comment required), done (approved → done). */
export const reviewCase = (id, action, comment) =>
  api.post(`/api/cases/${api.seg(id)}/${api.seg(action)}`, comment ? { comment } : {});

/** Records a warning reply given on X (001 §5(3)); a doubtful one is refused until the case is approved. */
export const addWarning = (id, body) => api.post(`/api/cases/${api.seg(id)}/warnings`, body);

/** The analysis object of a case. */
export function analysisOf(c) {
  return c?.analysis || {};
}

/** The categories of a case. */
export function categoriesOf(c) {
  return c?.categories || analysisOf(c).categories || [];
}

/** Whether the case is a suicide case (003): the server's flag, else from the categories. */
export const suicideCase = (c) => (typeof c?.suicide === 'boolean' ? c.suicide : categoriesOf(c).some(isSuicide));

/**
 * The 003 §4(1)ア checklist as four booleans: the server's `checklist`, else from the analysis'
 * span lists — (ア) timing, (イ) specific, (ウ) explicit met when non-empty, (エ) when `doubt` is empty.
 */
export function checklistOf(c) {
  if (c?.checklist && typeof c.checklist === 'object') {
    const k = c.checklist;
    return { timing: !!k.timing, specific: !!k.specific, explicit: !!k.explicit, no_doubt: !!k.no_doubt };
  }
  const u = analysisOf(c).urgency || {};
  const nonEmpty = (v) => (Array.isArray(v) ? v.length > 0 : !!v);
  return {
    timing: nonEmpty(u.timing),
    specific: nonEmpty(u.specific),
    explicit: nonEmpty(u.explicit),
    no_doubt: !nonEmpty(u.doubt),
  };
}

/** Urgency level `none|low|medium|high`. */
export function urgencyOf(c) {
  if (typeof c?.urgency === 'string') return c.urgency;
  return analysisOf(c).urgency?.level || 'none';
}

/** Whether the post meets 003 §4(1) (all four), i.e. a provider inquiry is warranted. */
export function inquiryOf(c) {
  if (typeof c?.checklist?.inquiry === 'boolean') return c.checklist.inquiry;
  const a = analysisOf(c);
  if (typeof a.inquiry === 'boolean') return a.inquiry;
  const k = checklistOf(c);
  return suicideCase(c) && k.timing && k.specific && k.explicit && k.no_doubt;
}

const time = (c) => Date.parse(c?.last_reported_at || c?.first_reported_at || c?.created_at || '') || 0;

/**
 * Inbox order, the same as the endpoint's: suicide cases first (a life may be at stake: 003), among
 * them those meeting 003 §4(1) first; then urgency level; then the most recent report first.
 */
export function compareCases(a, b) {
  return (Number(suicideCase(b)) - Number(suicideCase(a)))
    || (Number(inquiryOf(b)) - Number(inquiryOf(a)))
    || ((URGENCY_RANK[urgencyOf(b)] || 0) - (URGENCY_RANK[urgencyOf(a)] || 0))
    || (time(b) - time(a));
}
