// Monthly report of warnings by category (001 §5(4)) and takedown statistics (000 §4(2)): a page
// that prints on A4 (print CSS) and the endpoint's CSV of the same month.
import { h, replace, literal, notice } from '../dom.js';
import * as api from '../api.js';
import { CATEGORIES, STATUSES, TAKEDOWN_METHODS, categoryName } from '../labels.js';

export const getMonthly = (month, unit) => api.get(`/api/reports/monthly${api.query({ month, unit })}`);
export const monthlyCsvUrl = (month, unit) => `/api/reports/monthly${api.query({ month, unit, format: 'csv' })}`;

/** The current month in JST (police months are Japanese months). */
function thisMonth() {
  return new Date(Date.now() + 9 * 3600000).toISOString().slice(0, 7);
}

const n = (v) => String(Number(v || 0));

function countTable(id, header, rows) {
  return h('table', { id },
    h('thead', {}, h('tr', {}, header.map((t, i) => h('th', { class: i === header.length - 1 ? 'num' : '' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-key': r[0] }, r.slice(1).map((v, i) => h('td', { class: i === r.length - 2 ? 'num' : '' }, v))))));
}

export async function renderReports(main, { me, args, isCurrent }) {
  const month = /^\d{4}-\d{2}$/.test(args[0] || '') ? args[0] : thisMonth();
  const unit = me.role === 'admin' ? (args[1] || '') : '';
  const r = await getMonthly(month, unit);
  if (!isCurrent()) return;
  const w = r.warnings || {};
  const cases = r.cases || {};
  const t = r.takedowns || {};
  const holds = r.holds || {};
  const monthInput = h('input', { type: 'month', id: 'report-month', value: month });
  const unitInput = me.role === 'admin' ? h('input', { id: 'report-unit', value: unit, placeholder: '全所属' }) : null;
  const show = h('button', { type: 'button', id: 'report-show' }, '表示');
  show.addEventListener('click', () => {
    if (!/^\d{4}-\d{2}$/.test(monthInput.value)) {
      main.prepend(notice('error', '年月を選んでください。'));
      return;
    }
    const u = unitInput?.value.trim();
    location.hash = `#/reports/${monthInput.value}${u ? `/${encodeURIComponent(u)}` : ''}`;
  });
  const printBtn = h('button', { type: 'button', id: 'report-print', class: 'secondary' }, '印刷（A4）');
  printBtn.addEventListener('click', () => window.print());
  const csv = h('a', { href: monthlyCsvUrl(month, unit), download: `monthly-${month}.csv`, id: 'report-csv' }, 'CSV をダウンロード');
  const [y, m] = month.split('-');
  const cat = (by) => Object.keys(CATEGORIES).map((id) => [id, categoryName(id), CATEGORIES[id].clause, n(by?.[id])]);
  replace(main,
    h('div', { class: 'row filters card no-print' },
      h('label', { for: 'report-month' }, '年月', monthInput),
      unitInput ? h('label', { for: 'report-unit' }, '所属', unitInput) : null,
      show, printBtn, csv),
    h('div', { class: 'card report', id: 'report' },
      h('h1', {}, `${y}年${Number(m)}月 サイバーパトロール実施結果報告`),
      h('p', {}, '対象: ', literal(r.unit || unit || (me.role === 'admin' ? '全所属' : me.unit)), '　作成: ', literal(me.name), '（', literal(me.unit), '）　作成日: ',
        new Date().toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' })),
      h('h3', {}, '1 注意喚起・警告の実施結果（001 §5(4)）'),
      countTable('report-warnings', ['類型', '根拠', '件数'], [...cat(w.by_category),
        ['total', '合計', '', n(w.total)], ['doubtful', 'うち疑義があり承認を得たもの（001 §5(3)）', '', n(w.doubtful)]]),
      h('h3', {}, '2 受理した案件'),
      countTable('report-cases', ['類型', '根拠', '件数'], [...cat(cases.by_category), ['total', '合計', '', n(cases.total)]]),
      h('p', {}, '状態別: ', Object.entries(STATUSES).map(([k, v]) => `${v} ${n(cases.by_status?.[k])}件`).join('、')),
      h('h3', {}, '3 削除依頼の統計（000 §4(2)）'),
      countTable('report-takedowns', ['項目', '件数'], [
        ['requested', '削除依頼の件数', n(t.requested)],
        ['removed', '削除を確認した件数', n(t.removed)],
        ['still_up', '再確認で掲載が続いていた件数', n(t.still_up)],
        ['outstanding', '未削除の件数', n(t.outstanding)],
        ['overdue', '期限超過の件数', n(t.overdue)],
        ['foreign', '外国の管理者に係る件数', n(t.foreign)],
        ['median', '削除までの日数（中央値）', t.median_days_to_removal === null || t.median_days_to_removal === undefined ? '—' : String(t.median_days_to_removal)],
        ...Object.entries(t.by_method || {}).map(([k, v]) => [`method-${k}`, `依頼方法: ${TAKEDOWN_METHODS[k] || k}`, n(v)]),
      ]),
      h('h3', {}, '4 削除依頼不可の登録（000 §1(2)ア, §4(1)）'),
      countTable('report-holds', ['項目', '件数'], [
        ['registered', '登録', n(holds.registered)], ['released', '解除', n(holds.released)], ['active', '月末時点の登録中', n(holds.active)]])));
}
