// Benchmark (issue 5, "Performance and faults"): the endpoint down for the length of a run, then back.
// The built extension in headless Chromium flags N posts on an X fixture page; the officer captures
// evidence for each and submits it while the endpoint (a real patrol-server, temporary SQLite) is not
// running; then the server is started on the configured address and the queue delivers by itself.
// Prints: time to queue, time from the endpoint's return to the last acknowledgement (and purge),
// submissions per second while draining, and checks on the server that each post is there exactly once
// and locally that every evidence case was purged only after its acknowledgement.
//
//   node tests/browser/sync-bench.mjs [N]     (default N = 100; PATROL_SERVER, PATROL_EXTENSION_DIR as for the tests)
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, startServer } from './harness.mjs';
import { ROOT, captureEvidence, prepareEndpoint, sendFrom, setSettings, waitFor, waitForAnalysis, xTimeline } from './sync.helpers.mjs';

const N = Number(process.argv[2] ?? 100);
const EXT = process.env.PATROL_EXTENSION_DIR ?? path.join(ROOT, 'extension/dist');
const PLACES = ['大甲橋', '白川橋', '阿蘇大橋', '熊本駅のホーム', '熊本港の岸壁'];
const posts = Array.from({ length: N }, (_, i) => ({
  handle: `bench_${i}`, name: `利用者${i}`, id: String(900000 + i),
  text: `今夜、熊本の${PLACES[i % PLACES.length]}から飛び降ります。${i}回目の書き込み、もう無理`,
}));

const endpoint = await prepareEndpoint();
const officer = endpoint.addUser('巡査 南一', 'officer', '熊本南署');
const supervisor = endpoint.addUser('監督者 熊本南', 'supervisor', '熊本南署');
const site = await startServer({
  handler: (req, res, url) => {
    if (url.pathname !== '/bench') return false;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(xTimeline(posts));
    return true;
  },
});
const browser = await launch({ port: site.port, extension: EXT });
try {
  const sw = await browser.worker();
  await setSettings(sw, { endpoint: endpoint.base, token: officer.token, role: 'officer', unit: '熊本南署' });
  const page = await browser.ctx.newPage();
  await page.setViewportSize({ width: 800, height: 2000 });
  await page.goto('https://x.com/bench');
  await waitForAnalysis(page, N);
  const panel = await browser.ctx.newPage();
  await panel.goto(browser.url('src/panel/panel.html'));
  const { entries } = await waitFor(async () => {
    const s = await sendFrom(panel, { kind: 'get-session' });
    return s.entries.length >= N ? s : null;
  }, 60000, `${N} flagged posts in the session`);
  console.log(`flagged: ${entries.length} of ${N} posts`);

  const t0 = Date.now();
  for (const e of entries) {
    await page.bringToFront();
    await captureEvidence(panel, e.post.key);
    const r = await sendFrom(panel, { kind: 'submit-report', key: e.post.key, target: 'police' });
    assert.equal(r.ok, true, r.error);
  }
  const queuedMs = Date.now() - t0;
  let s = (await sendFrom(panel, { kind: 'sync-status' })).sync;
  assert.equal(s.queued, N);
  console.log(`queued with the endpoint down: ${s.queued} submissions with evidence in ${queuedMs} ms (capture + queue)`);
  console.log(`while down: ${s.message}`);

  const t1 = Date.now();
  await endpoint.start();
  s = await waitFor(async () => {
    const st = (await sendFrom(panel, { kind: 'sync-status' })).sync;
    return st.queued === 0 && st.settle_pending === 0 ? st : null;
  }, 600000, 'the queue to drain');
  const drainMs = Date.now() - t1;
  const first = (await endpoint.api(supervisor, 'GET', '/api/submissions?limit=500')).json;
  const urls = new Map();
  for (const item of first.items) {
    const one = (await endpoint.api(supervisor, 'GET', `/api/submissions/${item.id}`)).json;
    urls.set(one.post.url, (urls.get(one.post.url) ?? 0) + 1);
  }
  const once = [...urls.values()].filter((n) => n === 1).length;
  const twice = [...urls.values()].filter((n) => n > 1).length;
  const held = await panel.evaluate(async () => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('patrol-evidence');
      r.onupgradeneeded = () => r.transaction?.abort();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const count = (store) => new Promise((ok) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => ok(r.result);
    });
    const [cases, blobs] = [await count('cases'), await count('blobs')];
    db.close();
    return { cases: cases.length, unacknowledged: cases.filter((c) => !c.acknowledged).length, blobs: blobs.length };
  });
  const received = first.items.map((i) => Date.parse(i.received_at)).sort((a, b) => a - b);
  const waitMs = received[0] - t1;
  const spanMs = received[received.length - 1] - received[0];
  console.log(`endpoint back → all ${N} delivered and settled in ${drainMs} ms: ${waitMs} ms until the next scheduled retry, ` +
    `then ${N} received in ${spanMs} ms (${(N / Math.max(spanMs / 1000, 0.001)).toFixed(1)} submissions/s, each with its evidence log and 2 screenshots, verified by the server, purged locally)`);
  console.log(`on the server: ${urls.size} posts, ${once} exactly once, ${twice} more than once; refused: ${s.refused.length}`);
  console.log(`local evidence: ${held.cases} cases, ${held.unacknowledged} unacknowledged, ${held.blobs} blobs left`);
  assert.equal(urls.size, N);
  assert.equal(twice, 0);
  assert.equal(held.unacknowledged, 0);
  assert.equal(held.blobs, 0);
  console.log('sync-bench: OK');
} finally {
  await browser.close();
  await site.close();
  await endpoint.dispose();
}
