// The side panel's sync parts (extension/src/sync/panel-view.js) in headless Chromium, with a scripted
// worker: the queue's state and refused items as the officer reads them, hostile text from the server
// (an error message, a hold's reason) shown as text and never parsed, the officer's 再送 and 今すぐ送信
// sending the right messages, and a hold of another unit disabling the takedown-request button.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './inbox.helpers.mjs';
import { ROOT } from './sync.helpers.mjs';

const HOSTILE = '<img src=x onerror="window.pwned=1">「改ざん」</b>';

let server;
let browser;
let page;

test.before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta charset="utf-8"><div id="actions"><button data-form="takedown_request">削除依頼</button></div><div id="sync"></div><div id="lookup"></div>');
      return;
    }
    const file = path.join(ROOT, 'extension', path.normalize(url.pathname));
    if (!file.startsWith(path.join(ROOT, 'extension', 'src')) || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.evaluate(async (hostile) => {
    // The scripted worker: records messages, answers sync-status and lookup-post.
    window.sentMessages = [];
    window.listeners = [];
    window.chrome = { runtime: { onMessage: { addListener: (f) => window.listeners.push(f) } } };
    window.fakeSend = async (m) => {
      window.sentMessages.push(m);
      if (m.kind === 'lookup-post') {
        return { lookup: { state: 'ok', reported: true, reports: 2, hold: { unit: '熊本北署', contact: '096-000-0000', reason: hostile },
          held_by_other_unit: true, removed: false, message: `削除依頼不可（熊本北署 が保留登録） 理由: ${hostile}` } };
      }
      return { sync: {
        queued: 2, refused: [{ id: 'patrol-abc', case_key: 'k', summary: { url: 'https://x.com/a/status/1' }, last_attempt_at: '2026-11-22T03:00:00Z', last_error: hostile }],
        pending: [], delivered: 0, recent: [], settle_pending: 0, last_success_at: '2026-11-22T02:00:00Z',
        last_error: hostile, last_error_at: '2026-11-22T03:00:00Z', paused_until: '2026-11-22T03:05:00Z', endpoint_configured: true,
        message: `未送信 2 件。送信先に届きません（${hostile}）。`,
      } };
    };
    window.view = await import('/src/sync/panel-view.js');
  }, HOSTILE);
});

test.after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

test('queue state and refused items are shown as text, with their actions', async () => {
  await page.evaluate(() => window.view.mountSyncStatus(document.getElementById('sync'), window.fakeSend));
  await page.waitForSelector('.sync-status');
  assert.equal(await page.locator('.sync-status').getAttribute('data-queued'), '2');
  assert.equal(await page.locator('[data-field="queued"]').textContent(), '2 件');
  assert.equal(await page.locator('[data-field="last_success"]').textContent(), '2026/11/22 11:00:00');
  assert.equal(await page.locator('.sync-refused-error').textContent(), HOSTILE);
  assert.equal(await page.locator('#sync img').count(), 0, 'the server\'s text is never parsed as HTML');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await page.locator('.sync-retry').click();
  await page.waitForFunction(() => window.sentMessages.some((m) => m.kind === 'sync-retry'));
  assert.deepEqual(await page.evaluate(() => window.sentMessages.find((m) => m.kind === 'sync-retry')), { kind: 'sync-retry', id: 'patrol-abc' });
  await page.locator('.sync-now').click();
  await page.waitForFunction(() => window.sentMessages.some((m) => m.kind === 'sync-now'));
  // The worker's broadcast refreshes the block.
  const before = await page.evaluate(() => window.sentMessages.filter((m) => m.kind === 'sync-status').length);
  await page.evaluate(() => window.listeners.forEach((f) => f({ kind: 'sync-updated', queued: 1, refused: 1 })));
  await page.waitForFunction((n) => window.sentMessages.filter((m) => m.kind === 'sync-status').length > n, before);
});

test('a hold of another unit: said in the lookup, and the takedown request is blocked with whom to contact', async () => {
  await page.evaluate(() => document.getElementById('lookup').replaceChildren(window.view.renderLookup('https://x.com/a/status/1', window.fakeSend)));
  await page.waitForSelector('.sync-lookup[data-state="ok"]');
  assert.equal(await page.locator('.sync-lookup').getAttribute('data-held-by-other'), 'true');
  assert.match(await page.locator('.sync-lookup-message').textContent() ?? '', /削除依頼不可（熊本北署 が保留登録）/);
  assert.equal(await page.locator('#lookup img').count(), 0);
  const button = page.locator('button[data-form="takedown_request"]');
  assert.equal(await button.isDisabled(), true);
  assert.match(await page.locator('.sync-held-note').textContent() ?? '', /熊本北署（096-000-0000）へ連絡してください/);
  assert.deepEqual(await page.evaluate(() => window.sentMessages.find((m) => m.kind === 'lookup-post')),
    { kind: 'lookup-post', key: 'https://x.com/a/status/1', fresh: false });
});
