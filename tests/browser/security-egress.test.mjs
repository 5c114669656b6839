// SECURITY.md §1 "What leaves the browser": every network request the built extension causes, recorded
// at the network itself. Chromium resolves EVERY host name to one local recording server
// (--host-resolver-rules "MAP * …"), so a request to any host at all — the page's site, the agency
// endpoint, a tracker, a CDN — lands there and is logged with its method, URL, headers and body. The
// endpoint's host name is forwarded from there to a real patrol-server (temporary SQLite database).
//
// The page holds flagged and unflagged posts with unique markers in their text, handles and status ids.
// Asserted:
//  - before the officer does anything, the only requests that leave are lookups carrying the URL of a
//    flagged post (GET /api/lookup?url=…) — no post text, no unflagged post's anything, no other host;
//  - automatic capture is off by default: nothing captured, nothing sent; turned on, it captures the 003 §4(1)
//    notice locally and sends nothing but lookups and GET /api/session;
//  - an unflagged post leaves no trace in chrome.storage.session/local or any IndexedDB of the extension;
//  - the signed-profile check is a GET without credentials or post data, and none is made without a key;
//  - the page's own scripts cannot read what the endpoint said about a held post (the inline note is in a
//    closed shadow root; it was readable before this review);
//  - when the officer submits one flagged post, that post (and its evidence) is what goes, nothing of
//    the unflagged posts and nothing of the other flagged post;
//  - with no endpoint configured, nothing leaves at all beyond the page's own document.
//
//   node --test tests/browser/security-egress.test.mjs   (after scripts/build-extension.sh and
//   cargo build -p patrol-server --release; PATROL_SERVER, PATROL_EXTENSION_DIR override the paths)
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launch, startServer } from './harness.mjs';
import { ROOT, captureEvidence, prepareEndpoint, sendFrom, setSettings, waitFor, waitForAnalysis, xTimeline } from './sync.helpers.mjs';

const EXT = process.env.PATROL_EXTENSION_DIR ?? path.join(ROOT, 'extension/dist');
const SITE = 'x.com';
const ENDPOINT_HOST = 'patrol-endpoint.example.jp';

/** Flagged: a 003 §4(1) suicide notice and a child seeking lodging. Unflagged: two everyday posts. */
const POSTS = [
  { handle: 'sec_flag_one', name: '旗一', id: '880001', text: '今夜、熊本の大甲橋から飛び降ります。もう無理' },
  { handle: 'sec_plain_lunch', name: '昼食', id: '880002', text: '今日のランチは熊本ラーメンでした。おいしかったEGRESSMARKA' },
  { handle: 'sec_flag_two', name: '旗二', id: '880003', text: '中2です。泊めてくれる人いませんか？熊本市内です' },
  { handle: 'sec_plain_sky', name: '空', id: '880004', text: '明日の天気は晴れ。洗濯日和ですEGRESSMARKB' },
];
const FLAGGED = ['880001', '880003'];
const UNFLAGGED = POSTS.filter((p) => !FLAGGED.includes(p.id));
const permalink = (p) => `https://x.com/${p.handle}/status/${p.id}`;
/** Everything that identifies an unflagged post: none of it may ever be in a request. */
const UNFLAGGED_NEEDLES = UNFLAGGED.flatMap((p) => [p.text, p.text.slice(-12), p.handle, p.id, p.name]);

let endpoint;
let net;
let browser;
let panel;
/** @type {{host: string, method: string, url: string, headers: Record<string, any>, body: string, at: number}[]} */
const requests = [];
/** Every request URL Playwright reports for the browser context (pages and, in Chromium, the service worker). */
const seenByBrowser = [];

/** The request as one string, for "does it contain …" checks (URL percent-decoded too). */
const flat = (r) => {
  let decoded = r.url;
  try {
    decoded = decodeURIComponent(r.url);
  } catch {
    // keep the raw URL
  }
  return `${r.method} ${r.host}${r.url}\n${decoded}\n${JSON.stringify(r.headers)}\n${r.body}`;
};

async function recorder(req, res, url) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  requests.push({ host, method: req.method, url: req.url, headers: { ...req.headers }, body: body.toString('utf8'), at: Date.now() });
  if (host === SITE && /^\/sec\/[a-z]+$/.test(url.pathname)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(xTimeline(POSTS));
    return true;
  }
  if (host === ENDPOINT_HOST) {
    const headers = { ...req.headers };
    delete headers.host;
    delete headers['content-length'];
    let answer;
    try {
      // The endpoint may be configured behind a path prefix (https://host/prefix): the proxy in front removes it.
      const upstream = req.url.startsWith('/prefix/') ? req.url.slice('/prefix'.length) : req.url;
      answer = await fetch(`${endpoint.base}${upstream}`, { method: req.method, headers, body: body.length ? body : undefined });
    } catch {
      req.socket.destroy();
      return true;
    }
    const out = {};
    answer.headers.forEach((v, k) => {
      if (!['content-encoding', 'transfer-encoding', 'content-length'].includes(k)) out[k] = v;
    });
    res.writeHead(answer.status, out);
    res.end(Buffer.from(await answer.arrayBuffer()));
    return true;
  }
  return false; // anything else: 404 (and recorded above)
}

test.before(async () => {
  endpoint = await prepareEndpoint();
  endpoint.addUser('巡査 安全', 'officer', '熊本南署');
  endpoint.addUser('監督者 安全', 'supervisor', '熊本南署');
  endpoint.addUser('監督者 中央', 'supervisor', '熊本中央署');
  await endpoint.start();
  net = await startServer({ handler: recorder });
  browser = await launch({ port: net.port, extension: EXT, hosts: ['*'] });
  browser.ctx.on('request', (r) => seenByBrowser.push(r.url()));
  panel = await browser.ctx.newPage();
  await panel.goto(browser.url('src/panel/panel.html'));
});

test.after(async () => {
  await browser?.close();
  await net?.close();
  await endpoint?.dispose();
});

/** Opens the fixture page at /sec/<name> and waits until every post is analysed and flagged ones are in the session. */
async function openFixture(name) {
  const page = await browser.ctx.newPage();
  await page.goto(`https://${SITE}/sec/${name}`);
  await waitForAnalysis(page, POSTS.length);
  const marks = await page.$$eval('article[data-testid="tweet"]', (as) => as.map((a) => a.getAttribute('data-patrol-categories')));
  assert.deepEqual(marks.map((m) => m !== ''), POSTS.map((p) => FLAGGED.includes(p.id)), `flagged exactly as intended: ${JSON.stringify(marks)}`);
  return page;
}

/**
 * Chromium's own traffic to Google's services (seen here: Gaia's ListAccounts, `source=ChromiumBrowser`,
 * origin www.google.com; the background services the launch flags do not switch off could add others):
 * the browser makes it whatever extension is loaded, so it is not counted as the extension's — but it is
 * still searched for post data like every other request.
 */
const browserOwn = (r) => /(^|\.)(google\.com|googleapis\.com|gstatic\.com|gvt1\.com|googleusercontent\.com)$/.test(r.host);

/** The requests other than the fixture documents the test itself navigates to and the browser's own. */
const extensionRequests = (since) => requests.filter((r) => r.at >= since && !browserOwn(r)
  && !(r.host === SITE && /^\/sec\/[a-z]+$/.test(r.url.split('?')[0])) && r.url !== '/favicon.ico');

test('before the officer acts only flagged posts\' URLs leave (lookups), and nothing of an unflagged post', async () => {
  const sw = await browser.worker();
  await setSettings(sw, {
    endpoint: `https://${ENDPOINT_HOST}`, token: endpoint.users['巡査 安全'].token, role: 'officer', unit: '熊本南署',
  });
  const auto = await sw.evaluate(async () => (await chrome.storage.local.get('evidence_auto_capture')).evidence_auto_capture);
  assert.notEqual(auto, true, 'automatic capture is off by default');
  const t0 = Date.now();
  const page = await openFixture('before');
  // The badges ask the endpoint what it knows of each flagged post; wait for both lookups, then a while
  // longer so anything sent late would be caught too.
  await waitFor(() => FLAGGED.every((id) => requests.some((r) => r.host === ENDPOINT_HOST && r.url.startsWith('/api/lookup') && decodeURIComponent(r.url).includes(`/status/${id}`))),
    15000, 'the lookups of the flagged posts');
  await page.waitForTimeout(3000);
  const out = extensionRequests(t0);
  const hosts = [...new Set(out.map((r) => r.host))];
  assert.deepEqual(hosts, [ENDPOINT_HOST], `only the configured endpoint is contacted: ${JSON.stringify(out.map((r) => `${r.method} ${r.host}${r.url}`))}`);
  for (const r of out) {
    assert.equal(r.method, 'GET', `nothing is posted before the officer acts: ${r.method} ${r.url}`);
    const u = new URL(r.url, `https://${r.host}`);
    assert.equal(u.pathname, '/api/lookup', `only lookups: ${r.url}`);
    assert.deepEqual([...u.searchParams.keys()], ['url']);
    assert.ok(FLAGGED.some((id) => u.searchParams.get('url') === permalink(POSTS.find((p) => p.id === id))), `a flagged post's URL: ${u.searchParams.get('url')}`);
    assert.equal(r.body, '', 'a lookup has no body');
    for (const p of POSTS) assert.ok(!flat(r).includes(p.text), 'no post text in a lookup');
  }
  for (const r of requests.filter((x) => x.at >= t0)) {
    for (const n of UNFLAGGED_NEEDLES) assert.ok(!flat(r).includes(n), `"${n}" of an unflagged post appears in ${r.method} ${r.host}${r.url}`);
  }
  // The content script itself fetches nothing from the page's site (only the document the test opened).
  assert.deepEqual(requests.filter((r) => r.at >= t0 && r.host === SITE).map((r) => r.url.split('?')[0]).filter((u) => u !== '/favicon.ico'), ['/sec/before']);
  // Automatic capture off: no evidence was taken of the 003 §4(1) post by itself.
  const listed = await sendFrom(panel, { kind: 'evidence-list', key: permalink(POSTS[0]) });
  assert.equal(listed.ok, true, listed.error);
  assert.equal(listed.cases.length, 0, 'nothing captured before the officer acts');
  console.log(`# egress before any action: ${out.length} requests, all GET /api/lookup of flagged posts`);
  await page.close();
});

test('an unflagged post leaves no trace in the extension\'s storage; flagged ones are kept in the session only', async () => {
  const sw = await browser.worker();
  const areas = await sw.evaluate(async () => ({
    session: JSON.stringify(await chrome.storage.session.get(null)),
    local: JSON.stringify(await chrome.storage.local.get(null)),
  }));
  const idb = await panel.evaluate(async () => {
    const dump = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise((ok, fail) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      for (const store of db.objectStoreNames) {
        dump[`${name}/${store}`] = await new Promise((ok) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => ok(JSON.stringify(r.result));
          r.onerror = () => ok('');
        });
      }
      db.close();
    }
    return dump;
  });
  // Positive control: the flagged posts are there (in the browser session's memory-only area).
  for (const id of FLAGGED) assert.ok(areas.session.includes(`/status/${id}`), `flagged post ${id} in chrome.storage.session`);
  const everything = { 'storage.session': areas.session, 'storage.local': areas.local, ...idb };
  for (const [where, text] of Object.entries(everything)) {
    for (const n of UNFLAGGED_NEEDLES) assert.ok(!text.includes(n), `"${n}" of an unflagged post kept in ${where}`);
  }
  for (const p of POSTS) assert.ok(!areas.local.includes(p.text), 'no post text in chrome.storage.local (which is on disk)');
  console.log(`# storage searched: ${Object.keys(everything).join(', ')}`);
});

test('the signed-profile check is a plain GET of the latest bundle, made only once a key is set: no token, no post data', async () => {
  const options = await browser.ctx.newPage();
  await options.goto(browser.url('src/options/options.html'));
  // Without a public key set, 「今すぐ確認」 asks nothing of the endpoint: there is nothing it could accept.
  const t00 = Date.now();
  await options.locator('#profile-check').click();
  await waitFor(async () => /公開鍵が設定されていない/.test((await options.locator('#profiles-state').textContent()) ?? ''), 10000, 'the no-key state');
  await options.waitForTimeout(500);
  assert.deepEqual(extensionRequests(t00).map((r) => `${r.method} ${r.url}`), [], 'no profile request without a key');
  const t0 = Date.now();
  await options.locator('#profile-key').fill(Buffer.alloc(32, 7).toString('base64'));
  await options.locator('#profile-key-save').click();
  await waitFor(async () => ((await options.locator('#profiles-state').textContent()) ?? '').length > 0
    && requests.some((r) => r.at >= t0 && r.url.startsWith('/api/site-profiles/latest')), 10000, 'the profile check');
  const out = extensionRequests(t0);
  assert.ok(out.length >= 1);
  for (const r of out) {
    assert.equal(`${r.method} ${r.host}${r.url}`, `GET ${ENDPOINT_HOST}/api/site-profiles/latest`);
    assert.equal(r.headers.authorization, undefined, 'no token on the profile fetch');
    assert.equal(r.headers.cookie, undefined);
    assert.equal(r.body, '');
  }
  await options.close();
});

test('automatic capture, once on, captures locally (also a post first seen in a tab since closed) and sends nothing but lookups and "who am I"', async () => {
  const sw = await browser.worker();
  // Earlier lookups are cached for a minute; clear them so the lookups of this page are seen as well.
  await sw.evaluate(() => chrome.storage.session.remove('sync_lookup_cache'));
  await sw.evaluate(() => chrome.storage.local.set({ evidence_auto_capture: true }));
  try {
    const t0 = Date.now();
    const page = await openFixture('auto');
    await page.bringToFront();
    const key = permalink(POSTS[0]);
    const listed = await waitFor(async () => {
      const r = await sendFrom(panel, { kind: 'evidence-list', key });
      return r.ok && r.cases.length > 0 ? r : null;
    }, 20000, 'the automatic capture of the 003 §4(1) notice');
    assert.equal(listed.cases.length, 1);
    await page.waitForTimeout(2000);
    const out = extensionRequests(t0);
    for (const r of out) {
      assert.ok(r.host === ENDPOINT_HOST && r.method === 'GET' && (r.url.startsWith('/api/lookup?') || r.url === '/api/session'),
        `only lookups and GET /api/session: ${r.method} ${r.host}${r.url}`);
      assert.equal(r.body, '');
    }
    assert.ok(!requests.some((r) => r.at >= t0 && r.method === 'POST'), 'nothing posted');
    // The other flagged post (a child's, not a suicide notice) was not captured.
    assert.equal((await sendFrom(panel, { kind: 'evidence-list', key: permalink(POSTS[2]) })).cases.length, 0);
    await page.close();
  } finally {
    await sw.evaluate(() => chrome.storage.local.set({ evidence_auto_capture: false }));
  }
});

test('the officer\'s submission carries the chosen flagged post only', async () => {
  const page = await openFixture('submit');
  const chosen = POSTS[0];
  const other = POSTS[2];
  await waitFor(async () => (await sendFrom(panel, { kind: 'get-session' })).entries.some((e) => e.post.url === permalink(chosen)), 10000, 'the post in the session');
  const t0 = Date.now();
  await page.bringToFront();
  await captureEvidence(panel, permalink(chosen));
  const captured = extensionRequests(t0);
  // Capturing stays on the device: at most the "who am I" question to the endpoint (GET /api/session, no body).
  for (const r of captured) assert.equal(`${r.method} ${r.url} ${r.body}`, 'GET /api/session ');
  const sub = await sendFrom(panel, { kind: 'submit-report', key: permalink(chosen), target: 'police' });
  assert.equal(sub.ok, true, sub.error);
  const posts = requests.filter((r) => r.at >= t0 && r.method === 'POST');
  assert.equal(posts.length, 1, 'one submission');
  assert.equal(posts[0].host, ENDPOINT_HOST);
  assert.equal(posts[0].url, '/api/submissions');
  const body = JSON.parse(posts[0].body);
  assert.equal(body.post.url, permalink(chosen));
  assert.equal(body.post.text, chosen.text);
  assert.ok(body.evidence?.log?.length > 0, 'the evidence of that post goes with it');
  const text = flat(posts[0]);
  for (const n of UNFLAGGED_NEEDLES) assert.ok(!text.includes(n), `"${n}" of an unflagged post is in the submission`);
  for (const n of [other.text, other.handle, other.id]) assert.ok(!text.includes(n), `"${n}" of the other flagged post is in the submission`);
  console.log(`# egress on submit: 1 POST /api/submissions of ${posts[0].body.length} bytes for the chosen post`);
  await page.close();
});

/**
 * Every text node and attribute value of the page as the extension renders it, read through the DevTools
 * protocol with shadow roots pierced (closed ones included): what is on screen, whoever may read it.
 */
async function renderedTexts(page) {
  const cdp = await browser.ctx.newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  await cdp.detach();
  const out = [];
  const walk = (n) => {
    if (n.nodeType === 3 && n.nodeValue) out.push(n.nodeValue);
    for (let i = 1; i < (n.attributes ?? []).length; i += 2) out.push(n.attributes[i]);
    for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) walk(c);
  };
  walk(root);
  return out.join('\n');
}

test('a page\'s own scripts cannot read what the endpoint said about a post (hold, unit, reason, contact)', async () => {
  const sw = await browser.worker();
  await setSettings(sw, {
    endpoint: `https://${ENDPOINT_HOST}`, token: endpoint.users['巡査 安全'].token, role: 'officer', unit: '熊本南署',
  });
  // Earlier answers (no hold) are cached for a minute; this test needs the endpoint's answer now.
  await sw.evaluate(() => chrome.storage.session.remove('sync_lookup_cache'));
  const held = POSTS[2];
  const secret = { reason: '捜査中・秘匿事項ZQ', contact: '生活安全課 秘匿連絡先 096-000-0999' };
  const hold = await endpoint.api(endpoint.users['監督者 中央'], 'POST', '/api/holds', { url: permalink(held), ...secret });
  assert.equal(hold.status, 201, JSON.stringify(hold.json));
  const page = await openFixture('held');
  // Positive control: the note is on screen beside the held post's badge (read by the DevTools protocol).
  await waitFor(async () => (await renderedTexts(page)).includes('削除依頼不可'), 15000, 'the inline hold note');
  const shown = await renderedTexts(page);
  assert.ok(shown.includes(secret.reason), 'the officer sees the reason (in the note\'s tooltip)');
  // The page's own world: everything it can reach — the DOM, open shadow roots, text, attributes.
  const visible = await page.evaluate(() => {
    const out = [];
    const walk = (node) => {
      for (const el of node.querySelectorAll('*')) {
        for (const a of el.attributes) out.push(a.value);
        if (el.shadowRoot) {
          out.push(el.shadowRoot.textContent ?? '');
          walk(el.shadowRoot);
        }
      }
    };
    out.push(document.documentElement.innerText, document.documentElement.textContent ?? '');
    walk(document);
    return out.join('\n');
  });
  for (const leak of ['削除依頼不可', '熊本中央署', secret.reason, secret.contact]) {
    assert.ok(!visible.includes(leak), `the page's scripts can read "${leak}"`);
  }
  await page.close();
});

test('an endpoint behind a path prefix gets every request under that prefix (capture, profile check, lookup, submission)', async () => {
  const sw = await browser.worker();
  await setSettings(sw, {
    endpoint: `https://${ENDPOINT_HOST}/prefix`, token: endpoint.users['巡査 安全'].token, role: 'officer', unit: '熊本南署',
  });
  await sw.evaluate(() => chrome.storage.session.remove('sync_lookup_cache'));
  const t0 = Date.now();
  const page = await openFixture('prefixed');
  const key = permalink(POSTS[2]);
  await waitFor(async () => (await sendFrom(panel, { kind: 'get-session' })).entries.some((e) => e.post.key === key), 10000, 'the post in the session');
  await page.bringToFront();
  await captureEvidence(panel, key);
  const sub = await sendFrom(panel, { kind: 'submit-report', key, target: 'police' });
  assert.equal(sub.ok, true, sub.error);
  const options = await browser.ctx.newPage();
  await options.goto(browser.url('src/options/options.html'));
  await options.locator('#profile-check').click();
  await waitFor(() => requests.some((r) => r.at >= t0 && r.url.includes('site-profiles')), 10000, 'the profile check');
  await options.close();
  const out = extensionRequests(t0).map((r) => `${r.method} ${r.url.split('?')[0]}`);
  for (const want of ['GET /prefix/api/lookup', 'GET /prefix/api/session', 'POST /prefix/api/submissions', 'GET /prefix/api/site-profiles/latest']) {
    assert.ok(out.includes(want), `${want} in ${JSON.stringify(out)}`);
  }
  assert.deepEqual(out.filter((r) => !r.split(' ')[1].startsWith('/prefix/')), [], 'nothing outside the prefix');
  await page.close();
});

test('no endpoint configured: nothing leaves the browser at all', async () => {
  const sw = await browser.worker();
  await setSettings(sw, { endpoint: '', token: '' });
  const t0 = Date.now();
  const page = await openFixture('offline');
  await page.waitForTimeout(3000);
  const out = extensionRequests(t0);
  assert.deepEqual(out.map((r) => `${r.method} ${r.host}${r.url}`), [], 'no request besides the page itself');
  await page.close();
});

test('no request went around the recording server (e.g. to an IP address, which no host rule maps)', () => {
  const net = seenByBrowser.filter((u) => /^(https?|wss?):/.test(u));
  assert.ok(net.some((u) => u.includes('/api/lookup')), 'the browser\'s own report includes the worker\'s requests');
  const outside = net.filter((u) => {
    const h = new URL(u).hostname;
    return /^\d+\.\d+\.\d+\.\d+$|^\[/.test(h) || h === 'localhost';
  });
  assert.deepEqual(outside, [], 'every request went by host name, so through the recorder');
  console.log(`# requests reported by the browser: ${net.length}, all by host name`);
});
