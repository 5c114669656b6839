// The built extension on the site fixtures of tests/fixtures/sites, served under their real addresses
// (x.com, *.5ch.net, jbbs.shitaraba.net, bakusai.com, a generic board, a news site): every post element
// gets `data-patrol-categories` equal to the fixture's categories, flagged posts get a badge, the
// negatives page has none, the news page is "not recognised" without console errors, hostile markup
// never runs. The same fixtures drive the native `patrol scan` and the extraction tests.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HOSTS, launch, ROOT, startServer, watchConsole } from './harness.mjs';

const FIXTURES = join(ROOT, 'tests/fixtures/sites');
const CASES = readdirSync(FIXTURES).filter((d) => statSync(join(FIXTURES, d)).isDirectory()).sort();
const read = (c, f) => readFileSync(join(FIXTURES, c, f), 'utf8');
const urlOf = (c) => read(c, 'url.txt').trim();

/** Fixture categories per post, with the analyzer's own answer where the fixture records a known miss. */
function expectedCategories(c) {
  const misses = existsSync(join(FIXTURES, c, 'known_misses.json')) ? JSON.parse(read(c, 'known_misses.json')) : [];
  return read(c, 'expected.jsonl').split('\n').filter((l) => l.trim()).map((l) => {
    const p = JSON.parse(l);
    const miss = misses.find((m) => m.key === p.key);
    return { key: p.key, text: p.text, categories: (miss ? miss.analyzer : p.categories).join(' ') };
  });
}

/** The fixtures' images and the like point at hosts that do not exist here: network noise, not ours. */
const NETWORK = /^Failed to load resource|^Manifest fetch/;

/** Escapes a value for a CSS attribute selector in double quotes. */
const CSS_ESCAPE = (v) => v.replace(/["\\]/g, (ch) => `\\${ch}`);

let server;
let browser;
let withScripts = false;

before(async () => {
  const byAddress = new Map(CASES.map((c) => {
    const u = new URL(urlOf(c));
    return [u.host + u.pathname + u.search, c];
  }));
  server = await startServer({
    handler: (req, res, url) => {
      const script = url.pathname.match(/^\/__fixture\/([\w-]+)\/page\.js$/);
      if (script && CASES.includes(script[1]) && withScripts) {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(read(script[1], 'page.js'));
        return true;
      }
      const c = byAddress.get(url.host + url.pathname + url.search);
      if (!c) return false;
      // The page's own script is served from a path of its own (several fixtures share a host).
      const html = read(c, 'page.html').replace(/src="page\.js"/g, `src="/__fixture/${c}/page.js"`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return true;
    },
  });
  const hosts = [...new Set([...HOSTS, ...CASES.map((c) => new URL(urlOf(c)).hostname)])];
  browser = await launch({ port: server.port, hosts });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Attributes and badges of the post elements, in document order. */
async function marks(page, n) {
  await page.waitForFunction((k) => document.querySelectorAll('[data-patrol-categories]').length >= k, n, { timeout: 30000 });
  await page.waitForTimeout(300); // a profile learnt late may still change an attribute
  return page.$$eval('[data-patrol-categories]', (els) => els.map((e) => ({
    categories: e.getAttribute('data-patrol-categories'),
    badge: e.querySelector(':scope > [data-patrol-badge]')?.shadowRoot?.querySelector('button')?.textContent ?? null,
  })));
}

for (const c of CASES.filter((x) => existsSync(join(FIXTURES, x, 'expected.jsonl')))) {
  test(`fixture ${c}: attributes equal the fixture's categories, badges exactly on flagged posts`, async () => {
    withScripts = false;
    const expected = expectedCategories(c);
    const page = await browser.ctx.newPage();
    const errors = watchConsole(page);
    await page.route('**/__fixture/**', (r) => r.abort());
    await page.goto(urlOf(c));
    const got = await marks(page, expected.length);
    assert.equal(got.length, expected.length, `${c}: analysed post elements`);
    for (let i = 0; i < expected.length; i++) {
      assert.equal(got[i].categories, expected[i].categories, `${c} post ${i}: ${expected[i].text.slice(0, 40)}`);
      assert.equal(got[i].badge !== null, expected[i].categories !== '', `${c} post ${i}: badge`);
    }
    if (c === 'negatives') assert.ok(got.every((g) => g.categories === '' && g.badge === null));
    if (c === 'hostile') {
      // The page's own markup may run its own handlers; what the extension shows must never run any.
      const panel = await browser.ctx.newPage();
      await panel.goto(browser.url('src/panel/panel.html'));
      await panel.waitForSelector('body[data-ready]', { state: 'attached' });
      const flagged = expected.filter((e) => e.categories !== '');
      assert.ok(flagged.length > 0);
      for (const e of flagged) {
        if (await panel.isVisible('#back')) await panel.click('#back');
        await panel.click(`#entries li[data-key="${CSS_ESCAPE(e.key)}"]`);
        assert.equal(await panel.textContent('#analysis .post-text'), e.text.length > 20000 ? e.text.slice(0, 20000) : e.text);
        assert.equal(await panel.$$eval('#analysis .post-text *:not(mark)', (x) => x.length), 0);
      }
      assert.equal(await panel.evaluate(() => window.__pwned ?? null), null);
      assert.equal(await panel.$$eval('img, script:not([src="panel.js"]), iframe, object', (x) => x.length), 0);
      await panel.close();
    }
    assert.deepEqual(errors.filter((e) => !NETWORK.test(e)), [], `${c}: console errors`);
    await page.close();
  });
}

test('fixture x_home with its own script: late-rendered and infinite-scroll posts are analysed', async () => {
  withScripts = true;
  const expected = expectedCategories('x_home');
  const page = await browser.ctx.newPage();
  await page.goto(urlOf('x_home'));
  await page.waitForSelector('html[data-fixture-late]');
  await page.evaluate(() => window.__fixtureScroll());
  await page.waitForSelector('html[data-fixture-scrolled]');
  const got = await marks(page, expected.length + 3);
  assert.equal(got.length, expected.length + 3);
  const texts = await page.$$eval('[data-patrol-categories]', (els) => els.map((e) => e.textContent));
  const late = texts.findIndex((t) => t.includes('阿蘇大橋から飛び降りて死にます'));
  assert.ok(late >= 0 && got[late].categories.includes('suicide_notice'), JSON.stringify(got[late]));
  const scrolled = texts.findIndex((t) => t.includes('一緒に死んでくれる人募集'));
  assert.ok(scrolled >= 0 && got[scrolled].categories.includes('group_suicide'), JSON.stringify(got[scrolled]));
  const tired = texts.findIndex((t) => t.includes('死ぬほど疲れた'));
  assert.equal(got[tired].categories, '');
  await page.close();
});

test('fixture not_board: "site not recognised" (toolbar badge, panel), nothing marked, no console errors', async () => {
  const c = CASES.find((x) => existsSync(join(FIXTURES, x, 'not_recognised.txt')));
  assert.ok(c, 'a not-recognised fixture exists');
  const page = await browser.ctx.newPage();
  const errors = watchConsole(page);
  await page.goto(urlOf(c));
  const sw = await browser.worker();
  let badge = '';
  for (let i = 0; i < 50 && !badge; i++) {
    await page.waitForTimeout(100);
    badge = await sw.evaluate(async (u) => {
      const [tab] = await chrome.tabs.query({ url: u });
      return tab ? chrome.action.getBadgeText({ tabId: tab.id }) : '';
    }, urlOf(c));
  }
  assert.equal(badge, '－');
  assert.equal(await page.$$eval('[data-patrol-categories], [data-patrol-badge]', (x) => x.length), 0);
  // The panel, asked while this tab is the active one, says so in Japanese.
  const status = await sw.evaluate(async (u) => {
    const [tab] = await chrome.tabs.query({ url: u });
    return (await chrome.storage.session.get(`tab_${tab.id}`))[`tab_${tab.id}`];
  }, urlOf(c));
  assert.equal(status.site, null);
  assert.deepEqual(errors.filter((e) => !NETWORK.test(e)), []);
  await page.close();
});
