// Audit log (admins): every request to the endpoint, refusals included — who, what, when, from where.
import { h, replace, jst, literal } from '../dom.js';
import * as api from '../api.js';
import { ROLES } from '../labels.js';

export const listAudit = (params) => api.get(`/api/audit${api.query(params)}`);

const PAGE = 100;
const OUTCOMES = { ok: '成功', refused: '拒否', error: 'エラー' };

export async function renderAudit(main, { args, isCurrent }) {
  const params = new URLSearchParams(args[0] || '');
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const outcome = params.get('outcome') || '';
  const action = params.get('action') || '';
  const data = await listAudit({ limit: PAGE, offset, outcome, action });
  if (!isCurrent()) return;
  const items = data?.items || [];
  const total = Number(data?.total ?? items.length);
  const outcomeSel = h('select', { id: 'audit-outcome' }, h('option', { value: '' }, 'すべて'),
    Object.entries(OUTCOMES).map(([k, v]) => h('option', { value: k, selected: k === outcome }, v)));
  const actionInput = h('input', { id: 'audit-action', value: action, placeholder: '例: case.approve' });
  const link = (o) => {
    const q = new URLSearchParams();
    if (outcome) q.set('outcome', outcome);
    if (action) q.set('action', action);
    if (o) q.set('offset', String(o));
    return `#/audit/${q.toString()}`;
  };
  const go = h('button', { type: 'button' }, '絞り込む');
  go.addEventListener('click', () => {
    const q = new URLSearchParams();
    if (outcomeSel.value) q.set('outcome', outcomeSel.value);
    if (actionInput.value.trim()) q.set('action', actionInput.value.trim());
    location.hash = `#/audit/${q.toString()}`;
  });
  replace(main,
    h('h2', {}, '監査ログ'),
    h('p', { class: 'muted' }, `全${total}件中 ${total ? offset + 1 : 0}–${offset + items.length}件（新しい順）`),
    h('div', { class: 'row filters card' }, h('label', { for: 'audit-outcome' }, '結果', outcomeSel), h('label', { for: 'audit-action' }, '操作', actionInput), go),
    h('table', { id: 'audit' },
      h('thead', {}, h('tr', {}, ['日時', '利用者', '役割', '所属', '操作', '対象', '接続元', '結果'].map((t) => h('th', {}, t)))),
      h('tbody', {}, items.map((e) => h('tr', { class: e.outcome === 'ok' ? '' : 'overdue', 'data-outcome': e.outcome },
        h('td', {}, jst(e.at)),
        h('td', {}, literal(e.user_name || '（未認証）')),
        h('td', {}, ROLES[e.role] || literal(e.role || '')),
        h('td', {}, literal(e.unit || '')),
        h('td', {}, literal(e.action || ''), h('div', { class: 'muted url' }, literal(`${e.method || ''} ${e.path || ''}`))),
        h('td', { class: 'url' }, literal(e.object || '')),
        h('td', {}, literal(e.remote || '')),
        h('td', {}, OUTCOMES[e.outcome] || literal(e.outcome || ''), ` ${e.status ?? ''}`, e.detail ? h('div', { class: 'muted' }, literal(e.detail)) : null))))),
    h('p', { class: 'row no-print' },
      offset > 0 ? h('a', { href: link(Math.max(0, offset - PAGE)) }, '← 新しい記録') : null,
      offset + items.length < total ? h('a', { href: link(offset + PAGE) }, '古い記録 →') : null));
}
