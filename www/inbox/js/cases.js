// Case data as the pages read it: the endpoint's case objects, reduced to what the list and the
// detail show. Field names follow server/openapi.json; this is the one place that reads them.
import * as api from './api.js';
import { isSuicide, URGENCY_RANK } from './labels.js';

export const listCases = (filters) => api.get(`/api/cases${api.query(filters)}`);
export const getCase = (id) => api.get(`/api/cases/${api.seg(id)}`);
export const reviewCase = (id, action, comment) =>
  api.post(`/api/cases/${api.seg(id)}/review`, { action, comment: comment || null });

/** The analysis object of a case, wherever the record keeps it. */
export function analysisOf(c) {
  return c?.analysis || c?.post?.analysis || {};
}

/** The categories of a case. */
export function categoriesOf(c) {
  return c?.categories || analysisOf(c).categories || [];
}

/** Whether any category of the case is a suicide category (003). */
export const suicideCase = (c) => categoriesOf(c).some(isSuicide);

/**
 * The 003 §4(1)ア checklist as four booleans. The analysis gives span lists: (ア) timing,
 * (イ) specific, (ウ) explicit are met when their list is non-empty; (エ) when `doubt` is empty.
 */
export function checklistOf(c) {
  if (c?.checklist && typeof c.checklist === 'object') {
    const k = c.checklist;
    return { timing: !!k.timing, specific: !!k.specific, explicit: !!k.explicit, no_doubt: !!(k.no_doubt ?? k.noDoubt) };
  }
  const u = c?.urgency && typeof c.urgency === 'object' ? c.urgency : analysisOf(c).urgency || {};
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
  const u = c?.urgency;
  if (typeof u === 'string') return u;
  return c?.urgency_level || u?.level || analysisOf(c).urgency?.level || 'none';
}

/** Whether the post meets 003 §4(1) (all four), i.e. a provider inquiry is warranted. */
export function inquiryOf(c) {
  if (typeof c?.inquiry === 'boolean') return c.inquiry;
  const a = analysisOf(c);
  if (typeof a.inquiry === 'boolean') return a.inquiry;
  const k = checklistOf(c);
  return suicideCase(c) && k.timing && k.specific && k.explicit && k.no_doubt;
}

const time = (c) => Date.parse(c?.created_at || c?.submitted_at || '') || 0;

/**
 * Inbox order: suicide cases first (a life may be at stake: 003), among them those meeting
 * 003 §4(1) first; then urgency level; then the longest-waiting first.
 */
export function compareCases(a, b) {
  return (Number(suicideCase(b)) - Number(suicideCase(a)))
    || (Number(inquiryOf(b)) - Number(inquiryOf(a)))
    || ((URGENCY_RANK[urgencyOf(b)] || 0) - (URGENCY_RANK[urgencyOf(a)] || 0))
    || (time(a) - time(b));
}
