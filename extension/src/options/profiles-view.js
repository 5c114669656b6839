// @ts-check
/**
 * The options page's 「サイト定義の更新」 block (review S4): the administrator's public key for signed
 * site-profile bundles, the state of the last check in Japanese (updated / current / refused with the
 * reason / unreachable / no key), and 「今すぐ確認」. The check itself is profile-updates.js, the same
 * code the worker's alarm runs.
 */
import { checkForUpdate, lastState, publicKey, setPublicKey, STATE_KEY } from '../background/profile-updates.js';
import { loadProfiles } from '../background/profiles.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

const LABELS = /** @type {Record<string, string>} */ ({
  updated: '更新しました', current: '最新', refused: '拒否', unreachable: '確認できません', none: '配布なし',
  'no-key': '公開鍵が未設定', 'no-endpoint': '送信先が未設定',
});

async function show() {
  const box = $('profiles-state');
  const [st, set] = await Promise.all([lastState(), loadProfiles()]);
  $('profiles-version').textContent = `使用中のサイト定義: ${set.version}`;
  if (!st) {
    box.textContent = 'まだ確認していません。';
    box.dataset.state = '';
    return;
  }
  box.dataset.state = st.state;
  box.className = st.state === 'refused' || st.state === 'unreachable' ? 'error' : '';
  box.textContent = `${LABELS[st.state] ?? st.state}: ${st.message}（${new Date(st.checked_at).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', hour12: false })}）`;
}

async function main() {
  $('profile-key').value = await publicKey();
  await show();
  $('profile-key-save').addEventListener('click', async () => {
    try {
      await setPublicKey($('profile-key').value);
      $('profiles-state').textContent = '公開鍵を保存しました。更新を確認しています…';
      await checkForUpdate({ currentVersion: async () => (await loadProfiles()).version });
      await show();
    } catch (e) {
      $('profiles-state').className = 'error';
      $('profiles-state').dataset.state = 'bad-key';
      $('profiles-state').textContent = e instanceof Error ? e.message : String(e);
    }
  });
  $('profile-check').addEventListener('click', async () => {
    $('profiles-state').textContent = '確認しています…';
    await checkForUpdate({ currentVersion: async () => (await loadProfiles()).version });
    await show();
  });
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[STATE_KEY]) show().catch(() => {});
  });
}

main().catch((e) => {
  $('profiles-state').className = 'error';
  $('profiles-state').textContent = `サイト定義の状態を読み込めませんでした: ${e instanceof Error ? e.message : String(e)}`;
});
