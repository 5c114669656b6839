// @ts-check
/**
 * The service worker: routes analysis to the analyzer's host (host.js: an offscreen document in
 * Chromium, the worker itself elsewhere; see README.md for the figures), answers the message union, keeps the session's flagged posts, sets the toolbar badge and
 * opens the side panel on a post. Every message is validated (src/shared/messages.js) before use.
 */
import * as wasm from '../../pkg/patrol_wasm.js';
import { renderFormHtml, formsAvailable } from './forms.js';
import { analyze, hostFigures, warm } from './host.js';
import * as session from './session.js';
import { PLUGINS } from './plugins.js';
import { loadBundledProfiles, loadProfiles } from './profiles.js';
import { BROADCASTS, HOST_KINDS, parseMessage, sessionUpdated } from '../shared/messages.js';
import { loadSettings, SETTINGS_KEY } from '../shared/settings.js';
import { publicSettings, refusal, restrictStorage } from './senders.js';
import { scheduleProfileUpdates } from './profile-updates.js';

/** @typedef {import('../shared/messages.js').Message} Message */
/** @typedef {import('../shared/messages.js').PostResult} PostResult */
/** @typedef {import('../shared/messages.js').SessionEntry} SessionEntry */

const hasSidePanel = typeof chrome.sidePanel?.open === 'function';

/** The capabilities of the packaged action modules, merged. */
function capabilities() {
  /** @type {import('../shared/messages.js').Capabilities} */
  const caps = { evidence: false, forms: formsAvailable(), report: false };
  for (const p of PLUGINS) {
    if (p.capabilities.evidence) caps.evidence = true;
    if (p.capabilities.report) caps.report = true;
    if (p.capabilities.forms) caps.forms.push(...p.capabilities.forms);
  }
  return caps;
}

/**
 * @param {import('../shared/messages.js').AnalyzePosts} m
 * @param {chrome.runtime.MessageSender} sender
 */
async function analyzePostsReply(m, sender) {
  const settings = await loadSettings();
  const active = new Set(settings.categories);
  const items = m.posts.map((p) => ({ key: p.key, text: p.text, profile: p.profile ?? '', site: p.site }));
  const results = await analyze(settings.jurisdiction, items);
  const posts = new Map(m.posts.map((p) => [p.key, p]));
  /** @type {SessionEntry[]} */
  const flagged = [];
  /** @type {string[]} */
  const unflagged = [];
  for (const r of results) {
    const post = posts.get(r.key);
    if (!r.analysis || !post) continue;
    // Inactive categories (options page) are not flagged at all: neither badge, attribute nor panel.
    const analysis = r.analysis;
    analysis.categories = analysis.categories.filter((c) => active.has(c));
    if (analysis.categories.length > 0) {
      flagged.push({
        post, analysis, categories: analysis.categories, seen_at: new Date().toISOString(),
        tab_id: sender.tab?.id ?? null, page_url: sender.tab?.url ?? sender.url ?? '',
      });
    } else {
      unflagged.push(post.key);
    }
  }
  if (flagged.length > 0 || unflagged.length > 0) {
    const count = await session.update(flagged, unflagged);
    if (flagged.length > 0) broadcast(sessionUpdated(count, null));
  }
  return { results };
}

/** @param {import('../shared/messages.js').Message} message */
function broadcast(message) {
  // No receiver (panel closed) is the normal case, not an error.
  chrome.runtime.sendMessage(message).catch(() => {});
}

/**
 * @param {import('../shared/messages.js').PageStatus} m
 * @param {chrome.runtime.MessageSender} sender
 */
async function pageStatusReply(m, sender) {
  const tabId = sender.tab?.id;
  if (tabId === undefined) return {};
  await chrome.storage.session.set({ [`tab_${tabId}`]: m });
  if (m.site === null) {
    await chrome.action.setBadgeText({ tabId, text: '－' });
    await chrome.action.setBadgeBackgroundColor({ tabId, color: '#777777' });
    await chrome.action.setTitle({ tabId, title: 'patrol: このサイトは対象外です（サイト定義に一致しません）' });
  } else {
    await chrome.action.setBadgeText({ tabId, text: m.flagged > 0 ? String(Math.min(m.flagged, 999)) : '' });
    await chrome.action.setBadgeBackgroundColor({ tabId, color: '#c62828' });
    await chrome.action.setTitle({ tabId, title: `patrol: ${m.site}（要対応 ${m.flagged} 件 / ${m.posts} 件中）` });
  }
  return {};
}

/**
 * @param {Message} m
 * @param {chrome.runtime.MessageSender} sender
 * @returns {Promise<object>}
 */
async function handle(m, sender) {
  switch (m.kind) {
    case 'get-profiles': {
      // A page is about to send posts: have the analyzer ready by then.
      loadSettings().then((s) => warm(s.jurisdiction)).catch(() => {});
      return await loadProfiles();
    }
    case 'analyze-posts':
      return await analyzePostsReply(m, sender);
    case 'analyze-text': {
      const settings = await loadSettings();
      const [r] = await analyze(settings.jurisdiction, [{ key: 'text', text: m.text, profile: m.profile, site: m.site }]);
      if (!r.analysis) throw new Error(r.error ?? 'patrol: no analysis');
      return { analysis: r.analysis };
    }
    case 'page-status':
      return await pageStatusReply(m, sender);
    case 'open-post':
      await session.setFocus(m.key);
      broadcast(sessionUpdated((await session.entries()).length, m.key));
      return {};
    case 'get-session':
      return { entries: await session.entries(), focus: await session.focus() };
    case 'clear-session':
      await session.clear();
      broadcast(sessionUpdated(0, null));
      return {};
    case 'get-status': {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true }).catch(() => []);
      const key = tab?.id !== undefined ? `tab_${tab.id}` : '';
      const page = key ? (await chrome.storage.session.get(key))[key] ?? null : null;
      return {
        capabilities: capabilities(), settings: publicSettings(await loadSettings()), page, analyzer: await hostFigures(),
        profiles_version: (await loadProfiles()).version,
        bundled_profiles_version: (await loadBundledProfiles()).version,
      };
    }
    default: {
      // Actions of the packaged modules (evidence, forms, report, sync): see plugins.js.
      const plugin = PLUGINS.find((p) => typeof p.actions[m.kind] === 'function');
      if (!plugin && m.kind === 'render-form' && formsAvailable().length > 0) {
        const entry = await session.entry(m.key);
        if (!entry) throw new Error('この投稿はこのセッションの要対応一覧にありません。');
        return { html: await renderFormHtml(m.form, entry), message: '書類を新しいタブで開きました。空欄は記入してください。' };
      }
      if (!plugin) throw new Error(`patrol: この操作（${m.kind}）はこの版には含まれていません`);
      const key = 'key' in m && typeof m.key === 'string' ? m.key : null;
      const entry = key ? await session.entry(key) : null;
      return await plugin.actions[m.kind](m, { entry, settings: await loadSettings(), wasm });
    }
  }
}

chrome.runtime.onMessage.addListener((raw, sender, sendResponse) => {
  /** @type {Message} */
  let m;
  try {
    m = parseMessage(raw);
  } catch (e) {
    sendResponse({ ok: false, error: e instanceof Error ? e.message : String(e) });
    return false;
  }
  if (BROADCASTS.has(m.kind) || HOST_KINDS.has(m.kind)) return false; // for the pages / the offscreen document
  const refused = refusal(m.kind, sender, chrome.runtime.getURL(''), chrome.runtime.id);
  if (refused) {
    sendResponse({ ok: false, error: refused });
    return false;
  }
  if (m.kind === 'open-post' && hasSidePanel && sender.tab?.id !== undefined) {
    // sidePanel.open needs the user gesture of the badge click: call it before any await.
    chrome.sidePanel.open({ tabId: sender.tab.id }).catch(() => {});
  }
  handle(m, sender).then(
    (reply) => sendResponse({ ok: true, ...reply }),
    (e) => sendResponse({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
  return true;
});

restrictStorage().catch(() => {}); // every worker start: content scripts never read the token
scheduleProfileUpdates(async () => (await loadProfiles()).version); // signed profile bundles (review S4)

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes[SETTINGS_KEY]) {
    // The analyzer is rebuilt for a new jurisdiction on next use; start now so the next post is fast.
    loadSettings().then((s) => warm(s.jurisdiction)).catch(() => {});
  }
});

chrome.tabs.onRemoved.addListener((tabId) => {
  chrome.storage.session.remove(`tab_${tabId}`).catch(() => {});
});

if (hasSidePanel) {
  chrome.runtime.onInstalled.addListener(() => {
    chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
  });
}
