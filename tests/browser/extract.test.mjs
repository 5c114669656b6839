// The JavaScript extraction engine (extension/src/content/extract.js) in headless Chromium, on
// the same fixture pages and the same expected.jsonl as the native golden test
// (crates/patrol-sites/tests/golden.rs): identical posts, field for field. Also: late-rendered
// X articles (page.js) are found, hostile markup never runs, a 10,000-post page stays fast, and a
// profile bundle signed in Rust verifies with WebCrypto while tampered, wrongly keyed and older
// bundles are refused with their reasons.
//
//   node --test tests/browser/extract.test.mjs
//   (PATROL_SIGN_BUNDLE / PATROL_EXTRACT_PAGE = the sign_bundle / extract_page example binaries,
//   by default in $CARGO_TARGET_DIR/debug/examples; scripts/test-sites.sh builds them)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const FIXTURES = join(ROOT, 'tests/fixtures/sites');
const PROFILES = readdirSync(join(ROOT, 'profiles'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(ROOT, 'profiles', f), 'utf8')));
const CASES = readdirSync(FIXTURES).filter((d) => statSync(join(FIXTURES, d)).isDirectory()).sort();
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };

let server;
let port;
let browser;
let userDir;

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const gen = url.pathname.match(/^\/gen(x?)\/([0-9]+)\.html$/);
    if (gen) {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(gen[1] ? randomXPage(Number(gen[2])) : randomPage(Number(gen[2])));
      return;
    }
    if (url.pathname === '/big.html') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(bigPage(10000));
      return;
    }
    const file = normalize(join(ROOT, decodeURIComponent(url.pathname)));
    if (!file.startsWith(ROOT) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
  userDir = mkdtempSync(join(tmpdir(), 'patrol-extract-'));
  browser = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  if (userDir) rmSync(userDir, { recursive: true, force: true });
});

/** A 5ch thread page with n posts (generated: kept out of git). */
function bigPage(n) {
  const rows = [];
  for (let i = 1; i <= n; i++) {
    rows.push(`<div class="post" id="${i}" data-id="${i}"><div class="meta"><span class="number">${i}</span><span class="name"><b>名無し</b></span>`
      + `<span class="date">2026/11/21(土) ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.00</span>`
      + `<span class="uid">ID:big${i}</span></div><div class="message"><span class="escaped"> ほしゅ${i} <br> <a href="../test/read.cgi/news4vip/1/${i > 1 ? i - 1 : 1}">&gt;&gt;${i > 1 ? i - 1 : 1}</a> </span></div></div>`);
  }
  return `<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>big</title></head><body><h1 class="title">保守</h1><div class="thread">${rows.join('')}</div></body></html>`;
}

/** Opens a page with its own scripts (page.js) blocked unless asked for. */
async function open(path, { scripts = false } = {}) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  if (!scripts) await page.route('**/page.js', (r) => r.abort());
  await page.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: 'load' });
  return { page, errors };
}

/** Runs the engine in the page: the profile it matches (for the fixture's real address) and the posts. */
async function extractIn(page, url) {
  return page.evaluate(async ({ profiles, url }) => {
    const m = await import('/extension/src/content/extract.js');
    const p = m.matchProfile(profiles, url, document);
    if (!p) return { site: null, posts: [] };
    const t0 = performance.now();
    const posts = m.extractPosts(p, document, { url }).map((x) => x.post);
    return { site: p.site, posts, ms: performance.now() - t0 };
  }, { profiles: PROFILES, url });
}

for (const c of CASES) {
  test(`fixture ${c}: the browser engine gives exactly the expected posts`, async () => {
    const url = readFileSync(join(FIXTURES, c, 'url.txt'), 'utf8').trim();
    const { page, errors } = await open(`/tests/fixtures/sites/${c}/page.html`);
    try {
      const got = await extractIn(page, url);
      if (existsSync(join(FIXTURES, c, 'not_recognised.txt'))) {
        assert.equal(got.site, null, `${c} must not be recognised`);
        return;
      }
      const expected = readFileSync(join(FIXTURES, c, 'expected.jsonl'), 'utf8').split('\n').filter((l) => l.trim())
        .map((l) => {
          const o = JSON.parse(l);
          delete o.categories;
          return o;
        });
      assert.equal(got.posts.length, expected.length, `${c}: number of posts`);
      for (let i = 0; i < expected.length; i++) assert.deepStrictEqual(got.posts[i], expected[i], `${c}: post ${i}`);
      assert.deepEqual(errors, [], `${c}: page errors`);
    } finally {
      await page.close();
    }
  });
}

test('hostile page: nothing in a post runs, RTL and zero-width characters are kept as text', async () => {
  const url = readFileSync(join(FIXTURES, 'hostile', 'url.txt'), 'utf8').trim();
  const { page } = await open('/tests/fixtures/sites/hostile/page.html');
  try {
    const got = await extractIn(page, url);
    const first = got.posts[0];
    assert.equal(first.text, '今夜、\u202e橋から\u202c飛び\u200b降ります');
    assert.ok(!first.text.includes('pwned') && !first.text.includes('display:none'), 'script and style text are not post text');
    // The page's own inline script ran once at load (a browser does that); extraction itself ran nothing:
    const state = await page.evaluate(() => ({ pwned: /** @type {any} */ (window).__pwned ?? null }));
    assert.ok(state.pwned === null || state.pwned === 1, 'no event handler was triggered by extraction');
    assert.equal(got.posts[1].text, '深い入れ子', '3,000-deep nesting is read without overflow');
  } finally {
    await page.close();
  }
});

test('10,000 posts: extracted in linear time, every reply marker moved to reply_to', async () => {
  const { page } = await open('/big.html');
  try {
    const got = await extractIn(page, 'https://viper.5ch.net/test/read.cgi/news4vip/1763699999/');
    assert.equal(got.posts.length, 10000);
    assert.equal(got.posts[9999].text, 'ほしゅ10000');
    assert.deepEqual(got.posts[9999].reply_to, ['9999']);
    console.log(`# 10,000 posts extracted in ${got.ms.toFixed(0)} ms in Chromium`);
    assert.ok(got.ms < 5000, `took ${got.ms} ms`);
  } finally {
    await page.close();
  }
});

test('100 X articles: main-thread extraction time (figure)', async () => {
  const { page } = await open('/tests/fixtures/sites/x_home/page.html');
  try {
    const r = await page.evaluate(async ({ profiles }) => {
      const m = await import('/extension/src/content/extract.js');
      const cells = [...document.querySelectorAll('[data-testid="cellInnerDiv"]')].filter((c) => c.querySelector('article'));
      const list = cells[0].parentElement;
      for (let i = 0; list && list.children.length < 100; i++) list.appendChild(cells[i % cells.length].cloneNode(true));
      const p = m.matchProfile(profiles, 'https://x.com/home', document);
      const times = [];
      let n = 0;
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        n = m.extractPosts(p, document, { url: 'https://x.com/home' }).length;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { n, median: times[2] };
    }, { profiles: PROFILES });
    assert.equal(r.n, 100);
    console.log(`# 100 X articles extracted in ${r.median.toFixed(1)} ms (median of 5) in Chromium`);
    assert.ok(r.median < 200, `${r.median} ms`);
  } finally {
    await page.close();
  }
});

test('X timeline: late-rendered and scroll-loaded articles are extracted like the others', async () => {
  const url = 'https://x.com/home';
  const { page, errors } = await open('/tests/fixtures/sites/x_home/page.html', { scripts: true });
  try {
    await page.waitForFunction(() => document.documentElement.getAttribute('data-fixture-late') === '1');
    await page.evaluate(() => /** @type {any} */ (window).__fixtureScroll());
    const got = await extractIn(page, url);
    assert.equal(got.posts.length, 9);
    const late = got.posts.slice(6);
    assert.deepEqual(late.map((p) => p.author_handle), ['@kumamoto_jc_2', '@shiro_neko_k', '@tsukare_0801']);
    assert.equal(late[0].text, 'もう無理。明日の朝、阿蘇大橋から飛び降りて死にます');
    assert.equal(late[0].url, 'https://x.com/kumamoto_jc_2/status/1859432100000000101');
    assert.equal(late[0].post_id, '1859432100000000101');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('extractPosts on a subtree finds only the posts inside it; authorProfileText reads the hover card', async () => {
  const { page } = await open('/tests/fixtures/sites/x_home/page.html');
  try {
    const r = await page.evaluate(async ({ profiles }) => {
      const m = await import('/extension/src/content/extract.js');
      const p = m.matchProfile(profiles, 'https://x.com/home', document);
      const cell = document.querySelectorAll('[data-testid="cellInnerDiv"] article')[2].parentElement;
      const sub = m.extractPosts(p, cell, { url: 'https://x.com/home' }).map((x) => x.post.key);
      return {
        sub,
        first: m.authorProfileText(p, document, undefined, 'https://x.com/home'),
        byHandle: m.authorProfileText(p, document, '@MIYU_0707_URA', 'https://x.com/home'),
        none: m.authorProfileText(p, document, '@nobody', 'https://x.com/home'),
      };
    }, { profiles: PROFILES });
    assert.deepEqual(r.sub, ['https://x.com/hashi_no_ue/status/1859432100000000003']);
    assert.deepEqual(r.first, { handle: '@miyu_0707_ura', text: '熊本の中2🐰 14歳 / 裏垢 / DM開放中' });
    assert.equal(r.byHandle, '熊本の中2🐰 14歳 / 裏垢 / DM開放中');
    assert.equal(r.none, '');
  } finally {
    await page.close();
  }
});

test('a NUL a page script puts into a post is read as U+FFFD (the endpoint refuses NUL: the flagged post could never be submitted)', async () => {
  const { page } = await open('/tests/fixtures/sites/x_home/page.html');
  try {
    const r = await page.evaluate(async ({ profiles }) => {
      const m = await import('/extension/src/content/extract.js');
      const p = m.matchProfile(profiles, 'https://x.com/home', document);
      const article = document.querySelectorAll('[data-testid="cellInnerDiv"] article')[2];
      const text = article.querySelector('[data-testid="tweetText"]');
      if (!text) return null;
      text.textContent = '今夜\u0000、橋から飛び降ります';
      const cell = article.parentElement;
      return m.extractPosts(p, cell, { url: 'https://x.com/home' })[0].post.text;
    }, { profiles: PROFILES });
    assert.equal(r, '今夜\uFFFD、橋から飛び降ります');
  } finally {
    await page.close();
  }
});

test('generic board: a post appended later is found on the next extraction', async () => {
  const { page } = await open('/tests/fixtures/sites/generic_board/page.html');
  try {
    const r = await page.evaluate(async ({ profiles }) => {
      const m = await import('/extension/src/content/extract.js');
      const url = 'https://aso-local.example.jp/bbs/read.cgi?thread=1731888000';
      const p = m.matchProfile(profiles, url, document);
      const thread = document.querySelector('div.thread');
      const before = m.extractPosts(p, thread, { url }).length;
      const block = document.createElement('div');
      block.className = 'res';
      const head = document.createElement('div');
      head.className = 'res-head';
      head.textContent = '5 ：名無し：2026/11/21 12:00';
      const body = document.createElement('div');
      body.className = 'res-body';
      body.textContent = '霧が晴れてきた';
      block.append(head, body);
      thread.append(block);
      const after = m.extractPosts(p, thread, { url }).map((x) => x.post);
      return { site: p.site, before, after: after.length, last: after[after.length - 1] };
    }, { profiles: PROFILES });
    assert.equal(r.site, 'generic');
    assert.equal(r.before, 4);
    assert.equal(r.after, 5);
    assert.equal(r.last.post_no, '5');
    assert.equal(r.last.text, '霧が晴れてきた');
    assert.equal(r.last.posted_at, '2026-11-21T12:00:00+09:00');
  } finally {
    await page.close();
  }
});

test('content keys: the synchronous SHA-256 agrees with WebCrypto', async () => {
  const { page } = await open('/tests/fixtures/sites/not_board/page.html');
  try {
    const r = await page.evaluate(async () => {
      const { sha256Hex } = await import('/extension/src/content/extract/sha256.js');
      const out = [];
      for (const s of ['', 'abc', 'あ'.repeat(100), 'x\u0000y'.repeat(40)]) {
        const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s));
        out.push([sha256Hex(s), Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('')]);
      }
      return out;
    });
    for (const [a, b] of r) assert.equal(a, b);
  } finally {
    await page.close();
  }
});

/** A deterministic pseudo-random generator (mulberry32), so a failing page can be regenerated. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random post markup: text with every kind of white space, breaks, blocks, reply and plain
 * anchors, emoji images, scripts, comments, entities, misnested and unclosed tags. */
function randomMarkup(r, depth = 0) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const words = ['死にたい', '今夜', '熊本', 'テスト', 'www', 'ＪＫ', '泊めて', '\u202e逆', 'ゼロ\u200b幅', '全角\u3000空白', 'a&amp;b', '&lt;tag&gt;', '﻿BOM'];
  let out = '';
  const n = 1 + Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.3) out += pick(['', ' ', '  ', '\n', '\t', ' \n ']) + pick(words) + pick(['', ' ', '\n', '\r\n']);
    else if (k < 0.4) out += pick(['<br>', '<br/>', ' <br> ', '<br><br>']);
    else if (k < 0.48) out += `<a href="../test/read.cgi/b/1/${Math.floor(r() * 50)}">&gt;&gt;${Math.floor(r() * 50)}</a>`;
    else if (k < 0.52) out += '<a href="https://example.jp/x.jpg">https://example.jp/x.jpg</a>';
    else if (k < 0.56) out += '<img alt="😢" src="e.svg">';
    else if (k < 0.6) out += pick(['<script>var x="死ね"</script>', '<style>.a{}</style>', '<!-- 死ね -->', '<noscript>n</noscript>']);
    else if (k < 0.64) out += pick(['<b><i>x</b>y</i>', '<p>段落', '<span><div>ブロック</div></span>', '</span>']);
    else if (depth < 6) {
      const tag = pick(['span', 'div', 'p', 'b', 'font color=red', 'li', 'blockquote']);
      out += `<${tag}>${randomMarkup(r, depth + 1)}</${tag.split(' ')[0]}>`;
    }
  }
  return out;
}

function randomPage(seed) {
  const r = rng(seed);
  const posts = [];
  const n = 1 + Math.floor(r() * 6);
  for (let i = 1; i <= n; i++) {
    posts.push(`<div class="post" id="${i}"><div class="meta"><span class="number">${i}</span><span class="name"><b>${randomMarkup(r, 5)}</b></span>`
      + `<span class="date">2026/11/${1 + Math.floor(r() * 30)}(土) ${Math.floor(r() * 24)}:${String(Math.floor(r() * 60)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}.${Math.floor(r() * 99)}</span>`
      + `<span class="uid">ID:${Math.floor(r() * 1e6).toString(36)}</span></div><div class="message"><span class="escaped">${randomMarkup(r)}</span></div></div>`);
  }
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><h1 class="title">${randomMarkup(r, 5)}</h1><div class="thread">${posts.join('<br>')}</div></body></html>`;
}

/** Random X timeline: articles with random tweet text (X keeps source newlines), names with
 * emoji images, photos, and sometimes a quoted tweet card whose fields must not leak. */
function randomXPage(seed) {
  const r = rng(seed);
  const arts = [];
  const n = 1 + Math.floor(r() * 5);
  for (let i = 1; i <= n; i++) {
    const h = `user_${seed}_${i}`;
    const quote = r() < 0.4
      ? `<div role="link" tabindex="0"><div data-testid="User-Name"><span>引用元</span><span>@q_${i}</span><time datetime="2026-11-01T00:00:00.000Z">11月1日</time></div>`
        + `<div data-testid="tweetText">${randomMarkup(r)}</div><div data-testid="tweetPhoto"><img alt="画像" src="https://pbs.twimg.com/media/Q${i}?format=jpg"></div></div>`
      : '';
    const text = r() < 0.9 ? `<div dir="auto" lang="ja" data-testid="tweetText">${randomMarkup(r)}</div>` : '';
    const photo = r() < 0.3 ? `<div data-testid="tweetPhoto"><img alt="画像" src="/media/P${i}.jpg"></div>` : '';
    arts.push(`<div data-testid="cellInnerDiv"><article data-testid="tweet" role="article"><div data-testid="User-Name"><a href="/${h}" role="link"><span>${randomMarkup(r, 5)}</span><img alt="🐰" src="e.svg"></a>`
      + `<a href="/${h}" tabindex="-1"><span>@${h}</span></a><a href="/${h}/status/${seed}${i}"><time datetime="2026-11-2${i % 10}T1${i}:00:00.000Z">11月2${i}日</time></a></div>`
      + `${text}${quote}${photo}</article></div>`);
  }
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="react-root"><main><div data-testid="primaryColumn">${arts.join('')}</div></main></div></body></html>`;
}

test('parity on 300 generated pages: both engines read hostile, misnested markup identically', async () => {
  const bin = process.env.PATROL_EXTRACT_PAGE
    ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug/examples/extract_page');
  assert.ok(existsSync(bin), `${bin} is missing: cargo build -p patrol-sites --example extract_page`);
  const dir = mkdtempSync(join(tmpdir(), 'patrol-parity-'));
  let compared = 0;
  const kinds = [
    ['gen', 'https://egg.5ch.net/test/read.cgi/b/1763000000/', randomPage],
    ['genx', 'https://x.com/home', randomXPage],
  ];
  const page = await browser.newPage();
  try {
    for (const [kind, url, make] of kinds) {
      const seeds = Array.from({ length: 150 }, (_, i) => 1000 + i);
      const files = seeds.map((seed) => {
        const f = join(dir, `${kind}-${seed}.html`);
        writeFileSync(f, make(seed));
        return f;
      });
      const native = execFileSync(bin, [url, ...files], { encoding: 'utf8', maxBuffer: 1 << 26 })
        .trim().split('\n').map((l) => JSON.parse(l));
      for (let i = 0; i < seeds.length; i++) {
        await page.goto(`http://127.0.0.1:${port}/${kind}/${seeds[i]}.html`, { waitUntil: 'load' });
        const got = await page.evaluate(async ({ profiles, url }) => {
          const m = await import('/extension/src/content/extract.js');
          const p = m.matchProfile(profiles, url, document);
          return p ? m.extractPosts(p, document, { url }).map((x) => x.post) : [];
        }, { profiles: PROFILES, url });
        assert.ok(got.length > 0, `${kind} seed ${seeds[i]}: no posts`);
        assert.deepStrictEqual(got, native[i], `${kind} seed ${seeds[i]}`);
        compared += got.length;
      }
    }
    console.log(`# parity: 300 generated pages (5ch and X shaped), ${compared} posts identical in Rust and Chromium`);
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function signBundle(version, seedHex) {
  const bin = process.env.PATROL_SIGN_BUNDLE
    ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug/examples/sign_bundle');
  assert.ok(existsSync(bin), `${bin} is missing: cargo build -p patrol-sites --example sign_bundle`);
  return JSON.parse(execFileSync(bin, seedHex ? [version, seedHex] : [version], { encoding: 'utf8' }));
}

test('profile bundles: signed in Rust, verified in the browser; tampering, another key and older versions are refused', async () => {
  const good = signBundle('2026.11.23.1');
  const other = signBundle('2026.11.23.1', '11'.repeat(32));
  const older = signBundle('2026.11.21.9');
  const { page } = await open('/tests/fixtures/sites/not_board/page.html');
  try {
    const r = await page.evaluate(async ({ good, other, older }) => {
      const { verifyBundle } = await import('/extension/src/shared/bundle.js');
      const payload = atob(good.bundle.payload);
      const tamperedPayload = btoa(payload.replace('"2026.11.23.1"', '"2026.11.23.2"'));
      return {
        ok: await verifyBundle(good.bundle, good.public_key, '2026.11.22.1'),
        tampered: await verifyBundle({ ...good.bundle, payload: tamperedPayload }, good.public_key, '2026.11.22.1'),
        wrongKey: await verifyBundle(other.bundle, good.public_key, '2026.11.22.1'),
        older: await verifyBundle(older.bundle, older.public_key, '2026.11.22.1'),
        same: await verifyBundle(good.bundle, good.public_key, '2026.11.23.1'),
        garbage: await verifyBundle({ key_id: 'k', payload: '%%%', signature: '' }, good.public_key, null),
      };
    }, { good, other, older });
    assert.equal(r.ok.ok, true, JSON.stringify(r.ok));
    assert.equal(r.ok.version, '2026.11.23.1');
    assert.deepEqual(r.ok.profiles.map((p) => p.site).sort(), ['5ch', 'bakusai', 'generic', 'shitaraba', 'x']);
    assert.equal(r.tampered.code, 'bad_signature');
    assert.match(r.tampered.reason, /署名が検証できません/);
    assert.equal(r.wrongKey.code, 'bad_signature');
    assert.equal(r.older.code, 'not_newer');
    assert.match(r.older.reason, /2026\.11\.21\.9/);
    assert.equal(r.same.code, 'not_newer');
    assert.equal(r.garbage.code, 'malformed');
  } finally {
    await page.close();
  }
});
