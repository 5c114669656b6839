// Holds registry (削除依頼不可): 000 §1(1) check before any takedown request, §1(2)ア register a URL
// whose takedown would hinder an investigation, §4(1) release it promptly when the reason ends and
// then request the takedown — so a release leads straight to recording that request.
import { h, replace, jst, literal, notice } from '../dom.js';
import * as api from '../api.js';
import { TAKEDOWN_METHODS } from '../labels.js';

export const listHolds = (params) => api.get(`/api/holds${api.query(params)}`);
export const createHold = (body) => api.post('/api/holds', body);
export const releaseHold = (id, reason) => api.post(`/api/holds/${api.seg(id)}/release`, { reason });
export const checkUrl = (url) => api.get(`/api/holds/check${api.query({ url })}`);
export const createTakedown = (body) => api.post('/api/takedowns', body);

const itemsOf = (data) => (Array.isArray(data) ? data : data?.holds || data?.items || []);
const active = (hold) => !hold.released_at;

/**
 * On a case: whether its URL is held. Held by another unit → the takedown must not be requested
 * and the page says whom to contact (000 §1(1)).
 */
export async function holdBanner(c, me) {
  const url = c.post?.url || c.url;
  let hold = c.hold || null;
  if (!hold && url) {
    try {
      const res = await checkUrl(url);
      hold = res?.hold || (res?.held ? res : null);
    } catch {
      return h('p', { class: 'notice notice-warn', id: 'hold-banner' }, '削除依頼不可の登録状況を確認できませんでした。削除依頼の前に確認してください（000 §1(1)）。');
    }
  }
  if (!hold) return h('p', { class: 'muted', id: 'hold-banner', 'data-held': '0' }, '削除依頼不可の登録はありません（000 §1(1) 確認済み）。');
  const own = hold.unit === me.unit;
  return h('div', { class: 'notice notice-error', id: 'hold-banner', 'data-held': '1' },
    h('b', {}, 'この URL は削除依頼不可として登録されています。'),
    ' 登録所属: ', literal(hold.unit || ''), '　理由: ', literal(hold.reason || ''),
    own ? '（自所属の登録です。捜査上の支障がなくなったら解除し、削除依頼をしてください）'
      : h('span', {}, '　削除依頼をする前に登録所属に連絡してください。',
        hold.contact ? h('span', {}, ' 連絡先: ', literal(hold.contact)) : null));
}

function registerForm(me, onDone) {
  const status = h('div', {});
  const form = h('form', { id: 'hold-form', class: 'row' },
    h('label', { for: 'hold-url' }, 'URL', h('input', { id: 'hold-url', name: 'url', type: 'url', required: true, placeholder: 'https://…' })),
    h('label', { for: 'hold-reason' }, '理由（捜査上の支障）', h('input', { id: 'hold-reason', name: 'reason', required: true })),
    h('label', { for: 'hold-unit' }, '所属', h('input', { id: 'hold-unit', name: 'unit', required: true, value: me.unit || '' })),
    h('label', { for: 'hold-contact' }, '連絡先', h('input', { id: 'hold-contact', name: 'contact', placeholder: '担当・内線など' })),
    h('button', { type: 'submit', id: 'hold-submit' }, '削除依頼不可として登録'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(status);
    const v = (k) => form.elements.namedItem(k).value.trim();
    if (!/^https?:\/\/\S+$/i.test(v('url'))) {
      status.append(notice('error', 'URL は http:// または https:// で始まる形で入力してください。'));
      return;
    }
    try {
      await createHold({ url: v('url'), reason: v('reason'), unit: v('unit'), contact: v('contact') || null });
      onDone('登録しました。');
    } catch (err) {
      status.append(notice('error', err.message));
    }
  });
  return h('div', { class: 'card no-print' }, h('h3', {}, '新規登録（000 §1(2)ア）'), form, status);
}

/** After a release, 000 §4(1) asks for the takedown request: a small form to record it at once. */
function takedownPrompt(hold, onDone) {
  const method = h('select', { id: 'td-method', name: 'method' }, Object.entries(TAKEDOWN_METHODS).map(([k, v]) => h('option', { value: k }, v)));
  const note = h('input', { id: 'td-note', name: 'note', placeholder: '依頼先・担当者など' });
  const status = h('div', {});
  const submit = h('button', { type: 'button', id: 'td-record' }, '削除依頼を記録');
  submit.addEventListener('click', async () => {
    replace(status);
    try {
      await createTakedown({ url: hold.url, method: method.value, note: note.value.trim() || null });
      onDone('削除依頼を記録しました。「削除依頼の追跡」で再確認の結果を記録できます。');
    } catch (err) {
      status.append(notice('error', err.message));
    }
  });
  return h('div', { class: 'notice notice-warn', id: 'takedown-prompt' },
    h('p', {}, h('b', {}, '登録を解除しました。速やかに削除依頼を行ってください（000 §4(1)）。')),
    h('p', { class: 'url' }, literal(hold.url)),
    h('div', { class: 'row' }, h('label', { for: 'td-method' }, '依頼方法', method), h('label', { for: 'td-note' }, '備考', note), submit),
    status);
}

export async function renderHolds(main, { me, isCurrent }) {
  const draw = async (message, prompt) => {
    const data = await listHolds({});
    if (!isCurrent()) return;
    const holds = itemsOf(data);
    const rows = holds.map((hold) => {
      const release = h('button', { type: 'button', class: 'danger release', 'data-hold-id': hold.id }, '解除');
      const cell = h('td', { class: 'no-print' });
      release.addEventListener('click', () => {
        const reason = h('input', { class: 'release-reason', placeholder: '解除の理由（捜査上の支障がなくなった事情）', required: true });
        const confirm = h('button', { type: 'button', class: 'danger release-confirm' }, '解除する');
        const cancel = h('button', { type: 'button', class: 'secondary' }, '取消');
        const status = h('div', {});
        cancel.addEventListener('click', () => replace(cell, release));
        confirm.addEventListener('click', async () => {
          if (!reason.value.trim()) {
            replace(status, notice('error', '解除の理由を入力してください。'));
            return;
          }
          confirm.disabled = true;
          try {
            await releaseHold(hold.id, reason.value.trim());
            await draw(null, hold);
          } catch (err) {
            replace(status, notice('error', err.message));
            confirm.disabled = false;
          }
        });
        replace(cell, reason, confirm, cancel, status);
        reason.focus();
      });
      if (active(hold) && (me.role === 'admin' || hold.unit === me.unit)) cell.append(release);
      return h('tr', { 'data-hold-id': hold.id, class: active(hold) ? 'active' : 'released' },
        h('td', { class: 'url' }, literal(hold.url || '')),
        h('td', { class: 'cell-text' }, literal(hold.reason || '')),
        h('td', {}, literal(hold.unit || '')),
        h('td', {}, literal(hold.created_by?.name || hold.created_by || hold.registered_by || '')),
        h('td', {}, jst(hold.created_at)),
        h('td', {}, active(hold) ? h('b', {}, '登録中') : h('span', { class: 'muted' }, `解除 ${jst(hold.released_at)}`)),
        cell);
    });
    replace(main, 
      h('h2', {}, '削除依頼不可の登録'),
      h('p', { class: 'muted' }, '捜査上の支障があるため削除依頼をしない URL を登録します。他所属の登録がある URL には削除依頼をせず、登録所属に連絡してください（000 §1(1)）。'),
      message ? notice('ok', message) : null,
      prompt ? takedownPrompt(prompt, (m) => draw(m)) : null,
      registerForm(me, (m) => draw(m)),
      holds.length
        ? h('table', { id: 'holds' },
          h('thead', {}, h('tr', {}, ['URL', '理由', '所属', '登録者', '登録日時', '状態', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows))
        : h('p', { class: 'muted', id: 'no-holds' }, '登録はありません。'));
  };
  await draw();
}
