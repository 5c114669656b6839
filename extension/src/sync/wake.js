// @ts-check
/**
 * What makes the queue run in an MV3 service worker that the browser stops after ~30 s idle: a
 * `chrome.alarms` alarm (it survives the worker and the browser, and wakes the worker), the `online`
 * event, browser start-up, the worker's own start, new settings (a corrected token requeues the items
 * refused for authentication) and the officer's actions. Timers alone would die with the worker.
 */
import * as queue from './queue.js';
import { evidencePart, evidenceStore, openBody, settleCase } from './evidence-link.js';
import { requestBody } from './submission.js';
import { syncUpdated } from './messages.js';
import { loadSettings, SETTINGS_KEY } from '../shared/settings.js';

export const ALARM = 'patrol-sync';
/** While the queue has work the alarm also repeats this often, in case a wake-up was lost (minutes). */
const PERIOD_MIN = 1;

/** @param {import("./queue.js").Item} item */
async function prepare(item) {
  const store = await evidenceStore();
  const q = /** @type {import('./submission.js').QueuedBody} */ (await openBody(store, item.id, /** @type {Record<string, any>} */ (item.body)));
  return requestBody(item.id, q, async (ref) => evidencePart(store, ref));
}

/** @param {import("./queue.js").Item} item */
async function settle(item) {
  const receipt = item.ack?.receipt;
  const caseId = item.evidence_ids[0];
  if (!receipt || !caseId) return;
  await settleCase(await evidenceStore(), caseId, receipt);
}

/** Sets (or clears) the alarm for the queue's next due time. */
export async function schedule() {
  const due = await queue.nextDue();
  if (due === null) {
    await chrome.alarms.clear(ALARM);
    return;
  }
  await chrome.alarms.create(ALARM, { when: Math.max(due, Date.now() + 1000), periodInMinutes: PERIOD_MIN });
  // Sooner than the alarm's granularity while this worker lives; the alarm covers a stopped worker.
  const wait = due - Date.now();
  if (wait < 60000) setTimeout(() => kick({ reason: 'timer' }).catch(() => {}), Math.max(0, wait) + 50);
}

/**
 * Sends what is due, then re-arms the alarm and tells open pages.
 * @param {{force?: boolean, reason?: string}} [opts] force: ignore the backoff pause (an event says the
 *   endpoint may be back); reason: what woke the queue (recorded, see queue.noteWake)
 */
export async function kick(opts = {}) {
  const settings = await loadSettings();
  try {
    if (opts.reason) await queue.noteWake(opts.reason);
    await queue.drain({ settings, prepare, settle, force: opts.force });
  } finally {
    await schedule();
    const s = await queue.status();
    chrome.runtime.sendMessage(syncUpdated(s.queued, s.refused.length)).catch(() => {});
  }
}

/** @param {unknown} e */
function logFailure(e) {
  console.warn('patrol sync:', e instanceof Error ? e.message : String(e));
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === ALARM) kick({ reason: 'alarm' }).catch(logFailure);
});
self.addEventListener('online', () => {
  kick({ force: true, reason: 'online' }).catch(logFailure);
});
chrome.runtime.onStartup.addListener(() => {
  kick({ force: true, reason: 'startup' }).catch(logFailure);
});
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !changes[SETTINGS_KEY]) return;
  // New endpoint or token: items refused for authentication may go now.
  queue.requeue((i) => i.last_status === 401 || i.last_status === 403)
    .then(() => kick({ force: true, reason: 'settings' }))
    .catch(logFailure);
});
// A (re)started worker picks up where the last one stopped.
setTimeout(() => kick({ reason: 'worker-start' }).catch(logFailure), 0);
