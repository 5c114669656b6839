// Hostile pages (issue 6) on the pages patrol-server serves: the supervisors' inbox (www/inbox/, with a
// form framed in it) and the demo page (www/demo/). A case is submitted through the API the way a broken
// or malicious client could, every text field a payload; the supervisor opens it, its reports, its
// forms and its history. A global tripwire: every payload requests <endpoint>/pwned/<field> and sets
// window.__pwned; the test watches every request of the browser context, every frame's window and every
// dialog. (The inbox's own CSP and CSRF are tested by the endpoint's owners; this asks only: does anything run?)
//
//   node --test tests/browser/hostile-www.test.mjs   (after building patrol-server, build-wasm.sh, build-extension.sh)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { apiAs, launchBrowser, login, startServer, watchedPage } from './inbox.helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let server;
let browser;
let ctx;
let page;
let events;
const requests = [];
let caseId;

/** The payloads of one field: each trips the wire under the field's name when it runs. */
function payloads(field, base) {
  const w = `fetch('${base}/pwned/${field}');window.__pwned='${field}'`;
  return [
    `<script>${w}</script>`,
    `<img src=x onerror="${w}">`,
    `<svg onload="${w}"></svg>`,
    `<iframe srcdoc="<script>parent.${w.replace(/'/g, '&#39;')}</script>"></iframe>`,
    `<a href="javascript:${w}">link</a>`,
    `"><body onload="${w}">`,
    `'-alert('${field}')-'`,
    `{{constructor.constructor('${w.replace(/'/g, '\\\'')}')()}}`,
  ].join(' ');
}

function analyzer() {
  const { Analyzer } = createRequire(import.meta.url)(path.join(ROOT, 'build/wasm/nodejs/patrol_wasm.js'));
  return new Analyzer(fs.readFileSync(path.join(ROOT, 'build/dict/ipadic.pdic')), '熊本県');
}

async function tripped() {
  const hits = requests.filter((u) => u.includes('/pwned'));
  for (const p of ctx.pages()) {
    for (const f of p.frames()) {
      const v = await f.evaluate(() => /** @type {any} */ (window).__pwned).catch(() => undefined);
      if (v !== undefined) hits.push(`${f.url()}: window.__pwned = ${v}`);
    }
  }
  return [...hits, ...events.dialogs, ...events.errors];
}

before(async () => {
  server = await startServer();
  const officer = server.users['巡査 南一'];
  const p = (field) => payloads(field, server.base);
  const text = `${p('text')} 今夜、熊本の大甲橋から飛び降ります ${p('text2')}`;
  const post = {
    site: 'x', url: `https://x.com/evil/status/1869999999999999999?q="><img src=x onerror=alert(1)>`,
    permalink: null, post_id: '1869999999999999999', post_no: p('post_no'), board: p('board'),
    author_handle: `@evil${p('handle')}`, author_name: p('author_name'), posted_at: '2026-11-22T21:00:00+09:00',
    text, media: [], profile: `中3 ${p('profile')}`,
  };
  const scriptedForm = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${p('form_title')}</title></head>` +
    `<body><h1>発信者に関する情報照会書</h1>${p('form_body')}<meta http-equiv="refresh" content="0;url=javascript:window.__pwned='refresh'"></body></html>`;
  const reply = await apiAs(server, officer, 'POST', '/api/submissions', {
    idempotency_key: `hostile-www-${process.pid}`, kind: 'case', post, analysis: analyzer().analyze(post.text, post.profile, 'x'),
    note: p('note'), forms: [{ form: 'provider_inquiry', html: scriptedForm }],
  });
  caseId = reply.case_id;
  assert.ok(caseId, JSON.stringify(reply));
  browser = await launchBrowser();
  ({ context: ctx, page, events } = await watchedPage(browser));
  ctx.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('inbox: a case whose every field is a payload is shown literally — list, detail, reports, form, history — and nothing runs', async () => {
  await login(page, server, server.users['監督者 熊本南']);
  const row = page.locator(`tr.case-row[data-case-id="${caseId}"]`);
  await row.waitFor();
  assert.ok((await row.textContent()).includes('<script>fetch('), 'the list shows the payload as text');
  await row.click();
  await page.locator('#post-text').waitFor();
  await page.waitForTimeout(300);
  const shown = await page.locator('#main').textContent();
  for (const field of ['text', 'author_name', 'note']) {
    assert.ok(shown.includes(`<svg onload="fetch('${server.base}/pwned/${field}')`), `${field} shown as text`);
  }
  assert.equal(await page.locator('#main').locator('script, svg, iframe:not(.form-frame), img[onerror], [onload], [onerror], a[href^="javascript:"]').count(), 0);
  const frames = page.locator('button.open-form');
  for (let i = 0; i < (await frames.count()); i++) {
    await frames.nth(i).click();
    await page.frameLocator('iframe.form-frame').locator('h1').waitFor();
    await page.waitForTimeout(300);
  }
  for (const link of await page.locator('#main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    assert.ok(!/^\s*javascript:/i.test(link ?? ''), `a javascript: link in the inbox: ${link}`);
  }
  // Every view of the inbox a supervisor can reach from here.
  for (const hash of ['#/inbox', '#/takedowns', '#/report']) {
    await page.goto(`${server.base}/inbox/${hash}`);
    await page.waitForTimeout(500);
  }
  assert.deepEqual(await tripped(), []);
});

test('demo page served by patrol-server: payloads in the text and profile fields are shown as text, nothing runs', async () => {
  const demo = await ctx.newPage();
  demo.on('dialog', (d) => {
    events.dialogs.push(`demo: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  const errors = [];
  demo.on('pageerror', (e) => errors.push(String(e)));
  // A browser asks every site for /favicon.ico; the endpoint has none (not the demo page's doing).
  demo.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(`${m.text()} @ ${m.location().url}`));
  await demo.goto(`${server.base}/demo/`);
  await demo.waitForSelector('body[data-ready]', { state: 'attached', timeout: 60000 });
  const text = `${payloads('demo_text', server.base)}\u202E今夜、熊本の大甲橋から飛び降ります\u200B`;
  await demo.fill('#text', text);
  await demo.fill('#profile', payloads('demo_profile', server.base));
  await demo.click('#run');
  await demo.waitForFunction(() => /判定/.test(document.getElementById('status')?.textContent ?? ''));
  assert.ok((await demo.getAttribute('#result', 'data-categories'))?.split(' ').includes('suicide_notice'));
  assert.equal(await demo.textContent('#result .post-text'), text);
  assert.equal(await demo.locator('#result').locator('script, svg, iframe, img, [onerror], [onload]').count(), 0);
  await demo.waitForTimeout(300);
  assert.deepEqual(await tripped(), []);
  assert.deepEqual(errors, []);
  await demo.close();
});
