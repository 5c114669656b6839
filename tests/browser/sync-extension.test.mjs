// The extension's sync module against a real patrol-server (temporary SQLite database) in headless
// Chromium with the built extension loaded, on X fixture pages served for the real host name:
//  (b) the endpoint down for the whole run (server not started): every submission is queued, the local
//      evidence stays; the server is started on the configured address → each delivered exactly once
//      (counted on the server), local evidence purged only after acknowledgement;
//  (e) the queue survives a browser restart (closed with the endpoint down, reopened on the same profile);
//  (a) the queue survives a stop of the service worker (DevTools protocol ServiceWorker.stopWorker, what
//      「Stop」 in chrome://serviceworker-internals does) and a new worker delivers it, woken by its alarm;
//  (c) an acknowledgement lost on the way back (a proxy forwards the request, then cuts the connection):
//      the retry with the same idempotency key is not a second submission;
//  (d) evidence altered at rest is stopped before sending (the chain is verified in the browser too), kept
//      locally with the error shown in the side panel, not purged; (d2) evidence altered on the way (by the
//      proxy) is refused by the server (422 chain_broken): kept with the server's error, not retried, not
//      purged, and accepted when the officer re-sends it;
//  (f) a volunteer's report carries no evidence and no forms; (g) with no endpoint configured analysis goes
//      on, the report waits with a Japanese explanation, and goes once the endpoint is set;
//  (h) the browser offline, then online again: delivered within the 30 s alarm whatever the backoff;
//  privacy: nothing but flagged posts reaches the endpoint (unflagged posts' text never appears in any
//      request; lookups carry flagged posts' URLs only).
//
//   node --test tests/browser/sync-extension.test.mjs   (after scripts/build-extension.sh and
//   cargo build -p patrol-server --release; PATROL_SERVER, PATROL_EXTENSION_DIR override the paths)
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { HOSTS, launch, startServer } from './harness.mjs';
import {
  evidenceCases as readEvidenceCases,
  ROOT, captureEvidence, freePort, launchOnProfile, prepareEndpoint, sendFrom, setSettings, stopWorker, waitFor, waitForAnalysis, xTimeline,
} from './sync.helpers.mjs';

const EXT = process.env.PATROL_EXTENSION_DIR ?? path.join(ROOT, 'extension/dist');
const HANDLE = 'kumamoto_test';

/** Flagged (suicide notice, child lodging, group suicide) and unflagged posts with unique markers. */
const PAGES = {
  b: [
    { handle: HANDLE, name: '熊本テスト', id: '2001', text: '今夜、熊本の大甲橋から飛び降ります。もう無理' },
    { handle: 'lunch_kuma', name: 'ランチ', id: '2002', text: '今日のランチは熊本ラーメンでした。おいしかったマーカーB2' },
    { handle: 'jc_kuma', name: 'なな', id: '2003', text: '中2です。泊めてくれる人いませんか？熊本市内です' },
    { handle: 'tenki_kuma', name: '天気', id: '2004', text: '明日の天気は晴れ。洗濯日和ですマーカーB4' },
    { handle: 'group_kuma', name: 'だれか', id: '2005', text: '一緒に死んでくれる人募集。練炭あります。熊本駅集合' },
  ],
  a: [{ handle: HANDLE, name: '熊本テスト', id: '3001', text: '明日の朝、阿蘇大橋から飛び降りて死にます。さようなら' }],
  c: [{ handle: HANDLE, name: '熊本テスト', id: '4001', text: '今夜、熊本城の近くのビルから飛び降ります' }],
  d: [{ handle: HANDLE, name: '熊本テスト', id: '5001', text: '今から熊本港で首を吊ります。遺書も書きました' }],
  e: [{ handle: HANDLE, name: '熊本テスト', id: '6001', text: '今夜、熊本の白川に飛び込んで死にます' }],
  f: [{ handle: 'vol_kuma', name: 'ボランティア発見', id: '6101', text: '中2です。泊めてくれる人いませんか？熊本市内です' }],
  g: [{ handle: HANDLE, name: '熊本テスト', id: '6201', text: '明日、熊本の金峰山で首吊って死にます' }],
  h: [{ handle: HANDLE, name: '熊本テスト', id: '6301', text: '今夜、熊本の長六橋から飛び降りて死にます' }],
};
const FLAGGED_B = ['2001', '2003', '2005'];
const permalink = (id, handle = HANDLE) => `https://x.com/${handle}/status/${id}`;

let site;
let endpoint;
let browser;
let panel;
/** Every request the extension makes to the endpoint through the recording proxy. */
const seen = [];
let proxy;
let proxyMode = 'pass';

/** Answers https://x.com/t/<page> with the fixture of that page. */
function siteHandler(req, res, url) {
  const m = /^\/t\/([a-z])$/.exec(url.pathname);
  if (!m || !PAGES[m[1]]) return false;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(xTimeline(PAGES[m[1]]));
  return true;
}

/**
 * A recording proxy in front of the endpoint. mode 'pass' forwards; 'lose-ack' forwards the request to
 * the real server, waits for its answer, and then cuts the connection instead of passing it on; 'tamper'
 * alters the evidence record in the next submission on its way to the server.
 */
async function startProxy(target) {
  const port = await freePort();
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method, url: req.url, body: body.toString('utf8') });
    let body2 = body;
    if (proxyMode === 'tamper' && req.method === 'POST') {
      // Alter the post's text in the evidence record on the way (entry 1 of the log): the chain breaks.
      proxyMode = 'pass';
      const j = JSON.parse(body.toString('utf8'));
      j.evidence.log[1].record.text += '（改変）';
      body2 = Buffer.from(JSON.stringify(j));
    }
    const headers = { ...req.headers };
    delete headers.host;
    delete headers['content-length'];
    let answer;
    try {
      answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body2.length ? body2 : undefined });
    } catch {
      req.socket.destroy();
      return;
    }
    const text = Buffer.from(await answer.arrayBuffer());
    if (proxyMode === 'lose-ack' && req.method === 'POST') {
      proxyMode = 'pass';
      req.socket.destroy();
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

/** What the officer sees of the queue (the `sync-status` reply). */
const syncState = async () => (await sendFrom(panel, { kind: 'sync-status' })).sync;

const evidenceCases = () => readEvidenceCases(panel);

/** Cases still holding evidence locally (not yet acknowledged, or not yet purged). */
const heldCases = async () => (await evidenceCases()).filter((c) => !c.acknowledged || c.blobs > 0);

/** Opens a fixture page, waits for the analysis, and returns the page. */
async function openPage(name, flagged) {
  const page = await browser.ctx.newPage();
  await page.goto(`https://x.com/t/${name}`);
  await waitForAnalysis(page, PAGES[name].length);
  await waitFor(async () => {
    const s = await sendFrom(panel, { kind: 'get-session' });
    return flagged.every((id) => s.entries.some((e) => e.post.url === permalink(id, PAGES[name].find((p) => p.id === id).handle)));
  }, 10000, 'the flagged posts in the session');
  return page;
}

/** The officer's 「証拠を保存」 then 「本部へ報告」 for one post, as the side panel sends them. */
async function captureAndSubmit(page, url) {
  const session = await sendFrom(panel, { kind: 'get-session' });
  const entry = session.entries.find((e) => e.post.url === url);
  assert.ok(entry, `${url} is in the session`);
  await page.bringToFront();
  await captureEvidence(panel, entry.post.key);
  const sub = await sendFrom(panel, { kind: 'submit-report', key: entry.post.key, target: 'police' });
  assert.equal(sub.ok, true, `submit: ${sub.error}`);
  return { key: entry.post.key, reply: sub };
}

/** The endpoint's submissions, counted per post URL (as the supervisor sees them). */
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
  endpoint.users.officer = endpoint.addUser('巡査 南一', 'officer', '熊本南署');
  endpoint.users.supervisor = endpoint.addUser('監督者 熊本南', 'supervisor', '熊本南署');
  endpoint.users.volunteer = endpoint.addUser('ボランティア 一', 'volunteer', '熊本南署');
  // All traffic to the endpoint goes through the recording proxy; with the server not started the proxy
  // cuts every connection, as a down endpoint does.
  proxy = await startProxy(endpoint.base);
  site = await startServer({ handler: siteHandler });
  browser = await launch({ port: site.port, extension: EXT });
  const sw = await browser.worker();
  // Endpoint configured, server NOT started: the whole first part runs with the endpoint down.
  await setSettings(sw, { endpoint: proxy.base, token: endpoint.users.officer.token, role: 'officer', unit: '熊本南署' });
  panel = await browser.ctx.newPage();
  await panel.goto(browser.url('src/panel/panel.html'));
});

test.after(async () => {
  await browser?.close();
  await site?.close();
  await proxy?.close();
  await endpoint?.dispose();
});

test('(b) endpoint down for the whole run: all queued, then all delivered exactly once, evidence purged only after acknowledgement', async () => {
  const page = await openPage('b', FLAGGED_B);
  for (const id of FLAGGED_B) {
    const { reply } = await captureAndSubmit(page, permalink(id, PAGES.b.find((p) => p.id === id).handle));
    assert.match(reply.message, /送信待ちに保存しました/);
  }
  let s = await syncState();
  assert.equal(s.queued, 3);
  assert.match(s.message, /未送信 3 件。送信先に届きません/);
  assert.match(s.last_error, /接続できません/);
  let cases = await evidenceCases();
  assert.equal(cases.length, 3, 'three evidence cases captured');
  assert.ok(cases.every((c) => !c.acknowledged && c.blobs >= 3), `nothing acknowledged, nothing purged while the endpoint is down: ${JSON.stringify(cases)}`);
  // The queue on disk holds the bodies encrypted (the evidence store's key): no post text in the clear.
  const atRest = await panel.evaluate(async (texts) => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('patrol-sync');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const items = await new Promise((ok) => {
      const r = db.transaction('items').objectStore('items').getAll();
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    const dec = new TextDecoder('utf-8', { fatal: false });
    return items.map((i) => ({
      sealed: !!i.body?.sealed && !('post' in i.body),
      clear: texts.some((t) => JSON.stringify(i).includes(t) || (i.body?.sealed && dec.decode(i.body.sealed.data).includes(t))),
    }));
  }, PAGES.b.map((p) => p.text));
  assert.equal(atRest.length, 3);
  assert.ok(atRest.every((x) => x.sealed && !x.clear), `queued bodies encrypted at rest: ${JSON.stringify(atRest)}`);
  // Still down a while later: still all there (the retries failed, nothing dropped).
  await new Promise((r) => setTimeout(r, 4000));
  s = await syncState();
  assert.equal(s.queued, 3);
  assert.equal((await heldCases()).length, 3);

  const started = Date.now();
  await endpoint.start();
  s = await waitFor(async () => {
    const st = await syncState();
    return st.queued === 0 && st.settle_pending === 0 ? st : null;
  }, 90000, 'the queue to drain after the endpoint came back');
  const drainedMs = Date.now() - started;
  console.log(`# (b) endpoint back → 3 submissions delivered and settled in ${drainedMs} ms (backoff-driven, no user action)`);
  assert.equal(s.refused.length, 0);
  assert.ok(s.last_success_at);
  const counts = await serverCounts();
  for (const id of FLAGGED_B) assert.equal(counts[permalink(id, PAGES.b.find((p) => p.id === id).handle)], 1, `post ${id} once on the server`);
  assert.equal(Object.keys(counts).length, 3, 'nothing else on the server');
  cases = await evidenceCases();
  assert.equal(cases.length, 3);
  assert.ok(cases.every((c) => c.acknowledged && c.blobs === 0), 'local evidence purged after acknowledgement (tombstones only)');
  await page.close();
});

test('(a) the queue survives a stopped service worker; a new worker delivers it', async () => {
  await endpoint.stop();
  const page = await openPage('a', ['3001']);
  await captureAndSubmit(page, permalink('3001'));
  assert.equal((await syncState()).queued, 1);
  // Close the X page (its content script talks to the worker) and leave the panel idle, then stop the worker.
  await page.close();
  await new Promise((r) => setTimeout(r, 500));
  await stopWorker(browser.ctx, browser.extensionId, panel);
  const stoppedAt = new Date().toISOString();
  await endpoint.start();
  // No message to the worker from here on: only its alarm can start it again.
  const deadline = Date.now() + 120000;
  let counts = {};
  while (Date.now() < deadline) {
    counts = await serverCounts();
    if (counts[permalink('3001')]) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(counts[permalink('3001')], 1, 'delivered once by the restarted worker');
  // Read the queue's own record of what woke it straight from IndexedDB (a message would wake the worker).
  const woke = await panel.evaluate(async () => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('patrol-sync');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const p = await new Promise((ok) => {
      const r = db.transaction('meta').objectStore('meta').get('progress');
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    return p;
  });
  const since = woke.wakes.filter((w) => w.at > stoppedAt);
  console.log(`# (a) delivered after the worker stop; the queue's wake-ups since: ${since.map((w) => `${w.reason}@${w.at.slice(11, 23)}`).join(', ')}`);
  assert.equal(since[0]?.reason === 'alarm' || since[0]?.reason === 'worker-start', true, 'the first wake-up after the stop is the alarm (or the worker start it caused)');
  assert.ok(since.some((w) => w.reason === 'alarm'), 'the alarm fired in the new worker');
  assert.ok(!since.some((w) => w.reason === 'officer'), 'no officer action woke it');
  const s = await waitFor(async () => {
    const st = await syncState();
    return st.queued === 0 && st.settle_pending === 0 ? st : null;
  }, 30000, 'the queue empty');
  assert.equal(s.refused.length, 0);
  assert.deepEqual(await heldCases(), [], 'local evidence purged after acknowledgement');
});

test('(e) the queue survives a browser restart', async () => {
  await endpoint.stop();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patrol-sync-profile-'));
  try {
    let b = await launchOnProfile({ userDataDir, extension: EXT, port: site.port, hosts: HOSTS });
    await setSettings(b.sw, { endpoint: proxy.base, token: endpoint.users.officer.token, role: 'officer', unit: '熊本南署' });
    const p = await b.ctx.newPage();
    await p.goto('https://x.com/t/e');
    await waitForAnalysis(p, 1);
    const own = await b.ctx.newPage();
    await own.goto(b.url('src/panel/panel.html'));
    const entry = await waitFor(async () => (await sendFrom(own, { kind: 'get-session' })).entries?.find((e) => e.post.url === permalink('6001')),
      10000, 'the flagged post');
    await p.bringToFront();
    await captureEvidence(own, entry.post.key);
    assert.equal((await sendFrom(own, { kind: 'submit-report', key: entry.post.key, target: 'police' })).ok, true);
    assert.equal((await sendFrom(own, { kind: 'sync-status' })).sync.queued, 1);
    await b.ctx.close();
    await endpoint.start();
    b = await launchOnProfile({ userDataDir, extension: EXT, port: site.port, hosts: HOSTS });
    const counts = await waitFor(async () => {
      const c = await serverCounts();
      return c[permalink('6001')] ? c : null;
    }, 120000, 'delivery after the browser came back');
    assert.equal(counts[permalink('6001')], 1);
    const again = await b.ctx.newPage();
    await again.goto(b.url('src/panel/panel.html'));
    const st = await waitFor(async () => {
      const x = (await sendFrom(again, { kind: 'sync-status' })).sync;
      return x.queued === 0 && x.settle_pending === 0 ? x : null;
    }, 30000, 'the queue empty after the restart');
    assert.equal(st.refused.length, 0);
    await b.ctx.close();
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
});

test('(c) a lost acknowledgement: the retry with the same idempotency key makes no duplicate', async () => {
  const page = await openPage('c', ['4001']);
  proxyMode = 'lose-ack';
  seen.length = 0;
  await captureAndSubmit(page, permalink('4001'));
  const s = await waitFor(async () => {
    const st = await syncState();
    return st.queued === 0 && st.settle_pending === 0 ? st : null;
  }, 60000, 'the retry to be acknowledged');
  const posts = seen.filter((r) => r.method === 'POST' && r.url.startsWith('/api/submissions'));
  assert.ok(posts.length >= 2, `sent at least twice (${posts.length})`);
  const keys = new Set(posts.map((r) => JSON.parse(r.body).idempotency_key));
  assert.equal(keys.size, 1, 'every attempt carried the same idempotency key');
  assert.equal(new Set(posts.map((r) => r.body)).size, 1, 'and the same body');
  assert.equal((await serverCounts())[permalink('4001')], 1, 'one submission on the server');
  assert.equal(s.recent.at(-1).ack.replayed, true, 'the server answered the retry as a replay');
  assert.deepEqual(await heldCases(), [], 'local evidence purged after acknowledgement');
  await page.close();
});

test('(d) evidence altered at rest is stopped before sending: kept locally, error shown, not purged', async () => {
  await endpoint.stop();
  const page = await openPage('d', ['5001']);
  await captureAndSubmit(page, permalink('5001'));
  const [victim] = await heldCases();
  assert.ok(victim, 'the case is in the evidence store');
  // Alter the stored record (entry 1) at rest, re-encrypted with the store's own key: what a damaged or
  // tampered store looks like to the sync module.
  await panel.evaluate(async (caseId) => {
    const wasm = await import('/pkg/patrol_wasm.js');
    await wasm.default({ module_or_path: '/pkg/patrol_wasm_bg.wasm' });
    const { EvidenceStore } = await import('/src/evidence/store.js');
    const store = await EvidenceStore.open({ wasm });
    const log = await store.log(caseId);
    const entry = log[1];
    entry.record = { ...entry.record, text: `${entry.record.text}（改変）` };
    const blob = await store.encrypt(caseId, 'log/000001', new TextEncoder().encode(wasm.canonicalJson(entry)));
    await new Promise((ok, fail) => {
      const tx = store.db.transaction('blobs', 'readwrite');
      tx.objectStore('blobs').put(blob);
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
    store.close();
  }, victim.case_id);
  await endpoint.start();
  const before = seen.filter((r) => r.method === 'POST').length;
  await sendFrom(panel, { kind: 'sync-now' });
  const s = await waitFor(async () => {
    const st = await syncState();
    return st.refused.length === 1 ? st : null;
  }, 30000, 'the refusal');
  assert.equal(s.queued, 0, 'not retried');
  assert.equal(s.refused[0].last_status, null, 'refused inside the browser');
  assert.match(s.refused[0].last_error, /証拠ログの検証に失敗したため送信しません/);
  console.log(`# (d) shown to the officer: ${s.refused[0].last_error}`);
  assert.equal(seen.filter((r) => r.method === 'POST').length, before, 'the altered evidence never left the browser');
  const cases = await heldCases();
  assert.deepEqual(cases.map((c) => [c.case_id, c.acknowledged, c.blobs]), [[victim.case_id, false, victim.blobs]], 'the evidence is kept');
  // The side panel shows it with its words (as text).
  await panel.reload();
  await panel.waitForSelector('body[data-ready="true"]');
  await panel.waitForSelector('.sync-refused li', { timeout: 10000 });
  assert.equal(await panel.locator('.sync-refused-error').first().textContent(), s.refused[0].last_error);
  // The officer drops it from the queue; the evidence stays.
  assert.equal((await sendFrom(panel, { kind: 'sync-discard', id: s.refused[0].id })).discarded, true);
  assert.equal((await syncState()).refused.length, 0);
  assert.equal((await heldCases()).length, 1);
  await page.close();
});

test('(d2) evidence altered on the way is refused by the server (422): kept locally with its error, not retried, not purged', async () => {
  const page = await openPage('d', ['5001']);
  const victimBefore = new Set((await heldCases()).map((c) => c.case_id));
  // A fresh capture of the same post (the altered case above stays as it is).
  const session = await sendFrom(panel, { kind: 'get-session' });
  const entry = session.entries.find((e) => e.post.url === permalink('5001'));
  await page.bringToFront();
  await captureEvidence(panel, entry.post.key);
  const fresh = (await heldCases()).find((c) => !victimBefore.has(c.case_id));
  assert.ok(fresh, 'a new case');
  proxyMode = 'tamper';
  const r = await sendFrom(panel, { kind: 'submit-report', key: entry.post.key, target: 'police' });
  assert.equal(r.ok, true, r.error);
  assert.match(r.message, /送信先に受け付けられませんでした/);
  const s = await syncState();
  assert.equal(s.refused.length, 1);
  assert.equal(s.refused[0].last_status, 422);
  console.log(`# (d2) the server's refusal as shown: ${s.refused[0].last_error}`);
  assert.equal((await serverCounts())[permalink('5001')], undefined, 'nothing stored on the server');
  const posts = seen.filter((x) => x.method === 'POST').length;
  await sendFrom(panel, { kind: 'sync-now' });
  assert.equal(seen.filter((x) => x.method === 'POST').length, posts, 'not sent again');
  assert.ok((await heldCases()).some((c) => c.case_id === fresh.case_id && !c.acknowledged && c.blobs === fresh.blobs), 'the evidence is kept');
  // Re-sent unaltered by the officer (再送): accepted, purged.
  assert.equal((await sendFrom(panel, { kind: 'sync-retry', id: s.refused[0].id })).requeued, 1);
  await waitFor(async () => (await serverCounts())[permalink('5001')] === 1, 30000, 'the re-sent report on the server');
  await waitFor(async () => !(await heldCases()).some((c) => c.case_id === fresh.case_id), 10000, 'the purge after acknowledgement');
  await page.close();
});

test('(f) a volunteer sends a report: no evidence, no forms; the server has it as a report', async (t) => {
  const sw = await browser.worker();
  await setSettings(sw, { role: 'volunteer', token: endpoint.users.volunteer.token });
  t.after(() => setSettings(sw, { role: 'officer', token: endpoint.users.officer.token }));
  const page = await openPage('f', ['6101']);
  const session = await sendFrom(panel, { kind: 'get-session' });
  const entry = session.entries.find((e) => e.post.url === permalink('6101', 'vol_kuma'));
  const r = await sendFrom(panel, { kind: 'submit-report', key: entry.post.key, target: 'police' });
  assert.equal(r.ok, true, r.error);
  assert.match(r.message, /本部へ送信しました/);
  const mine = await endpoint.api(endpoint.users.volunteer, 'GET', '/api/submissions');
  assert.equal(mine.status, 200);
  assert.equal(mine.json.items.length, 1, 'the volunteer sees their own report');
  assert.equal(mine.json.items[0].kind, 'report');
  assert.equal(mine.json.items[0].evidence_entries ?? 0, 0);
  const body = JSON.parse(seen.filter((x) => x.method === 'POST').at(-1).body);
  assert.equal(body.kind, 'report');
  assert.equal(body.evidence, undefined);
  assert.equal(body.forms, undefined);
  await setSettings(sw, { role: 'officer', token: endpoint.users.officer.token });
  await page.close();
});

test('(g) no endpoint configured: analysis goes on, the report waits, and the panel says so in Japanese', async (t) => {
  const sw = await browser.worker();
  await setSettings(sw, { endpoint: '' });
  t.after(() => setSettings(sw, { endpoint: proxy.base }));
  const before = seen.length;
  const page = await openPage('g', ['6201']);
  assert.equal(await page.locator('article').first().getAttribute('data-patrol-categories'), 'suicide_notice');
  const { key } = await captureAndSubmit(page, permalink('6201'));
  const s = await syncState();
  assert.equal(s.queued, 1);
  assert.equal(s.endpoint_configured, false);
  assert.match(s.message, /送信先が設定されていません。報告は端末内に保存され/);
  const lk = await sendFrom(panel, { kind: 'lookup-post', key });
  assert.equal(lk.lookup.state, 'no-endpoint');
  assert.match(lk.lookup.message, /送信先が設定されていないため.*解析・証拠保存は通常どおり使えます/);
  assert.equal(seen.length, before, 'nothing sent anywhere');
  // The officer sets the endpoint: the waiting report goes by itself.
  await setSettings(sw, { endpoint: proxy.base });
  await waitFor(async () => (await serverCounts())[permalink('6201')] === 1, 30000, 'delivery after the endpoint was set');
  await waitFor(async () => (await syncState()).queued === 0, 10000, 'the queue empty');
  await page.close();
});

test('(h) the browser offline, then online: the queue notices within its 30 s alarm, whatever the backoff', async () => {
  const sw = await browser.worker();
  const page = await openPage('h', ['6301']);
  await browser.ctx.setOffline(true);
  try {
    assert.equal(await sw.evaluate(() => navigator.onLine), false);
    // Several scheduled failures while offline stretch the backoff pause.
    const { key } = await captureAndSubmit(page, permalink('6301'));
    const s = await syncState();
    assert.equal(s.queued, 1);
    assert.ok(key);
    // As after a long outage: the backoff pause at its 10-minute cap (written into the queue's database).
    await panel.evaluate(async () => {
      const db = await new Promise((ok, fail) => {
        const r = indexedDB.open('patrol-sync');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      await new Promise((ok, fail) => {
        const tx = db.transaction('meta', 'readwrite');
        const st = tx.objectStore('meta');
        const g = st.get('progress');
        g.onsuccess = () => st.put({ ...g.result, failures: 12, paused_until: Date.now() + 10 * 60 * 1000 });
        tx.oncomplete = ok;
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    });
  } finally {
    await browser.ctx.setOffline(false);
  }
  const back = Date.now();
  await waitFor(async () => (await serverCounts())[permalink('6301')] === 1, 45000, 'delivery after the browser came back online');
  const st = await syncState();
  const wakes = await panel.evaluate(async () => {
    const db = await new Promise((ok) => {
      const r = indexedDB.open('patrol-sync');
      r.onsuccess = () => ok(r.result);
    });
    const p = await new Promise((ok) => {
      const r = db.transaction('meta').objectStore('meta').get('progress');
      r.onsuccess = () => ok(r.result);
    });
    db.close();
    return p.wakes.map((w) => w.reason);
  });
  console.log(`# (h) online again (pause at 10 min) → delivered in ${Date.now() - back} ms; wake-ups: ${wakes.join(', ')}`);
  assert.ok(wakes.includes('back-online'), 'noticed that the browser is back online');
  assert.equal(st.paused_until, null);
  await page.close();
});

test('privacy: only flagged posts reach the endpoint', async () => {
  // A lookup of a post that is not flagged is refused inside the extension, before any request.
  const before = seen.length;
  const refused = await sendFrom(panel, { kind: 'lookup-post', key: permalink('2002', 'lunch_kuma') });
  assert.equal(refused.ok, false);
  assert.equal(seen.length, before);
  // Lookups of the flagged posts do go out (and only those).
  const session = await sendFrom(panel, { kind: 'get-session' });
  for (const e of session.entries) {
    const r = await sendFrom(panel, { kind: 'lookup-post', key: e.post.key, fresh: true });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.lookup.state, 'ok');
  }
  const bodies = seen.map((r) => `${r.url}\n${r.body}`).join('\n');
  assert.ok(seen.length > 0, 'the proxy saw the extension\'s requests');
  for (const marker of ['マーカーB2', 'マーカーB4', 'lunch_kuma', 'tenki_kuma']) {
    assert.ok(!bodies.includes(marker), `${marker} (an unflagged post) never sent`);
  }
  for (const r of seen.filter((x) => x.url.startsWith('/api/lookup'))) {
    const url = new URL(r.url, 'http://x').searchParams.get('url');
    assert.ok(['3001', '4001', '5001', '6001', '6101', '6201', '6301', ...FLAGGED_B].some((id) => url?.endsWith(`/status/${id}`)), `lookup only of flagged posts: ${url}`);
  }
});
