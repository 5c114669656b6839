// @ts-check
/**
 * The sync module's message kinds, part of the one union (src/shared/messages.js delegates to
 * `parseSyncMessage` for these kinds, and the worker routes them to the sync action module).
 *
 * - `sync-status` → `{sync: SyncStatus}`: n queued, refused items with the server's error, last success/error.
 * - `sync-now` → `{sync}`: lifts the backoff pause and sends now (the officer's 「今すぐ送信」).
 * - `sync-retry` `{id}` → `{sync, requeued}`: puts a refused item back in the queue (after fixing the cause).
 * - `sync-discard` `{id}` → `{sync, discarded}`: drops a refused item from the queue (its evidence stays).
 * - `lookup-post` `{key, fresh?}` → `{lookup: LookupView}`: what the endpoint knows of a flagged post.
 * - `sync-updated` `{queued, refused}`: broadcast by the worker when the queue changed (pages refresh).
 */

/**
 * @typedef {{kind: 'sync-status'}} SyncStatusMsg
 * @typedef {{kind: 'sync-now'}} SyncNow
 * @typedef {{kind: 'sync-retry', id: string}} SyncRetry
 * @typedef {{kind: 'sync-discard', id: string}} SyncDiscard
 * @typedef {{kind: 'lookup-post', key: string, fresh: boolean}} LookupPost
 * @typedef {{kind: 'sync-updated', queued: number, refused: number}} SyncUpdated
 * @typedef {SyncStatusMsg|SyncNow|SyncRetry|SyncDiscard|LookupPost|SyncUpdated} SyncMessage
 */

export const SYNC_KINDS = /** @type {const} */ (['sync-status', 'sync-now', 'sync-retry', 'sync-discard', 'lookup-post', 'sync-updated']);

/** @returns {SyncStatusMsg} */
export const syncStatus = () => ({ kind: 'sync-status' });
/** @returns {SyncNow} */
export const syncNow = () => ({ kind: 'sync-now' });
/** @param {string} id @returns {SyncRetry} */
export const syncRetry = (id) => ({ kind: 'sync-retry', id });
/** @param {string} id @returns {SyncDiscard} */
export const syncDiscard = (id) => ({ kind: 'sync-discard', id });
/** @param {string} key @param {boolean} [fresh] @returns {LookupPost} */
export const lookupPost = (key, fresh = false) => ({ kind: 'lookup-post', key, fresh });
/** @param {number} queued @param {number} refused @returns {SyncUpdated} */
export const syncUpdated = (queued, refused) => ({ kind: 'sync-updated', queued, refused });

/** @param {unknown} v @param {string} what */
function str(v, what) {
  if (typeof v !== 'string' || v === '') throw new Error(`patrol: message field ${what} must be a non-empty string`);
  return v;
}
/** @param {unknown} v @param {string} what */
function count(v, what) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`patrol: message field ${what} must be a count`);
  return v;
}

/**
 * @param {Record<string, unknown>} m a message whose kind is one of SYNC_KINDS
 * @returns {SyncMessage}
 */
export function parseSyncMessage(m) {
  switch (m.kind) {
    case 'sync-status':
    case 'sync-now':
      return { kind: m.kind };
    case 'sync-retry':
    case 'sync-discard':
      return { kind: m.kind, id: str(m.id, 'id') };
    case 'lookup-post':
      return { kind: 'lookup-post', key: str(m.key, 'key'), fresh: m.fresh === true };
    case 'sync-updated':
      return { kind: 'sync-updated', queued: count(m.queued, 'queued'), refused: count(m.refused, 'refused') };
    default:
      throw new Error(`patrol: unknown message kind ${JSON.stringify(m.kind)}`);
  }
}
