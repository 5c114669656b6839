// @ts-check
/**
 * Where the analyzer runs. In Chromium: an offscreen document, created once and kept for the browser
 * session, so a service worker stopped after 30 s idle wakes up without reloading the wasm module and
 * the 10 MB dictionary (figures in extension/README.md). Where offscreen documents do not exist
 * (Firefox) — or when `analyzer_host: 'worker'` is set in chrome.storage.local, for the benchmark —
 * the worker hosts it itself.
 */
import { analyzeItems, analyzerFor, timing, wasmMemoryBytes } from './analyzer.js';
import { hostAnalyze, hostStatus, hostWarm } from '../shared/messages.js';

const OFFSCREEN = 'src/offscreen/offscreen.html';
/** @type {Promise<void>|null} */
let ensuring = null;

/** @returns {Promise<'offscreen'|'worker'>} */
export async function hostKind() {
  if (typeof chrome.offscreen?.createDocument !== 'function') return 'worker';
  const { analyzer_host: forced } = await chrome.storage.local.get('analyzer_host');
  return forced === 'worker' ? 'worker' : 'offscreen';
}

async function createIfMissing() {
  const url = chrome.runtime.getURL(OFFSCREEN);
  const existing = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT], documentUrls: [url],
  });
  if (existing.length > 0) return;
  try {
    await chrome.offscreen.createDocument({
      url: OFFSCREEN,
      reasons: [chrome.offscreen.Reason.WORKERS],
      justification: 'Runs the WebAssembly analyzer outside the short-lived service worker.',
    });
  } catch (e) {
    // Created meanwhile by an earlier worker life: what we wanted.
    if (!/single offscreen document/i.test(e instanceof Error ? e.message : String(e))) throw e;
  }
}

/**
 * Check-then-create is one step for all callers of this worker life (the page's warm-up and its first
 * posts arrive together): two creations would fail the second ("only a single offscreen document").
 */
function ensureOffscreen() {
  ensuring ??= createIfMissing().finally(() => {
    ensuring = null;
  });
  return ensuring;
}

/**
 * @template T
 * @param {import('../shared/messages.js').Message} message
 * @returns {Promise<T>}
 */
async function ask(message) {
  await ensureOffscreen();
  const reply = await chrome.runtime.sendMessage(message);
  if (!reply) throw new Error('patrol: the analyzer document did not answer');
  if (!reply.ok) throw new Error(reply.error);
  return reply;
}

/**
 * @param {string} jurisdiction
 * @param {import('../shared/messages.js').HostItem[]} items
 * @returns {Promise<import('../shared/messages.js').PostResult[]>}
 */
export async function analyze(jurisdiction, items) {
  if ((await hostKind()) === 'worker') return analyzeItems(jurisdiction, items);
  /** @type {{results: import('../shared/messages.js').PostResult[]}} */
  const reply = await ask(hostAnalyze(jurisdiction, items));
  return reply.results;
}

/** Loads the analyzer ahead of the first post (page load asks for profiles first). */
/** @param {string} jurisdiction */
export async function warm(jurisdiction) {
  if ((await hostKind()) === 'worker') await analyzerFor(jurisdiction);
  else await ask(hostWarm(jurisdiction));
}

/** Start-up figures and wasm memory of wherever the analyzer runs. */
export async function hostFigures() {
  const kind = await hostKind();
  if (kind === 'worker') return { host: kind, timing: { ...timing }, wasm_memory_bytes: wasmMemoryBytes() };
  /** @type {{timing: object, wasm_memory_bytes: number|null}} */
  const r = await ask(hostStatus());
  return { host: kind, timing: r.timing, wasm_memory_bytes: r.wasm_memory_bytes };
}
