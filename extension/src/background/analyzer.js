// @ts-check
import init, { Analyzer } from '../../pkg/patrol_wasm.js';
import { analyzeAnyLength } from './long-text.js';

/**
 * The analyzer of this worker's life. The wasm module and the dictionary (dict/ipadic.pdic, packaged)
 * are loaded on first use, once: MV3 stops an idle worker after ~30 s, and whatever state it held is
 * rebuilt on the next message, so start-up cost is paid per worker life, never per post.
 * Content scripts never compile wasm (X's CSP forbids it): this is the only place that does.
 */

/** @type {{jurisdiction: string, promise: Promise<Analyzer>}|null} */
let current = null;
/** @type {WebAssembly.Memory|null} */
let memory = null;

/** Start-up figures of this worker life (milliseconds since the worker's time origin). */
export const timing = {
  /** when the worker script started running */
  script_start_ms: performance.now(),
  wasm_ready_ms: /** @type {number|null} */ (null),
  dict_loaded_ms: /** @type {number|null} */ (null),
  analyzer_ready_ms: /** @type {number|null} */ (null),
  first_result_ms: /** @type {number|null} */ (null),
};

/** @param {string} jurisdiction */
async function build(jurisdiction) {
  const [exports, dict] = await Promise.all([
    init({ module_or_path: chrome.runtime.getURL('pkg/patrol_wasm_bg.wasm') }).then((e) => {
      timing.wasm_ready_ms ??= performance.now();
      return e;
    }),
    fetch(chrome.runtime.getURL('dict/ipadic.pdic')).then(async (r) => {
      if (!r.ok) throw new Error(`patrol: the packaged dictionary cannot be read (HTTP ${r.status})`);
      const bytes = new Uint8Array(await r.arrayBuffer());
      timing.dict_loaded_ms ??= performance.now();
      return bytes;
    }),
  ]);
  memory = exports.memory;
  const analyzer = new Analyzer(dict, jurisdiction);
  timing.analyzer_ready_ms ??= performance.now();
  return analyzer;
}

/**
 * The analyzer for `jurisdiction`, built once; a different jurisdiction (options page) replaces it.
 * A failed build is forgotten so that the next call retries instead of failing forever.
 * @param {string} jurisdiction
 * @returns {Promise<Analyzer>}
 */
export function analyzerFor(jurisdiction) {
  if (current && current.jurisdiction === jurisdiction) return current.promise;
  const previous = current;
  const promise = build(jurisdiction);
  current = { jurisdiction, promise };
  promise.then(
    () => previous?.promise.then((a) => a.free(), () => {}),
    () => {
      if (current?.promise === promise) current = null;
    },
  );
  return promise;
}

/** Marks the first result of this worker life (cold start to first result). */
export function noteResult() {
  timing.first_result_ms ??= performance.now();
}

/**
 * Analyses posts one by one; one bad post (e.g. empty text) gets an error and costs the others nothing.
 * @param {string} jurisdiction
 * @param {{key: string, text: string, profile: string, site: string}[]} items
 * @returns {Promise<import('../shared/messages.js').PostResult[]>}
 */
export async function analyzeItems(jurisdiction, items) {
  const analyzer = await analyzerFor(jurisdiction);
  return items.map((it) => {
    try {
      const analysis = analyzeAnyLength((t, p) => analyzer.analyze(t, p, it.site || undefined), it.text, it.profile);
      noteResult();
      return { key: it.key, analysis };
    } catch (e) {
      return { key: it.key, error: e instanceof Error ? e.message : String(e) };
    }
  });
}

/** Bytes of wasm linear memory now, or null before the module is loaded. */
export function wasmMemoryBytes() {
  return memory ? memory.buffer.byteLength : null;
}
