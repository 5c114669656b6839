// Takedown tracking (000 §2): per URL, when and how the takedown was requested, the last re-check,
// removed or still up, days outstanding; the overdue list, the CSV for the ICSA address-list hand-off
// (000 §2(1)), and the foreign-administrator report (000 §1(2)イ).
import { h, replace, jst, literal, notice } from '../dom.js';
import * as api from '../api.js';
import { TAKEDOWN_METHODS, TAKEDOWN_STATES } from '../labels.js';

export const listTakedowns = () => api.get(`/api/takedowns${api.query({ limit: 500 })}`);
export const listOverdue = () => api.get(`/api/takedowns/overdue${api.query({ limit: 500 })}`);
/** Records a takedown request; 409 url_held while another unit holds the URL (000 §1(1)). */
export const createTakedown = (body) => api.post('/api/takedowns', body);
export const recheck = (id, result, note) => api.post(`/api/takedowns/${api.seg(id)}/checks`, { result, note: note || null });
export const foreignReport = (id) => api.get(`/api/takedowns/${api.seg(id)}/foreign-report`);
export const ICSA_CSV = '/api/takedowns/export.csv';

const stateName = (t) => TAKEDOWN_STATES[t.state] || literal(t.state || '');

/**
 * A form recording a takedown request for `target` ({url, case_id}); used on a case, after a hold's
 * release (000 §4(1)) and on this page. A held URL is refused by the endpoint with who to contact.
 */
export function takedownForm(target, onDone) {
  const ids = `td-${Math.random().toString(36).slice(2, 8)}`;
  const url = h('input', { id: `${ids}-url`, name: 'url', type: 'url', required: true, value: target.url || '' });
  const method = h('select', { id: `${ids}-method`, name: 'method', class: 'td-method' }, Object.entries(TAKEDOWN_METHODS).map(([k, v]) => h('option', { value: k }, v)));
  const admin = h('input', { id: `${ids}-admin`, name: 'administrator', placeholder: 'サイト管理者' });
  const foreign = h('input', { id: `${ids}-foreign`, name: 'foreign', type: 'checkbox' });
  const country = h('input', { id: `${ids}-country`, name: 'admin_country', placeholder: '国・地域' });
  const contact = h('input', { id: `${ids}-contact`, name: 'admin_contact', placeholder: '管理者の連絡先' });
  const note = h('input', { id: `${ids}-note`, name: 'note', placeholder: '備考' });
  const status = h('div', {});
  const submit = h('button', { type: 'submit', class: 'td-record' }, '削除依頼を記録');
  const form = h('form', { class: 'takedown-form' },
    h('div', { class: 'row' },
      h('label', { for: `${ids}-url` }, 'URL', url),
      h('label', { for: `${ids}-method` }, '依頼方法', method),
      h('label', { for: `${ids}-admin` }, 'サイト管理者', admin),
      h('label', { for: `${ids}-foreign` }, '外国の管理者（000 §1(2)イ）', foreign),
      h('label', { for: `${ids}-country` }, '国・地域', country),
      h('label', { for: `${ids}-contact` }, '連絡先', contact),
      h('label', { for: `${ids}-note` }, '備考', note),
      submit),
    status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(status);
    if (!/^https?:\/\/\S+$/i.test(url.value.trim())) {
      replace(status, notice('error', 'URL は http:// または https:// で始まる形で入力してください。'));
      return;
    }
    submit.disabled = true;
    try {
      await createTakedown({
        url: url.value.trim(), case_id: target.case_id ?? null, method: method.value,
        administrator: admin.value.trim() || undefined, foreign: foreign.checked,
        admin_country: country.value.trim() || null, admin_contact: contact.value.trim() || null, note: note.value.trim() || null,
      });
      await onDone('削除依頼を記録しました。「削除依頼の追跡」で再確認の結果を記録できます。');
    } catch (err) {
      const hold = err.code === 'url_held' ? err.body?.detail : null;
      replace(status, notice('error', hold
        ? `この URL は削除依頼不可として登録されています。登録所属（${hold.unit || '不明'}）の連絡先: ${hold.contact || '不明'}（000 §1(1)）`
        : err.message));
      submit.disabled = false;
    }
  });
  return form;
}

function recheckCell(t, redraw) {
  if (t.state === 'removed') return h('span', { class: 'muted' }, '削除確認 ', jst(t.removed_at));
  const gone = h('button', { type: 'button', class: 'secondary recheck', 'data-result': 'removed' }, '削除を確認');
  const up = h('button', { type: 'button', class: 'secondary recheck', 'data-result': 'still_up' }, 'まだ掲載');
  const run = async (result, button) => {
    button.disabled = true;
    try {
      await recheck(t.id, result);
      await redraw(result === 'removed' ? '削除を確認しました。' : '再確認を記録しました（掲載中）。');
    } catch (err) {
      await redraw(null, err.message);
    }
  };
  gone.addEventListener('click', () => run('removed', gone));
  up.addEventListener('click', () => run('still_up', up));
  return h('span', { class: 'row' }, gone, up);
}

/** Prints only the foreign-administrator report (the rest of the page is hidden by print CSS). */
function printButton() {
  const b = h('button', { type: 'button', class: 'secondary no-print', id: 'foreign-print' }, '報告文を印刷');
  b.addEventListener('click', () => {
    document.body.classList.add('print-foreign');
    window.addEventListener('afterprint', () => document.body.classList.remove('print-foreign'), { once: true });
    window.print();
  });
  return b;
}

function foreignCell(t, holder) {
  if (!t.foreign) return h('td', {});
  const show = h('button', { type: 'button', class: 'secondary foreign-report', 'data-takedown-id': t.id }, '報告文');
  show.addEventListener('click', async () => {
    try {
      const r = await foreignReport(t.id);
      replace(holder, h('div', { class: 'card', id: 'foreign-report' },
        h('h3', {}, '外国のサイト管理者等に係る報告（000 §1(2)イ）'),
        h('pre', { class: 'post-text' }, literal(r.text_ja || '')),
        printButton()));
      holder.scrollIntoView();
    } catch (err) {
      replace(holder, notice('error', err.message));
    }
  });
  return h('td', {}, literal(t.admin_country || '外国'), ' ', show);
}

function table(items, id, redraw, holder) {
  if (!items.length) return h('p', { class: 'muted', id: `${id}-empty` }, '該当はありません。');
  return h('table', { id },
    h('thead', {}, h('tr', {}, ['URL', '依頼日時', '方法', '依頼者', '最終確認', '状態', '経過日数', '所属', '外国', '再確認'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, items.map((t) => h('tr', { class: t.overdue ? 'overdue' : '', 'data-takedown-id': t.id, 'data-state': t.state },
      h('td', { class: 'url' }, literal(t.url || ''), t.administrator ? h('div', { class: 'muted' }, literal(t.administrator)) : null),
      h('td', {}, jst(t.requested_at)),
      h('td', {}, TAKEDOWN_METHODS[t.method] || literal(t.method || '')),
      h('td', {}, literal(t.requested_by || '')),
      h('td', {}, jst(t.last_checked_at)),
      h('td', { class: 'td-state' }, stateName(t)),
      h('td', { class: 'num days' }, String(t.days_outstanding ?? '—')),
      h('td', {}, literal(t.unit || '')),
      foreignCell(t, holder),
      h('td', { class: 'no-print' }, recheckCell(t, redraw))))));
}

export async function renderTakedowns(main, { me, isCurrent }) {
  const redraw = async (message, error) => {
    const [all, late] = await Promise.all([listTakedowns(), listOverdue()]);
    if (!isCurrent()) return;
    const items = all?.items || [];
    const overdue = late?.items || [];
    const holder = h('div', { id: 'foreign-holder' });
    const canExport = me.role === 'supervisor' || me.role === 'admin';
    replace(main,
      h('h2', {}, '削除依頼の追跡'),
      message ? notice('ok', message) : null,
      error ? notice('error', error) : null,
      h('div', { class: 'counts' },
        h('span', { class: 'count', 'data-count': 'all' }, '依頼', h('b', {}, String(all?.total ?? items.length))),
        h('span', { class: 'count', 'data-count': 'removed' }, '削除済み', h('b', {}, String(items.filter((t) => t.state === 'removed').length))),
        h('span', { class: 'count', 'data-count': 'up' }, '未削除', h('b', {}, String(items.filter((t) => t.state !== 'removed').length))),
        h('span', { class: 'count', 'data-count': 'overdue' }, '期限超過', h('b', {}, String(late?.total ?? overdue.length)))),
      canExport ? h('p', { class: 'no-print' },
        h('a', { href: ICSA_CSV, download: 'icsa-takedowns.csv', id: 'export-icsa' }, 'ICSA 提供用 CSV（期限を過ぎても削除されない URL: 000 §2(1)）')) : null,
      me.role === 'officer' || me.role === 'supervisor'
        ? h('details', { class: 'card no-print' }, h('summary', {}, '削除依頼を記録する'), takedownForm({}, (m) => redraw(m)))
        : null,
      holder,
      h('h3', {}, '期限超過（サイト管理者が速やかに応じないもの: 000 §2(1)）'),
      table(overdue, 'overdue', redraw, holder),
      h('h3', {}, 'すべての削除依頼'),
      table(items, 'takedowns', redraw, holder));
  };
  await redraw();
}
