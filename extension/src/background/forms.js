// @ts-check
/**
 * The documents of `patrol prefill` rendered in the extension, by the same Rust code in wasm
 * (`renderFormFromAnalysis`, crates/patrol-wasm/src/forms.rs), from the analysis the session already
 * holds: no dictionary is needed, only the wasm module, initialised here on first use. When the
 * packaged wasm has no forms, no form is offered (capabilities), never a dead button.
 */
import * as wasm from '../../pkg/patrol_wasm.js';
import { FORMS } from '../shared/offers.js';

/** @type {Promise<unknown>|null} */
let ready = null;

/** @returns {string[]} the form ids this build can render */
export function formsAvailable() {
  return typeof (/** @type {any} */ (wasm).renderFormFromAnalysis) === 'function' ? Object.keys(FORMS) : [];
}

/**
 * The contract's `patrol prefill` input from a session entry; unknown fields stay empty for the officer.
 * @param {import('../shared/messages.js').SessionEntry} entry
 */
export function formRecord(entry) {
  const p = entry.post;
  return {
    url: p.url, site: p.site, text: p.text, profile: p.profile ?? '',
    author: [p.author_handle, p.author_name].filter(Boolean).join(' / '),
    posted_at: p.posted_at ?? '', captured_at: entry.seen_at,
    board: p.board ?? '', post_no: p.post_no ?? '',
  };
}

/**
 * @param {string} form
 * @param {import('../shared/messages.js').SessionEntry} entry
 * @returns {Promise<string>} a complete HTML document
 */
export async function renderFormHtml(form, entry) {
  if (!(form in FORMS)) throw new Error(`patrol: 不明な書類です: ${form}`);
  ready ??= wasm.default({ module_or_path: chrome.runtime.getURL('pkg/patrol_wasm_bg.wasm') });
  await ready;
  return /** @type {any} */ (wasm).renderFormFromAnalysis(form, formRecord(entry), entry.analysis);
}
