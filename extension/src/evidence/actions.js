// @ts-check
/**
 * The evidence module as an action module of the worker (src/background/plugins.js): the officer's
 * 「証拠を保存」 in the side panel captures the post's tab, crops it to the post, records the canonical
 * evidence record (docs/evidence.md §1) and appends it, both screenshots and later final forms to the
 * case's hash chain, encrypted at rest (store.js). Volunteers never capture (000 §3, 004: they report
 * only). The panel shows what is kept (./panel-view.js, media blurred) and exports a case as the archive
 * `patrol verify` checks.
 */
import { captureCase, captureCaseWithoutCrop, addFinalForm } from './case.js';
import { exportCase } from './export.js';
import { measurePost } from './measure.js';
import { captureTab } from './tab-shot.js';
import { caseOfPost, evidenceStore } from '../sync/evidence-link.js';
import { renderFormHtml } from '../background/forms.js';
import { formsFor } from '../shared/offers.js';
import './auto.js'; // optional automatic capture (003 §4(1)), off by default

/** @typedef {import('../shared/messages.js').SessionEntry} SessionEntry */
/** @typedef {import('../shared/settings.js').Settings} Settings */
/** @typedef {{entry: SessionEntry|null, settings: Settings}} Context */

export const capabilities = { evidence: true };

/** @param {Settings} settings */
function officerOnly(settings) {
  // 000 §3, 004: volunteers report to the police or the Internet Hotline Center; they keep no evidence.
  if (settings.role === 'volunteer') throw new Error('ボランティアは証拠を保存できません（通報のみ行えます）。');
}

/** @param {Context} ctx */
function entryOf(ctx) {
  if (!ctx.entry) throw new Error('この投稿はこのセッションの要対応一覧にありません。');
  return ctx.entry;
}

/** Who captured, as the endpoint knows the token's user when it can say (cached for the worker's life). */
/** @type {Map<string, Promise<string|null>>} */
const whoami = new Map();

/** @param {Settings} settings @returns {Promise<string|null>} */
function endpointUserId(settings) {
  if (!settings.endpoint || !settings.token) return Promise.resolve(null);
  const k = `${settings.endpoint}\n${settings.token}`;
  let p = whoami.get(k);
  if (!p) {
    // Under the endpoint's own path, as the sync module's routes are (an endpoint behind a prefix).
    const base = new URL(settings.endpoint);
    p = fetch(new URL(`${base.pathname.replace(/\/+$/, '')}/api/session`, base.origin), {
      headers: { Authorization: `Bearer ${settings.token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(3000),
    }).then(async (r) => (r.ok ? String((await r.json())?.user?.id ?? '') || null : null)).catch(() => null);
    p.then((v) => { if (v === null) whoami.delete(k); });
    whoami.set(k, p);
  }
  return p;
}

/** @param {Settings} settings */
async function userOf(settings) {
  const id = await endpointUserId(settings);
  // Without a reachable endpoint the record still says who: the role and unit set on this device.
  return { id: id ?? `${settings.role}@${settings.unit || '所属未設定'}`, role: settings.role, unit: settings.unit };
}

/** @param {Uint8Array} bytes */
function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Captures one flagged post: its tab is brought to the front (captureVisibleTab sees only the active
 * tab), the post is measured and scrolled into view, the tab is captured, and the case is stored.
 * captureVisibleTab says nothing of which tab it saw: when the officer switches tabs while it runs, the
 * image is of another page (another site's content in this post's evidence). So the tab must still be
 * the active one after the capture, or the image is discarded. With `onlyWithScreen` (the automatic
 * capture) nothing is stored without a screenshot and null is returned, so the post is tried again when
 * its tab comes back to the front; the officer's own capture keeps the record with the reason.
 * @param {SessionEntry} entry @param {Settings} settings @param {{onlyWithScreen?: boolean}} [opts]
 */
export async function capturePost(entry, settings, { onlyWithScreen = false } = {}) {
  if (entry.tab_id === null) throw new Error('この投稿のタブが分かりません。投稿のページを開き直してから保存してください。');
  /** @type {chrome.tabs.Tab} */
  let tab;
  try {
    tab = await chrome.tabs.get(entry.tab_id);
  } catch {
    throw new Error('この投稿のタブは閉じられています。投稿のページを開き直してから保存してください。');
  }
  if (!tab.active) {
    await chrome.tabs.update(entry.tab_id, { active: true });
    await new Promise((ok) => setTimeout(ok, 300)); // the tab paints before it can be captured
  }
  /** @typedef {Awaited<ReturnType<typeof measurePost>>} Where */
  /** @type {Where} */
  let where = null;
  try {
    const [injection] = await chrome.scripting.executeScript({
      target: { tabId: entry.tab_id }, func: measurePost,
      args: [{ text: entry.post.text, post_id: entry.post.post_id, media: entry.post.media ?? [] }],
    });
    where = /** @type {Where} */ (injection?.result ?? null);
  } catch {
    where = null; // a page the extension may not script (navigated away, browser page): reason below
  }
  /** @type {string|null} */
  let dataUrl = null;
  let failure = '';
  try {
    dataUrl = await captureTab(tab.windowId);
    const after = await chrome.tabs.get(entry.tab_id).catch(() => null);
    if (!after?.active || after.windowId !== tab.windowId) {
      dataUrl = null;
      failure = '画面の取得中に別のタブへ切り替わったため、画面を保存できませんでした';
    }
  } catch (e) {
    failure = `画面を取得できません（${e instanceof Error ? e.message : String(e)}）`;
  }
  if (onlyWithScreen && !(where && dataUrl)) return null;
  const store = await evidenceStore();
  const base = {
    post: entry.post, analysis: /** @type {any} */ (entry.analysis), pageUrl: entry.page_url || tab.url || entry.post.url,
    pageTitle: tab.title ?? '', extensionVersion: chrome.runtime.getManifest().version, user: await userOf(settings),
  };
  if (where && dataUrl) {
    const { caseId, shots } = await captureCase(store, {
      ...base, dataUrl, postRect: where.post, mediaRects: where.media, viewport: where.viewport,
    });
    return { caseId, shots, cropped: true, reason: '', usage: await store.usage() };
  }
  // The post's record (text, URL, author, time, analysis) is evidence even when the screen cannot be
  // cropped: keep it with the whole tab image, blurred everywhere in every view (blur_all), and say why.
  const reason = failure || '投稿がページ上に見つからないため（ページが更新された可能性があります）、画面全体を保存しました';
  const { caseId } = await captureCaseWithoutCrop(store, { ...base, dataUrl, reason });
  return { caseId, shots: null, cropped: false, reason, usage: await store.usage() };
}

/**
 * The cases kept for a post (by content key only: on a page without permalinks several posts share a URL).
 * @param {import('./store.js').EvidenceStore} store @param {string} key
 */
async function casesOfKey(store, key) {
  const out = [];
  for (const c of (await store.cases()).filter((m) => !m.acknowledged)) {
    const log = await store.log(c.case_id);
    const record = log.find((e) => e.kind === 'record')?.record;
    if (!record || record.key !== key) continue;
    const shot = log.filter((e) => e.kind === 'screenshot_post' && e.ref).at(-1)
      ?? log.filter((e) => e.kind === 'screenshot_tab' && e.ref?.blur_all).at(-1);
    out.push({
      case_id: c.case_id, created_at: c.created_at, entries: log.length, head_hash: log[log.length - 1].hash,
      captured_at_jst: record.captured_at_jst,
      forms: log.filter((e) => e.kind === 'form_final').map((e) => ({ form: e.ref?.form, name: e.ref?.name, sha256: e.sha256 })),
      shot: shot?.ref ? {
        name: shot.ref.name, width: shot.ref.width, height: shot.ref.height, regions: shot.ref.regions ?? [],
        blur_all: shot.ref.blur_all === true,
        png: base64(await store.artefact(c.case_id, shot.ref.name)),
      } : null,
    });
  }
  return out.sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export const actions = {
  /** @param {{key: string}} _m @param {Context} ctx */
  'capture-evidence': async (_m, ctx) => {
    officerOnly(ctx.settings);
    const entry = entryOf(ctx);
    const captured = await capturePost(entry, ctx.settings);
    if (!captured) throw new Error('証拠を保存できませんでした。'); // only the automatic capture gets null
    const { caseId, shots, usage, reason } = captured;
    if (!shots) {
      return { message: `証拠を保存しました（案件 ${caseId}。${reason}）。${usage.warning ?? ''}`, case_id: caseId, post_size: null };
    }
    const media = shots.post.regions.length;
    return {
      message: `証拠を保存しました（案件 ${caseId}、投稿の画像 ${shots.post.width}×${shots.post.height}px` +
        `${media ? `、画像・動画 ${media} 件はぼかして表示` : ''}）。${usage.warning ?? ''}`,
      case_id: caseId, post_size: { width: shots.post.width, height: shots.post.height },
      tab_size: { width: shots.tab.width, height: shots.tab.height }, device_pixel_ratio: shots.devicePixelRatio,
    };
  },
  /** @param {{key: string}} m @param {Context} ctx */
  'evidence-list': async (m, ctx) => {
    officerOnly(ctx.settings);
    const store = await evidenceStore();
    return { cases: await casesOfKey(store, m.key), usage: await store.usage() };
  },
  /** @param {{case_id: string}} m @param {Context} ctx */
  'evidence-export': async (m, ctx) => {
    officerOnly(ctx.settings);
    const store = await evidenceStore();
    const { bytes, filename, head, entries } = await exportCase(store, m.case_id);
    return {
      message: `案件 ${m.case_id} を書き出しました（${filename}、ログ ${entries} 件）。patrol verify で検証できます。`,
      filename, zip_base64: base64(bytes), entries, head_hash: head.hash,
    };
  },
  /** @param {{key: string, form: string}} m @param {Context} ctx */
  'evidence-finalise-form': async (m, ctx) => {
    officerOnly(ctx.settings);
    const entry = entryOf(ctx);
    if (!formsFor(ctx.settings.role, entry.categories, entry.post.site, entry.analysis.inquiry).includes(m.form)) {
      throw new Error(`この投稿には ${m.form} の書類は該当しません。`);
    }
    const store = await evidenceStore();
    const ref = await caseOfPost(store, { key: entry.post.key, url: '' });
    if (!ref) throw new Error('この投稿の証拠がまだ保存されていません。先に「証拠を保存」を押してください。');
    const html = await renderFormHtml(m.form, entry);
    const logged = await addFinalForm(store, ref.case_id, m.form, html);
    return {
      message: `書類を確定し、証拠ログに記録しました（案件 ${ref.case_id}、SHA-256 ${logged.sha256.slice(0, 16)}…）。`,
      case_id: ref.case_id, sha256: logged.sha256, name: logged.ref?.name ?? '',
    };
  },
};
