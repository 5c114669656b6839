// The pre-filled forms of a case (provider inquiry, action record, takedown request, …), shown for
// printing in a sandboxed frame. The frame has no `allow-scripts`: whatever the HTML holds (it quotes
// hostile post text), nothing in it runs; `allow-same-origin` only lets this page call print() on it.
import { h, replace, jst, notice } from '../dom.js';
import * as api from '../api.js';

export const FORM_NAMES = {
  url_report: 'URL 報告（001 §5(2), 000 §1(2)ア）',
  takedown_request: '削除依頼（000 §1(1), 001 §6(3), 003 §5）',
  provider_inquiry: '発信者に関する情報照会書（003 様式第1号）',
  action_record: '措置結果記録書（003 様式第2号）',
  warning_reply: '注意喚起・警告の返信文（001 §5(3)）',
  discovery_report: '児童の性被害に関する書き込み発見報告書（002）',
  ihc_report: 'インターネット・ホットラインセンターへの通報（000 §3(1), 004）',
  emergency_disclosure: '緊急開示請求（001 §6(2)）',
};

/** The forms of every report of a case: [{id, name, url, by, at}] (SubmissionSummary.forms). */
export function formsOf(c) {
  return (c.submissions || []).flatMap((s) => (s.forms || []).map((f) => ({
    id: f.id, name: f.form, url: f.url, by: s.reporter?.name || '', at: s.received_at,
  })));
}

/** Same-origin URL of a form's HTML; the endpoint serves it with a CSP that forbids every script. */
function formUrl(form) {
  if (typeof form.url === 'string' && form.url.startsWith('/') && !form.url.startsWith('//')) return form.url;
  return `/api/forms/${api.seg(form.id)}`;
}

function openFrame(holder, form) {
  const frame = h('iframe', {
    class: 'form-frame',
    sandbox: 'allow-same-origin allow-modals',
    referrerpolicy: 'no-referrer',
    title: FORM_NAMES[form.name] || form.name,
    'data-form': form.name,
  });
  const url = formUrl(form);
  frame.src = url;
  const print = h('button', { type: 'button', class: 'print-form', 'data-form': form.name }, '印刷');
  print.addEventListener('click', () => {
    try {
      frame.contentWindow.focus();
      frame.contentWindow.print();
    } catch {
      holder.append(notice('error', '印刷できませんでした。「別ウィンドウで開く」から印刷してください。'));
    }
  });
  const external = h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'no-print open-window' }, '別ウィンドウで開く');
  replace(holder, h('div', { class: 'row no-print' }, h('b', {}, FORM_NAMES[form.name] || form.name), print, external), frame);
}

export function formsSection(c) {
  const forms = formsOf(c);
  const holder = h('div', { id: 'form-view' });
  return h('div', { class: 'card', id: 'forms' },
    h('h3', {}, '作成済みの書類'),
    forms.length
      ? h('div', { class: 'row no-print' }, forms.map((f) => h('button', {
        type: 'button', class: 'secondary open-form', 'data-form': f.name, 'data-form-id': f.id, title: `${f.by} ${jst(f.at)}`,
        onclick: () => openFrame(holder, f),
      }, FORM_NAMES[f.name] || f.name)))
      : h('p', { class: 'muted' }, '書類は添付されていません。'),
    holder);
}
