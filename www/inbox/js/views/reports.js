// Monthly report of warnings by category (001 §5(4)) and takedown statistics (000 §4(2)): a page
// that prints on A4 (print CSS) and the same figures as CSV.
import { h, replace, notice } from '../dom.js';
import * as api from '../api.js';
import { toCsv, download } from '../csv.js';
import { CATEGORIES, categoryName } from '../labels.js';

export const getMonthly = (month, unit) => api.get(`/api/reports/monthly${api.query({ month, unit })}`);

function thisMonth() {
  const jstNow = new Date(Date.now() + 9 * 3600000);
  return jstNow.toISOString().slice(0, 7);
}

/** Rows [category id, count] in the contract's order, zero where none. */
export function categoryRows(report) {
  const by = report.warnings?.by_category || report.by_category || {};
  const list = Array.isArray(by) ? Object.fromEntries(by.map((r) => [r.category, r.count])) : by;
  return Object.keys(CATEGORIES).map((id) => [id, Number(list[id] || 0)]);
}

export function takedownRows(report) {
  const t = report.takedowns || {};
  return [
    ['削除依頼の件数', t.requested ?? 0],
    ['削除を確認した件数', t.removed ?? 0],
    ['掲載が続いている件数', t.still_up ?? t.outstanding ?? 0],
    ['期限超過の件数', t.overdue ?? 0],
    ['削除までの日数（中央値）', t.median_days_to_removal ?? t.median_days ?? '—'],
  ];
}

/** The report's CSV: one section per table, so it opens cleanly in a spreadsheet. */
export function reportCsv(month, unit, report) {
  const rows = [
    ['月報', month, unit || '全所属'],
    [],
    ['注意喚起・警告（001 §5(4)）', '条項', '件数'],
    ...categoryRows(report).map(([id, n]) => [categoryName(id), CATEGORIES[id].clause, n]),
    ['合計', '', categoryRows(report).reduce((s, [, n]) => s + n, 0)],
    [],
    ['削除依頼の統計（000 §4(2)）', '', '件数'],
    ...takedownRows(report).map(([k, v]) => [k, '', v]),
  ];
  return toCsv(rows[0], rows.slice(1));
}

export async function renderReports(main, { me, args, isCurrent }) {
  const month = /^\d{4}-\d{2}$/.test(args[0] || '') ? args[0] : thisMonth();
  const unit = args[1] || '';
  const report = await getMonthly(month, unit);
  if (!isCurrent()) return;
  const cats = categoryRows(report);
  const total = cats.reduce((s, [, n]) => s + n, 0);
  const monthInput = h('input', { type: 'month', id: 'report-month', value: month });
  const unitInput = h('input', { id: 'report-unit', value: unit, placeholder: '全所属' });
  const show = h('button', { type: 'button', id: 'report-show' }, '表示');
  show.addEventListener('click', () => {
    if (!/^\d{4}-\d{2}$/.test(monthInput.value)) {
      main.prepend(notice('error', '年月を選んでください。'));
      return;
    }
    location.hash = `#/reports/${monthInput.value}${unitInput.value.trim() ? `/${encodeURIComponent(unitInput.value.trim())}` : ''}`;
  });
  const printBtn = h('button', { type: 'button', id: 'report-print', class: 'secondary' }, '印刷');
  printBtn.addEventListener('click', () => window.print());
  const csvBtn = h('button', { type: 'button', id: 'report-csv', class: 'secondary' }, 'CSV をダウンロード');
  csvBtn.addEventListener('click', () => download(`monthly-${month}.csv`, reportCsv(month, unit, report)));
  const [y, m] = month.split('-');
  replace(main, 
    h('div', { class: 'row filters card no-print' }, h('label', { for: 'report-month' }, '年月', monthInput), h('label', { for: 'report-unit' }, '所属', unitInput), show, printBtn, csvBtn),
    h('div', { class: 'card report', id: 'report' },
      h('h1', {}, `${y}年${Number(m)}月 注意喚起・警告等 実施結果報告`),
      h('p', {}, `対象: ${unit || '全所属'}　作成: `, me.name, `（${me.unit}）　作成日: ${new Date().toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' })}`),
      h('h3', {}, '1 注意喚起・警告の実施結果（001 §5(4)）'),
      h('table', { id: 'report-warnings' },
        h('thead', {}, h('tr', {}, h('th', {}, '類型'), h('th', {}, '根拠'), h('th', { class: 'num' }, '件数'))),
        h('tbody', {}, cats.map(([id, n]) => h('tr', { 'data-category': id }, h('td', {}, categoryName(id)), h('td', {}, CATEGORIES[id].clause), h('td', { class: 'num' }, String(n)))),
          h('tr', {}, h('th', {}, '合計'), h('td', {}), h('th', { class: 'num', id: 'report-total' }, String(total))))),
      h('h3', {}, '2 削除依頼の統計（000 §4(2)）'),
      h('table', { id: 'report-takedowns' },
        h('tbody', {}, takedownRows(report).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: 'num' }, String(v))))))));
}
