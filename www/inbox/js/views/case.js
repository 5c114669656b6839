// The detail of one case: the post record, the text with the evidence spans highlighted, the
// signals, the evidence (media blurred until revealed), the chain status, the reports, the forms to
// print, and the review actions.
import { h, replace, jst, literal, highlight, hasControls, notice } from '../dom.js';
import { CHECKLIST, REGION, ROLES, URGENCY, statusName, categoryName } from '../labels.js';
import { analysisOf, categoriesOf, checklistOf, getCase, inquiryOf, reviewCase, suicideCase, urgencyOf } from '../cases.js';
import { categoryBadges } from './inbox.js';
import { evidenceSection } from './evidence.js';
import { formsSection } from './forms.js';
import { holdBanner } from './holds.js';

/** Every span of the analysis on one source ("text" or "profile"), with a kind for colouring. */
export function spansFor(analysis, source) {
  const out = [];
  const add = (list, kind) => {
    for (const s of list || []) {
      if ((s.source || 'text') === source) out.push({ start: s.start, end: s.end, label: s.label || kind, kind: s.signal || kind });
    }
  };
  for (const f of analysis.flags || []) add(f.evidence, 'flag');
  const u = analysis.urgency || {};
  add(u.timing, 'timing');
  add(u.specific, 'specific');
  add(u.explicit, 'explicit');
  add(u.doubt, 'doubt');
  add(analysis.child?.signals, 'child');
  for (const p of analysis.places || []) {
    if ((p.source || 'text') === source) out.push({ start: p.start, end: p.end, label: `地名: ${p.name}`, kind: 'place' });
  }
  return out;
}

function field(label, value) {
  return [h('dt', {}, label), h('dd', {}, value ?? '—')];
}

function linkTo(url) {
  if (!url) return '—';
  const text = literal(url);
  if (!/^https?:\/\//i.test(url) || hasControls(url)) return h('span', { class: 'url' }, text);
  return h('a', { class: 'url', href: url, target: '_blank', rel: 'noopener noreferrer' }, text);
}

function postRecord(c) {
  const p = c.post || c;
  return h('dl', { class: 'record', id: 'post-record' },
    field('URL', linkTo(p.url)),
    field('サイト', literal(p.site || '')),
    field('掲示板', p.board ? literal(p.board) : '—'),
    field('投稿番号', p.post_no ? literal(String(p.post_no)) : '—'),
    field('投稿者', h('span', { id: 'author' }, literal([p.author_handle, p.author_name].filter(Boolean).join(' / ') || p.author || ''))),
    field('投稿日時', jst(p.posted_at)),
    field('保全日時', jst(p.captured_at || c.captured_at)),
    field('受付日時', jst(c.created_at || c.submitted_at)),
    field('所属', literal(c.unit || '')),
    field('状態', h('span', { class: `badge status-${c.status}`, id: 'case-status' }, statusName(c.status))));
}

function signals(c, analysis) {
  const k = checklistOf(c);
  const u = analysis.urgency || {};
  const list = (items) => (items && items.length
    ? h('ul', { class: 'signals' }, items.map((s) => h('li', {}, literal(s.text || ''), ' ', h('span', { class: 'muted' }, `（${s.label || s.signal || ''}）`))))
    : h('span', { class: 'muted' }, 'なし'));
  const child = analysis.child || {};
  const places = analysis.places || [];
  return h('div', { class: 'card', id: 'signals' },
    h('h3', {}, '判定の根拠'),
    h('p', {}, categoryBadges(categoriesOf(c)), ' 緊急度: ', h('span', { class: `badge urg-${urgencyOf(c)}` }, URGENCY[urgencyOf(c)] || urgencyOf(c))),
    suicideCase(c) ? h('div', {},
      h('h3', {}, '照会の判断（003 §4(1)ア）'),
      h('ul', { class: 'signals', id: 'checklist-detail' }, CHECKLIST.map((item) => {
        const spans = item.key === 'no_doubt' ? u.doubt : u[item.key];
        return h('li', { 'data-check': item.key },
          h('b', {}, `(${item.mark}) ${item.name}: ${k[item.key] ? '該当' : '非該当'}`),
          item.key === 'no_doubt'
            ? (spans && spans.length ? h('div', {}, '疑義の要素: ', list(spans)) : null)
            : list(spans));
      })),
      h('p', { id: 'inquiry-verdict', class: inquiryOf(c) ? 'notice notice-error' : 'notice notice-warn' },
        inquiryOf(c) ? 'プロバイダ等への照会の要件を満たしています（003 §4(1)）。' : '照会の要件をすべては満たしていません。')) : null,
    h('h3', {}, '児童に関する判断'),
    h('p', {}, child.minor || analysis.minor ? '児童と判断（投稿または相手方）' : '児童とは判断されていません'),
    list(child.signals),
    h('h3', {}, '地域'),
    h('p', { id: 'region' }, REGION[analysis.region] || '不明', '（管轄: ', literal(analysis.jurisdiction || '—'), '）'),
    places.length ? h('ul', { class: 'signals' }, places.map((p) => h('li', {}, literal(p.name || ''), ' ', h('span', { class: 'muted' }, p.inside ? '管轄内' : '管轄外')))) : null);
}

function reportsSection(c) {
  const reports = c.reports || [];
  return h('div', { class: 'card', id: 'reports' },
    h('h3', {}, `報告（${reports.length}件）`),
    reports.length > 1 ? h('p', { class: 'muted' }, '同じ書き込みについて複数の利用者から報告があります。') : null,
    reports.length
      ? h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, '報告者'), h('th', {}, '役割'), h('th', {}, '所属'), h('th', {}, '日時'), h('th', {}, 'コメント'))),
        h('tbody', {}, reports.map((r) => h('tr', {},
          h('td', {}, literal(r.reporter?.name || r.reporter_name || r.reporter || '')),
          h('td', {}, ROLES[r.reporter?.role || r.role] || literal(r.reporter?.role || r.role || '')),
          h('td', {}, literal(r.unit || r.reporter?.unit || '')),
          h('td', {}, jst(r.created_at || r.submitted_at)),
          h('td', { class: 'cell-text' }, literal(r.comment || r.note || ''))))))
      : h('p', { class: 'muted' }, '報告の記録がありません。'));
}

function historySection(c) {
  const reviews = c.reviews || c.history || [];
  if (!reviews.length) return null;
  return h('div', { class: 'card', id: 'history' },
    h('h3', {}, '審査の履歴'),
    h('ul', { class: 'signals' }, reviews.map((r) => h('li', {},
      jst(r.created_at || r.at), ' ', h('b', {}, statusName(r.status || r.action)), ' ',
      literal(r.reviewer?.name || r.reviewer || r.by || ''),
      r.comment ? h('div', { class: 'cell-text' }, '「', literal(r.comment), '」') : null))));
}

function actions(c, me, refresh) {
  const status = h('div', { id: 'review-status' });
  const comment = h('textarea', { id: 'review-comment', name: 'comment', placeholder: '差戻しの理由・指示（差戻しには必須）' });
  const doubtful = !!(c.doubtful_warning || c.warning_doubtful || c.doubtful);
  const run = async (action, button) => {
    replace(status);
    const text = comment.value.trim();
    if (action === 'return' && !text) {
      status.append(notice('error', '差戻しの理由を入力してください。'));
      comment.focus();
      return;
    }
    button.disabled = true;
    try {
      await reviewCase(c.id, action, text);
      comment.value = '';
      await refresh(`${{ approve: '承認しました', return: '差し戻しました', done: '処理完了にしました' }[action]}。`);
    } catch (err) {
      status.append(notice('error', err.message));
      button.disabled = false;
    }
  };
  const canReview = me.role === 'supervisor' || me.role === 'admin';
  const approve = h('button', { type: 'button', id: 'approve', disabled: !canReview || c.status === 'approved' || c.status === 'done' },
    doubtful ? '警告の実施を承認' : '承認');
  const ret = h('button', { type: 'button', id: 'return', class: 'secondary', disabled: !canReview || c.status === 'done' }, '差戻し');
  const done = h('button', {
    type: 'button', id: 'done', class: 'secondary',
    disabled: !canReview || c.status === 'done' || (doubtful && c.status !== 'approved'),
  }, '処理完了');
  approve.addEventListener('click', () => run('approve', approve));
  ret.addEventListener('click', () => run('return', ret));
  done.addEventListener('click', () => run('done', done));
  return h('div', { class: 'card actions', id: 'actions' },
    h('h3', {}, '審査'),
    doubtful ? h('p', { class: 'notice notice-warn', id: 'doubtful' },
      '警告の実施に疑義があるとして報告されています。実施責任者の承認を得てから警告します（001 §5(3)）。') : null,
    canReview ? null : h('p', { class: 'muted' }, '審査は監督者が行います。'),
    comment,
    h('div', { class: 'row' }, approve, ret, done),
    status);
}

export async function renderCase(main, { me, args, isCurrent }) {
  const id = args[0];
  const draw = async (message) => {
    const c = await getCase(id);
    if (!isCurrent()) return;
    const analysis = analysisOf(c);
    const p = c.post || c;
    const text = p.text || '';
    const profile = p.profile || '';
    replace(main, 
      h('p', { class: 'no-print' }, h('a', { href: '#/inbox' }, '← 受信箱へ戻る')),
      h('h2', {}, `案件 ${c.id}: `, categoriesOf(c).map(categoryName).join('・') || '分類なし'),
      message ? notice('ok', message) : null,
      await holdBanner(c, me),
      h('div', { class: 'detail-grid' },
        h('div', {},
          h('div', { class: 'card' },
            h('h3', {}, '書き込み'),
            hasControls(text) ? h('p', { class: 'notice notice-warn' }, '文字の向きや表示を変える制御文字が含まれています（⟨U+…⟩ で表示）。') : null,
            h('div', { class: 'post-text', id: 'post-text', lang: 'ja' }, highlight(text, spansFor(analysis, 'text'))),
            profile ? h('h3', {}, '投稿者のプロフィール') : null,
            profile ? h('div', { class: 'post-text', id: 'profile-text' }, highlight(profile, spansFor(analysis, 'profile'))) : null,
            h('h3', {}, '投稿の記録'),
            postRecord(c)),
          await evidenceSection(c),
          formsSection(c)),
        h('div', {},
          actions(c, me, draw),
          signals(c, analysis),
          reportsSection(c),
          historySection(c))));
  };
  replace(main, h('p', { class: 'muted' }, '読み込み中…'));
  await draw();
}
