// @ts-check
/**
 * Which next actions a post offers, by role and category: volunteers only report (000 §3, 004 —
 * to the police or the Internet Hotline Center); officers also capture evidence and prepare the
 * documents of the procedures (001 §5–6, 003 §4–7, 000 §1, 002). An action is offered only when the
 * module that performs it is packaged (`capabilities`).
 */

/** The documents of `patrol prefill` (contract), with their Japanese names. */
export const FORMS = /** @type {Record<string, string>} */ ({
  url_report: 'URL通報（001 §5(2), 000 §1(2)ア）',
  takedown_request: '削除依頼（000 §1(1), 001 §6(3), 003 §5）',
  provider_inquiry: '発信者に関する情報照会書（003 様式第1号）',
  action_record: '措置結果記録書（003 様式第2号）',
  warning_reply: '注意喚起・警告の返信文（001 §5(3)）',
  discovery_report: '児童の性被害に関する書き込み発見報告書（002）',
  ihc_report: 'インターネット・ホットラインセンターへの通報（000 §3, 004）',
  emergency_disclosure: 'X への緊急開示請求（001 §6(2)）',
});

const CHILD = ['child_sexual_contact', 'child_lodging', 'child_harmful_work', 'child_csam_offer', 'child_csam_solicit', 'child_sexualization'];

/**
 * The forms that fit a post, in the order the procedures use them.
 * @param {string} role
 * @param {string[]} categories
 * @param {string} site
 * @param {boolean} inquiry 003 §4(1) met
 * @returns {string[]}
 */
export function formsFor(role, categories, site, inquiry) {
  const has = (/** @type {string} */ c) => categories.includes(c);
  if (categories.length === 0) return [];
  if (role === 'volunteer') return ['ihc_report'];
  /** @type {string[]} */
  const forms = [];
  const child = categories.some((c) => CHILD.includes(c));
  if (child) {
    forms.push('url_report');
    if (site === 'x') forms.push('warning_reply');
    forms.push('discovery_report');
  }
  if (has('child_csam_offer') || has('child_csam_solicit') || has('child_sexual_contact') || has('suicide_inducement')) {
    forms.push('takedown_request');
  }
  if (has('suicide_notice') || has('group_suicide')) {
    if (inquiry) forms.push('provider_inquiry');
    if (site === 'x') forms.push('emergency_disclosure');
    forms.push('action_record');
  } else if (has('suicide_inducement')) {
    forms.push('provider_inquiry');
  }
  forms.push('ihc_report');
  return [...new Set(forms)];
}

/**
 * The actions to show for a post: only those the role may take and whose module is packaged.
 * @param {import('./messages.js').Capabilities} caps
 * @param {string} role
 * @param {string[]} categories
 * @param {string} site
 * @param {boolean} inquiry
 * @returns {{kind: 'capture-evidence'|'render-form'|'submit-report', label: string, form?: string, target?: 'police'|'ihc'}[]}
 */
export function actionsFor(caps, role, categories, site, inquiry) {
  /** @type {ReturnType<typeof actionsFor>} */
  const out = [];
  if (categories.length === 0) return out;
  const officer = role !== 'volunteer';
  if (officer && caps.evidence) out.push({ kind: 'capture-evidence', label: '証拠を保存' });
  for (const form of formsFor(role, categories, site, inquiry)) {
    if (caps.forms.includes(form)) out.push({ kind: 'render-form', form, label: FORMS[form] ?? form });
  }
  if (caps.report) {
    out.push({ kind: 'submit-report', target: 'police', label: officer ? '本部へ報告（承認依頼）' : '警察へ通報' });
  }
  return out;
}
