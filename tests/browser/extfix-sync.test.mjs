// Review S9 and C2 (extension part) in headless Chromium, on the real modules of extension/src/sync with a
// scripted worker: the takedown-request button is disabled for any active hold — the caller's own unit's
// too (held_for_caller from the endpoint's authenticated identity) — and while the endpoint's answer is
// unknown (loading, unreachable); it is enabled only once the endpoint says there is no hold. A post
// without its own permalink is submitted with `permalink: null` and its content key, and evidence is
// matched to a post by key only (two posts on one board page share the page URL).
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './inbox.helpers.mjs';
import { ROOT } from './sync.helpers.mjs';

let server;
let browser;
let page;

test.before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta charset="utf-8"><div id="actions"><button data-form="takedown_request">削除依頼</button></div><div id="lookup"></div>');
      return;
    }
    if (url.pathname === '/pkg/patrol_wasm.js') {
      // evidence-link.js imports the wasm glue; these tests use only its pure matching, never the module.
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end('export default async function init() { throw new Error("not in this test"); }');
      return;
    }
    const file = path.join(ROOT, 'extension', path.normalize(url.pathname));
    if (!file.startsWith(path.join(ROOT, 'extension', 'src')) || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.evaluate(async () => {
    window.chrome = { runtime: { onMessage: { addListener: () => {} } } };
    window.view = await import('/src/sync/panel-view.js');
    window.lookup = await import('/src/sync/lookup.js');
    window.submission = await import('/src/sync/submission.js');
    window.link = await import('/src/sync/evidence-link.js');
  });
});

test.after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

/**
 * Renders the lookup with a scripted answer (`raw` as the endpoint's Lookup, or a failure, or never)
 * and returns the takedown button's state once settled.
 */
async function takedownWith(answer) {
  return page.evaluate(async (answer) => {
    let release;
    const gate = new Promise((r) => { release = r; });
    const send = async () => {
      await gate;
      if (answer.kind === 'throw') throw new Error('worker gone');
      if (answer.kind === 'unreachable') return { lookup: window.lookup.unknownView('u', 'unreachable', 't', 'ECONNREFUSED') };
      return { lookup: window.lookup.viewOf('https://x.com/a/status/1', answer.raw, '熊本南署', 't') };
    };
    const b = document.querySelector('button[data-form="takedown_request"]');
    b.disabled = false;
    delete b.dataset.blocked;
    document.getElementById('lookup').replaceChildren(window.view.renderLookup('k', send));
    await new Promise((r) => setTimeout(r, 0));
    const whileLoading = { disabled: b.disabled, blocked: b.dataset.blocked ?? null };
    if (answer.kind === 'never') return { whileLoading };
    release();
    await new Promise((r) => setTimeout(r, 50));
    return { whileLoading, after: { disabled: b.disabled, blocked: b.dataset.blocked ?? null, title: b.title } };
  }, answer);
}

test('S9: the takedown request waits for the lookup, and any active hold blocks it — the own unit\'s too', async () => {
  const loading = await takedownWith({ kind: 'never' });
  assert.deepEqual(loading.whileLoading, { disabled: true, blocked: 'unknown' });

  const own = await takedownWith({ kind: 'ok', raw: { reported: true, held: true, held_for_caller: true, hold: { unit: '熊本南署', contact: '内線 123', reason: '内偵中' }, removed: false } });
  assert.equal(own.after.disabled, true, 'a hold of the caller\'s own unit blocks too (the server refuses it: 409 url_held)');
  assert.equal(own.after.blocked, 'held');

  // The endpoint's identity decides whose hold it is, not the unit typed in the options page.
  const view = await page.evaluate(() => window.lookup.viewOf('u', { held: true, held_for_caller: false, hold: { unit: '熊本南署' } }, '熊本南署', 't'));
  assert.equal(view.held_by_other_unit, true);

  const unreachable = await takedownWith({ kind: 'unreachable' });
  assert.equal(unreachable.after.disabled, true, 'unknown → blocked (fail closed)');
  assert.equal(unreachable.after.blocked, 'unknown');
  assert.match(unreachable.after.title, /確認できない/);

  const failed = await takedownWith({ kind: 'throw' });
  assert.equal(failed.after.disabled, true);

  const clear = await takedownWith({ kind: 'ok', raw: { reported: false, held: false, hold: null, removed: false } });
  assert.deepEqual({ disabled: clear.after.disabled, blocked: clear.after.blocked }, { disabled: false, blocked: null }, 'no hold → offered');
});

test('C2: a post without a permalink is sent with permalink null and its content key; an X post keeps its permalink', async () => {
  const out = await page.evaluate(() => {
    const analysis = { categories: ['suicide_notice'], inquiry: true };
    const board = { site: 'generic', key: 'generic:board:12:9f3a', url: 'https://board.example.jp/thread/77', post_id: null, post_no: '12', text: 't' };
    const x = { site: 'x', key: 'https://x.com/a/status/1', url: 'https://x.com/a/status/1', post_id: '1', post_no: null, text: 't' };
    const body = (post) => window.submission.queuedBody({ post, analysis, categories: ['suicide_notice'], seen_at: '', tab_id: 1, page_url: post.url }, { role: 'officer' }, null);
    return { board: body(board).post, x: body(x).post };
  });
  assert.equal(out.board.permalink, null);
  assert.equal(out.board.key, 'generic:board:12:9f3a');
  assert.equal(out.board.url, 'https://board.example.jp/thread/77');
  assert.equal(out.x.permalink, 'https://x.com/a/status/1');
});

test('C2: evidence is matched to a post by key only, never by the shared page URL', async () => {
  const out = await page.evaluate(async () => {
    const page = 'https://board.example.jp/thread/77';
    const logs = {
      a: [{ kind: 'genesis' }, { kind: 'record', record: { key: 'generic:post-A', url: page, permalink: null } }],
    };
    const store = {
      cases: async () => [{ case_id: 'a', acknowledged: false, created_at: '2026-11-22T01:00:00Z' }],
      log: async (id) => logs[id],
    };
    return {
      other: await window.link.caseOfPost(store, { key: 'generic:post-B', url: page }),
      same: await window.link.caseOfPost(store, { key: 'generic:post-A', url: page }),
    };
  });
  assert.equal(out.other, null, 'post B on the same page does not get post A\'s evidence');
  assert.deepEqual(out.same, { case_id: 'a', head_seq: 1 });
});
