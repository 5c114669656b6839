// @ts-check
/**
 * The offline queue of submissions to the agency endpoint (issue 5, "Sync (the extension side)").
 *
 * - An item is written to IndexedDB before anything is sent, and removed from the queue only after
 *   the endpoint acknowledged it, so neither a stopped worker nor a closed browser loses a report.
 * - Its idempotency key is derived from its content and never changes, so a retry after a lost
 *   acknowledgement (worker stopped mid-request, connection cut) is recognised by the server.
 * - Items of one case (one post) are sent in the order they were queued; a later item waits while an
 *   earlier one is being retried. A refused item (4xx: broken chain, bad hash, wrong token) is not
 *   retried: it is kept, with the server's error, for the officer.
 * - The endpoint being down pauses the whole queue with exponential backoff (one timer for all items,
 *   so a hundred queued reports do not make a hundred connection attempts a minute).
 * - Local evidence is purged only after the acknowledgement (with the server's receipt) is recorded
 *   here; a purge interrupted by a stopped worker is finished on the next run (`settle` is idempotent).
 */
import { ITEMS, META, done, transact } from './db.js';
import { retryDelay } from './backoff.js';
import { postSubmission } from './client.js';

/**
 * @typedef {{
 *   id: string, case_key: string, seq: number, state: 'pending'|'refused'|'delivered',
 *   created_at: string, attempts: number, last_attempt_at: string|null,
 *   last_error: string|null, last_status: number|null,
 *   body: Record<string, any>|null, evidence_ids: string[], settle_pending: boolean,
 *   ack: Record<string, any>|null, delivered_at: string|null, summary: Record<string, any>
 * }} Item
 */
/**
 * @typedef {{k: 'progress', failures: number, paused_until: number, last_success_at: string|null,
 *   last_error: string|null, last_error_at: string|null, last_attempt_at: string|null, seq: number,
 *   last_wake?: string, last_wake_at?: string, wakes?: {reason: string, at: string}[], offline?: boolean}} Progress
 */

/** Delivered items kept (without their bodies) so the panel can say 「送信済み」; older ones are dropped. */
export const KEEP_DELIVERED = 200;

/** @returns {Progress} */
const freshProgress = () => ({
  k: 'progress', failures: 0, paused_until: 0, last_success_at: null, last_error: null, last_error_at: null,
  last_attempt_at: null, seq: 0,
});

/**
 * JSON with object keys sorted, so the same content always gives the same key whatever order the
 * fields were assembled in.
 * @param {unknown} v
 * @returns {string}
 */
export function stableJson(v) {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = /** @type {Record<string, unknown>} */ (v);
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * The idempotency key of a submission: SHA-256 of its content without the moment it was queued, so
 * pressing 「報告」 twice on the same material is one submission, and changed material is a new one.
 * @param {Record<string, any>} body
 */
export async function idempotencyKey(body) {
  const { submitted_at: _t, idempotency_key: _k, ...content } = body;
  const bytes = new TextEncoder().encode(stableJson(content));
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `patrol-${[...hash].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** @param {IDBTransaction} tx @returns {Promise<Progress>} */
async function readProgress(tx) {
  const p = await done(tx.objectStore(META).get('progress'));
  return { ...freshProgress(), ...(p ?? {}) };
}

/** @param {IDBTransaction} tx @returns {Promise<Item[]>} all items in queue order */
async function readItems(tx) {
  return /** @type {Item[]} */ (await done(tx.objectStore(ITEMS).index('seq').getAll()));
}

/**
 * Queues a submission. Returns the existing item when the same content is already queued or delivered.
 * @param {string} caseKey the post's key: items of one case are delivered in queue order
 * @param {Record<string, any>} body the submission (server/openapi.json SubmissionRequest) without its key
 * @param {{evidence_ids?: string[], summary?: Record<string, any>,
 *   seal?: (id: string, body: Record<string, any>) => Promise<Record<string, any>>}} [opts]
 *   seal: how the body is stored (encrypted at rest by the caller; `prepare` of drain opens it)
 * @returns {Promise<{id: string, state: Item['state'], duplicate: boolean}>}
 */
export async function enqueue(caseKey, body, opts = {}) {
  if (!caseKey) throw new Error('patrol: 送信する投稿のキーがありません');
  const id = await idempotencyKey({ case_key: caseKey, ...body });
  const plain = { ...body, idempotency_key: id };
  const full = opts.seal ? await opts.seal(id, plain) : plain;
  return transact([ITEMS, META], 'readwrite', async (tx) => {
    const items = tx.objectStore(ITEMS);
    const existing = /** @type {Item|undefined} */ (await done(items.get(id)));
    if (existing) return { id, state: existing.state, duplicate: true };
    const progress = await readProgress(tx);
    progress.seq += 1;
    /** @type {Item} */
    const item = {
      id, case_key: caseKey, seq: progress.seq, state: 'pending', created_at: new Date().toISOString(),
      attempts: 0, last_attempt_at: null, last_error: null, last_status: null, body: full,
      evidence_ids: opts.evidence_ids ?? [], settle_pending: false, ack: null, delivered_at: null, summary: opts.summary ?? {},
    };
    await done(items.put(item));
    await done(tx.objectStore(META).put(progress));
    return { id, state: item.state, duplicate: false };
  });
}

/**
 * What the side panel shows: counts, the last success and error, refused items with their errors.
 * @param {number} [now]
 */
export async function status(now = Date.now()) {
  return transact([ITEMS, META], 'readonly', async (tx) => {
    const [items, p] = await Promise.all([readItems(tx), readProgress(tx)]);
    const view = (/** @type {Item} */ i) => ({
      id: i.id, case_key: i.case_key, state: i.state, created_at: i.created_at, attempts: i.attempts,
      last_attempt_at: i.last_attempt_at, last_error: i.last_error, last_status: i.last_status,
      delivered_at: i.delivered_at, ack: i.ack, summary: i.summary,
    });
    return {
      queued: items.filter((i) => i.state === 'pending').length,
      refused: items.filter((i) => i.state === 'refused').map(view),
      pending: items.filter((i) => i.state === 'pending').map(view),
      delivered: items.filter((i) => i.state === 'delivered').length,
      recent: items.filter((i) => i.state === 'delivered').slice(-20).map(view),
      settle_pending: items.filter((i) => i.settle_pending).length,
      last_success_at: p.last_success_at,
      last_error: p.last_error,
      last_error_at: p.last_error_at,
      last_attempt_at: p.last_attempt_at,
      paused_until: p.paused_until > now ? new Date(p.paused_until).toISOString() : null,
      last_wake: p.last_wake ?? null,
      last_wake_at: p.last_wake_at ?? null,
    };
  });
}

/**
 * One case's items in queue order (without bodies): what was already sent or is waiting for this post.
 * @param {string} caseKey
 */
export async function itemsOfCase(caseKey) {
  const items = await transact([ITEMS], 'readonly', readItems);
  return items.filter((i) => i.case_key === caseKey).map((i) => ({
    id: i.id, state: i.state, created_at: i.created_at, delivered_at: i.delivered_at, last_error: i.last_error, summary: i.summary,
  }));
}

/**
 * When the queue next has something to do (ms since the epoch), or null when it has nothing.
 * @param {number} [now]
 */
export async function nextDue(now = Date.now()) {
  return transact([ITEMS, META], 'readonly', async (tx) => {
    const [items, p] = await Promise.all([readItems(tx), readProgress(tx)]);
    if (items.some((i) => i.settle_pending)) return now;
    if (!items.some((i) => i.state === 'pending')) return null;
    return Math.max(now, p.paused_until);
  });
}

/**
 * Puts refused items back in the queue (the officer fixed the cause, e.g. the token) and lifts the pause.
 * @param {(item: {id: string, last_status: number|null}) => boolean} which
 * @returns {Promise<number>} how many were requeued
 */
export async function requeue(which) {
  return transact([ITEMS, META], 'readwrite', async (tx) => {
    let n = 0;
    for (const i of await readItems(tx)) {
      if (i.state !== 'refused' || !which(i)) continue;
      await done(tx.objectStore(ITEMS).put({ ...i, state: 'pending', attempts: 0 }));
      n += 1;
    }
    const p = await readProgress(tx);
    await done(tx.objectStore(META).put({ ...p, paused_until: 0, failures: 0 }));
    return n;
  });
}

/**
 * Records what woke the queue last (`alarm`, `online`, `startup`, `worker-start`, `settings`, `officer`):
 * shown in the status so a stalled queue can be diagnosed (and tests can tell an alarm wake-up from a message).
 * @param {string} reason
 */
export async function noteWake(reason) {
  await transact([META], 'readwrite', async (tx) => {
    const p = await readProgress(tx);
    const at = new Date().toISOString();
    const wakes = [...(p.wakes ?? []), { reason, at }].slice(-10);
    await done(tx.objectStore(META).put({ ...p, last_wake: reason, last_wake_at: at, wakes }));
  });
}

/**
 * Notes the browser's connectivity (navigator.onLine) at each run and says whether it has just come
 * back: Chromium does not deliver `online` events to an extension's service worker (measured in
 * Chromium 156), so the repeating alarm checks instead and the caller then ignores the backoff pause.
 * @param {boolean} online
 * @returns {Promise<boolean>} true when the last run saw the browser offline and it is online now
 */
export async function noteOnline(online) {
  return transact([META], 'readwrite', async (tx) => {
    const p = await readProgress(tx);
    const back = online && p.offline === true;
    if ((p.offline === true) !== !online) await done(tx.objectStore(META).put({ ...p, offline: !online }));
    return back;
  });
}

/** Lifts the endpoint pause (an `online` event, the officer pressing 「今すぐ送信」, new settings). */
export async function resume() {
  await transact([META], 'readwrite', async (tx) => {
    const p = await readProgress(tx);
    await done(tx.objectStore(META).put({ ...p, paused_until: 0 }));
  });
}

/**
 * Removes a refused item for good (the officer decided not to send it). Its evidence stays in the
 * evidence store: dropping a queue item never destroys evidence.
 * @param {string} id
 */
export async function discard(id) {
  return transact([ITEMS], 'readwrite', async (tx) => {
    const item = /** @type {Item|undefined} */ (await done(tx.objectStore(ITEMS).get(id)));
    if (!item || item.state !== 'refused') return false;
    await done(tx.objectStore(ITEMS).delete(id));
    return true;
  });
}

/**
 * @typedef {{
 *   settings: {endpoint: string, token: string},
 *   settle: (item: Item) => Promise<void>,
 *   prepare?: (item: Item) => Promise<Record<string, any>>,
 *   send?: typeof postSubmission,
 *   now?: () => number,
 *   random?: () => number,
 *   force?: boolean,
 * }} DrainOptions
 */

/**
 * Runs the after-acknowledgement work (record the receipt in the case log, purge the local evidence)
 * of every delivered item whose work is not known to be finished. `settle` must be idempotent: a worker
 * stopped between the purge and this record runs it again.
 * @param {DrainOptions} o
 */
async function settleDelivered(o) {
  const items = await transact([ITEMS], 'readonly', readItems);
  for (const i of items) {
    if (!i.settle_pending) continue;
    /** @type {string|null} */
    let error = null;
    try {
      await o.settle(i);
    } catch (e) {
      // The evidence store failing must not stop delivery of the other items; it is retried next run.
      error = `送信済みの証拠の後処理（受領記録・端末内の削除）に失敗しました: ${e instanceof Error ? e.message : String(e)}`;
    }
    await transact([ITEMS], 'readwrite', async (tx) => {
      const cur = /** @type {Item|undefined} */ (await done(tx.objectStore(ITEMS).get(i.id)));
      if (cur) await done(tx.objectStore(ITEMS).put({ ...cur, settle_pending: error !== null, last_error: error }));
    });
  }
}

/** Drops the oldest delivered summaries past KEEP_DELIVERED. */
async function trimDelivered() {
  await transact([ITEMS], 'readwrite', async (tx) => {
    const delivered = (await readItems(tx)).filter((i) => i.state === 'delivered' && !i.settle_pending);
    for (const i of delivered.slice(0, Math.max(0, delivered.length - KEEP_DELIVERED))) await done(tx.objectStore(ITEMS).delete(i.id));
  });
}

/** @type {Promise<DrainResult>|null} */
let running = null;

/** @typedef {{sent: number, refused: number, failed: boolean, skipped: string|null}} DrainResult */

/**
 * Sends what is due, in queue order, until the queue is empty or the endpoint fails. One run at a
 * time per worker: a second call while one runs gets the running one — unless it is forced (the
 * officer just queued something, or the browser is back online): then it runs again right after,
 * so its item is not left waiting behind a run that started before it was queued.
 * @param {DrainOptions} o
 * @returns {Promise<DrainResult>}
 */
export function drain(o) {
  if (running) return o.force ? running.then(() => drain(o), () => drain(o)) : running;
  running = drainOnce(o).finally(() => {
    running = null;
  });
  return running;
}

/** @param {DrainOptions} o @returns {Promise<DrainResult>} */
async function drainOnce(o) {
  const now = o.now ?? Date.now;
  const send = o.send ?? postSubmission;
  /** @type {DrainResult} */
  const result = { sent: 0, refused: 0, failed: false, skipped: null };
  await settleDelivered(o);
  if (!o.settings.endpoint) return { ...result, skipped: 'no-endpoint' };
  const progress0 = await transact([META], 'readonly', readProgress);
  if (!o.force && progress0.paused_until > now()) return { ...result, skipped: 'paused' };
  /** Cases with an earlier item not delivered in this run: their later items wait (order per case). */
  const blocked = new Set();
  const items = await transact([ITEMS], 'readonly', readItems);
  for (const snapshot of items) {
    if (snapshot.state !== 'pending') continue;
    if (blocked.has(snapshot.case_key)) continue;
    // Re-read: another context may have changed it since the snapshot (e.g. discarded).
    const item = /** @type {Item|undefined} */ (await transact([ITEMS], 'readonly', (tx) => done(tx.objectStore(ITEMS).get(snapshot.id))));
    if (!item || item.state !== 'pending' || !item.body) continue;
    const at = new Date(now()).toISOString();
    /** @type {import('./client.js').Outcome} */
    let outcome;
    try {
      const body = o.prepare ? await o.prepare(item) : item.body;
      outcome = await send(o.settings, item.id, body);
    } catch (e) {
      // The local material cannot be read or fails its own check (the evidence store lost its key, the log
      // was altered at rest): sending again will not help; keep the item and tell the officer.
      outcome = { kind: 'refused', status: null, error: `送信前の確認で止めました: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (outcome.kind === 'ack') {
      const ack = outcome.body;
      await transact([ITEMS, META], 'readwrite', async (tx) => {
        await done(tx.objectStore(ITEMS).put({
          ...item, state: 'delivered', body: null, attempts: item.attempts + 1, last_attempt_at: at,
          last_error: null, last_status: outcome.status, settle_pending: true, delivered_at: at,
          ack: {
            submission_id: ack.submission_id ?? null, case_id: ack.case_id ?? null, status: ack.status ?? null,
            replayed: ack.replayed === true, received_at: ack.received_at ?? null, report_count: ack.report_count ?? null,
            receipt: ack.receipt ?? null, lookup: ack.lookup ?? null,
          },
        }));
        const p = await readProgress(tx);
        await done(tx.objectStore(META).put({ ...p, failures: 0, paused_until: 0, last_success_at: at, last_attempt_at: at }));
      });
      result.sent += 1;
      await settleDelivered(o);
    } else if (outcome.kind === 'refused') {
      await transact([ITEMS, META], 'readwrite', async (tx) => {
        await done(tx.objectStore(ITEMS).put({
          ...item, state: 'refused', attempts: item.attempts + 1, last_attempt_at: at, last_error: outcome.error, last_status: outcome.status,
        }));
        const p = await readProgress(tx);
        await done(tx.objectStore(META).put({ ...p, last_error: outcome.error, last_error_at: at, last_attempt_at: at }));
      });
      result.refused += 1;
    } else {
      await transact([ITEMS, META], 'readwrite', async (tx) => {
        await done(tx.objectStore(ITEMS).put({
          ...item, attempts: item.attempts + 1, last_attempt_at: at, last_error: outcome.error, last_status: outcome.status,
        }));
        const p = await readProgress(tx);
        // An attempt forced during a pause (the officer submitting, 「今すぐ送信」) that fails again says
        // nothing new about the outage: it must not push the next scheduled retry further out, or a busy
        // shift of submissions while offline would stretch the wait to the cap.
        const escalate = !(o.force && p.paused_until > now());
        const failures = escalate ? p.failures + 1 : p.failures;
        const wait = Math.max(outcome.retryAfterMs ?? 0, retryDelay(failures, o.random));
        await done(tx.objectStore(META).put({
          ...p, failures, paused_until: escalate ? now() + wait : p.paused_until,
          last_error: outcome.error, last_error_at: at, last_attempt_at: at,
        }));
      });
      result.failed = true;
      blocked.add(item.case_key);
      // The endpoint (or the way to it) is down: stop, the pause schedules the next run.
      break;
    }
  }
  await trimDelivered();
  return result;
}
