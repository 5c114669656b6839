// The supervisors' pages against a real patrol-server (temporary SQLite database, free port) in
// headless Chromium. Officers submit cases through the API as the extension would — a suicide
// announcement meeting 003 §4(1) with its evidence log, screenshots and inquiry form, the same post
// reported by a second officer, lower-urgency child cases, a case full of hostile markup, and a case
// of another unit — then the supervisor works through them in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { startServer, apiAs, launchBrowser, watchedPage, login } from './inbox.helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CASE_DIR = path.join(ROOT, 'tests/evidence/chain/intact_folder/case');

let server;
let browser;
let ctx;
let page;
let events;
let analyzer;
const ids = {};

/** The analyzer as the extension runs it (the wasm build), so every analysis has the real shape. */
function loadAnalyzer() {
  const wasm = path.join(ROOT, 'build/wasm/nodejs/patrol_wasm.js');
  if (!fs.existsSync(wasm)) throw new Error('build/wasm/nodejs missing: run scripts/build-wasm.sh');
  const { Analyzer } = createRequire(import.meta.url)(wasm);
  return new Analyzer(fs.readFileSync(path.join(ROOT, 'build/dict/ipadic.pdic')), '熊本県');
}

let keySeq = 0;
const key = (name) => `inbox-test-${name}-${process.pid}-${(keySeq += 1)}`;

/** The evidence log of tests/evidence (a verified case log) up to the form, with its files. */
function suicideEvidence() {
  const log = fs.readFileSync(path.join(CASE_DIR, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const entries = log.filter((e) => ['genesis', 'record', 'screenshot_tab', 'screenshot_post', 'form_final'].includes(e.kind));
  const artefacts = {};
  for (const e of entries) {
    if (e.ref?.name) artefacts[e.ref.name] = fs.readFileSync(path.join(CASE_DIR, e.ref.name)).toString('base64');
  }
  const record = entries.find((e) => e.kind === 'record').record;
  return { entries, artefacts, record };
}

function postOf(record) {
  const fields = ['site', 'profile_version', 'key', 'url', 'permalink', 'post_id', 'post_no', 'board', 'author_handle', 'author_name', 'posted_at', 'text', 'media', 'profile'];
  return Object.fromEntries(fields.map((f) => [f, record[f]]));
}

/** The forms as `patrol prefill` writes them (tests/forms goldens of the forms' own tests). */
const GOLDEN = (name) => fs.readFileSync(path.join(ROOT, 'tests/forms/suicide_notice_full', `${name}.html`), 'utf8');

/** A form whose HTML carries live script, as a broken or malicious client could upload it. */
const SCRIPTED_FORM = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>照会書（改変）</title></head>
<body><h1>発信者に関する情報照会書</h1><script>alert('form-script')</script><img src="x" onerror="alert('form-img')"></body></html>`;

const HOSTILE_TEXT = 'JC2です<script>alert("xss-text")</script><img src=x onerror="alert(1)">\u202E今週末会える人いませんか？お小遣いくれる人';

before(async () => {
  analyzer = loadAnalyzer();
  server = await startServer();
  const { users } = server;
  const south1 = users['巡査 南一'];
  const south2 = users['巡査 南二'];
  const north = users['巡査 北一'];
  const child = (text) => ({ site: 'x', url: `https://x.com/u${(keySeq += 1)}/status/${1860000000000000000n + BigInt(keySeq)}`, text, author_handle: '@child', author_name: 'なまえ', profile: '', media: [] });
  const submit = (user, name, post, extra = {}) => apiAs(server, user, 'POST', '/api/submissions', {
    idempotency_key: key(name), kind: 'case', post, analysis: analyzer.analyze(post.text, post.profile || '', post.site), ...extra,
  });

  // A: the suicide announcement (003 §4(1)) with its verified evidence log and the inquiry form.
  const ev = suicideEvidence();
  const a = await apiAs(server, south1, 'POST', '/api/submissions', {
    idempotency_key: key('suicide'), kind: 'case', post: postOf(ev.record), analysis: ev.record.analysis,
    evidence: { log: ev.entries, artefacts: ev.artefacts },
    forms: [{ form: 'provider_inquiry', html: GOLDEN('provider_inquiry') }, { form: 'action_record', html: GOLDEN('action_record') }],
    note: '緊急: 今夜の予告。照会書を確認してください。',
  });
  ids.suicide = a.case_id;
  // The same post reported by a second officer joins the case (one case, several reports).
  const a2 = await submit(south2, 'suicide-again', postOf(ev.record), { analysis: ev.record.analysis, note: '同じ投稿を発見' });
  assert.equal(a2.case_id, ids.suicide);
  assert.equal(a2.case_created, false);

  ids.contact = (await submit(south1, 'contact', child('JC2です。今週末、熊本で会える人いませんか？お小遣いくれる人'))).case_id;
  ids.lodging = (await submit(south2, 'lodging', child('中2です。今日泊めてくれる人いませんか、熊本市内'))).case_id;
  const hostile = child(HOSTILE_TEXT);
  hostile.author_name = '<img src=x onerror="alert(\'author\')">\u202Eevil';
  ids.hostile = (await submit(south1, 'hostile', hostile, {
    note: '<script>alert("note")</script>', forms: [{ form: 'provider_inquiry', html: SCRIPTED_FORM }],
  })).case_id;
  ids.north = (await submit(north, 'north', child('中3です。今日泊めてくれる人いませんか'))).case_id;

  browser = await launchBrowser();
  ({ context: ctx, page, events } = await watchedPage(browser));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const row = (id) => page.locator(`tr.case-row[data-case-id="${id}"]`);

/** With INBOX_SCREENSHOTS=DIR, full-page screenshots of each view are kept for a human to look at. */
async function shot(name, p = page) {
  const dir = process.env.INBOX_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await p.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

test('the landing page links to the inbox and the demo page', async () => {
  await page.goto(`${server.base}/`);
  assert.equal(await page.locator('#link-demo').getAttribute('href'), 'demo/');
  await page.locator('#link-inbox').click();
  await page.locator('#token').waitFor();
  assert.equal(new URL(page.url()).pathname, '/inbox/');
});

test('log-in with a wrong token is refused with a Japanese message, then the supervisor logs in', async () => {
  await page.goto(`${server.base}/inbox/`);
  await page.locator('#token').fill('not-a-token');
  await page.locator('#login-submit').click();
  await page.locator('#login-status .notice-error').waitFor();
  assert.match(await page.locator('#login-status').textContent(), /トークン/);
  await login(page, server, server.users['監督者 熊本南']);
  assert.match(await page.locator('#who-name').textContent(), /監督者 熊本南（監督者・熊本南署）/);
});

test('inbox: the suicide case is on top with the 003 §4(1) checklist met, child cases below, another unit\'s case absent', async () => {
  await page.goto(`${server.base}/inbox/#/inbox`);
  await page.locator('#cases').waitFor();
  const order = await page.locator('tr.case-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.caseId)));
  assert.equal(order[0], ids.suicide, `order ${order}`);
  assert.deepEqual(new Set(order), new Set([ids.suicide, ids.contact, ids.lodging, ids.hostile]));
  assert.ok(!order.includes(ids.north));
  const checks = await row(ids.suicide).locator('.checklist .item').evaluateAll((items) => items.map((i) => `${i.dataset.check}:${i.dataset.met}`));
  assert.deepEqual(checks, ['timing:1', 'specific:1', 'explicit:1', 'no_doubt:1']);
  assert.equal((await row(ids.suicide).locator('td.num').textContent()).trim(), '2');
  assert.equal(await row(ids.contact).locator('.checklist').count(), 0);
  assert.equal((await page.locator('[data-count="new"] b').textContent()).trim(), '4');
  assert.equal((await page.locator('[data-count="suicide"] b').textContent()).trim(), '1');
  await shot('inbox');
});

test('inbox filters: by category and by reporter', async () => {
  await page.locator('#category').selectOption('child_lodging');
  await page.locator('#filters button[type="submit"]').click();
  await page.waitForFunction(() => location.hash.includes('category=child_lodging'));
  await page.locator('#cases').waitFor();
  let shown = await page.locator('tr.case-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.caseId)));
  assert.deepEqual(shown, [ids.lodging]);
  await page.locator('#category').selectOption('');
  await page.locator('#reporter').selectOption({ label: '巡査 南二' });
  await page.locator('#filters button[type="submit"]').click();
  await page.waitForFunction(() => location.hash.includes('reporter='));
  await page.locator('#cases').waitFor();
  shown = await page.locator('tr.case-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.caseId)));
  assert.deepEqual(new Set(shown), new Set([ids.suicide, ids.lodging]));
});

test('detail: highlighted spans, reports of both officers, verified chain, screenshots blurred until revealed', async () => {
  await page.goto(`${server.base}/inbox/#/inbox`);
  await row(ids.suicide).click();
  await page.locator('#post-text').waitFor();
  const marks = await page.locator('#post-text mark').allTextContents();
  assert.ok(marks.includes('今夜'), `marks ${marks}`);
  assert.ok(marks.includes('飛び降ります'), `marks ${marks}`);
  assert.ok(marks.some((m) => m.includes('大甲橋')), `marks ${marks}`);
  assert.equal(await page.locator('#post-text').textContent(), '今夜、熊本の大甲橋から飛び降ります');
  assert.equal(await page.locator('#checklist-detail li[data-met="1"]').count(), 4);
  assert.match(await page.locator('#inquiry-verdict').textContent(), /照会の要件を満たしています/);
  // The author name in the evidence record holds an RTL override and markup: shown, not obeyed.
  const author = await page.locator('#author').textContent();
  assert.ok(author.includes('⟨U+202E⟩<script>alert(1)</script>'), author);
  assert.equal(await page.locator('#reports tbody tr').count(), 2);
  // From the evidence record: when it was captured (JST) and the page it was on.
  assert.match(await page.locator('#post-record').textContent(), /保全日時2026\/11\/20 22:30[\s\S]*ページの題名そら on X/);
  assert.match(await page.locator('#evidence .chain').first().textContent(), /検証済み/);

  const canvas = page.locator('canvas.shot-canvas').first();
  await page.waitForFunction(() => document.querySelector('canvas.shot-canvas')?.dataset.state === 'blurred');
  const pixel = () => canvas.evaluate((c) => Array.from(c.getContext('2d').getImageData(3, 3, 1, 1).data).join(','));
  const blurred = await pixel();
  await page.locator('button.reveal').first().click();
  assert.equal(await canvas.getAttribute('data-state'), 'revealed');
  const revealed = await pixel();
  assert.notEqual(blurred, revealed, 'the media region must look different before it is revealed');
  await shot('case-suicide');
  await page.locator('button.reveal').first().click();
  assert.equal(await pixel(), blurred);
});

test('the inquiry form opens in a sandboxed frame and prints to an A4 PDF with the post in it', async () => {
  await page.locator('button.open-form[data-form="provider_inquiry"]').click();
  const frame = page.locator('iframe.form-frame');
  await frame.waitFor();
  const sandbox = await frame.getAttribute('sandbox');
  assert.ok(!sandbox.split(/\s+/).includes('allow-scripts'), sandbox);
  const title = await page.frameLocator('iframe.form-frame').locator('title').textContent();
  assert.equal(title, '発信者に関する情報照会書');
  await page.locator('button.print-form').click();
  assert.deepEqual(events.dialogs, [], 'no alert from the form');

  const formUrl = await page.locator('a.open-window').getAttribute('href');
  const printPage = await ctx.newPage();
  const dialogs = [];
  printPage.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await printPage.goto(`${server.base}${formUrl}`);
  const pdf = await printPage.pdf({ format: 'A4', printBackground: true });
  await printPage.close();
  assert.equal(pdf.subarray(0, 4).toString(), '%PDF');
  assert.deepEqual(dialogs, [], 'the form served on its own runs no script either');
  const pdfPath = path.join(server.dir, 'inquiry.pdf');
  fs.writeFileSync(pdfPath, pdf);
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  assert.match(text, /発信者に関する情報照会書/);
  assert.match(text, /自殺予告に関するもの/);
  assert.match(text, /今夜、熊本の大甲橋から飛び降ります/);
  assert.match(execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' }), /\(A4\)/);
});

test('approve the suicide case; the status and history show it', async () => {
  await page.locator('#approve').click();
  await page.waitForFunction(() => document.querySelector('#case-status')?.dataset.status === 'approved');
  assert.match(await page.locator('#history').textContent(), /承認.*監督者 熊本南/);
  assert.ok(await page.locator('#approve').isDisabled());
});

test('mark a case done once it is approved', async () => {
  await page.goto(`${server.base}/inbox/#/case/${ids.hostile}`);
  await page.locator('#done').waitFor();
  assert.ok(await page.locator('#done').isDisabled(), 'done only after approval');
  await page.locator('#approve').click();
  await page.waitForFunction(() => document.querySelector('#case-status')?.dataset.status === 'approved');
  await page.locator('#done').click();
  await page.waitForFunction(() => document.querySelector('#case-status')?.dataset.status === 'done');
  assert.match(await page.locator('#history').textContent(), /処理完了/);
  await page.goto(`${server.base}/inbox/#/inbox/status=done`);
  await page.locator('#cases').waitFor();
  assert.deepEqual(await page.locator('tr.case-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.caseId))), [ids.hostile]);
});

test('return a case: refused without a comment, done with one', async () => {
  await page.goto(`${server.base}/inbox/#/case/${ids.lodging}`);
  await page.locator('#return').waitFor();
  await page.locator('#return').click();
  assert.match(await page.locator('#review-status').textContent(), /理由を入力/);
  await page.locator('#review-comment').fill('年齢の根拠を補記して再提出してください');
  await page.locator('#return').click();
  await page.waitForFunction(() => document.querySelector('#case-status')?.dataset.status === 'returned');
  assert.match(await page.locator('#history').textContent(), /差戻し[\s\S]*年齢の根拠を補記して再提出してください/);
});

test('a doubtful warning needs the case approved first (001 §5(3)); after approval it is recorded', async () => {
  await page.goto(`${server.base}/inbox/#/case/${ids.contact}`);
  await page.locator('#warning-save').waitFor();
  await page.locator('#warning-doubtful').check();
  await page.locator('#warning-save').click();
  await page.locator('#warnings .notice-error').waitFor();
  assert.match(await page.locator('#warnings .notice-error').textContent(), /承認/);
  await page.locator('#approve').click();
  await page.waitForFunction(() => document.querySelector('#case-status')?.dataset.status === 'approved');
  await page.locator('#warning-doubtful').check();
  await page.locator('#warning-save').click();
  await page.waitForFunction(() => document.querySelector('#warnings li') !== null);
  assert.match(await page.locator('#warnings li').textContent(), /児童との性行為等の要求（疑義あり・承認済み）/);
  await shot('case-child');
});

test('hostile page text, author name and note are shown literally and nothing executes', async () => {
  const before = events.errors.length + events.dialogs.length;
  const consoleBefore = events.console.length;
  await page.goto(`${server.base}/inbox/#/inbox`);
  await row(ids.hostile).waitFor();
  assert.ok((await row(ids.hostile).textContent()).includes('<script>alert("xss-text")</script>'));
  await row(ids.hostile).click();
  await page.locator('#post-text').waitFor();
  await page.waitForTimeout(300);
  const text = await page.locator('#post-text').textContent();
  assert.ok(text.includes('<script>alert("xss-text")</script><img src=x onerror="alert(1)">⟨U+202E⟩今週末'), text);
  assert.ok((await page.locator('#author').textContent()).includes('<img src=x onerror="alert(\'author\')">⟨U+202E⟩evil'));
  assert.ok((await page.locator('#reports').textContent()).includes('<script>alert("note")</script>'));
  assert.equal(await page.locator('#main script, #main img, #main [onerror]').count(), 0);
  // A form uploaded with live script: framed without allow-scripts, so nothing in it runs.
  await page.locator('button.open-form[data-form="provider_inquiry"]').click();
  await page.frameLocator('iframe.form-frame').locator('h1').waitFor();
  await page.waitForTimeout(300);
  await shot('case-hostile');
  assert.equal(events.errors.length + events.dialogs.length, before, `${events.errors} ${events.dialogs}`);
  const logged = events.console.slice(consoleBefore);
  assert.deepEqual(logged.filter((m) => !m.includes('/api/forms/')), []);
  // The form's script was there and the browser refused it (sandbox without allow-scripts, form CSP).
  assert.ok(logged.some((m) => m.includes('Blocked script execution')), logged.join('\n'));
});

test('holds: register a URL as 削除依頼不可, the case shows it, release prompts the takedown request which is recorded', async () => {
  const c = await apiAs(server, server.users['監督者 熊本南'], 'GET', `/api/cases/${ids.contact}`);
  await page.goto(`${server.base}/inbox/#/holds`);
  await page.locator('#hold-form').waitFor();
  await page.locator('#hold-url').fill(c.url);
  await page.locator('#hold-reason').fill('被疑者の特定前のため（捜査上の支障）');
  await page.locator('#hold-contact').fill('熊本南署 生活安全課 内線 123');
  await page.locator('#hold-submit').click();
  await page.locator('#holds tr.active').waitFor();
  assert.ok((await page.locator('#holds tr.active').textContent()).includes(c.url));

  await page.goto(`${server.base}/inbox/#/case/${ids.contact}`);
  await page.locator('#hold-banner[data-held="1"]').waitFor();
  assert.match(await page.locator('#hold-banner').textContent(), /削除依頼不可[\s\S]*内線 123/);

  await page.goto(`${server.base}/inbox/#/holds`);
  await page.locator('button.release').first().click();
  await page.locator('.release-confirm').click();
  assert.match(await page.locator('#holds').textContent(), /理由を入力/);
  await page.locator('.release-reason').fill('被疑者を逮捕したため');
  await page.locator('.release-confirm').click();
  await page.locator('#takedown-prompt').waitFor();
  assert.ok((await page.locator('#takedown-prompt').textContent()).includes(c.url));
  await page.locator('#takedown-prompt select.td-method').selectOption('email');
  await page.locator('#takedown-prompt button.td-record').click();
  await page.locator('.notice-ok').waitFor();
  assert.match(await page.locator('#holds tr.released').textContent(), /解除[\s\S]*被疑者を逮捕したため/);
  await shot('holds');
});

test('takedowns: the list, a re-check, the overdue list, the foreign-administrator report and the ICSA CSV', async () => {
  // An older request to a foreign administrator, still up: overdue (000 §2(1)) and foreign (000 §1(2)イ).
  const old = new Date(Date.now() - 10 * 86400000).toISOString();
  await apiAs(server, server.users['巡査 南一'], 'POST', '/api/takedowns', {
    url: 'https://foreign.example/board/123', method: 'email', requested_at: old,
    administrator: 'Example Hosting Ltd.', foreign: true, admin_country: 'オランダ', admin_contact: 'abuse@foreign.example',
  });
  await page.goto(`${server.base}/inbox/#/takedowns`);
  await page.locator('#takedowns').waitFor();
  const c = await apiAs(server, server.users['監督者 熊本南'], 'GET', `/api/cases/${ids.contact}`);
  const fresh = page.locator('#takedowns tbody tr').filter({ hasText: c.url });
  assert.equal(await fresh.getAttribute('data-state'), 'requested');
  await fresh.locator('button.recheck[data-result="still_up"]').click();
  await page.locator('.notice-ok').waitFor();
  assert.equal(await page.locator('#takedowns tbody tr').filter({ hasText: c.url }).getAttribute('data-state'), 'still_up');

  const overdue = page.locator('#overdue tbody tr').filter({ hasText: 'foreign.example' });
  assert.equal(await overdue.count(), 1);
  assert.ok(Number(await overdue.locator('td.days').textContent()) >= 10);
  await overdue.locator('button.foreign-report').click();
  await page.locator('#foreign-report').waitFor();
  assert.match(await page.locator('#foreign-report').textContent(), /foreign\.example/);
  await page.locator('#foreign-print').click();
  // Printed alone: with the print class the rest of the page is hidden.
  await page.evaluate(() => document.body.classList.add('print-foreign'));
  await page.emulateMedia({ media: 'print' });
  const foreignPdf = path.join(server.dir, 'foreign.pdf');
  fs.writeFileSync(foreignPdf, await page.pdf({ format: 'A4' }));
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => document.body.classList.remove('print-foreign'));
  const foreignText = execFileSync('pdftotext', ['-layout', foreignPdf, '-'], { encoding: 'utf8' });
  assert.match(foreignText, /foreign\.example\/board\/123/);
  assert.doesNotMatch(foreignText, /すべての削除依頼/);
  await shot('takedowns');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-icsa').click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('\uFEFF'), 'CSV starts with a BOM for Excel');
  assert.match(csv, /foreign\.example\/board\/123/);
  assert.ok(!csv.includes(c.url), 'a fresh request is not yet for ICSA');
});

test('monthly report: figures on a printable A4 page and the same month as CSV', async () => {
  await page.goto(`${server.base}/inbox/#/reports`);
  await page.locator('#report-warnings').waitFor();
  assert.equal((await page.locator('#report-warnings tr[data-key="child_sexual_contact"] td.num').textContent()).trim(), '1');
  assert.equal((await page.locator('#report-warnings tr[data-key="doubtful"] td.num').textContent()).trim(), '1');
  assert.equal((await page.locator('#report-takedowns tr[data-key="requested"] td.num').textContent()).trim(), '2');
  await shot('report');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.top').evaluate((e) => getComputedStyle(e).display), 'none');
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  const pdfPath = path.join(server.dir, 'monthly.pdf');
  fs.writeFileSync(pdfPath, pdf);
  const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
  assert.match(info, /Pages:\s+1\n/, "the monthly report fits on one A4 sheet");
  assert.match(info, /Page size:\s+59\d(\.\d+)? x 84\d(\.\d+)? pts \(A4\)/);
  assert.match(execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }), /注意喚起・警告の実施結果/);

  // The desk's CSV: the page's tables with Japanese labels, openable in Excel.
  const [desk] = await Promise.all([page.waitForEvent('download'), page.locator('#report-csv').click()]);
  const table = fs.readFileSync(await desk.path(), 'utf8');
  assert.ok(table.startsWith('\uFEFF'), 'BOM for Excel');
  assert.match(table, /^児童との性行為等の要求,001 §4\(1\),1\r$/m);
  assert.match(table, /^うち疑義があり承認を得たもの,001 §5\(3\),1\r$/m);
  assert.match(table, /^削除依頼の件数,000 §1\(1\),2\r$/m);
  // The endpoint's machine-readable CSV of the same month.
  const [data] = await Promise.all([page.waitForEvent('download'), page.locator('#report-data-csv').click()]);
  const csv = fs.readFileSync(await data.path(), 'utf8');
  assert.match(csv, /^"warnings","by_category\.child_sexual_contact","1"\r?$/m);
  assert.match(csv, /^"warnings","doubtful","1"\r?$/m);
  assert.match(csv, /^"takedowns","requested","2"\r?$/m);
});

test('another unit cannot record a takedown of a held URL: the page says which unit to contact (000 §1(1))', async () => {
  const heldUrl = 'https://x.com/held_by_south/status/42';
  await apiAs(server, server.users['監督者 熊本南'], 'POST', '/api/holds', { url: heldUrl, reason: '内偵中', contact: '熊本南署 少年係 内線 456' });
  const north = await watchedPage(browser);
  await login(north.page, server, server.users['監督者 熊本北']);
  await north.page.goto(`${server.base}/inbox/#/takedowns`);
  await north.page.locator('details.card summary').click();
  await north.page.locator('form.takedown-form input[name="url"]').fill(heldUrl);
  await north.page.locator('form.takedown-form button.td-record').click();
  const error = north.page.locator('form.takedown-form .notice-error');
  await error.waitFor();
  assert.match(await error.textContent(), /熊本南署[\s\S]*内線 456/);
  const listed = await apiAs(server, server.users['監督者 熊本北'], 'GET', '/api/takedowns');
  assert.ok(!listed.items.some((t) => t.url === heldUrl), 'nothing was recorded');
  await north.context.close();
});

test('admins: the provider directory with its change history, and the audit log', async () => {
  const adminCtx = await watchedPage(browser);
  const p = adminCtx.page;
  await login(p, server, server.users['管理者']);
  await p.goto(`${server.base}/inbox/#/providers`);
  await p.locator('#provider-form').waitFor();
  await p.locator('#prov-domain').fill('x.com');
  await p.locator('#prov-name').fill('X Corp.');
  await p.locator('#prov-fax').fill('03-0000-0000');
  await p.locator('#provider-save').click();
  await p.locator('#providers tr[data-domain="x.com"]').waitFor();
  await p.locator('#providers tr[data-domain="x.com"] button', { hasText: '編集' }).click();
  await p.locator('#prov-fax').fill('03-1111-1111');
  await p.locator('#provider-save').click();
  // The message of this save, not the one left by the first.
  await p.locator('.notice-ok', { hasText: '変更を保存しました' }).waitFor();
  await p.locator('#providers tr[data-domain="x.com"] button', { hasText: '履歴' }).click();
  await p.locator('#provider-history').waitFor();
  const history = await p.locator('#provider-history').textContent();
  assert.match(history, /03-0000-0000[\s\S]*03-1111-1111|03-1111-1111[\s\S]*03-0000-0000/);
  await shot('providers', p);

  await p.goto(`${server.base}/inbox/#/audit`);
  await p.locator('#audit').waitFor();
  const audit = await p.locator('#audit').textContent();
  await shot('audit', p);
  assert.match(audit, /監督者 熊本南/);
  assert.ok(await p.locator('#audit tr[data-outcome="refused"]').count() >= 1, 'the wrong-token log-in is audited as refused');
  assert.deepEqual(adminCtx.events.errors, []);
  await adminCtx.context.close();

  // The supervisor sees the directory on the case (003 §4(4)) but cannot open the audit log.
  await page.goto(`${server.base}/inbox/#/case/${ids.suicide}`);
  await page.locator('#provider dl').waitFor();
  assert.match(await page.locator('#provider').textContent(), /X Corp\.[\s\S]*03-1111-1111/);
  await page.goto(`${server.base}/inbox/#/audit`);
  await page.locator('#main .notice-error').waitFor();
  // A mangled link (bad escape, unknown case) gives a message, not a broken page.
  await page.goto(`${server.base}/inbox/#/case/%E0%A4%A`);
  await page.locator('#main .notice-error').waitFor();
  await page.goto(`${server.base}/inbox/#/case/999999`);
  await page.locator('#main .notice-error').waitFor();
  assert.match(await page.locator('#main .notice-error').textContent(), /見つかりません|ありません/);
});

test('an officer sees the unit\'s cases but cannot review, and the menu offers only what the role may open', async () => {
  const officer = await watchedPage(browser);
  await login(officer.page, server, server.users['巡査 南一']);
  await officer.page.locator('#cases').waitFor();
  const visible = await officer.page.locator('#nav a:not(.hidden)').allTextContents();
  assert.deepEqual(visible, ['受信箱', '削除依頼不可', '削除依頼の追跡', '照会先']);
  await officer.page.goto(`${server.base}/inbox/#/case/${ids.lodging}`);
  await officer.page.locator('#actions').waitFor();
  for (const id of ['#approve', '#return', '#done']) assert.ok(await officer.page.locator(id).isDisabled(), id);
  assert.match(await officer.page.locator('#actions').textContent(), /審査は監督者が行います/);
  assert.equal(await officer.page.locator('#hold-form').count(), 0);
  await officer.page.goto(`${server.base}/inbox/#/reports`);
  await officer.page.locator('#main .notice-error').waitFor();
  assert.deepEqual(officer.events.errors, []);
  await officer.context.close();
});

test('an open inbox picks up a new suicide announcement by itself and puts it on top', async () => {
  await page.goto(`${server.base}/inbox/#/inbox`);
  await page.locator('#cases').waitFor();
  const text = '今夜、水前寺公園の近くで首を吊ります';
  const ack = await apiAs(server, server.users['巡査 南二'], 'POST', '/api/submissions', {
    idempotency_key: key('late-suicide'), kind: 'case',
    post: { site: 'x', url: 'https://x.com/late/status/1861000000000000001', text, profile: '', media: [] },
    analysis: analyzer.analyze(text, '', 'x'),
  });
  // No reload: the page asks the endpoint every 30 s.
  await row(ack.case_id).waitFor({ timeout: 45000 });
  const first = await page.locator('tr.case-row').first().getAttribute('data-case-id');
  assert.equal(Number(first), ack.case_id);
});

test('log out ends the session on the server', async () => {
  await page.locator('#logout').click();
  await page.locator('#token').waitFor();
  const status = await page.evaluate(async () => (await fetch('/api/session')).status);
  assert.equal(status, 401);
  // The pages ran the whole session under the endpoint's strict CSP header without one violation;
  // the only blocked scripts were the ones inside the form document, as intended.
  const res = await fetch(`${server.base}/inbox/`);
  assert.match(res.headers.get('content-security-policy') || '', /script-src 'self'.*frame-ancestors 'none'/);
  const violations = events.console.filter((m) => /Content Security Policy|Blocked script/.test(m) && !m.includes('/api/forms/'));
  assert.deepEqual(violations, []);
  assert.deepEqual(events.errors, []);
  assert.deepEqual(events.dialogs, []);
});

test('with the endpoint down the page says so and offers a retry instead of going blank', async () => {
  await server.stop();
  // The server that served the pages is gone: Playwright serves the same files from www/, so the
  // page starts and meets a dead API.
  const www = path.join(ROOT, 'www');
  await page.route('**/inbox/**', (route) => {
    const p = new URL(route.request().url()).pathname.replace(/^\/inbox\/?/, '') || 'index.html';
    const file = path.join(www, 'inbox', p);
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.svg') ? 'image/svg+xml' : 'text/html';
    return route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(file) });
  });
  await page.goto(`${server.base}/inbox/#/inbox`);
  const error = page.locator('#main .notice-error');
  await error.waitFor();
  assert.match(await error.textContent(), /サーバーに接続できません/);
  assert.equal(await page.locator('#main button', { hasText: '再読み込み' }).count(), 1);
  await page.unroute('**/inbox/**');
});
