// The inbox pages' pure helpers, run in Chromium where they run for real: code-point span offsets,
// hostile text rendered literally, screenshot blur regions, the inbox order, the 003 §4(1) checklist.
// Served from www/ by a throw-away static server (no endpoint needed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, watchedPage } from './inbox.helpers.mjs';

const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../www');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

let server;
let base;
let browser;
let page;
let events;

before(async () => {
  server = http.createServer((req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    if (p === '/blank.html') {
      // No CSP here on purpose: only the helpers' DOM discipline keeps scripts from running.
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="ja"><title>blank</title><body></body></html>');
      return;
    }
    const file = path.join(WWW, p.endsWith('/') ? `${p}index.html` : p);
    if (!file.startsWith(WWW) || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
  ({ page, events } = await watchedPage(browser));
  // A blank same-origin page, so the modules import without starting the app.
  await page.goto(`${base}/blank.html`);
});

after(async () => {
  await browser?.close();
  server?.close();
});

const run = (fn, ...args) => page.evaluate(fn, args);

test('evidence spans count code points, so text after an emoji is highlighted at the right place', async () => {
  const marks = await run(async ([b]) => {
    const { highlight } = await import(`${b}/inbox/js/dom.js`);
    const div = document.createElement('div');
    // 😀 is one code point but two UTF-16 units: a UTF-16 slice would mark "😀今" wrongly.
    div.append(highlight('😀今夜𠮷野家の橋から飛び降ります', [{ start: 1, end: 3, label: '時期', kind: 'timing' }, { start: 10, end: 16, label: '明示', kind: 'explicit' }]));
    return [...div.querySelectorAll('mark')].map((m) => [m.textContent, m.title, m.className]);
  }, base);
  assert.deepEqual(marks, [['今夜', '時期', 'span span-timing'], ['飛び降ります', '明示', 'span span-explicit']]);
});

test('overlapping spans merge into one mark with both labels; out-of-range spans are clipped or dropped', async () => {
  const out = await run(async ([b]) => {
    const { highlight } = await import(`${b}/inbox/js/dom.js`);
    const div = document.createElement('div');
    div.append(highlight('大甲橋から飛び降ります', [
      { start: 0, end: 3, label: '場所' }, { start: 2, end: 3, label: '橋' }, { start: 5, end: 99, label: '末尾' }, { start: 50, end: 60, label: '範囲外' }]));
    return { text: div.textContent, marks: [...div.querySelectorAll('mark')].map((m) => [m.textContent, m.title]) };
  }, base);
  assert.equal(out.text, '大甲橋から飛び降ります');
  assert.deepEqual(out.marks, [['大甲橋', '場所 / 橋'], ['飛び降ります', '末尾']]);
});

test('hostile text stays text: markup is shown literally and bidi overrides are made visible', async () => {
  const out = await run(async ([b]) => {
    const { highlight, literal, h } = await import(`${b}/inbox/js/dom.js`);
    const div = document.createElement('div');
    document.body.append(div);
    div.append(highlight('<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\u202Egpj.exe', [{ start: 0, end: 4 }]));
    div.append(literal('<b>太字</b>'));
    let refused = '';
    try {
      h('a', { onerror: 'x', style: 'color:red' });
    } catch (e) {
      refused = e.message;
    }
    const link = h('a', { href: 'javascript:alert(1)' }, 'x');
    await new Promise((r) => setTimeout(r, 100));
    return { html: div.innerHTML, text: div.textContent, elements: div.querySelectorAll('img,script,b').length, pwned: window.__pwned ?? null, refused, href: link.getAttribute('href') };
  }, base);
  assert.equal(out.elements, 0);
  assert.equal(out.pwned, null);
  assert.ok(out.text.includes('<script>window.__pwned=2</script>'));
  assert.ok(out.text.includes('⟨U+202E⟩gpj.exe'), out.text);
  assert.ok(!out.text.includes('\u202E'));
  assert.match(out.refused, /not allowed/);
  assert.equal(out.href, '#');
});

test('CSV cells defuse spreadsheet formulas, quote commas and quotes, and the file starts with a BOM', async () => {
  const csv = await run(async ([b]) => {
    const { toCsv } = await import(`${b}/inbox/js/csv.js`);
    return toCsv(['項目', 'メモ'], [['a,b', '=HYPERLINK("http://evil")'], ['-1+1', '"引用"']]);
  }, base);
  assert.equal(csv, '\uFEFF項目,メモ\r\n"a,b","\'=HYPERLINK(""http://evil"")"\r\n\'-1+1,"""引用"""\r\n');
});

test('inbox order: suicide cases first, those meeting 003 §4(1) before others, then urgency, then the most recent report', async () => {
  const order = await run(async ([b]) => {
    const { compareCases } = await import(`${b}/inbox/js/cases.js`);
    const c = (id, categories, level, created, urgency = {}) => ({ id, categories, last_reported_at: created, analysis: { categories, urgency: { level, ...urgency } } });
    const full = { timing: [{}], specific: [{}], explicit: [{}], doubt: [] };
    const list = [
      c('child-high-old', ['child_sexual_contact'], 'high', '2026-11-01T00:00:00Z'),
      c('suicide-low', ['suicide_notice'], 'low', '2026-11-20T00:00:00Z'),
      c('suicide-inquiry-new', ['suicide_notice'], 'high', '2026-11-21T00:00:00Z', full),
      c('suicide-inquiry-old', ['group_suicide'], 'high', '2026-11-19T00:00:00Z', full),
      c('child-low', ['child_lodging'], 'low', '2026-11-02T00:00:00Z'),
      // The core's own levels (src/analyze.rs): elevated above watch, both below high.
      c('suicide-elevated', ['suicide_notice'], 'elevated', '2026-11-10T00:00:00Z'),
      c('suicide-watch', ['suicide_notice'], 'watch', '2026-11-22T00:00:00Z'),
    ];
    return list.sort(compareCases).map((x) => x.id);
  }, base);
  assert.deepEqual(order, ['suicide-inquiry-new', 'suicide-inquiry-old', 'suicide-elevated', 'suicide-watch', 'suicide-low', 'child-high-old', 'child-low']);
});

test('the 003 §4(1) checklist reads the analysis spans: (エ) fails when a doubt span exists', async () => {
  const k = await run(async ([b]) => {
    const { checklistOf } = await import(`${b}/inbox/js/cases.js`);
    return [
      checklistOf({ analysis: { urgency: { timing: [{}], specific: [], explicit: [{}], doubt: [{}] } } }),
      checklistOf({ checklist: { timing: true, specific: true, explicit: true, no_doubt: true } }),
    ];
  }, base);
  assert.deepEqual(k[0], { timing: true, specific: false, explicit: true, no_doubt: false });
  assert.deepEqual(k[1], { timing: true, specific: true, explicit: true, no_doubt: true });
});

test('blur regions scale from the screenshot entry to the image; without regions the whole image is blurred', async () => {
  const r = await run(async ([b]) => {
    const { regionsOf } = await import(`${b}/inbox/js/views/evidence.js`);
    return [
      regionsOf({ width: 8, regions: [{ x: 2, y: 2, width: 2, height: 2 }] }, 16, 12),
      regionsOf({ width: 8, regions: [{ x: 'a', y: 0, width: 2, height: 2 }] }, 8, 6),
      regionsOf({}, 8, 6),
    ];
  }, base);
  assert.deepEqual(r[0], [{ x: 4, y: 4, w: 4, h: 4 }]);
  assert.deepEqual(r[1], [{ x: 0, y: 0, w: 8, h: 6 }]);
  assert.deepEqual(r[2], [{ x: 0, y: 0, w: 8, h: 6 }]);
});

test('spans whose quoted text does not match the shown text are left out and counted', async () => {
  const r = await run(async ([b]) => {
    const { checkSpans } = await import(`${b}/inbox/js/views/case.js`);
    const spans = [{ start: 0, end: 2, text: '今夜' }, { start: 3, end: 5, text: '泊めて' }, { start: 6, end: 8 }];
    const { good, bad } = checkSpans('今夜、熊本の大甲橋', spans);
    return { good: good.map((s) => s.start), bad };
  }, base);
  assert.deepEqual(r, { good: [0, 6], bad: 1 });
});

test('no page errors while the helpers ran', () => {
  assert.deepEqual(events.errors, []);
  assert.deepEqual(events.dialogs, []);
});
