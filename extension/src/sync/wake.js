// @ts-check
/**
 * What makes the queue run in an MV3 service worker that the browser stops after ~30 s idle: a
 * `chrome.alarms` alarm (it survives the worker and the browser, and wakes the worker) at the due time
 * and every 30 s while there is work, which also notices the browser coming back online (Chromium does
 * not deliver `online` to the worker; the listener stays for browsers that do), browser start-up, the
 * worker's own start, new settings (a corrected token requeues the items refused for authentication)
 * and the officer's actions. Timers alone would die with the worker.
 */
import * as queue from './queue.js';
import { evidencePart, evidenceStore, openBody, settleCase } from './evidence-link.js';
import { requestBody } from './submission.js';
import { syncUpdated } from './messages.js';
import { loadSettings, SETTINGS_KEY } from '../shared/settings.js';

export const ALARM = 'patrol-sync';
/**
 * While the queue has work the alarm also repeats this often (minutes; 30 s is Chrome's minimum for a
 * packed extension): it catches a lost wake-up and the browser coming back online (see queue.noteOnline).
 */
const PERIOD_MIN = 0.5;

/** @param {import("./queue.js").Item} item */
async function prepare(item) {
  const stored = /** @type {Record<string, any>} */ (item.body);
  const q = /** @type {import('./submission.js').QueuedBody} */ (stored.sealed ? await openBody(await evidenceStore(), item.id, stored) : stored);
  return requestBody(item.id, q, async (ref) => evidencePart(await evidenceStore(), ref));
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
  // At the due time, but no later than one period from now: during a long backoff pause the alarm still
  // comes every 30 s to notice the browser coming back online.
  const when = Math.min(Math.max(due, Date.now() + 1000), Date.now() + PERIOD_MIN * 60000);
  await chrome.alarms.create(ALARM, { when, periodInMinutes: PERIOD_MIN });
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
    let force = opts.force;
    if (await queue.noteOnline(navigator.onLine)) {
      // The browser was offline at the last run and is online now: the pause was about the outage.
      force = true;
      await queue.noteWake('back-online');
    }
    if (opts.reason) await queue.noteWake(opts.reason);
    await queue.drain({ settings, prepare, settle, force });
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
