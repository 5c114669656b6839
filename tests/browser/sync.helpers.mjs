// Set-up shared by the sync and end-to-end browser tests: a real patrol-server whose database and
// users exist before it is started (so a test can run the extension against an endpoint that is down,
// then bring it up on the very address the extension was configured with), the extension's settings,
// stopping the extension's service worker, and reading the extension's own IndexedDB from one of its pages.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverBinary } from './inbox.helpers.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A patrol-server on a temporary SQLite database and a fixed free port, not yet running.
 * `start()` and `stop()` may be called repeatedly (same database, same address).
 */
export async function prepareEndpoint() {
  const bin = serverBinary();
  if (!fs.existsSync(bin)) throw new Error(`patrol-server not built at ${bin} (cargo build -p patrol-server --release)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patrol-sync-'));
  const database = `sqlite://${path.join(dir, 'patrol.db')}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  /** @type {Record<string, {name: string, role: string, unit: string, token: string}>} */
  const users = {};
  const addUser = (name, role, unit) => {
    const out = execFileSync(bin, ['user', 'add', '--database', database, '--name', name, '--role', role, '--unit', unit],
      { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    users[name] = { name, role, unit, token: out[out.length - 1].trim() };
    return users[name];
  };
  /** @type {import('node:child_process').ChildProcess|null} */
  let child = null;
  const log = [];
  const endpoint = {
    base, port, dir, database, users, log, addUser,
    get running() {
      return child !== null;
    },
    /** Starts the server; resolves once it answers GET /api/openapi.json. */
    async start() {
      if (child) return;
      const c = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--database', database],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
      child = c;
      c.stdout?.on('data', (d) => log.push(String(d)));
      c.stderr?.on('data', (d) => log.push(String(d)));
      c.once('exit', () => {
        if (child === c) child = null;
      });
      const deadline = Date.now() + 20000;
      for (;;) {
        if (c.exitCode !== null) throw new Error(`patrol-server exited (${c.exitCode}): ${log.join('')}`);
        try {
          if ((await fetch(`${base}/api/openapi.json`)).ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`patrol-server did not start: ${log.join('')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** @param {NodeJS.Signals} [signal] */
    async stop(signal = 'SIGTERM') {
      const c = child;
      if (!c) return;
      c.kill(signal);
      await new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once('exit', r)));
      child = null;
    },
    async dispose() {
      await endpoint.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    /**
     * An API call as a user (bearer token, the extension's way); returns {status, json}.
     * @param {{token: string}} user @param {string} method @param {string} route @param {unknown} [body]
     */
    async api(user, method, route, body) {
      const res = await fetch(`${base}${route}`, {
        method,
        headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, json };
    },
  };
  return endpoint;
}

/**
 * Writes the officer's settings the way the options page stores them (one key, `settings`).
 * @param {import('playwright-core').Worker} sw
 * @param {Record<string, unknown>} settings
 */
export async function setSettings(sw, settings) {
  await sw.evaluate(async (s) => {
    const cur = (await chrome.storage.local.get('settings')).settings ?? {};
    await chrome.storage.local.set({ settings: { ...cur, ...s } });
  }, settings);
}

/**
 * Stops the extension's service worker as Chromium does after ~30 s idle, through the DevTools
 * protocol's ServiceWorker domain (the same as 「Stop」 in chrome://serviceworker-internals).
 * Resolves once the old worker is gone. The protocol session is attached to `via`, an open page that
 * stays as it is: opening and closing a tab here would switch the active tab, and an open side panel
 * reacts to that with a message that starts the worker again.
 * @param {import('playwright-core').BrowserContext} ctx
 * @param {string} extensionId
 * @param {import('playwright-core').Page} via
 */
export async function stopWorker(ctx, extensionId, via) {
  const cdp = await ctx.newCDPSession(via);
  /** @type {{versionId: string, scriptURL: string, runningStatus: string}[]} */
  let versions = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    versions = e.versions;
  });
  await cdp.send('ServiceWorker.enable');
  const deadline = Date.now() + 5000;
  while (!versions.some((v) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const ours = versions.filter((v) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`));
  if (ours.length === 0) throw new Error('the extension service worker was not found through the DevTools protocol');
  for (const v of ours) await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId });
  const stopped = Date.now() + 5000;
  while (Date.now() < stopped) {
    const mine = versions.filter((v) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`));
    if (mine.every((v) => v.runningStatus === 'stopped')) {
      await cdp.detach();
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await cdp.detach();
  throw new Error('the extension service worker did not stop');
}

/** Polls `fn` until it returns a truthy value or `ms` pass; returns the value or throws with `what`. */
export async function waitFor(fn, ms, what) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** @param {string} s */
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * An X timeline fixture with X's stable hooks (data-testid, time[datetime]) — what profiles/x.json reads.
 * @param {{handle: string, name: string, id: string, text: string, at?: string}[]} posts
 */
export function xTimeline(posts) {
  const articles = posts.map((p) => `
<article data-testid="tweet" tabindex="0">
  <div data-testid="User-Name"><a href="/${esc(p.handle)}" role="link">${esc(p.name)}</a> <a href="/${esc(p.handle)}" role="link">@${esc(p.handle)}</a></div>
  <a href="/${esc(p.handle)}/status/${esc(p.id)}"><time datetime="${esc(p.at ?? '2026-11-22T10:00:00.000Z')}">1時間</time></a>
  <div data-testid="tweetText" lang="ja" dir="auto"><span>${esc(p.text)}</span></div>
</article>`).join('');
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>ホーム / X</title>
<style>article{display:block;border-bottom:1px solid #ccc;padding:12px;width:560px;font:15px sans-serif}</style></head>
<body><div id="react-root"><main role="main"><div data-testid="primaryColumn">${articles}</div></main></div></body></html>`;
}

/** Waits until the content script has marked every post (the contract's data-patrol-categories). */
export async function waitForAnalysis(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('article[data-testid="tweet"][data-patrol-categories]').length >= n,
    count, { timeout: 30000 });
}

/**
 * Sends a message of the union from an extension page (as the side panel does) and returns the reply.
 * @param {import('playwright-core').Page} extPage a page of the extension (e.g. the side panel in a tab)
 * @param {Record<string, unknown>} message
 */
export async function sendFrom(extPage, message) {
  return extPage.evaluate((m) => chrome.runtime.sendMessage(m), message);
}

/**
 * Chromium with the extension on a profile directory the caller keeps, so a test can close the browser
 * and start it again on the same profile (a browser restart). Same flags as harness.mjs `launch`.
 * @param {{userDataDir: string, extension: string, port: number, hosts: string[]}} o
 */
export async function launchOnProfile({ userDataDir, extension, port, hosts }) {
  const { chromium } = await import('playwright-core');
  const rules = hosts.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ');
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--host-resolver-rules=${rules}`, '--ignore-certificate-errors',
      `--disable-extensions-except=${extension}`, `--load-extension=${extension}`],
  });
  const existing = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  const sw = existing ?? await ctx.waitForEvent('serviceworker', { timeout: 10000 });
  const extensionId = new URL(sw.url()).host;
  return { ctx, sw, extensionId, url: (/** @type {string} */ p) => `chrome-extension://${extensionId}/${p}` };
}

/**
 * Captures the evidence of a flagged post as the side panel's 「証拠を保存」 does (`capture-evidence`).
 * When the build packages no capture action, or it fails, the sync tests still need evidence to send: the case is
 * then made with the evidence library itself (extension/src/evidence: captureCase) from the extension
 * page, on a real screenshot of the visible tab — and the test log says so.
 * @param {import('playwright-core').Page} extPage a page of the extension
 * @param {string} key the post's key
 * @returns {Promise<{via: 'action'|'library', reply: any}>}
 */
export async function captureEvidence(extPage, key) {
  const reply = await sendFrom(extPage, { kind: 'capture-evidence', key });
  if (reply.ok) return { via: 'action', reply };
  // The sync tests test sync: a capture action that is absent or failing in this build must not hide
  // their results (the end-to-end test uses the panel's button and fails on it).
  if (!/含まれていません/.test(reply.error ?? '')) console.log(`# capture-evidence action failed (${reply.error}); using the evidence library`);
  const made = await extPage.evaluate(async (k) => {
    const { entries } = await chrome.runtime.sendMessage({ kind: 'get-session' });
    const entry = entries.find((/** @type {any} */ e) => e.post.key === k);
    const { settings } = await chrome.runtime.sendMessage({ kind: 'get-status' });
    const wasm = await import('/pkg/patrol_wasm.js');
    await wasm.default({ module_or_path: '/pkg/patrol_wasm_bg.wasm' });
    const { EvidenceStore, captureCase } = await import('/src/evidence/index.js');
    const store = await EvidenceStore.open({ wasm });
    const tab = entry.tab_id !== null ? await chrome.tabs.get(entry.tab_id) : null;
    let dataUrl;
    try {
      dataUrl = await chrome.tabs.captureVisibleTab(tab?.windowId ?? chrome.windows.WINDOW_ID_CURRENT, { format: 'png' });
    } catch {
      const c = document.createElement('canvas');
      c.width = 800;
      c.height = 600;
      const g = c.getContext('2d');
      if (g) {
        g.fillStyle = '#fff';
        g.fillRect(0, 0, 800, 600);
        g.fillStyle = '#000';
        g.fillText(entry.post.text, 20, 40);
      }
      dataUrl = c.toDataURL('image/png');
    }
    const { caseId } = await captureCase(store, {
      post: entry.post, analysis: entry.analysis, pageUrl: entry.page_url || entry.post.url, pageTitle: tab?.title ?? '',
      extensionVersion: chrome.runtime.getManifest().version, user: { id: settings.unit || 'test', role: settings.role, unit: settings.unit },
      dataUrl, postRect: { x: 0, y: 0, width: 400, height: 120 }, viewport: undefined, devicePixelRatio: 1,
    });
    store.close();
    return caseId;
  }, key);
  console.log(`# evidence captured through the evidence library (no capture action packaged in this build): ${made}`);
  return { via: 'library', reply: { ok: true, case_id: made } };
}

/**
 * The evidence store's cases, read from an extension page (same origin as the worker): whether the
 * endpoint's receipt was recorded, and how many encrypted blobs (log entries, screenshots) remain.
 * A purged case is a tombstone: acknowledged, no blobs.
 * @param {import('playwright-core').Page} extPage
 */
export async function evidenceCases(extPage) {
  return extPage.evaluate(async () => {
    // Never create the store's database here (an empty one would stop the store from creating its own).
    const db = await new Promise((ok) => {
      const r = indexedDB.open('patrol-evidence');
      r.onupgradeneeded = () => r.transaction?.abort();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ok(null);
    });
    if (!db) return [];
    if (!db.objectStoreNames.contains('cases')) {
      db.close();
      return [];
    }
    const get = (store) => new Promise((ok, fail) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const [cases, blobs] = [await get('cases'), await get('blobs')];
    db.close();
    return cases.map((c) => ({ case_id: c.case_id, acknowledged: c.acknowledged, blobs: blobs.filter((b) => b.case_id === c.case_id).length }));
  });
}
