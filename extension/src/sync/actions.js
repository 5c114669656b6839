// @ts-check
/**
 * The sync module as an action module of the worker (see src/background/plugins.js): submitting a
 * flagged post to the agency endpoint through the offline queue, the queue's state for the side panel,
 * and the endpoint's knowledge of a post (lookup). Importing this module also wires the queue's
 * wake-ups (wake.js), so a browser restart or a worker restart resumes delivery by itself.
 */
import * as queue from './queue.js';
import { forget, lookup } from './lookup.js';
import { queuedBody } from './submission.js';
import { caseOfPost, evidenceStore, sealBody } from './evidence-link.js';
import { kick, schedule } from './wake.js';
import { syncView } from './status.js';
import { loadSettings } from '../shared/settings.js';
import { formsFor } from '../shared/offers.js';
import { formsAvailable, renderFormHtml } from '../background/forms.js';

/** @typedef {import('../shared/messages.js').SessionEntry} SessionEntry */
/** @typedef {{entry: SessionEntry|null, settings: import('../shared/settings.js').Settings}} Context */

export const capabilities = { report: true };

/**
 * The documents the procedures call for on this post (src/shared/offers.js formsFor), pre-filled by the
 * same Rust code as `patrol prefill`, so the supervisor receives them ready to print. Rendered once, at
 * submission: the queued body (and so every retry) carries the same HTML.
 * @param {SessionEntry|null} entry @param {string} role
 */
async function prefilledForms(entry, role) {
  if (!entry || role === 'volunteer' || formsAvailable().length === 0) return [];
  const out = [];
  for (const form of formsFor(role, entry.categories, entry.post.site, entry.analysis.inquiry)) {
    if (form === 'ihc_report') continue; // for the Internet Hotline Center, not for the supervisor
    out.push({ form, html: await renderFormHtml(form, entry) });
  }
  return out;
}

async function currentView() {
  return syncView(await queue.status(), await loadSettings());
}

export const actions = {
  /**
   * Queues the post (with the evidence captured for it, for officers) and tries to send at once.
   * The reply says whether it went or waits in the queue; either way nothing is lost.
   * @param {{key: string, target: 'police'|'ihc'}} m @param {Context} ctx
   */
  'submit-report': async (m, ctx) => {
    if (m.target !== 'police') {
      throw new Error('インターネット・ホットラインセンターへの通報は本部への送信ではなく、通報書類（ihc_report）を作成して同センターへ行ってください。');
    }
    const entry = ctx.entry;
    let ref = null;
    // A report must never be lost to a broken evidence store: without it the body is queued unencrypted
    // (and without evidence) rather than not at all.
    const store = await evidenceStore().catch(() => null);
    if (store && entry && ctx.settings.role !== 'volunteer') ref = await caseOfPost(store, entry.post);
    const body = queuedBody(entry, ctx.settings, ref, '', await prefilledForms(entry, ctx.settings.role));
    const post = /** @type {SessionEntry} */ (entry).post;
    // Sent (or waiting) already with nothing new to add: a second press must not become a second report.
    const earlier = (await queue.itemsOfCase(post.key)).filter((i) => i.state !== 'refused').at(-1);
    if (earlier && (ref === null || (earlier.summary?.case_id === ref.case_id && earlier.summary?.head_seq === ref.head_seq))) {
      const when = earlier.delivered_at ?? earlier.created_at;
      return {
        message: earlier.state === 'delivered'
          ? `この投稿は ${new Date(when).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', hour12: false })} に本部へ送信済みです（新しい証拠がないため、再送しません）。`
          : 'この投稿は送信待ちに入っています。接続が戻ると自動で送信します。',
        id: earlier.id, state: earlier.state, sync: await currentView(),
      };
    }
    const { id, state, duplicate } = await queue.enqueue(post.key, body, {
      evidence_ids: ref ? [ref.case_id] : [],
      seal: store ? (id, plain) => sealBody(store, id, plain) : undefined,
      summary: {
        url: post.url, site: post.site, categories: /** @type {SessionEntry} */ (entry).categories, kind: body.kind,
        case_id: ref?.case_id ?? null, head_seq: ref?.head_seq ?? null,
      },
    });
    await kick({ force: true, reason: 'officer' });
    const s = await queue.status();
    await forget(post.url);
    const now = [...s.recent, ...s.pending, ...s.refused].find((i) => i.id === id);
    const evidenceNote = ref ? `証拠（案件 ${ref.case_id}、${ref.head_seq + 1} 件の記録）を含めました。` : ctx.settings.role !== 'volunteer' ? '証拠は保存されていないため含めていません。' : '';
    let message;
    if (now?.state === 'delivered') {
      message = `本部へ送信しました${now.ack?.replayed || (duplicate && state === 'delivered') ? '（送信済みの内容と同一のため、重複登録はしていません）' : ''}。${evidenceNote}`;
    } else if (now?.state === 'refused') {
      message = `送信先に受け付けられませんでした: ${now.last_error}（端末内に保存しています）`;
    } else if (!ctx.settings.endpoint) {
      message = `送信先が未設定のため、端末内の送信待ちに保存しました（未送信 ${s.queued} 件）。${evidenceNote}`;
    } else {
      message = `送信先に届かないため、送信待ちに保存しました。接続が戻ると自動で送信します（未送信 ${s.queued} 件）。${evidenceNote}`;
    }
    return { message, id, state: now?.state ?? state, sync: await currentView() };
  },
  'sync-status': async () => ({ sync: await currentView() }),
  'sync-now': async () => {
    await queue.resume();
    await kick({ force: true, reason: 'officer' });
    return { sync: await currentView() };
  },
  /** @param {{id: string}} m */
  'sync-retry': async (m) => {
    const requeued = await queue.requeue((i) => i.id === m.id);
    await kick({ force: true, reason: 'officer' });
    return { requeued, sync: await currentView() };
  },
  /** @param {{id: string}} m */
  'sync-discard': async (m) => {
    const discarded = await queue.discard(m.id);
    await schedule();
    return { discarded, sync: await currentView() };
  },
  /** @param {{key: string, fresh: boolean}} m @param {Context} ctx */
  'lookup-post': async (m, ctx) => {
    if (!ctx.entry) throw new Error('この投稿はこのセッションの要対応一覧にありません。');
    // Only flagged posts are in the session, so only their URLs are ever sent to the endpoint.
    return { lookup: await lookup(ctx.settings, ctx.entry.post.url, { fresh: m.fresh }) };
  },
};
