// Holds registry (削除依頼不可): 000 §1(1) check before any takedown request, §1(2)ア register a URL
// whose takedown would hinder an investigation, §4(1) release it promptly when the reason ends and
// then request the takedown — so a release leads straight to recording that request.
import { h, replace, jst, literal, notice } from '../dom.js';
import * as api from '../api.js';
import { takedownForm } from './takedowns.js';

export const listHolds = (all) => api.get(`/api/holds${api.query({ all: all ? 'true' : '', limit: 500 })}`);
/** Registers a hold for the caller's own unit (the endpoint takes the unit from the session). */
export const createHold = (body) => api.post('/api/holds', body);
/** → {hold, takedown_prompt: {url, case_id, message_ja}} */
export const releaseHold = (id, comment) => api.post(`/api/holds/${api.seg(id)}/release`, { comment });

/**
 * On a case: whether its URL is held. Held by another unit → no takedown request; the page says whom
 * to contact (000 §1(1)). Held by one's own unit → release it when the reason ends (000 §4(1)).
 */
export function holdBanner(c, me) {
  const hold = c.hold && c.hold.active !== false ? c.hold : null;
  if (!hold) return h('p', { class: 'muted', id: 'hold-banner', 'data-held': '0' }, '削除依頼不可の登録はありません（000 §1(1) 確認済み）。');
  const own = hold.unit === me.unit;
  return h('div', { class: 'notice notice-error', id: 'hold-banner', 'data-held': '1' },
    h('b', {}, 'この URL は削除依頼不可として登録されています（000 §1(1)）。'),
    h('div', {}, '登録所属: ', literal(hold.unit || ''), '　連絡先: ', literal(hold.contact || ''), '　登録: ', jst(hold.created_at)),
    hold.reason ? h('div', {}, '理由: ', literal(hold.reason)) : null,
    own ? h('div', {}, '自所属の登録です。捜査上の支障がなくなったら「削除依頼不可」から解除し、削除依頼をしてください（000 §4(1)）。')
      : h('div', {}, h('b', {}, '削除依頼をせず、登録所属に連絡してください。')));
}

function registerForm(me, onDone) {
  const status = h('div', {});
  const form = h('form', { id: 'hold-form', class: 'row' },
    h('label', { for: 'hold-url' }, 'URL', h('input', { id: 'hold-url', name: 'url', type: 'url', required: true, placeholder: 'https://…' })),
    h('label', { for: 'hold-reason' }, '理由（捜査上の支障）', h('input', { id: 'hold-reason', name: 'reason', required: true })),
    h('label', { for: 'hold-contact' }, '連絡先（他所属に表示）', h('input', { id: 'hold-contact', name: 'contact', required: true, placeholder: '担当者・電話' })),
    h('label', {}, '所属', h('input', { value: me.unit || '', readonly: true, 'aria-label': '所属（ログイン中の所属）' })),
    h('button', { type: 'submit', id: 'hold-submit' }, '削除依頼不可として登録'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(status);
    const v = (k) => /** @type {HTMLInputElement} */ (form.elements.namedItem(k)).value.trim();
    if (!/^https?:\/\/\S+$/i.test(v('url'))) {
      replace(status, notice('error', 'URL は http:// または https:// で始まる形で入力してください。'));
      return;
    }
    try {
      await createHold({ url: v('url'), reason: v('reason'), contact: v('contact') });
      onDone('削除依頼不可として登録しました。');
    } catch (err) {
      replace(status, notice('error', err.message));
    }
  });
  return h('div', { class: 'card no-print' }, h('h3', {}, '新規登録（000 §1(2)ア）'), form, status);
}

/** After a release, 000 §4(1) asks for the takedown request: the endpoint's prompt and a form to record it. */
function takedownPrompt(prompt, onDone) {
  return h('div', { class: 'notice notice-warn', id: 'takedown-prompt' },
    h('p', {}, h('b', {}, literal(prompt.message_ja || '登録を解除しました。速やかに削除依頼を行ってください（000 §4(1)）。'))),
    h('p', { class: 'url' }, literal(prompt.url || '')),
    takedownForm({ url: prompt.url, case_id: prompt.case_id ?? null }, onDone));
}

function releaseCell(hold, me, onReleased) {
  const cell = h('td', { class: 'no-print' });
  if (!hold.active || me.role !== 'supervisor' || hold.unit !== me.unit) return cell;
  const release = h('button', { type: 'button', class: 'danger release', 'data-hold-id': hold.id }, '解除');
  release.addEventListener('click', () => {
    const reason = h('input', { class: 'release-reason', placeholder: '解除の理由（捜査上の支障がなくなった事情）' });
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
        const res = await releaseHold(hold.id, reason.value.trim());
        await onReleased(res?.takedown_prompt || { url: hold.url });
      } catch (err) {
        replace(status, notice('error', err.message));
        confirm.disabled = false;
      }
    });
    replace(cell, reason, confirm, cancel, status);
    reason.focus();
  });
  cell.append(release);
  return cell;
}

export async function renderHolds(main, { me, isCurrent }) {
  const draw = async (message, prompt) => {
    const data = await listHolds(true);
    if (!isCurrent()) return;
    const holds = data?.items || [];
    const rows = holds.map((hold) => h('tr', { 'data-hold-id': hold.id, class: hold.active ? 'active' : 'released' },
      h('td', { class: 'url' }, literal(hold.url || '')),
      h('td', { class: 'cell-text' }, literal(hold.reason || '')),
      h('td', {}, literal(hold.unit || '')),
      h('td', {}, literal(hold.contact || '')),
      h('td', {}, literal(hold.created_by || ''), h('br', {}), jst(hold.created_at)),
      h('td', { class: 'hold-state' }, hold.active ? h('b', {}, '登録中')
        : h('span', { class: 'muted' }, '解除 ', jst(hold.released_at), ' ', literal(hold.released_by || ''),
          hold.release_comment ? h('div', {}, '「', literal(hold.release_comment), '」') : null)),
      releaseCell(hold, me, (p) => draw(null, p))));
    replace(main,
      h('h2', {}, '削除依頼不可の登録'),
      h('p', { class: 'muted' }, '捜査上の支障があるため削除依頼をしない URL を登録します。他所属の登録がある URL には削除依頼をせず、登録所属に連絡してください（000 §1(1)）。'),
      message ? notice('ok', message) : null,
      prompt ? takedownPrompt(prompt, (m) => draw(m)) : null,
      me.role === 'supervisor' ? registerForm(me, (m) => draw(m)) : h('p', { class: 'muted' }, '登録と解除は監督者が行います。'),
      holds.length
        ? h('table', { id: 'holds' },
          h('thead', {}, h('tr', {}, ['URL', '理由', '所属', '連絡先', '登録', '状態', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows))
        : h('p', { class: 'muted', id: 'no-holds' }, '登録はありません。'));
  };
  await draw();
}
