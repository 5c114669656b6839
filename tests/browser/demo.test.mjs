// The demo page (www/demo/) in Chromium, served statically as the endpoint serves www/: the same wasm
// analyzer on pasted text, categories and highlighted spans shown, hostile input never executed.
// Needs scripts/build-extension.sh first (it fills www/demo/pkg/).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, ROOT, startServer, watchConsole } from './harness.mjs';

let server;
let browser;
let page;
let errors;

before(async () => {
  assert.ok(existsSync(join(ROOT, 'www/demo/pkg/patrol_wasm_bg.wasm')), 'run scripts/build-extension.sh first');
  server = await startServer({ root: join(ROOT, 'www') });
  browser = await launch({ port: server.port, extension: null });
  page = await browser.ctx.newPage();
  errors = watchConsole(page);
  const t0 = Date.now();
  await page.goto('https://news.example.jp/demo/');
  await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 60000 });
  console.log(`FIGURE demo page: load to analyzer ready (ms, wall): ${Date.now() - t0}`);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function run(text, profile = '') {
  await page.fill('#text', text);
  await page.fill('#profile', profile);
  await page.click('#run');
  await page.waitForFunction(() => /判定/.test(document.getElementById('status').textContent ?? ''));
  return {
    categories: await page.getAttribute('#result', 'data-categories'),
    status: await page.textContent('#status'),
  };
}

test('a suicide notice: category, clause, highlighted evidence, 003 §4(1) checklist', async () => {
  const text = '今夜、熊本の大甲橋から飛び降ります';
  const r = await run(text);
  assert.equal(r.categories, 'suicide_notice');
  assert.match(await page.textContent('#result .categories'), /自殺予告・ほのめかし.*003 §2\(1\)/);
  const marks = await page.$$eval('#result .post-text mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(marks.includes('飛び降ります'), JSON.stringify(marks));
  assert.equal(await page.textContent('#result .post-text'), text);
  assert.equal(await page.$$eval('.checklist li.met', (x) => x.length), 4);
});

test('negatives and the profile field: nothing flagged, then a child found from the profile', async () => {
  assert.equal((await run('昨日の漫才、死ぬほど笑った')).categories, '');
  assert.match(await page.textContent('#result'), /該当する分類はありません/);
  const text = '今日会える人いませんか？お小遣いくれる人';
  assert.equal((await run(text)).categories, '');
  assert.equal((await run(text, '中3')).categories, 'child_sexual_contact');
});

test('the jurisdiction changes the region judgement', async () => {
  await page.selectOption('#jurisdiction', '東京都');
  await run('今夜、熊本の大甲橋から飛び降ります');
  assert.match(await page.textContent('[data-signal="region"]'), /管轄外のみ.*東京都/);
  await page.selectOption('#jurisdiction', '熊本県');
});

test('hostile input is shown as text and never runs', async () => {
  const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\u202E今夜、熊本の大甲橋から飛び降ります\u200B';
  const r = await run(hostile, '<b onmouseover="window.__pwned=3">中2</b>');
  assert.equal(r.categories.split(' ').includes('suicide_notice'), true);
  assert.equal(await page.textContent('#result .post-text'), hostile);
  assert.equal(await page.$$eval('#result img, #result script, #result b', (x) => x.length), 0);
  assert.equal(await page.evaluate(() => window.__pwned ?? null), null);
});

test('empty input: a clear Japanese error, the page keeps working', async () => {
  const r = await run('   ');
  assert.match(r.status, /判定できません/);
  assert.equal((await run('今夜、熊本の大甲橋から飛び降ります')).categories, 'suicide_notice');
  assert.deepEqual(errors, []);
});
