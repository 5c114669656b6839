// Audit log (admins): every read and write on the endpoint — who, what, when, from where.
import { h, replace, jst, literal } from '../dom.js';
import * as api from '../api.js';

export const listAudit = (params) => api.get(`/api/audit${api.query(params)}`);

const PAGE = 100;

export async function renderAudit(main, { args, isCurrent }) {
  const params = new URLSearchParams(args[0] || '');
  const before = params.get('before') || '';
  const actor = params.get('actor') || '';
  const data = await listAudit({ limit: PAGE, before, actor });
  if (!isCurrent()) return;
  const items = Array.isArray(data) ? data : data?.entries || data?.items || [];
  const actorInput = h('input', { id: 'audit-actor', value: actor, placeholder: '利用者名' });
  const go = h('button', { type: 'button' }, '絞り込む');
  go.addEventListener('click', () => {
    const q = new URLSearchParams();
    if (actorInput.value.trim()) q.set('actor', actorInput.value.trim());
    location.hash = `#/audit/${q.toString()}`;
  });
  const last = items[items.length - 1];
  const older = items.length === PAGE && last
    ? h('a', { href: `#/audit/${new URLSearchParams({ ...(actor ? { actor } : {}), before: String(last.id) }).toString()}` }, 'さらに古い記録')
    : null;
  replace(main, 
    h('h2', {}, '監査ログ'),
    h('div', { class: 'row filters card' }, h('label', { for: 'audit-actor' }, '利用者', actorInput), go),
    h('table', { id: 'audit' },
      h('thead', {}, h('tr', {}, ['日時', '利用者', '役割', '操作', '対象', '接続元', '結果'].map((t) => h('th', {}, t)))),
      h('tbody', {}, items.map((e) => h('tr', {},
        h('td', {}, jst(e.at || e.created_at)),
        h('td', {}, literal(e.actor?.name || e.actor || e.user || '')),
        h('td', {}, literal(e.role || e.actor?.role || '')),
        h('td', {}, literal(e.action || e.method || '')),
        h('td', { class: 'url' }, literal(e.object || e.target || e.path || '')),
        h('td', {}, literal(e.ip || e.remote || e.from || '')),
        h('td', {}, literal(String(e.result ?? e.status ?? ''))))))),
    older);
}
