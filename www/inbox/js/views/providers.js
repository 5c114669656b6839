// Provider directory (003 §4(4)): whom to address an inquiry to, per site/domain. Admins edit it;
// every change is kept with who, when, and the old and new values.
import { h, replace, jst, literal, notice } from '../dom.js';
import * as api from '../api.js';

export const listProviders = () => api.get('/api/providers');
export const saveProvider = (p) => (p.id !== undefined && p.id !== null
  ? api.put(`/api/providers/${api.seg(p.id)}`, p)
  : api.post('/api/providers', p));
export const providerHistory = (id) => api.get(`/api/providers/${api.seg(id)}/history`);

const FIELDS = [
  ['domain', 'サイト・ドメイン', true],
  ['name', 'プロバイダ等の名称', true],
  ['department', '担当部署', false],
  ['phone', '電話', false],
  ['fax', 'ファックス', false],
  ['email', '電子メール', false],
  ['note', '備考', false],
];

const itemsOf = (data) => (Array.isArray(data) ? data : data?.providers || data?.items || []);

function editor(provider, onSaved) {
  const inputs = Object.fromEntries(FIELDS.map(([key, label, required]) => [key,
    h('input', { id: `prov-${key}`, name: key, required, value: provider?.[key] ?? '' })]));
  const status = h('div', {});
  const form = h('form', { class: 'row', id: 'provider-form' },
    FIELDS.map(([key, label]) => h('label', { for: `prov-${key}` }, label, inputs[key])),
    h('button', { type: 'submit', id: 'provider-save' }, provider ? '変更を保存' : '追加'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(FIELDS.map(([key]) => [key, inputs[key].value.trim() || null]));
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
  const items = Array.isArray(data) ? data : data?.history || data?.items || [];
  return h('div', { class: 'card', id: 'provider-history' },
    h('h3', {}, '変更履歴: ', literal(provider.name || '')),
    items.length
      ? h('table', {},
        h('thead', {}, h('tr', {}, ['日時', '変更者', '項目', '変更前', '変更後'].map((t) => h('th', {}, t)))),
        h('tbody', {}, items.flatMap((e) => {
          const changes = e.changes || (e.field ? [e] : diff(e.old || e.before, e.new || e.after));
          return changes.map((ch) => h('tr', {},
            h('td', {}, jst(e.changed_at || e.created_at || e.at)),
            h('td', {}, literal(e.changed_by?.name || e.changed_by || e.by || e.user || '')),
            h('td', {}, literal(ch.field || '')),
            h('td', {}, literal(ch.old ?? ch.before ?? '')),
            h('td', {}, literal(ch.new ?? ch.after ?? ''))));
        })))
      : h('p', { class: 'muted' }, '変更履歴はありません。'));
}

function diff(before, after) {
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  return [...keys].filter((k) => (before || {})[k] !== (after || {})[k])
    .map((k) => ({ field: k, old: (before || {})[k] ?? '', new: (after || {})[k] ?? '' }));
}

export async function renderProviders(main, { isCurrent }) {
  const draw = async (message, extra) => {
    const providers = itemsOf(await listProviders());
    if (!isCurrent()) return;
    const side = h('div', {}, extra || editor(null, (m) => draw(m)));
    replace(main, 
      h('h2', {}, '照会先（プロバイダ等の連絡先）'),
      h('p', { class: 'muted' }, '自殺予告に係る照会の宛先です（003 §4(4)）。変更は履歴に残ります。'),
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
            return h('tr', { 'data-provider-id': p.id },
              FIELDS.map(([key]) => h('td', {}, literal(p[key] ?? ''))),
              h('td', {}, jst(p.updated_at)),
              h('td', { class: 'row' }, edit, hist));
          })))
        : h('p', { class: 'muted' }, '登録はありません。'));
  };
  await draw();
}
