// @ts-check
/**
 * The options page: endpoint, token, role, unit, jurisdiction and active categories, stored in
 * chrome.storage.local (the worker rebuilds its analyzer when the jurisdiction changes).
 */
import { CATEGORIES, PREFECTURES } from '../shared/categories.js';
import { loadSettings, ROLES, ROLE_NAMES, saveSettings } from '../shared/settings.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** @param {HTMLElement} select @param {[string, string][]} pairs */
function fill(select, pairs) {
  select.replaceChildren(...pairs.map(([value, text]) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    return o;
  }));
}

async function main() {
  fill($('role'), ROLES.map((r) => [r, ROLE_NAMES[r]]));
  fill($('jurisdiction'), PREFECTURES.map((p) => [p, p]));
  const box = $('categories');
  for (const c of CATEGORIES) {
    const label = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.name = 'category';
    cb.value = c.id;
    const text = document.createElement('span');
    text.textContent = `${c.name}（${c.clause}）`;
    label.append(cb, text);
    box.append(label);
  }
  const s = await loadSettings();
  $('role').value = s.role;
  $('unit').value = s.unit;
  $('jurisdiction').value = s.jurisdiction;
  $('endpoint').value = s.endpoint;
  $('token').value = s.token;
  for (const cb of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name=category]'))) {
    cb.checked = s.categories.includes(cb.value);
  }
  document.body.dataset.ready = 'true';
}

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const result = $('result');
  try {
    const categories = [...document.querySelectorAll('input[name=category]:checked')].map((x) => /** @type {HTMLInputElement} */ (x).value);
    await saveSettings({
      role: /** @type {any} */ ($('role').value),
      unit: $('unit').value,
      jurisdiction: $('jurisdiction').value,
      endpoint: $('endpoint').value,
      token: $('token').value,
      categories,
    });
    result.className = '';
    result.textContent = categories.length === 0
      ? '保存しました。検知する分類が一つも選ばれていないため、何も表示されません。'
      : '保存しました。';
  } catch (err) {
    result.className = 'error';
    result.textContent = err instanceof Error ? err.message : String(err);
  }
});

main().catch((e) => {
  $('result').className = 'error';
  $('result').textContent = `設定を読み込めませんでした: ${e instanceof Error ? e.message : String(e)}`;
});
