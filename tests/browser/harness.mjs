// Shared launcher for the browser tests: Debian's Chromium (playwright-core) with the built extension
// loaded, and a local HTTPS server that answers for real host names (x.com, *.5ch.net, …) through
// --host-resolver-rules, so the manifest's real match patterns are what the tests exercise.
//
//   import { startServer, launch } from './harness.mjs';
//   const server = await startServer({ root: 'tests/fixtures/sites' });      // or { handler }
//   const browser = await launch({ port: server.port });                      // extension/dist by default
//   const page = await browser.ctx.newPage(); await page.goto('https://x.com/home');
//   const sw = await browser.worker();  // the extension's service worker (sw.evaluate(...))
//   await browser.close(); await server.close();
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const EXTENSION = process.env.PATROL_EXTENSION ?? join(ROOT, 'extension/dist');

/** Host names the local server answers for: the sites of the profiles and a generic board host. */
export const HOSTS = [
  'x.com', 'twitter.com', 'mobile.x.com', '*.5ch.net', 'jbbs.shitaraba.net', 'bakusai.com', 'board.example.jp',
  'news.example.jp',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8', '.pdic': 'application/octet-stream',
};

/** A throw-away self-signed certificate for the test hosts (Chromium runs with --ignore-certificate-errors). */
export function makeCertificate(dir) {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const san = HOSTS.map((h) => `DNS:${h}`).concat('DNS:localhost', 'IP:127.0.0.1').join(',');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=patrol-test', '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/**
 * Starts the HTTPS server. `handler(req, res, url)` may answer a request and return true; otherwise
 * the file `root/<path>` is served (any host), `index.html` for folders, 404 for the rest.
 * @param {{root?: string, handler?: (req: any, res: any, url: URL) => boolean|Promise<boolean>, headers?: Record<string,string>}} opts
 */
export async function startServer({ root, handler, headers = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'patrol-cert-'));
  const tls = makeCertificate(dir);
  rmSync(dir, { recursive: true, force: true });
  const log = [];
  const server = createServer(tls, async (req, res) => {
    const url = new URL(req.url ?? '/', `https://${req.headers.host ?? 'localhost'}`);
    log.push(`${url.host}${url.pathname}`);
    try {
      if (handler && (await handler(req, res, url))) return;
      if (root) {
        let file = normalize(join(root, decodeURIComponent(url.pathname)));
        if (!file.startsWith(normalize(root))) throw new Error('outside root');
        if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
        if (existsSync(file)) {
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
          res.end(readFileSync(file));
          return;
        }
      }
      if (url.pathname === '/favicon.ico') {
        // Browsers ask every host for one; a 404 would be a console error the tests could blame on us.
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { port, log, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * Launches Chromium (flags of /work/shared/notes/extension-in-chromium.md) with the extension loaded and
 * the test hosts mapped to the local server.
 * @param {{port: number, extension?: string|null, hosts?: string[], args?: string[]}} opts
 */
export async function launch({ port, extension = EXTENSION, hosts = HOSTS, args = [] }) {
  if (extension && !existsSync(join(extension, 'manifest.json'))) {
    throw new Error(`${extension}/manifest.json is missing: run scripts/build-extension.sh first`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'patrol-chromium-'));
  const rules = hosts.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ');
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--host-resolver-rules=${rules}`, '--ignore-certificate-errors',
      ...(extension ? [`--disable-extensions-except=${extension}`, `--load-extension=${extension}`] : []),
      ...args,
    ],
  });
  async function worker() {
    const existing = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    return existing ?? ctx.waitForEvent('serviceworker', { timeout: 10000 });
  }
  let extensionId = null;
  if (extension) extensionId = new URL((await worker()).url()).host;
  return {
    ctx,
    extensionId,
    worker,
    /** URL of a page of the extension, e.g. url('src/panel/panel.html') */
    url: (path) => `chrome-extension://${extensionId}/${path}`,
    async close() {
      await ctx.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Collects the page's console errors and uncaught exceptions (hostile pages must cause none of ours). */
export function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}
