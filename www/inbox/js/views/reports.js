// Monthly report of warnings by category (001 §5(4)) and takedown statistics (000 §4(2)): a page
// that prints on one A4 sheet (print CSS), the same tables as a Japanese CSV for the desk, and the
// endpoint's machine-readable CSV for data hand-offs.
import { h, replace, literal, notice } from '../dom.js';
import { toCsv, download } from '../csv.js';
import * as api from '../api.js';
import { CATEGORIES, STATUSES, TAKEDOWN_METHODS, categoryName } from '../labels.js';

export const getMonthly = (month, unit) => api.get(`/api/reports/monthly${api.query({ month, unit })}`);
export const monthlyCsvUrl = (month, unit) => `/api/reports/monthly${api.query({ month, unit, format: 'csv' })}`;

/** The current month in JST (police months are Japanese months). */
function thisMonth() {
  return new Date(Date.now() + 9 * 3600000).toISOString().slice(0, 7);
}

const n = (v) => String(Number(v || 0));

/**
 * The report's tables: [{id, title, rows: [[key, label, clause, count]]}]. The page and the Japanese
 * CSV are both drawn from this, so they cannot disagree.
 */
export function reportSections(r) {
  const w = r.warnings || {};
  const cases = r.cases || {};
  const t = r.takedowns || {};
  const holds = r.holds || {};
  const cat = (by) => Object.keys(CATEGORIES).map((id) => [id, categoryName(id), CATEGORIES[id].clause, n(by?.[id])]);
  const median = t.median_days_to_removal === null || t.median_days_to_removal === undefined ? '—' : String(t.median_days_to_removal);
  return [
    { id: 'report-warnings', title: '1 注意喚起・警告の実施結果（001 §5(4)）', rows: [...cat(w.by_category),
      ['total', '合計', '', n(w.total)], ['doubtful', 'うち疑義があり承認を得たもの', '001 §5(3)', n(w.doubtful)]] },
    { id: 'report-cases', title: '2 受理した案件', rows: [...cat(cases.by_category), ['total', '合計', '', n(cases.total)]],
      note: `状態別: ${Object.entries(STATUSES).map(([k, v]) => `${v} ${n(cases.by_status?.[k])}件`).join('、')}` },
    { id: 'report-takedowns', title: '3 削除依頼の統計（000 §4(2)）', rows: [
      ['requested', '削除依頼の件数', '000 §1(1)', n(t.requested)],
      ['removed', '削除を確認した件数', '', n(t.removed)],
      ['still_up', '再確認で掲載が続いていた件数', '', n(t.still_up)],
      ['outstanding', '未削除の件数', '', n(t.outstanding)],
      ['overdue', '期限超過の件数', '000 §2(1)', n(t.overdue)],
      ['foreign', '外国の管理者に係る件数', '000 §1(2)イ', n(t.foreign)],
      ['median', '削除までの日数（中央値）', '', median],
      ...Object.entries(t.by_method || {}).map(([k, v]) => [`method-${k}`, `依頼方法: ${TAKEDOWN_METHODS[k] || k}`, '', n(v)]),
    ] },
    { id: 'report-holds', title: '4 削除依頼不可の登録（000 §1(2)ア, §4(1)）', rows: [
      ['registered', '登録', '', n(holds.registered)], ['released', '解除', '', n(holds.released)], ['active', '月末時点の登録中', '', n(holds.active)]] },
  ];
}

/** The Japanese CSV: one block per table, a title line, then 項目・根拠・件数. */
export function reportCsv(title, sections) {
  const rows = [];
  for (const sec of sections) {
    rows.push([sec.title, '', ''], ['項目', '根拠', '件数'], ...sec.rows.map(([, label, clause, v]) => [label, clause, v]));
    if (sec.note) rows.push([sec.note, '', '']);
    rows.push(['', '', '']);
  }
  return toCsv([title, '', ''], rows);
}

function sectionTable(sec) {
  return [
    h('h3', {}, sec.title),
    h('table', { id: sec.id },
      h('thead', {}, h('tr', {}, h('th', {}, '項目'), h('th', {}, '根拠'), h('th', { class: 'num' }, '件数'))),
      h('tbody', {}, sec.rows.map(([key, label, clause, v]) => h('tr', { 'data-key': key },
        h('td', {}, label), h('td', {}, clause), h('td', { class: 'num' }, v))))),
    sec.note ? h('p', {}, sec.note) : null,
  ];
}

export async function renderReports(main, { me, args, isCurrent }) {
  const month = /^\d{4}-\d{2}$/.test(args[0] || '') ? args[0] : thisMonth();
  const unit = me.role === 'admin' ? (args[1] || '') : '';
  const r = await getMonthly(month, unit);
  if (!isCurrent()) return;
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
  const [y, m] = month.split('-');
  const title = `${y}年${Number(m)}月 サイバーパトロール実施結果報告`;
  const sections = reportSections(r);
  const csv = h('button', { type: 'button', id: 'report-csv', class: 'secondary' }, 'CSV（集計表）');
  csv.addEventListener('click', () => download(`monthly-${month}.csv`, reportCsv(`${title}（${r.unit || unit || '全所属'}）`, sections)));
  const raw = h('a', { href: monthlyCsvUrl(month, unit), download: `monthly-${month}-data.csv`, id: 'report-data-csv' }, 'データ連携用 CSV');
  replace(main,
    h('div', { class: 'row filters card no-print' },
      h('label', { for: 'report-month' }, '年月', monthInput),
      unitInput ? h('label', { for: 'report-unit' }, '所属', unitInput) : null,
      show, printBtn, csv, raw),
    h('div', { class: 'card report', id: 'report' },
      h('h1', {}, title),
      h('p', {}, '対象: ', literal(r.unit || unit || (me.role === 'admin' ? '全所属' : me.unit)), '　作成: ', literal(me.name), '（', literal(me.unit), '）　作成日: ',
        new Date().toLocaleDateString('ja-JP', { timeZone: 'Asia/Tokyo' })),
      sections.map(sectionTable)));
}
