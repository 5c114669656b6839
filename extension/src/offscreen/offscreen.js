// @ts-check
/**
 * The offscreen document that hosts the analyzer in Chromium (see extension/README.md for the figures
 * behind this choice): unlike the service worker it is not stopped after 30 s idle, so the wasm module
 * and the dictionary are loaded once per browser session, not once per worker wake-up.
 * It answers only the `host-*` kinds of the message union; every other message is someone else's.
 */
import { analyzeItems, analyzerFor, timing, wasmMemoryBytes } from '../background/analyzer.js';
import { parseMessage } from '../shared/messages.js';

chrome.runtime.onMessage.addListener((raw, _sender, sendResponse) => {
  /** @type {import('../shared/messages.js').Message} */
  let m;
  try {
    m = parseMessage(raw);
  } catch {
    return false; // not ours to answer (the worker reports malformed messages)
  }
  /** @type {Promise<object>|null} */
  let work = null;
  if (m.kind === 'host-analyze') work = analyzeItems(m.jurisdiction, m.items).then((results) => ({ results }));
  else if (m.kind === 'host-warm') work = analyzerFor(m.jurisdiction).then(() => ({}));
  else if (m.kind === 'host-status') work = Promise.resolve({ timing: { ...timing }, wasm_memory_bytes: wasmMemoryBytes() });
  if (!work) return false;
  work.then(
    (reply) => sendResponse({ ok: true, ...reply }),
    (e) => sendResponse({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
  return true;
});
