// @ts-check
/**
 * The side panel: the session's flagged posts (filterable, with counts) and one post's detail with the
 * next actions allowed to the user's role. Opened by the badge (focus = that post) or the toolbar.
 * Tests may open it as a tab (chrome-extension://ID/src/panel/panel.html?key=…).
 */
import { actionsFor } from '../shared/offers.js';
import { CATEGORIES, SUICIDE_CATEGORIES, categoryName } from '../shared/categories.js';
import {
  captureEvidence, clearSession, getSession, getStatus, parseMessage, renderForm, send, submitReport,
} from '../shared/messages.js';
import { el, renderAnalysis } from '../shared/render.js';
import { ROLE_NAMES } from '../shared/settings.js';
import { mountSyncStatus, renderLookup } from '../sync/panel-view.js';
import { mountEvidence } from '../evidence/panel-view.js';

/** @typedef {import('../shared/messages.js').SessionEntry} SessionEntry */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const filter = /** @type {HTMLSelectElement} */ ($('filter'));

/** @type {SessionEntry[]} */
let entries = [];
/** @type {any} */
let status = null;
/** @type {string|null} */
let shown = new URLSearchParams(location.search).get('key');
/** Refreshes the evidence view of the shown post (after a capture). */
let refreshEvidence = async () => {};

/** @param {unknown} e */
function showError(e) {
  const box = $('error');
  box.textContent = `エラー: ${e instanceof Error ? e.message : String(e)}`;
  box.hidden = false;
}

/** Only web links become links: a `javascript:` URL from a hostile page must never be clickable. */
/** @param {string} url */
function safeHref(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function renderStatus() {
  const p = $('page-status');
  const page = status?.page;
  p.classList.toggle('unrecognised', !!page && page.site === null);
  if (!page) p.textContent = 'このタブの状態は不明です（対象サイトを開くと表示されます）。';
  else if (page.site === null) p.textContent = 'このサイトは対象外です（サイト定義に一致しません）。';
  else p.textContent = `${page.site}: ${page.posts} 件を確認、要対応 ${page.flagged} 件（サイト定義 ${page.profile_version ?? ''}）`;
  const s = status?.settings;
  $('role').textContent = s ? `役割: ${ROLE_NAMES[/** @type {'officer'} */ (s.role)] ?? s.role}　管轄: ${s.jurisdiction}${s.unit ? `　所属: ${s.unit}` : ''}` : '';
}

function renderFilter() {
  /** @type {Map<string, number>} */
  const counts = new Map(CATEGORIES.map((c) => [c.id, 0]));
  for (const e of entries) for (const c of e.categories) counts.set(c, (counts.get(c) ?? 0) + 1);
  const current = filter.value;
  const all = el('option', '', `すべて（${entries.length}）`);
  /** @type {HTMLOptionElement} */ (all).value = '';
  const options = [all];
  for (const c of CATEGORIES) {
    const o = /** @type {HTMLOptionElement} */ (el('option', '', `${c.name}（${counts.get(c.id) ?? 0}）`));
    o.value = c.id;
    options.push(o);
  }
  filter.replaceChildren(...options);
  filter.value = current;
  $('counts').textContent = `要対応 ${entries.length} 件` +
    CATEGORIES.filter((c) => (counts.get(c.id) ?? 0) > 0).map((c) => `／${c.name} ${counts.get(c.id)}`).join('');
}

function renderList() {
  const list = $('entries');
  const wanted = filter.value;
  const items = [];
  for (const e of [...entries].reverse()) {
    if (wanted && !e.categories.includes(wanted)) continue;
    const li = el('li');
    li.tabIndex = 0;
    li.dataset.key = e.post.key;
    li.dataset.categories = e.categories.join(' ');
    li.dataset.level = e.analysis.urgency?.level ?? 'none';
    if (e.categories.some((c) => SUICIDE_CATEGORIES.has(c))) li.classList.add('suicide');
    const labels = [...new Set(e.analysis.flags.filter((f) => e.categories.includes(f.category)).map((f) => f.label))];
    li.append(
      el('div', 'entry-labels', labels.join('・') || e.categories.map(categoryName).join('・')),
      el('div', 'entry-text', e.post.text.slice(0, 140)),
      el('div', 'entry-meta', `${e.post.site} ${e.post.author_handle ?? ''} ${e.post.posted_at ?? ''}`),
    );
    li.addEventListener('click', () => showDetail(e.post.key));
    li.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') showDetail(e.post.key);
    });
    items.push(li);
  }
  list.replaceChildren(...items);
  $('empty').hidden = entries.length > 0;
}

/** @param {string} key */
function showDetail(key) {
  const e = entries.find((x) => x.post.key === key);
  if (!e) {
    shown = null;
    $('detail-view').hidden = true;
    $('list-view').hidden = false;
    return;
  }
  shown = key;
  $('list-view').hidden = true;
  $('detail-view').hidden = false;
  $('detail-view').dataset.key = key;
  const meta = $('meta');
  meta.replaceChildren();
  /** @param {string} name @param {string|Node|null} value */
  const row = (name, value) => {
    if (value === null || value === '') return;
    const dd = el('dd');
    dd.append(value);
    meta.append(el('dt', '', name), dd);
  };
  row('サイト', e.post.site + (e.post.board ? ` / ${e.post.board}` : ''));
  row('投稿者', [e.post.author_handle, e.post.author_name].filter(Boolean).join(' '));
  row('投稿日時', e.post.posted_at);
  row('レス番号', e.post.post_no);
  const href = safeHref(e.post.url);
  if (href) {
    const a = /** @type {HTMLAnchorElement} */ (el('a', '', href));
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    row('URL', a);
  } else {
    row('URL', e.post.url);
  }
  row('確認日時', new Date(e.seen_at).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' }));
  $('analysis').replaceChildren(renderAnalysis({ text: e.post.text, profile: e.post.profile, analysis: e.analysis }));
  renderActions(e);
  $('lookup').replaceChildren(renderLookup(e.post.key, send)); // sync: reported / held / removed
  const caps = status?.capabilities;
  if (caps?.evidence) refreshEvidence = mountEvidence($('evidence'), e, status?.settings?.role ?? 'volunteer', send);
  else $('evidence').replaceChildren();
}

/** @param {SessionEntry} e */
function renderActions(e) {
  const box = $('actions');
  const caps = status?.capabilities ?? { evidence: false, forms: [], report: false };
  const role = status?.settings?.role ?? 'volunteer';
  const actions = actionsFor(caps, role, e.categories, e.post.site, e.analysis.inquiry);
  box.replaceChildren();
  $('action-result').textContent = '';
  if (actions.length === 0) {
    box.append(el('p', 'no-actions', 'この版で利用できる対応はありません（証拠保存・書類作成・報告の機能は、それぞれの機能が組み込まれると表示されます）。'));
    return;
  }
  for (const a of actions) {
    const b = /** @type {HTMLButtonElement} */ (el('button', '', a.label));
    b.type = 'button';
    b.dataset.action = a.kind;
    if (a.form) b.dataset.form = a.form;
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const message = a.kind === 'capture-evidence' ? captureEvidence(e.post.key)
          : a.kind === 'render-form' ? renderForm(e.post.key, a.form ?? '')
          : submitReport(e.post.key, a.target ?? 'police');
        /** @type {{message?: string, url?: string, html?: string}} */
        const reply = await send(message);
        $('action-result').textContent = reply.message ?? '完了しました。';
        if (a.kind === 'capture-evidence') refreshEvidence().catch(() => {});
        if (reply.html) {
          // A blob of the extension's origin: its CSP (script-src 'self') keeps any script in it inert.
          const url = URL.createObjectURL(new Blob([reply.html], { type: 'text/html;charset=utf-8' }));
          window.open(url, '_blank', 'noopener');
          setTimeout(() => URL.revokeObjectURL(url), 60_000);
        } else if (reply.url) {
          window.open(reply.url, '_blank', 'noopener');
        }
      } catch (err) {
        $('action-result').textContent = `失敗しました: ${err instanceof Error ? err.message : String(err)}`;
      } finally {
        b.disabled = false;
      }
    });
    box.append(b);
  }
}

async function refresh() {
  try {
    const [session, st] = await Promise.all([send(getSession()), send(getStatus())]);
    entries = /** @type {any} */ (session).entries;
    status = st;
    const focus = /** @type {any} */ (session).focus;
    renderStatus();
    renderFilter();
    renderList();
    if (focus && !new URLSearchParams(location.search).has('key') && focus !== shown) shown = focus;
    if (shown) showDetail(shown);
    document.body.dataset.ready = 'true';
  } catch (e) {
    showError(e);
  }
}

filter.addEventListener('change', renderList);
$('back').addEventListener('click', () => {
  shown = null;
  $('detail-view').hidden = true;
  $('list-view').hidden = false;
  renderList();
});
$('clear').addEventListener('click', async () => {
  if (!confirm('このセッションの一覧を消去しますか？')) return;
  await send(clearSession()).catch(showError);
  shown = null;
  await refresh();
});
chrome.runtime.onMessage.addListener((raw) => {
  try {
    const m = parseMessage(raw);
    if (m.kind === 'session-updated') {
      if (m.focus) shown = m.focus;
      refresh();
    }
  } catch {
    // not for us
  }
  return false;
});
chrome.tabs?.onActivated?.addListener(() => refresh());
mountSyncStatus($('sync'), send); // sync: n queued, last success/error, refused items
refresh();
