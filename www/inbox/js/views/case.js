// The detail of one case: the post record, the text with the evidence spans highlighted, the
// signals, the evidence (media blurred until revealed) with the server's verification, the reports
// of every user on the post, the forms to print, warnings, takedowns and the review actions.
import { h, replace, jst, literal, highlight, hasControls, notice } from '../dom.js';
import { CATEGORIES, CHECKLIST, REGION, ROLES, URGENCY, statusName, categoryName, TAKEDOWN_STATES } from '../labels.js';
import { addWarning, analysisOf, categoriesOf, checklistOf, getCase, getSubmission, inquiryOf, reviewCase, suicideCase, urgencyOf } from '../cases.js';
import { categoryBadges } from './inbox.js';
import { evidenceSection } from './evidence.js';
import { formsSection } from './forms.js';
import { holdBanner } from './holds.js';
import { takedownForm } from './takedowns.js';

/** Submissions fetched in full per case (post record, evidence log, artefacts); more are listed only. */
const FULL_SUBMISSIONS = 10;

/** Every span of the analysis on one source ("text" or "profile"), with a kind for colouring. */
export function spansFor(analysis, source) {
  const out = [];
  const add = (list, kind) => {
    for (const s of list || []) {
      if ((s.source || 'text') === source) out.push({ start: s.start, end: s.end, label: s.label || kind, kind: s.signal || kind, text: s.text });
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

/**
 * Spans whose quoted text is not what the shown text holds at their offsets: the analysis belongs to
 * another text (e.g. two posts merged into one case). Those are not highlighted, and the page says so.
 */
export function checkSpans(text, spans) {
  const chars = Array.from(String(text ?? ''));
  const good = [];
  let bad = 0;
  for (const s of spans) {
    if (typeof s.text === 'string' && chars.slice(s.start, s.end).join('') !== s.text) bad += 1;
    else good.push(s);
  }
  return { good, bad };
}

function field(label, value) {
  return [h('dt', {}, label), h('dd', {}, value ?? '—')];
}

/** A link only for a plain http(s) URL without disguising characters; otherwise the URL as text. */
export function linkTo(url) {
  if (!url) return '—';
  const text = literal(url);
  if (!/^https?:\/\//i.test(url) || hasControls(url)) return h('span', { class: 'url' }, text);
  return h('a', { class: 'url', href: url, target: '_blank', rel: 'noopener noreferrer' }, text);
}

const orDash = (v) => (v === null || v === undefined || v === '' ? '—' : literal(String(v)));

/** The evidence record entry (docs: kind `record`) of the first report that has one. */
function evidenceRecord(submissions) {
  for (const sub of submissions) {
    const entry = Array.isArray(sub.evidence) ? sub.evidence.find((e) => e.kind === 'record' && e.record) : null;
    if (entry) return entry.record;
  }
  return null;
}

function postRecord(c, post, record) {
  const p = post || {};
  const r = record || {};
  return h('dl', { class: 'record', id: 'post-record' },
    field('URL', linkTo(c.url || p.url)),
    p.permalink && p.permalink !== (c.url || p.url) ? field('固定リンク', linkTo(p.permalink)) : null,
    field('サイト', orDash(c.site || p.site)),
    field('掲示板', orDash(p.board)),
    field('投稿番号', orDash(p.post_no)),
    field('投稿者', h('span', { id: 'author' }, literal([c.author_handle || p.author_handle, p.author_name].filter(Boolean).join(' / ') || '—'))),
    field('投稿日時', jst(c.posted_at || p.posted_at)),
    record ? field('保全日時', jst(r.captured_at_utc)) : null,
    record ? field('ページの題名', orDash(r.page_title)) : null,
    record ? field('保全者', h('span', {}, orDash(r.user?.id), '（', orDash(r.user?.unit), '）', ' 拡張機能 ', orDash(r.extension_version), ' 判定規則 ', orDash(r.ruleset))) : null,
    field('初回報告', jst(c.first_reported_at)),
    field('最終報告', jst(c.last_reported_at)),
    field('所属', orDash(c.unit)),
    field('状態', h('span', { class: `badge status-${c.status}`, id: 'case-status', 'data-status': c.status }, statusName(c.status))));
}

function spanList(items) {
  return items && items.length
    ? h('ul', { class: 'signals' }, items.map((s) => h('li', {}, literal(s.text || ''), ' ', h('span', { class: 'muted' }, '（', literal(s.label || s.signal || ''), '）'))))
    : h('span', { class: 'muted' }, 'なし');
}

function signals(c, analysis) {
  const k = checklistOf(c);
  const u = analysis.urgency || {};
  const child = analysis.child || {};
  const places = analysis.places || [];
  return h('div', { class: 'card', id: 'signals' },
    h('h3', {}, '判定の根拠'),
    h('p', {}, categoryBadges(categoriesOf(c)), ' 緊急度: ', h('span', { class: `badge urg-${urgencyOf(c)}` }, URGENCY[urgencyOf(c)] || urgencyOf(c))),
    (analysis.flags || []).length ? h('ul', { class: 'signals' }, analysis.flags.map((f) => h('li', {},
      literal(f.label || categoryName(f.category)), ' ', h('span', { class: 'muted' }, literal(f.clause || ''))))) : null,
    suicideCase(c) ? h('div', {},
      h('h3', {}, '照会の判断（003 §4(1)ア）'),
      h('ul', { class: 'signals', id: 'checklist-detail' }, CHECKLIST.map((item) => {
        const spans = item.key === 'no_doubt' ? u.doubt : u[item.key];
        return h('li', { 'data-check': item.key, 'data-met': k[item.key] ? '1' : '0' },
          h('b', {}, `(${item.mark}) ${item.name}: ${k[item.key] ? '該当' : '非該当'}`),
          item.key === 'no_doubt'
            ? (spans && spans.length ? h('div', {}, '疑義の要素: ', spanList(spans)) : null)
            : spanList(spans));
      })),
      h('p', { id: 'inquiry-verdict', class: inquiryOf(c) ? 'notice notice-error' : 'notice notice-warn' },
        inquiryOf(c) ? 'プロバイダ等への照会の要件を満たしています（003 §4(1)）。照会書を確認し、緊急時はファックスで送信してください（003 §4(2)）。'
          : '照会の要件をすべては満たしていません。')) : null,
    h('h3', {}, '児童に関する判断'),
    h('p', { id: 'minor' }, child.minor || analysis.minor || c.minor ? '児童と判断（投稿者または相手方: 001 §4）' : '児童とは判断されていません'),
    spanList(child.signals),
    h('h3', {}, '地域'),
    h('p', { id: 'region' }, REGION[analysis.region || c.region] || '不明', '（管轄: ', literal(analysis.jurisdiction || '—'), '）'),
    places.length ? h('ul', { class: 'signals' }, places.map((p) => h('li', {}, literal(p.name || ''), ' ', h('span', { class: 'muted' }, p.inside ? '管轄内' : '管轄外')))) : null);
}

function reportsSection(c) {
  const subs = c.submissions || [];
  return h('div', { class: 'card', id: 'reports' },
    h('h3', {}, `報告（${subs.length}件）`),
    subs.length > 1 ? h('p', { class: 'muted' }, '同じ書き込みについて複数の報告があり、1件の案件にまとめています。') : null,
    subs.length
      ? h('table', {},
        h('thead', {}, h('tr', {}, ['報告者', '役割', '所属', '受信日時', '種別', 'メモ'].map((t) => h('th', {}, t)))),
        h('tbody', {}, subs.map((s) => h('tr', { 'data-submission-id': s.id },
          h('td', {}, literal(s.reporter?.name || '')),
          h('td', {}, ROLES[s.reporter?.role] || literal(s.reporter?.role || '')),
          h('td', {}, literal(s.reporter?.unit || s.unit || '')),
          h('td', {}, jst(s.received_at)),
          h('td', {}, s.kind === 'report' ? '報告' : '案件'),
          h('td', { class: 'cell-text' }, literal(s.note || ''))))))
      : h('p', { class: 'muted' }, '報告の記録がありません。'));
}

const EVENT_NAMES = { approve: '承認', return: '差戻し', done: '処理完了', reopen: '再開', warning: '警告の記録' };

function historySection(c) {
  const events = c.events || [];
  return h('div', { class: 'card', id: 'history' },
    h('h3', {}, '審査の履歴'),
    events.length
      ? h('ul', { class: 'signals' }, events.map((e) => h('li', { 'data-action': e.action },
        jst(e.at), ' ', h('b', {}, EVENT_NAMES[e.action] || literal(e.action || '')), ' ',
        literal(e.actor || ''), e.role ? `（${ROLES[e.role] || e.role}）` : '',
        e.comment ? h('div', { class: 'cell-text' }, '「', literal(e.comment), '」') : null)))
      : h('p', { class: 'muted' }, 'まだ審査されていません。'));
}

function providerSection(c) {
  const p = c.provider;
  return h('div', { class: 'card', id: 'provider' },
    h('h3', {}, '照会先（003 §4(4)）'),
    p ? h('dl', { class: 'record' },
      field('名称', orDash(p.name)), field('担当部署', orDash(p.department)), field('電話', orDash(p.phone)),
      field('ファックス', orDash(p.fax)), field('電子メール', orDash(p.email)), field('住所', orDash(p.address)))
      : h('p', { class: 'muted' }, 'このサイトの照会先は登録されていません。管理者に登録を依頼してください。'));
}

function warningsSection(c, me, redraw) {
  const warnings = c.warnings || [];
  const cats = categoriesOf(c).filter((id) => CATEGORIES[id]?.group === 'child');
  const canWarn = me.role === 'officer' || me.role === 'supervisor';
  let form = null;
  if (canWarn && cats.length) {
    const category = h('select', { id: 'warning-category', name: 'category' }, cats.map((id) => h('option', { value: id }, categoryName(id))));
    const doubtful = h('input', { type: 'checkbox', id: 'warning-doubtful', name: 'doubtful' });
    const replyUrl = h('input', { id: 'warning-url', name: 'reply_url', type: 'url', placeholder: 'https://x.com/…（返信の URL）' });
    const status = h('div', {});
    const save = h('button', { type: 'button', id: 'warning-save', class: 'secondary' }, '警告の実施を記録');
    save.addEventListener('click', async () => {
      replace(status);
      save.disabled = true;
      try {
        await addWarning(c.id, {
          category: category.value, doubtful: doubtful.checked,
          replied_at: new Date().toISOString(), reply_url: replyUrl.value.trim() || null,
        });
        await redraw('警告の実施を記録しました（月報に計上されます: 001 §5(4)）。');
      } catch (err) {
        replace(status, notice('error', err.code === 'approval_required'
          ? '疑義のある警告は、実施責任者が案件を承認してから実施します（001 §5(3)）。先に承認してください。'
          : err.message));
        save.disabled = false;
      }
    });
    form = h('div', { class: 'no-print' },
      h('div', { class: 'row' }, h('label', { for: 'warning-category' }, '類型', category),
        h('label', { for: 'warning-doubtful' }, c.approval_required_for_doubtful_warning ? '疑義あり（承認後に記録できます: 001 §5(3)）' : '疑義あり（001 §5(3)）', doubtful),
        h('label', { for: 'warning-url' }, '返信の URL', replyUrl), save),
      status);
  }
  return h('div', { class: 'card', id: 'warnings' },
    h('h3', {}, '注意喚起・警告（001 §5(3)）'),
    warnings.length
      ? h('ul', { class: 'signals' }, warnings.map((w) => h('li', {},
        jst(w.replied_at), ' ', categoryName(w.category), w.doubtful ? '（疑義あり・承認済み）' : '', ' ', literal(w.by || ''), ' ',
        w.reply_url ? linkTo(w.reply_url) : null)))
      : h('p', { class: 'muted' }, '警告の記録はありません。'),
    form);
}

function takedownsSection(c, me, redraw) {
  const list = c.takedowns || [];
  const canRequest = (me.role === 'officer' || me.role === 'supervisor') && !(c.hold && c.hold.active !== false && c.hold.unit !== me.unit);
  return h('div', { class: 'card', id: 'case-takedowns' },
    h('h3', {}, '削除依頼'),
    list.length
      ? h('ul', { class: 'signals' }, list.map((t) => h('li', { 'data-state': t.state },
        jst(t.requested_at), ' ', TAKEDOWN_STATES[t.state] || literal(t.state || ''), `（${t.days_outstanding ?? '—'}日経過）`)))
      : h('p', { class: 'muted' }, '削除依頼の記録はありません。'),
    canRequest && !c.hold ? h('details', { class: 'no-print' }, h('summary', {}, '削除依頼を記録する（000 §1(1), 003 §5）'),
      takedownForm({ url: c.url, case_id: c.id }, (m) => redraw(m))) : null);
}

function actions(c, me, redraw) {
  const status = h('div', { id: 'review-status' });
  const comment = h('textarea', { id: 'review-comment', name: 'comment', placeholder: '差戻しの理由・指示（差戻しには必須）' });
  // 001 §5(3): while the case is not approved, a doubtful warning may not be given (warnings are for 001 §4 posts).
  const warnable = categoriesOf(c).some((id) => CATEGORIES[id]?.group === 'child');
  const doubtful = warnable && !!c.approval_required_for_doubtful_warning;
  const run = async (action, button) => {
    replace(status);
    const text = comment.value.trim();
    if (action === 'return' && !text) {
      replace(status, notice('error', '差戻しの理由を入力してください。'));
      comment.focus();
      return;
    }
    button.disabled = true;
    try {
      await reviewCase(c.id, action, text);
      await redraw(`${{ approve: '承認しました', return: '差し戻しました', done: '処理完了にしました' }[action]}。`);
    } catch (err) {
      replace(status, notice('error', err.message));
      button.disabled = false;
    }
  };
  const canReview = me.role === 'supervisor' || me.role === 'admin';
  const approve = h('button', { type: 'button', id: 'approve', disabled: !canReview || !['new', 'returned'].includes(c.status) }, '承認');
  const ret = h('button', { type: 'button', id: 'return', class: 'secondary', disabled: !canReview || !['new', 'approved'].includes(c.status) }, '差戻し');
  const done = h('button', { type: 'button', id: 'done', class: 'secondary', disabled: !canReview || c.status !== 'approved' }, '処理完了');
  approve.addEventListener('click', () => run('approve', approve));
  ret.addEventListener('click', () => run('return', ret));
  done.addEventListener('click', () => run('done', done));
  return h('div', { class: 'card actions', id: 'actions' },
    h('h3', {}, '審査'),
    doubtful ? h('p', { class: 'notice notice-warn', id: 'doubtful' },
      '警告の実施に疑義がある場合は、実施責任者（監督者）がこの案件を承認してから警告します（001 §5(3)）。') : null,
    canReview ? null : h('p', { class: 'muted' }, '審査は監督者が行います。'),
    comment,
    h('div', { class: 'row' }, approve, ret, done),
    status);
}

export async function renderCase(main, { me, args, isCurrent }) {
  const id = args[0];
  const draw = async (message) => {
    const c = await getCase(id);
    const subs = await Promise.all((c.submissions || []).slice(0, FULL_SUBMISSIONS).map((s) => getSubmission(s.id).catch(() => null)));
    if (!isCurrent()) return;
    const full = subs.filter(Boolean);
    const post = full.find((s) => s.post)?.post || {};
    const analysis = analysisOf(c);
    const text = c.text ?? post.text ?? '';
    const profile = post.profile || '';
    const textSpans = checkSpans(text, spansFor(analysis, 'text'));
    const profileSpans = checkSpans(profile, spansFor(analysis, 'profile'));
    replace(main,
      h('p', { class: 'no-print' }, h('a', { href: '#/inbox' }, '← 受信箱へ戻る')),
      h('h2', {}, `案件 ${c.id}: `, categoriesOf(c).map(categoryName).join('・') || '分類なし'),
      message ? notice('ok', message) : null,
      holdBanner(c, me),
      h('div', { class: 'detail-grid' },
        h('div', {},
          h('div', { class: 'card' },
            h('h3', {}, '書き込み'),
            hasControls(text) ? h('p', { class: 'notice notice-warn' }, '文字の向きや表示を変える制御文字が含まれています（⟨U+…⟩ で表示）。') : null,
            textSpans.bad + profileSpans.bad ? h('p', { class: 'notice notice-error', id: 'span-mismatch' },
              `判定の根拠 ${textSpans.bad + profileSpans.bad} 箇所が本文と一致しません。判定が別の書き込みのものである可能性があります。原文を確認してください。`) : null,
            h('div', { class: 'post-text', id: 'post-text', lang: 'ja' }, highlight(text, textSpans.good)),
            profile ? h('h3', {}, '投稿者のプロフィール') : null,
            profile ? h('div', { class: 'post-text', id: 'profile-text' }, highlight(profile, profileSpans.good)) : null,
            h('h3', {}, '投稿の記録'),
            postRecord(c, post, evidenceRecord(full))),
          evidenceSection(full),
          formsSection(c)),
        h('div', {},
          actions(c, me, draw),
          signals(c, analysis),
          reportsSection(c),
          historySection(c),
          warningsSection(c, me, draw),
          takedownsSection(c, me, draw),
          providerSection(c))));
  };
  replace(main, h('p', { class: 'muted' }, '読み込み中…'));
  await draw();
}
