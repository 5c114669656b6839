// Takedown tracking (000 §2): per URL, when and how the takedown was requested, the last re-check,
// removed or still up, days outstanding; the overdue list, the CSV for the ICSA address-list hand-off
// (000 §2(1)), and the foreign-administrator report (000 §1(2)イ).
import { h, replace, jst, literal, notice, daysSince } from '../dom.js';
import * as api from '../api.js';
import { toCsv, download } from '../csv.js';
import { TAKEDOWN_METHODS } from '../labels.js';

/** Days after which a takedown still up counts as overdue when the server does not say. */
export const OVERDUE_DAYS = 7;

export const listTakedowns = (params) => api.get(`/api/takedowns${api.query(params)}`);
export const recheck = (id, state, note) => api.post(`/api/takedowns/${api.seg(id)}/checks`, { state, note: note || null });
export const createTakedown = (body) => api.post('/api/takedowns', body);

const itemsOf = (data) => (Array.isArray(data) ? data : data?.takedowns || data?.items || []);
export const removed = (t) => t.state === 'removed' || !!t.removed_at;
export const outstanding = (t) => t.days_outstanding ?? daysSince(t.requested_at, t.removed_at ? new Date(t.removed_at) : new Date());
export const overdue = (t) => (typeof t.overdue === 'boolean' ? t.overdue : !removed(t) && (outstanding(t) ?? 0) >= OVERDUE_DAYS);
const STATE = { removed: '削除済み', up: '掲載中', still_up: '掲載中', requested: '依頼済み', pending: '依頼済み' };
const stateName = (t) => (removed(t) ? '削除済み' : STATE[t.state] || '依頼済み');

/** The ICSA hand-off: URLs whose administrator has not complied (000 §2(1)). */
export function icsaCsv(items) {
  return toCsv(['URL', 'サイト', '削除依頼日', '依頼方法', '最終確認日', '状態', '経過日数', '所属'],
    items.map((t) => [t.url, t.site || t.host || '', jst(t.requested_at), TAKEDOWN_METHODS[t.method] || t.method || '',
      jst(t.last_checked_at), stateName(t), outstanding(t), t.unit || '']));
}

/** The foreign-administrator report's content (000 §1(2)イ): the administrator's details per URL. */
export function foreignCsv(items) {
  return toCsv(['URL', '管理者', '国・地域', '連絡先', '削除依頼日', '状態', '備考'],
    items.map((t) => [t.url, t.administrator || t.provider || '', t.country || '', t.admin_contact || t.contact || '',
      jst(t.requested_at), stateName(t), t.note || '']));
}

function recheckCell(t, redraw) {
  if (removed(t)) return h('span', { class: 'muted' }, jst(t.removed_at));
  const gone = h('button', { type: 'button', class: 'secondary recheck', 'data-state': 'removed' }, '削除を確認');
  const up = h('button', { type: 'button', class: 'secondary recheck', 'data-state': 'up' }, 'まだ掲載');
  const run = async (state) => {
    try {
      await recheck(t.id, state);
      await redraw(state === 'removed' ? '削除を確認しました。' : '再確認を記録しました（掲載中）。');
    } catch (err) {
      await redraw(null, err.message);
    }
  };
  gone.addEventListener('click', () => run('removed'));
  up.addEventListener('click', () => run('up'));
  return h('span', { class: 'row' }, gone, up);
}

function table(items, id, redraw) {
  if (!items.length) return h('p', { class: 'muted', id: `${id}-empty` }, '該当はありません。');
  return h('table', { id },
    h('thead', {}, h('tr', {}, ['URL', '依頼日時', '方法', '最終確認', '状態', '経過日数', '所属', '外国管理者', '再確認'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, items.map((t) => h('tr', { class: overdue(t) ? 'overdue' : '', 'data-takedown-id': t.id },
      h('td', { class: 'url' }, literal(t.url || '')),
      h('td', {}, jst(t.requested_at)),
      h('td', {}, TAKEDOWN_METHODS[t.method] || literal(t.method || '')),
      h('td', {}, jst(t.last_checked_at)),
      h('td', { 'data-state': removed(t) ? 'removed' : 'up' }, stateName(t)),
      h('td', { class: 'num' }, String(outstanding(t) ?? '—')),
      h('td', {}, literal(t.unit || '')),
      h('td', {}, t.foreign ? '○' : ''),
      h('td', { class: 'no-print' }, recheckCell(t, redraw))))));
}

function newForm(redraw) {
  const form = h('form', { class: 'row', id: 'takedown-form' },
    h('label', { for: 'td-url' }, 'URL', h('input', { id: 'td-url', name: 'url', type: 'url', required: true })),
    h('label', { for: 'td-method-new' }, '依頼方法', h('select', { id: 'td-method-new', name: 'method' }, Object.entries(TAKEDOWN_METHODS).map(([k, v]) => h('option', { value: k }, v)))),
    h('label', { for: 'td-foreign' }, '外国の管理者', h('input', { id: 'td-foreign', name: 'foreign', type: 'checkbox' })),
    h('label', { for: 'td-admin' }, '管理者（外国の場合）', h('input', { id: 'td-admin', name: 'administrator' })),
    h('button', { type: 'submit' }, '削除依頼を記録'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    try {
      await createTakedown({
        url: f.namedItem('url').value.trim(), method: f.namedItem('method').value,
        foreign: f.namedItem('foreign').checked, administrator: f.namedItem('administrator').value.trim() || null,
      });
      await redraw('削除依頼を記録しました。');
    } catch (err) {
      await redraw(null, err.message);
    }
  });
  return h('details', { class: 'card no-print' }, h('summary', {}, '削除依頼を記録する'), form);
}

export async function renderTakedowns(main, { isCurrent }) {
  const redraw = async (message, error) => {
    const data = await listTakedowns({});
    if (!isCurrent()) return;
    const items = itemsOf(data);
    const late = items.filter(overdue);
    const foreign = items.filter((t) => t.foreign);
    const icsa = h('button', { type: 'button', id: 'export-icsa' }, 'ICSA 提供用 CSV（未削除の URL）');
    icsa.addEventListener('click', () => download(`icsa-${new Date().toISOString().slice(0, 10)}.csv`, icsaCsv(items.filter((t) => !removed(t)))));
    const foreignBtn = h('button', { type: 'button', id: 'export-foreign', class: 'secondary' }, '外国管理者に係る報告（CSV）');
    foreignBtn.addEventListener('click', () => download(`foreign-admin-${new Date().toISOString().slice(0, 10)}.csv`, foreignCsv(foreign)));
    replace(main, 
      h('h2', {}, '削除依頼の追跡'),
      message ? notice('ok', message) : null,
      error ? notice('error', error) : null,
      h('div', { class: 'counts' },
        h('span', { class: 'count' }, '依頼', h('b', {}, String(items.length))),
        h('span', { class: 'count' }, '削除済み', h('b', {}, String(items.filter(removed).length))),
        h('span', { class: 'count' }, '掲載中', h('b', {}, String(items.filter((t) => !removed(t)).length))),
        h('span', { class: 'count', 'data-count': 'overdue' }, `${OVERDUE_DAYS}日以上未削除`, h('b', {}, String(late.length)))),
      h('div', { class: 'row no-print' }, icsa, foreignBtn),
      newForm(redraw),
      h('h3', {}, '期限超過（サイト管理者が速やかに応じないもの: 000 §2(1)）'),
      table(late, 'overdue', redraw),
      h('h3', {}, 'すべての削除依頼'),
      table(items, 'takedowns', redraw),
      h('h3', {}, '外国の管理者（000 §1(2)イ）'),
      table(foreign, 'foreign', redraw));
  };
  await redraw();
}
