// The offline queue (extension/src/sync/queue.js) in headless Chromium's real IndexedDB, with the HTTP
// exchange replaced by a scripted endpoint: per-case order, retry with backoff pause, refusals kept with
// the server's error, identical content queued once, the after-acknowledgement work retried until it
// succeeds, and the queue surviving a reload of the page that owns it.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './inbox.helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Serves extension/src read-only on loopback, so the page imports the very modules the extension ships. */
async function serveSources() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta charset="utf-8"><title>queue</title>');
      return;
    }
    const file = path.join(ROOT, 'extension', path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(path.join(ROOT, 'extension', 'src')) || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

const SETTINGS = { endpoint: 'http://127.0.0.1:9', token: 't' };

let browser;
let src;
let page;

test.before(async () => {
  src = await serveSources();
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${src.base}/`);
  // The scripted endpoint: each call takes the next answer for that item's case from window.script.
  await page.evaluate(async () => {
    const q = await import('/src/sync/queue.js');
    Object.assign(window, { q, sent: [], settled: [], script: {}, settleFails: 0 });
    window.send = async (_settings, key, body) => {
      window.sent.push(body.case);
      const answer = (window.script[body.case] ?? []).shift() ?? { kind: 'ack', status: 201, body: { submission_id: window.sent.length, case_id: 1, replayed: false, receipt: { head_seq: 0 } } };
      return answer;
    };
    window.settle = async (item) => {
      if (window.settleFails > 0) {
        window.settleFails -= 1;
        throw new Error('evidence store busy');
      }
      window.settled.push(item.summary.name);
    };
    // A clock the test moves, so backoff pauses can be stepped through without waiting.
    window.clock = Date.now();
    window.drain = (force = false) => window.q.drain({ settings: window.sync_settings, send: window.send, settle: window.settle, force, random: () => 0, now: () => window.clock });
  });
  await page.evaluate((s) => { window.sync_settings = s; }, SETTINGS);
});

test.after(async () => {
  await browser?.close();
  await src?.close();
});

/** Queues an item of `caseKey` named `name`. */
const enqueue = (caseKey, name, extra = {}) => page.evaluate(([c, n, x]) => window.q.enqueue(c, { case: n, ...x }, { summary: { name: n }, evidence_ids: ['case-' + c] }), [caseKey, name, extra]);

test('items are delivered in queue order per case and settled after each acknowledgement', async () => {
  await enqueue('A', 'a1');
  await enqueue('B', 'b1');
  await enqueue('A', 'a2');
  const r = await page.evaluate(() => window.drain());
  assert.deepEqual(r, { sent: 3, refused: 0, failed: false, skipped: null });
  assert.deepEqual(await page.evaluate(() => window.sent), ['a1', 'b1', 'a2']);
  assert.deepEqual(await page.evaluate(() => window.settled), ['a1', 'b1', 'a2']);
  const s = await page.evaluate(() => window.q.status());
  assert.equal(s.queued, 0);
  assert.equal(s.delivered, 3);
  assert.ok(s.last_success_at);
  assert.equal(s.recent[0].ack.submission_id, 1);
  assert.equal(s.recent[0].body, undefined, 'a delivered item keeps no body');
});

test('the same content queued twice is one item', async () => {
  const first = await enqueue('C', 'c1');
  const again = await enqueue('C', 'c1');
  assert.equal(first.duplicate, false);
  assert.equal(again.duplicate, true);
  assert.equal(again.id, first.id);
  assert.equal((await page.evaluate(() => window.q.status())).queued, 1);
  await page.evaluate(() => window.drain());
});

test('an unreachable endpoint pauses the queue with backoff; later items of the case wait; nothing is lost', async () => {
  await page.evaluate(() => {
    window.sent = [];
    window.clock = Date.now();
    window.script = { d1: [
      { kind: 'retry', status: null, error: '送信先に接続できません。', retryAfterMs: null },
      { kind: 'retry', status: null, error: '送信先に接続できません。', retryAfterMs: null },
      { kind: 'retry', status: 503, error: 'x（HTTP 503）', retryAfterMs: null },
    ] };
  });
  await enqueue('D', 'd1');
  await enqueue('D', 'd2');
  const r1 = await page.evaluate(() => window.drain());
  assert.equal(r1.failed, true);
  assert.deepEqual(await page.evaluate(() => window.sent), ['d1'], 'd2 is not sent before d1');
  const pauseOf = async () => {
    const s = await page.evaluate(() => window.q.status(window.clock));
    return { s, left: Date.parse(s.paused_until) - (await page.evaluate(() => window.clock)) };
  };
  let { s, left } = await pauseOf();
  assert.equal(s.queued, 2);
  assert.equal(s.last_error, '送信先に接続できません。');
  assert.equal(left, 1000, 'first pause: half of the 2 s base step (jitter 0)');
  assert.equal((await page.evaluate(() => window.drain())).skipped, 'paused', 'a paused queue does not hammer the endpoint');
  // The officer forces an attempt during the pause; it fails again but does not stretch the pause.
  await page.evaluate(() => window.drain(true));
  ({ left } = await pauseOf());
  assert.equal(left, 1000, 'a forced attempt during a pause leaves the schedule alone');
  // The scheduled retry after the pause fails: the pause doubles.
  await page.evaluate(() => { window.clock += 1001; });
  await page.evaluate(() => window.drain());
  ({ s, left } = await pauseOf());
  assert.equal(left, 2000, 'second pause doubles');
  assert.equal(s.pending.find((i) => i.summary.name === 'd1').attempts, 3);
  await page.evaluate(() => { window.clock += 2001; });
  const r3 = await page.evaluate(() => window.drain());
  assert.equal(r3.sent, 2);
  assert.deepEqual(await page.evaluate(() => window.sent), ['d1', 'd1', 'd1', 'd1', 'd2']);
  s = await page.evaluate(() => window.q.status(window.clock));
  assert.equal(s.queued, 0);
  assert.equal(s.paused_until, null, 'success lifts the pause');
});

test('a refusal is kept with the server error, not retried, and does not block other cases', async () => {
  await page.evaluate(() => {
    window.sent = [];
    window.script = { e1: [{ kind: 'refused', status: 422, error: '証拠ログの連結が切れています（HTTP 422）' }] };
  });
  await enqueue('E', 'e1');
  await enqueue('F', 'f1');
  const r = await page.evaluate(() => window.drain());
  assert.deepEqual({ sent: r.sent, refused: r.refused }, { sent: 1, refused: 1 });
  await page.evaluate(() => window.drain(true));
  assert.deepEqual(await page.evaluate(() => window.sent), ['e1', 'f1'], 'the refused item is not sent again');
  let s = await page.evaluate(() => window.q.status());
  assert.equal(s.refused.length, 1);
  assert.equal(s.refused[0].last_error, '証拠ログの連結が切れています（HTTP 422）');
  assert.equal(s.refused[0].last_status, 422);
  // The officer fixes the cause and sends it again.
  const id = s.refused[0].id;
  assert.equal(await page.evaluate((i) => window.q.requeue((x) => x.id === i), id), 1);
  await page.evaluate(() => window.drain());
  s = await page.evaluate(() => window.q.status());
  assert.equal(s.refused.length, 0);
  assert.equal(s.queued, 0);
});

test('a failed purge after acknowledgement is retried on the next run, never lost', async () => {
  await page.evaluate(() => {
    window.settled = [];
    window.settleFails = 1;
  });
  await enqueue('G', 'g1');
  await page.evaluate(() => window.drain());
  let s = await page.evaluate(() => window.q.status());
  assert.equal(s.settle_pending, 1);
  assert.match(s.recent.find((i) => i.summary.name === 'g1').last_error, /後処理.*evidence store busy/);
  assert.equal(await page.evaluate(() => window.q.nextDue(0)), 0, 'unfinished settling makes the queue due');
  await page.evaluate(() => window.drain());
  s = await page.evaluate(() => window.q.status());
  assert.equal(s.settle_pending, 0);
  assert.deepEqual(await page.evaluate(() => window.settled), ['g1']);
});

test('no endpoint configured: nothing is sent, everything stays queued', async () => {
  await page.evaluate(() => { window.sent = []; window.sync_settings = { endpoint: '', token: '' }; });
  await enqueue('H', 'h1');
  const r = await page.evaluate(() => window.drain(true));
  assert.equal(r.skipped, 'no-endpoint');
  assert.deepEqual(await page.evaluate(() => window.sent), []);
  assert.equal((await page.evaluate(() => window.q.status())).queued, 1);
});

test('the queue survives a reload of the page that owns it (the database, not memory)', async () => {
  await page.reload();
  await page.evaluate(async (s) => {
    const q = await import('/src/sync/queue.js');
    Object.assign(window, { q, sent: [], sync_settings: s });
  }, SETTINGS);
  const s = await page.evaluate(() => window.q.status());
  assert.equal(s.queued, 1);
  assert.equal(s.pending[0].summary.name, 'h1');
  const r = await page.evaluate(() => window.q.drain({ settings: window.sync_settings, send: async (_s, _k, b) => { window.sent.push(b.case); return { kind: 'ack', status: 201, body: {} }; }, settle: async () => {} }));
  assert.equal(r.sent, 1);
  assert.deepEqual(await page.evaluate(() => window.sent), ['h1']);
});

test('a forced run requested while another runs is not swallowed by it', async () => {
  await page.evaluate(() => {
    window.sent = [];
    window.sync_settings = { endpoint: 'http://127.0.0.1:9', token: 't' };
  });
  const r = await page.evaluate(async () => {
    // A slow endpoint keeps the first run busy while the officer queues and forces another item.
    let release;
    const gate = new Promise((ok) => { release = ok; });
    const slowSend = async (_s, _k, b) => {
      window.sent.push(b.case);
      if (b.case === 'i1') await gate;
      return { kind: 'ack', status: 201, body: {} };
    };
    await window.q.enqueue('I', { case: 'i1' }, { summary: { name: 'i1' } });
    const first = window.q.drain({ settings: window.sync_settings, send: slowSend, settle: async () => {} });
    await new Promise((ok) => setTimeout(ok, 50));
    await window.q.enqueue('J', { case: 'j1' }, { summary: { name: 'j1' } });
    const forced = window.q.drain({ settings: window.sync_settings, send: slowSend, settle: async () => {}, force: true });
    release();
    return { first: await first, forced: await forced, queued: (await window.q.status()).queued };
  });
  assert.equal(r.first.sent, 1, 'the first run had only i1');
  assert.equal(r.forced.sent, 1, 'the forced run sent j1 after it');
  assert.equal(r.queued, 0);
  assert.deepEqual(await page.evaluate(() => window.sent), ['i1', 'j1']);
});
