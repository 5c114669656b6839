// Provider directory (003 §4(4)): whom to address an inquiry to, per site/domain. Supervisors read
// it; admins edit it; every change is kept with who, when, and the values before and after.
import { h, replace, jst, literal, notice } from '../dom.js';
import * as api from '../api.js';

export const listProviders = () => api.get(`/api/providers${api.query({ limit: 500 })}`);
export const deleteProvider = (id) => api.del(`/api/providers/${api.seg(id)}`);
export const saveProvider = (p) => (p.id !== undefined && p.id !== null
  ? api.put(`/api/providers/${api.seg(p.id)}`, p)
  : api.post('/api/providers', p));
export const providerHistory = (id) => api.get(`/api/providers/${api.seg(id)}/history`);

/** @type {Array<[string, string, boolean]>} key, Japanese label, required */
const FIELDS = [
  ['domain', 'サイト・ドメイン', true],
  ['name', 'プロバイダ等の名称', true],
  ['department', '担当部署', false],
  ['phone', '電話', false],
  ['fax', 'ファックス', false],
  ['email', '電子メール', false],
  ['address', '住所', false],
  ['note', '備考', false],
];

const ACTIONS = { create: '登録', update: '変更', delete: '削除' };

function editor(provider, onSaved) {
  const inputs = Object.fromEntries(FIELDS.map(([key, , required]) => [key,
    h('input', { id: `prov-${key}`, name: key, required, value: provider?.[key] ?? '' })]));
  const status = h('div', {});
  const form = h('form', { class: 'row', id: 'provider-form' },
    FIELDS.map(([key, label]) => h('label', { for: `prov-${key}` }, label, inputs[key])),
    h('button', { type: 'submit', id: 'provider-save' }, provider ? '変更を保存' : '追加'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(FIELDS.map(([key]) => [key, inputs[key].value.trim() || null]));
    if (!body.domain || !body.name) {
      replace(status, notice('error', 'サイト・ドメインと名称は必須です。'));
      return;
    }
    if (provider) body.id = provider.id;
    try {
      await saveProvider(body);
      onSaved(provider ? '変更を保存しました（履歴に記録）。' : '追加しました。');
    } catch (err) {
      replace(status, notice('error', err.message));
    }
  });
  return h('div', { class: 'card', id: 'provider-editor' }, h('h3', {}, provider ? '照会先の編集' : '照会先の追加'), form, status);
}

async function historyView(provider) {
  const data = await providerHistory(provider.id);
  const items = Array.isArray(data) ? data : data?.items || [];
  return h('div', { class: 'card', id: 'provider-history' },
    h('h3', {}, '変更履歴: ', literal(provider.name || '')),
    items.length
      ? h('table', {},
        h('thead', {}, h('tr', {}, ['日時', '変更者', '操作', '項目', '変更前', '変更後'].map((t) => h('th', {}, t)))),
        h('tbody', {}, items.flatMap((e) => diff(e.before, e.after).map((ch) => h('tr', { 'data-change-id': e.id },
          h('td', {}, jst(e.at)),
          h('td', {}, literal(e.by || '')),
          h('td', {}, ACTIONS[e.action] || literal(e.action || '')),
          h('td', {}, literal(ch.field)),
          h('td', {}, literal(ch.old)),
          h('td', {}, literal(ch.new)))))))
      : h('p', { class: 'muted' }, '変更履歴はありません。'));
}

/** Field-by-field changes between two provider snapshots (bookkeeping fields left out). */
function diff(before, after) {
  const label = Object.fromEntries(FIELDS.map(([key, name]) => [key, name]));
  return FIELDS.map(([key]) => key)
    .filter((k) => (before?.[k] ?? null) !== (after?.[k] ?? null))
    .map((k) => ({ field: label[k], old: String(before?.[k] ?? ''), new: String(after?.[k] ?? '') }));
}

export async function renderProviders(main, { me, isCurrent }) {
  const admin = me.role === 'admin';
  const draw = async (message) => {
    const providers = (await listProviders())?.items || [];
    if (!isCurrent()) return;
    const side = h('div', {}, admin ? editor(null, (m) => draw(m)) : null);
    replace(main, 
      h('h2', {}, '照会先（プロバイダ等の連絡先）'),
      h('p', { class: 'muted' }, '自殺予告に係る照会の宛先です（003 §4(4)）。変更は履歴に残ります。',
        admin ? '' : '変更を把握したときは管理者（サイバー企画課）に連絡してください（003 §4(4)イ）。'),
      message ? notice('ok', message) : null,
      side,
      providers.length
        ? h('table', { id: 'providers' },
          h('thead', {}, h('tr', {}, [...FIELDS.map(([, label]) => label), '更新', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, providers.map((p) => {
            const edit = h('button', { type: 'button', class: 'secondary' }, '編集');
            edit.addEventListener('click', () => replace(side, editor(p, (m) => draw(m))));
            const hist = h('button', { type: 'button', class: 'secondary' }, '履歴');
            hist.addEventListener('click', async () => {
              try {
                replace(side, await historyView(p));
              } catch (err) {
                replace(side, notice('error', err.message));
              }
            });
            const del = h('button', { type: 'button', class: 'danger' }, '削除');
            del.addEventListener('click', async () => {
              if (!window.confirm(`${p.domain} の照会先を削除しますか（履歴は残ります）`)) return;
              try {
                await deleteProvider(p.id);
                await draw('削除しました。');
              } catch (err) {
                replace(side, notice('error', err.message));
              }
            });
            return h('tr', { 'data-provider-id': p.id, 'data-domain': p.domain },
              FIELDS.map(([key]) => h('td', {}, literal(p[key] ?? ''))),
              h('td', {}, jst(p.updated_at), h('br', {}), literal(p.updated_by || '')),
              h('td', { class: 'row no-print' }, admin ? edit : null, hist, admin ? del : null));
          })))
        : h('p', { class: 'muted' }, '登録はありません。'));
  };
  await draw();
}
