// @ts-check
/**
 * DOM for the side panel's sync parts: the queue's state (n queued, last success, last error, refused
 * items with the server's error and 「再送」/「取り下げ」) and a post's lookup (reported / held / removed).
 * Every text — the server's error messages included — is set with textContent, never parsed as HTML.
 * The panel mounts these (src/panel/panel.js); the actions are messages of the union (./messages.js).
 */
import { lookupPost, syncDiscard, syncNow, syncRetry, syncStatus } from './messages.js';

/**
 * @param {string} tag @param {string} [cls] @param {string} [text]
 * @returns {HTMLElement}
 */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** @param {string|null} iso */
function jst(iso) {
  return iso ? new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', hour12: false }) : '';
}

/**
 * @typedef {(message: any) => Promise<any>} Send  the union's `send` (src/shared/messages.js)
 */

/**
 * The queue's state, with buttons; `onChange` is called after an action so the panel can refresh.
 * @param {any} sync the `sync` of a `sync-status` reply (status.js syncView)
 * @param {Send} send
 * @param {() => void} onChange
 */
export function renderSyncStatus(sync, send, onChange) {
  const box = el('section', 'sync-status');
  box.dataset.queued = String(sync.queued);
  box.dataset.refused = String(sync.refused.length);
  box.append(el('p', 'sync-message', sync.message));
  const dl = el('dl', 'sync-figures');
  /** @param {string} k @param {string} v @param {string} name */
  const row = (k, v, name) => {
    const dd = el('dd', '', v);
    dd.dataset.field = name;
    dl.append(el('dt', '', k), dd);
  };
  row('未送信', `${sync.queued} 件`, 'queued');
  row('最終送信', jst(sync.last_success_at) || '—', 'last_success');
  row('最終エラー', sync.last_error ? `${jst(sync.last_error_at)} ${sync.last_error}` : '—', 'last_error');
  box.append(dl);
  if (sync.endpoint_configured && (sync.queued > 0 || sync.paused_until)) {
    const now = /** @type {HTMLButtonElement} */ (el('button', 'sync-now', '今すぐ送信'));
    now.type = 'button';
    now.addEventListener('click', async () => {
      now.disabled = true;
      await send(syncNow()).catch(() => {});
      onChange();
    });
    box.append(now);
  }
  if (sync.refused.length > 0) {
    const list = el('ul', 'sync-refused');
    for (const item of sync.refused) {
      const li = el('li');
      li.dataset.id = item.id;
      li.append(
        el('div', 'sync-refused-what', `${item.summary?.url ?? item.case_key}（${jst(item.last_attempt_at)}）`),
        el('div', 'sync-refused-error', item.last_error ?? ''),
      );
      const retry = /** @type {HTMLButtonElement} */ (el('button', 'sync-retry', '再送'));
      retry.type = 'button';
      retry.addEventListener('click', async () => {
        retry.disabled = true;
        await send(syncRetry(item.id)).catch(() => {});
        onChange();
      });
      const drop = /** @type {HTMLButtonElement} */ (el('button', 'sync-discard', '取り下げ'));
      drop.type = 'button';
      drop.addEventListener('click', async () => {
        if (!confirm('この報告を送信待ちから取り下げますか？（保存した証拠は削除されません）')) return;
        await send(syncDiscard(item.id)).catch(() => {});
        onChange();
      });
      li.append(retry, drop);
      list.append(li);
    }
    box.append(list);
  }
  return box;
}

/**
 * 000 §1(1), §4(1): a URL another unit holds as 削除依頼不可 must not get a takedown request from here.
 * Disables the panel's takedown-request buttons and says whom to contact (the server refuses such a
 * request too: POST /api/takedowns → 409 url_held).
 * @param {Document} doc
 * @param {any} v a LookupView held by another unit
 */
export function blockTakedown(doc, v) {
  for (const b of doc.querySelectorAll('button[data-form="takedown_request"]')) {
    const button = /** @type {HTMLButtonElement} */ (b);
    button.disabled = true;
    button.dataset.blocked = 'held';
    button.title = `削除依頼不可: ${v.hold.unit} が保留登録しています。${v.hold.unit}${v.hold.contact ? `（${v.hold.contact}）` : ''}へ連絡してください。`;
    if (!button.nextElementSibling?.classList.contains('sync-held-note')) {
      button.after(el('p', 'sync-held-note', button.title));
    }
  }
}

/**
 * Review S9: while the endpoint's answer is unknown (loading, not configured, unreachable) a takedown
 * request is not offered either: the server would refuse one on a held URL (409 url_held), and the
 * officer must not send one to a provider before knowing. Returns the buttons it disabled.
 * @param {Document} doc @param {string} why
 */
export function holdTakedownUntilKnown(doc, why) {
  const out = [];
  for (const b of doc.querySelectorAll('button[data-form="takedown_request"]')) {
    const button = /** @type {HTMLButtonElement} */ (b);
    button.disabled = true;
    button.dataset.blocked = 'unknown';
    button.title = why;
    out.push(button);
  }
  return out;
}

/**
 * A post's lookup as a block of the post detail; fills itself when the answer comes.
 * @param {string} key the post's key
 * @param {Send} send
 */
export function renderLookup(key, send) {
  const box = el('section', 'sync-lookup');
  box.dataset.state = 'loading';
  const p = el('p', 'sync-lookup-message', '本部の記録を確認しています…');
  box.append(p);
  queueMicrotask(() => holdTakedownUntilKnown(document, '本部の記録（削除依頼不可の保留）を確認中のため、削除依頼はまだ作成できません。'));
  send(lookupPost(key)).then(
    (/** @type {any} */ reply) => {
      const v = reply.lookup;
      box.dataset.state = v.state;
      box.dataset.reported = String(v.reported);
      box.dataset.held = String(!!v.hold);
      box.dataset.heldByOther = String(v.held_by_other_unit);
      box.dataset.removed = String(v.removed);
      box.classList.toggle('held', !!v.hold);
      p.textContent = v.message;
      if (v.hold) {
        blockTakedown(document, v);
      } else if (v.state !== 'ok') {
        holdTakedownUntilKnown(document, `削除依頼不可の保留を確認できないため、削除依頼は作成できません（${v.message}）`);
      } else {
        for (const b of document.querySelectorAll('button[data-form="takedown_request"][data-blocked="unknown"]')) {
          const button = /** @type {HTMLButtonElement} */ (b);
          button.disabled = false;
          delete button.dataset.blocked;
          button.title = '';
        }
      }
    },
    (/** @type {unknown} */ e) => {
      box.dataset.state = 'error';
      p.textContent = `本部の記録を確認できません: ${e instanceof Error ? e.message : String(e)}`;
      holdTakedownUntilKnown(document, '削除依頼不可の保留を確認できないため、削除依頼は作成できません。');
    },
  );
  return box;
}

/**
 * Keeps `container` showing the queue's state: now, after each of the worker's `sync-updated`
 * broadcasts, and after the officer's actions. The one call the side panel makes.
 * @param {HTMLElement} container
 * @param {Send} send
 */
export function mountSyncStatus(container, send) {
  let busy = false;
  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const reply = await send(syncStatus());
      container.replaceChildren(renderSyncStatus(reply.sync, send, refresh));
    } catch (e) {
      container.replaceChildren(el('p', 'sync-message', `送信状況を取得できません: ${e instanceof Error ? e.message : String(e)}`));
    } finally {
      busy = false;
    }
  };
  chrome.runtime.onMessage.addListener((raw) => {
    if (raw && typeof raw === 'object' && /** @type {{kind?: unknown}} */ (raw).kind === 'sync-updated') refresh();
    return false;
  });
  refresh();
  return refresh;
}
