// SECURITY.md §5: the token travels only to an endpoint reached over TLS. The options page and the worker
// read settings through checkSettings (extension/src/shared/settings.js); a plain-http endpoint other than
// the local test address is refused there, so no token or post goes out unencrypted.
//
//   node --test tests/security/settings.test.mjs
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { checkSettings, DEFAULT_SETTINGS } = await import(path.join(ROOT, 'extension/src/shared/settings.js'));

test('the endpoint must be https (plain http only for localhost), and a fresh install has none and no token', () => {
  for (const bad of ['http://patrol.police.example.jp', 'http://192.168.1.10:8080', 'ftp://patrol.example.jp', 'ws://patrol.example.jp', 'javascript:alert(1)']) {
    assert.throws(() => checkSettings({ endpoint: bad }), /https:\/\/ で始めて|正しくありません/, bad);
  }
  for (const good of ['https://patrol.police.example.jp', 'https://patrol.example.jp/prefix', 'http://127.0.0.1:8080', 'http://localhost:8080']) {
    assert.equal(checkSettings({ endpoint: good }).endpoint, good);
  }
  assert.equal(DEFAULT_SETTINGS.endpoint, '');
  assert.equal(DEFAULT_SETTINGS.token, '');
  assert.equal(DEFAULT_SETTINGS.role, 'volunteer', 'the fewest actions by default');
});
