// The inbox: every case the supervisor's unit may review, suicide cases on top with the 003 §4(1)
// checklist in the row, filters and counts. Rows open the detail view.
import { h, replace, jst, literal } from '../dom.js';
import { CATEGORIES, CHECKLIST, STATUSES, categoryName, isSuicide, statusName, URGENCY } from '../labels.js';
import { categoriesOf, checklistOf, compareCases, inquiryOf, listCases, suicideCase, urgencyOf } from '../cases.js';

const FILTER_KEYS = ['category', 'status', 'unit', 'reporter'];

/** The checklist (ア)(イ)(ウ)(エ) as four small cells, met ones filled (003 §4(1)ア). */
export function checklistCells(c) {
  const k = checklistOf(c);
  return h('span', { class: 'checklist', 'aria-label': '003 §4(1)ア 照会判断のチェック' },
    CHECKLIST.map((item) => h('span', {
      class: `item ${k[item.key] ? 'yes' : 'no'}`,
      title: `${item.clause} ${item.name}: ${k[item.key] ? '該当' : '非該当'}`,
      'data-check': item.key,
      'data-met': k[item.key] ? '1' : '0',
    }, `${item.mark}${k[item.key] ? '✓' : '−'}`)));
}

export function categoryBadges(cats) {
  return cats.map((id) => h('span', { class: `badge ${isSuicide(id) ? 'cat-suicide' : 'cat-child'}`, 'data-category': id }, categoryName(id)));
}

/**
 * The users who reported the case (several reports of one post = one case) as [{id, name}]: the
 * endpoint's `reporter_users`, or — from an endpoint without it — the names standing in for ids.
 */
function reportersOf(c) {
  if (Array.isArray(c.reporter_users)) return c.reporter_users.map((r) => ({ id: String(r.id), name: String(r.name ?? '') }));
  return Array.isArray(c.reporters) ? c.reporters.map((n) => ({ id: String(n), name: String(n) })) : [];
}

function filtersFromHash(args) {
  const params = new URLSearchParams(args[0] || '');
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) || '']));
}

function select(id, label, options, value) {
  return h('label', { for: id }, label,
    h('select', { id, name: id },
      h('option', { value: '' }, 'すべて'),
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

function matches(c, f) {
  if (f.category && !categoriesOf(c).includes(f.category)) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.unit && c.unit !== f.unit) return false;
  if (f.reporter && !reportersOf(c).some((r) => r.id === f.reporter)) return false;
  return true;
}

/** How often the inbox asks for new cases while it is open (a suicide notice cannot wait for a reload). */
export const REFRESH_MS = 30000;

export async function renderInbox(main, { args, isCurrent }) {
  const filters = filtersFromHash(args);
  const body = h('div', {}, h('p', { class: 'muted' }, '読み込み中…'));
  const updated = h('p', { class: 'muted no-print', id: 'updated', 'aria-live': 'polite' });
  main.append(h('h2', {}, '受信箱'), updated, body);
  let last = '';
  const load = async () => {
    const reporter = /^\d+$/.test(filters.reporter) ? filters.reporter : '';
    const data = await listCases({ status: filters.status, category: filters.category, unit: filters.unit, reporter });
    if (!isCurrent()) return;
    const signature = JSON.stringify(data);
    // Never redraw under the supervisor's hands (an open filter, a focused row).
    const busy = body.contains(document.activeElement) && document.activeElement !== body;
    if (signature !== last && !(last && busy)) {
      last = signature;
      draw(body, data, filters);
    }
    updated.textContent = `最終更新 ${new Date().toLocaleTimeString('ja-JP', { timeZone: 'Asia/Tokyo' })}（${REFRESH_MS / 1000}秒ごとに自動更新）`;
  };
  await load();
  const timer = setInterval(() => {
    if (!isCurrent()) {
      clearInterval(timer);
      return;
    }
    if (!document.hidden) load().catch((err) => { updated.textContent = `自動更新に失敗しました: ${err.message}`; });
  }, REFRESH_MS);
}

function draw(body, data, filters) {
  const all = (data?.items || []).slice();
  const cases = all.filter((c) => matches(c, filters)).sort(compareCases);

  const units = [...new Set(all.map((c) => c.unit).filter(Boolean))].sort();
  const reporters = [...new Map(all.flatMap(reportersOf).map((r) => [r.id, r.name])).entries()]
    .sort((a, b) => a[1].localeCompare(b[1], 'ja'));
  const form = h('form', { class: 'row filters card', id: 'filters' },
    select('category', '分類', Object.keys(CATEGORIES).map((id) => [id, categoryName(id)]), filters.category),
    select('status', '状態', Object.entries(STATUSES), filters.status),
    select('unit', '所属', units.map((u) => [u, u]), filters.unit),
    select('reporter', '報告者', reporters, filters.reporter),
    h('button', { type: 'submit' }, '絞り込む'),
    h('button', { type: 'button', class: 'secondary', onclick: () => { location.hash = '#/inbox'; } }, '解除'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) {
      const v = /** @type {HTMLSelectElement} */ (form.elements.namedItem(k)).value;
      if (v) q.set(k, v);
    }
    location.hash = `#/inbox/${q.toString()}`;
  });

  // Counts per status from the endpoint (all visible cases under the other filters).
  const byStatus = Object.fromEntries(Object.keys(STATUSES).map((s) => [s, Number(data?.counts?.by_status?.[s] || 0)]));
  const counts = h('div', { class: 'counts', id: 'counts' },
    h('span', { class: 'count', 'data-count': 'shown' }, '表示', h('b', {}, String(cases.length))),
    h('span', { class: 'count', 'data-count': 'suicide' }, '自殺関連', h('b', {}, String(all.filter(suicideCase).length))),
    h('span', { class: 'count', 'data-count': 'inquiry' }, '照会要件該当', h('b', {}, String(all.filter(inquiryOf).length))),
    Object.entries(byStatus).map(([s, n]) => h('span', { class: 'count', 'data-count': s }, statusName(s), h('b', {}, String(n)))));

  const rows = cases.map((c) => {
    const open = () => { location.hash = `#/case/${encodeURIComponent(c.id)}`; };
    const cats = categoriesOf(c);
    const level = urgencyOf(c);
    const reports = c.report_count ?? reportersOf(c).length;
    const tr = h('tr', {
      class: `case-row${suicideCase(c) ? ' suicide' : ''}`, tabindex: '0', 'data-case-id': c.id,
      onclick: open, onkeydown: (ev) => { if (ev.key === 'Enter') open(); },
    },
    h('td', {}, categoryBadges(cats), c.held ? h('span', { class: 'badge held' }, '削除依頼不可') : null,
      c.minor ? h('span', { class: 'badge cat-child' }, '児童') : null),
    h('td', {}, suicideCase(c) ? checklistCells(c) : h('span', { class: 'muted' }, '—')),
    h('td', {}, h('span', { class: `badge urg-${level}` }, URGENCY[level] || level)),
    h('td', { class: 'cell-text' }, literal(snippet(c))),
    h('td', {}, h('span', { class: `badge status-${c.status}` }, statusName(c.status))),
    h('td', {}, literal(c.unit || '')),
    h('td', {}, literal(reportersOf(c).map((r) => r.name).join('、'))),
    h('td', { class: 'num' }, String(reports)),
    h('td', {}, jst(c.last_reported_at || c.first_reported_at)));
    return tr;
  });

  const table = cases.length
    ? h('table', { id: 'cases' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, '分類'),
        h('th', { scope: 'col', title: '003 §4(1)ア (ア)時期 (イ)具体性 (ウ)明示 (エ)疑義なし' }, '照会判断 ア・イ・ウ・エ'),
        h('th', { scope: 'col' }, '緊急度'),
        h('th', { scope: 'col' }, '書き込み'),
        h('th', { scope: 'col' }, '状態'),
        h('th', { scope: 'col' }, '所属'),
        h('th', { scope: 'col' }, '報告者'),
        h('th', { scope: 'col', class: 'num' }, '報告数'),
        h('th', { scope: 'col' }, '最終報告'))),
      h('tbody', {}, rows))
    : h('p', { class: 'muted', id: 'no-cases' }, '該当する案件はありません。');
  replace(body, form, counts, table);
}

function snippet(c) {
  const text = c.excerpt ?? c.text ?? '';
  const chars = Array.from(String(text));
  return chars.length > 80 ? `${chars.slice(0, 80).join('')}…` : chars.join('');
}
