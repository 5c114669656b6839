// Faults (issue 6): the extension keeps its queue while the endpoint fails in the ways a real one does,
// in headless Chromium with the built extension loaded, against a real patrol-server behind a fault proxy:
//   507 storage_full (the server's disk full, with its exact body and a Retry-After), 503 database_unavailable
//   (PostgreSQL restarting), a 500 with a non-JSON (HTML) body from something in between, and a connection
//   reset mid-response after the server has stored the submission. Meanwhile every item stays queued (the
//   panel's count), the officer sees the server's Japanese message, the retries back off, the local evidence
//   is kept; when the endpoint recovers every submission is delivered exactly once (counted on the server)
//   and the evidence is purged only after its acknowledgement.
//
//   node --test tests/browser/faults-queue.test.mjs   (after scripts/build-extension.sh and
//   cargo build -p patrol-server --release; PATROL_SERVER, PATROL_EXTENSION_DIR override the paths)
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { launch, startServer } from './harness.mjs';
import {
  evidenceCases as readEvidenceCases,
  ROOT, captureEvidence, freePort, prepareEndpoint, sendFrom, setSettings, waitFor, waitForAnalysis, xTimeline,
} from './sync.helpers.mjs';

const EXT = process.env.PATROL_EXTENSION_DIR ?? path.join(ROOT, 'extension/dist');
const HANDLE = 'kumamoto_faults';
const POSTS = [
  { handle: HANDLE, name: '熊本テスト', id: '7001', text: '今夜、熊本の大甲橋から飛び降ります。もう無理' },
  { handle: HANDLE, name: '熊本テスト', id: '7002', text: '明日の朝、阿蘇大橋から飛び降りて死にます。さようなら' },
  { handle: HANDLE, name: '熊本テスト', id: '7003', text: '今から熊本港で首を吊ります。遺書も書きました' },
  { handle: 'lunch_kuma', name: 'ランチ', id: '7004', text: '今日のランチは熊本ラーメンでした。おいしかった' },
];
const FLAGGED = ['7001', '7002', '7003'];
const permalink = (id) => `https://x.com/${HANDLE}/status/${id}`;

/** The bodies patrol-server answers (server/src/error.rs), byte for byte in shape. */
const FULL = {
  error: 'storage_full',
  message_ja: 'サーバーの記録領域が満杯です。何も保存されていません。しばらく待ってから再送してください。',
  detail: { outcome: 'not_stored' },
};
const DOWN = {
  error: 'database_unavailable',
  message_ja: 'データベースに接続できません（再起動中の可能性があります）。何も保存されていません。しばらく待ってから再送してください。',
  detail: { outcome: 'not_stored' },
};

let site;
let endpoint;
let browser;
let panel;
let proxy;
/**
 * 'full': every submission answers 507 (from the first, through the first backoff-driven retry after the last
 * submission); then 'script': the faults in `faults`, one per attempt, then everything passes.
 */
let phase = 'full';
let submittedAt = 0;
let faults = ['down', 'html500', 'reset'];
/** Every submission attempt: when, which key, what the proxy did. */
const attempts = [];

function siteHandler(req, res, url) {
  if (url.pathname !== '/t/faults') return false;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(xTimeline(POSTS));
  return true;
}

async function forward(target, req, body) {
  const headers = { ...req.headers };
  delete headers.host;
  delete headers['content-length'];
  return fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
}

/** The fault proxy in front of the real endpoint. */
async function startProxy(target) {
  const port = await freePort();
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const isSubmission = req.method === 'POST' && req.url.startsWith('/api/submissions');
    if (isSubmission && phase === 'full' && submittedAt && attempts.filter((x) => x.at > submittedAt).length >= 1) phase = 'script';
    const fault = !isSubmission ? 'pass' : phase === 'full' ? 'full' : faults.shift() ?? 'pass';
    if (isSubmission) attempts.push({ at: Date.now(), key: JSON.parse(body.toString('utf8')).idempotency_key, fault });
    const json = (status, value, extra = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '1', ...extra });
      res.end(JSON.stringify(value));
    };
    if (fault === 'full') return json(507, FULL);
    if (fault === 'down') return json(503, DOWN);
    if (fault === 'html500') {
      // A proxy or load balancer in between, not the endpoint: HTML, no JSON, no Retry-After.
      res.writeHead(500, { 'content-type': 'text/html' });
      // Hostile too: markup that must never become markup in the extension's pages.
      res.end('<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><img src=x onerror="window.__pwned=1"></body></html>');
      return;
    }
    let answer;
    try {
      answer = await forward(target, req, body);
    } catch {
      req.socket.destroy();
      return;
    }
    const text = Buffer.from(await answer.arrayBuffer());
    if (fault === 'reset') {
      // The server stored it and answered; the connection dies halfway through that answer.
      req.socket.write(`HTTP/1.1 ${answer.status} OK\r\ncontent-type: application/json\r\ncontent-length: ${text.length}\r\n\r\n`);
      req.socket.write(text.subarray(0, Math.floor(text.length / 2)));
      setTimeout(() => req.socket.resetAndDestroy?.() ?? req.socket.destroy(), 20);
      return;
    }
    const out = {};
    answer.headers.forEach((v, k) => {
      if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') out[k] = v;
    });
    res.writeHead(answer.status, out);
    res.end(text);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', () => r(undefined)));
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

const syncState = async () => (await sendFrom(panel, { kind: 'sync-status' })).sync;

const evidenceCases = () => readEvidenceCases(panel);

async function serverCounts() {
  const r = await endpoint.api(endpoint.users.supervisor, 'GET', '/api/submissions?limit=500');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const counts = {};
  for (const s of r.json.items) {
    const one = await endpoint.api(endpoint.users.supervisor, 'GET', `/api/submissions/${s.id}`);
    counts[one.json.post.url] = (counts[one.json.post.url] ?? 0) + 1;
  }
  return counts;
}

test.before(async () => {
  endpoint = await prepareEndpoint();
  endpoint.users.officer = endpoint.addUser('巡査 障害一', 'officer', '熊本東署');
  endpoint.users.supervisor = endpoint.addUser('監督者 熊本東', 'supervisor', '熊本東署');
  await endpoint.start();
  proxy = await startProxy(endpoint.base);
  site = await startServer({ handler: siteHandler });
  browser = await launch({ port: site.port, extension: EXT });
  const sw = await browser.worker();
  await setSettings(sw, { endpoint: proxy.base, token: endpoint.users.officer.token, role: 'officer', unit: '熊本東署' });
  panel = await browser.ctx.newPage();
  await panel.goto(browser.url('src/panel/panel.html'));
});

test.after(async () => {
  await browser?.close();
  await site?.close();
  await proxy?.close();
  await endpoint?.dispose();
});

test('the queue keeps every item through 507, 503, a non-JSON 500 and a reset mid-response, backs off, then delivers each exactly once', async () => {
  const page = await browser.ctx.newPage();
  await page.goto('https://x.com/t/faults');
  await waitForAnalysis(page, POSTS.length);
  await waitFor(async () => {
    const s = await sendFrom(panel, { kind: 'get-session' });
    return FLAGGED.every((id) => s.entries.some((e) => e.post.url === permalink(id)));
  }, 10000, 'the flagged posts in the session');
  const session = await sendFrom(panel, { kind: 'get-session' });
  for (const id of FLAGGED) {
    const entry = session.entries.find((e) => e.post.url === permalink(id));
    await page.bringToFront();
    await captureEvidence(panel, entry.post.key);
    const sub = await sendFrom(panel, { kind: 'submit-report', key: entry.post.key, target: 'police' });
    assert.equal(sub.ok, true, `submit ${id}: ${sub.error}`);
  }
  const started = Date.now();
  submittedAt = started;

  // Watch the queue as the officer would (its status, the panel) until it drains, without touching it.
  /** @type {{fault: string, n: number, queued: number, error: string, panel: string, pwned: boolean, imgs: number}[]} */
  const seen = [];
  const s = await waitFor(async () => {
    const st = await syncState();
    const view = await panel.evaluate(() => ({
      panel: document.body.innerText,
      pwned: 'pwned' in window || '__pwned' in window,
      imgs: document.querySelectorAll('img[src="x"]').length,
    }));
    seen.push({ fault: attempts.at(-1)?.fault ?? 'none', n: attempts.length, queued: st.queued, error: st.last_error ?? '', ...view });
    return st.queued === 0 && st.settle_pending === 0 ? st : null;
  }, 150000, 'the queue to drain once the endpoint recovered');
  const drainedMs = Date.now() - started;
  assert.equal(s.refused.length, 0, `nothing refused: ${JSON.stringify(s.refused)}`);

  const failed = attempts.filter((a) => a.fault !== 'pass');
  assert.deepEqual([...new Set(failed.map((a) => a.fault))], ['full', 'down', 'html500', 'reset'], 'every fault was met');
  // While any fault lasted, all three stayed queued, with the server's own words (or the status) shown.
  const during = seen.filter((x) => x.fault !== 'pass' && x.fault !== 'none');
  assert.ok(during.length > 5, `the queue was observed during the faults (${during.length} times)`);
  for (const x of during) assert.equal(x.queued, 3, `every item kept after a ${x.fault}: ${JSON.stringify(x)}`);
  const shown = (fault, re) => assert.ok(during.some((x) => x.fault === fault && re.test(x.error)), `after ${fault} the status says ${re}: ${JSON.stringify(during.filter((x) => x.fault === fault).map((x) => x.error))}`);
  shown('full', /記録領域が満杯.*HTTP 507/);
  shown('down', /データベースに接続できません.*HTTP 503/);
  shown('html500', /^送信先がエラーを返しました（HTTP 500）$/);
  assert.ok(during.some((x) => /未送信 3 件/.test(x.panel)), 'the side panel shows 未送信 3 件');
  assert.ok(seen.every((x) => !x.pwned && x.imgs === 0), 'the HTML of a 500 is never rendered as markup in the panel');

  // Backoff: the attempts the extension scheduled itself (after the first, the rest forced by the officer's
  // submissions during the pause do not count) wait at least 1, 2, 4, 8, 16 s (equal jitter, base 2 s) — and
  // at least the Retry-After.
  const own = [attempts[0], ...attempts.filter((a) => a.at > submittedAt)].slice(0, 6);
  const gaps = own.slice(1).map((a, i) => a.at - own[i].at);
  gaps.forEach((g, i) => assert.ok(g >= 0.95 * 1000 * 2 ** i, `retry ${i + 1} waited ${g} ms, at least ${1000 * 2 ** i} ms: ${gaps}`));
  // Every attempt of one post carried the same key (so the retry after the reset is a replay, not a second one).
  assert.equal(new Set(attempts.map((a) => a.key)).size, 3, `three idempotency keys over ${attempts.length} attempts`);

  const counts = await serverCounts();
  for (const id of FLAGGED) assert.equal(counts[permalink(id)], 1, `post ${id} stored exactly once`);
  assert.equal(Object.keys(counts).length, 3, 'nothing else on the server');
  assert.ok(s.recent.some((r) => r.ack?.replayed === true), 'the retry after the reset was answered as a replay');
  const cases = await evidenceCases();
  assert.ok(cases.length === 3 && cases.every((c) => c.acknowledged && c.blobs === 0), `evidence purged after acknowledgement: ${JSON.stringify(cases)}`);
  const during500 = during.filter((x) => x.fault === 'html500').at(-1);
  console.log(`# faults queue: ${attempts.length} attempts (${failed.length} faulted: ${failed.map((a) => a.fault).join(', ')}); `
    + `backoff gaps ${gaps.map((g) => (g / 1000).toFixed(1)).join(', ')} s; 3 items queued throughout; all 3 delivered once, `
    + `${drainedMs} ms after submitting; shown after the HTML 500: ${JSON.stringify(during500?.error ?? '').slice(0, 120)}`);
  await page.close();
});
