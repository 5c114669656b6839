// @ts-check
/**
 * The demo page: the extension's analyzer (same wasm module, same dictionary, same rendering code as
 * the side panel) on pasted text, for training and for trying patrol without installing it.
 * scripts/build-extension.sh copies what it needs into ./pkg/ (gitignored); the page is static.
 * Pasted text is only ever inserted as text (render.js builds DOM nodes; no HTML parsing).
 */
import init, { Analyzer } from './pkg/patrol_wasm.js';
import { PREFECTURES } from './pkg/categories.js';
import { el, renderAnalysis } from './pkg/render.js';

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));
const status = $('status');

/** @type {Uint8Array|null} */
let dict = null;
/** @type {Analyzer|null} */
let analyzer = null;

/** @param {string} jurisdiction */
function analyzerFor(jurisdiction) {
  if (!dict) throw new Error('辞書が読み込まれていません');
  if (!analyzer || analyzer.jurisdiction !== jurisdiction) {
    analyzer?.free();
    analyzer = new Analyzer(dict, jurisdiction);
  }
  return analyzer;
}

async function main() {
  $('jurisdiction').replaceChildren(...PREFECTURES.map((p) => {
    const o = document.createElement('option');
    o.value = p;
    o.textContent = p;
    return o;
  }));
  $('jurisdiction').value = '熊本県';
  const t0 = performance.now();
  const [, bytes] = await Promise.all([
    init({ module_or_path: new URL('./pkg/patrol_wasm_bg.wasm', import.meta.url) }),
    fetch(new URL('./pkg/ipadic.pdic', import.meta.url)).then(async (r) => {
      if (!r.ok) throw new Error(`辞書を読み込めません（HTTP ${r.status}）`);
      return new Uint8Array(await r.arrayBuffer());
    }),
  ]);
  dict = bytes;
  analyzerFor('熊本県');
  status.textContent = `準備ができました（読み込み ${Math.round(performance.now() - t0)} ms）。`;
  $('run').disabled = false;
  document.body.dataset.ready = 'true';
}

$('form').addEventListener('submit', (/** @type {Event} */ e) => {
  e.preventDefault();
  const text = $('text').value;
  const profile = $('profile').value;
  const result = $('result');
  status.className = '';
  try {
    const t0 = performance.now();
    const a = analyzerFor($('jurisdiction').value).analyze(text, profile, $('site').value || undefined);
    const ms = performance.now() - t0;
    const summary = el('p', 'summary', a.categories.length
      ? `要対応: ${a.categories.length} 分類に該当します。`
      : '該当する分類はありません。');
    result.replaceChildren(summary, renderAnalysis({ text, profile, analysis: a }));
    result.dataset.categories = a.categories.join(' ');
    status.textContent = `判定しました（${ms.toFixed(1)} ms）。`;
  } catch (err) {
    result.replaceChildren();
    status.className = 'error';
    status.textContent = `判定できません: ${err instanceof Error ? err.message : String(err)}`;
  }
});

main().catch((e) => {
  status.className = 'error';
  status.textContent = `判定エンジンを読み込めません: ${e instanceof Error ? e.message : String(e)}`;
});
