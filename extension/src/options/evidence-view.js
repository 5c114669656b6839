// @ts-check
/**
 * The options page's evidence setting: automatic capture of suicide posts that meet 003 §4(1)
 * (off by default; evidence/auto.js). Shown to every role, effective for officers and supervisors only.
 */
import { autoCaptureOn, setAutoCapture } from '../evidence/auto-setting.js';

const box = /** @type {HTMLInputElement} */ (document.getElementById('auto-capture'));
const note = /** @type {HTMLElement} */ (document.getElementById('auto-capture-result'));

autoCaptureOn().then((on) => {
  box.checked = on;
  box.disabled = false;
}).catch((e) => {
  note.textContent = `設定を読み込めませんでした: ${e instanceof Error ? e.message : String(e)}`;
});
box.addEventListener('change', async () => {
  try {
    await setAutoCapture(box.checked);
    note.textContent = box.checked
      ? '自動保存を有効にしました（警察官・幹部のみ。対象の投稿が表示中のタブにあるときに保存します）。'
      : '自動保存を無効にしました。';
  } catch (e) {
    note.textContent = `保存できませんでした: ${e instanceof Error ? e.message : String(e)}`;
  }
});
