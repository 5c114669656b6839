// Shared set-up for the inbox browser tests: a real patrol-server on a temporary SQLite database and
// a free port, users made with `patrol-server user add`, API calls as those users, and headless
// Chromium (playwright-core driving Debian's /usr/bin/chromium) watching for dialogs and errors.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The server binary: $PATROL_SERVER, else the release build in $CARGO_TARGET_DIR (or target/). */
export function serverBinary() {
  if (process.env.PATROL_SERVER) return process.env.PATROL_SERVER;
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  return path.join(target, 'release', 'patrol-server');
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the endpoint; resolves once it answers GET /api/openapi.json. */
export async function startServer() {
  const bin = serverBinary();
  if (!fs.existsSync(bin)) throw new Error(`patrol-server not built at ${bin} (cargo build -p patrol-server --release)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patrol-inbox-'));
  const database = `sqlite://${path.join(dir, 'patrol.db')}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const users = {};
  const addUser = (name, role, unit) => {
    const out = execFileSync(bin, ['user', 'add', '--database', database, '--name', name, '--role', role, '--unit', unit],
      { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    const token = out[out.length - 1].trim();
    users[name] = { name, role, unit, token };
    return users[name];
  };
  // Users first: `user add` creates and migrates the database before the server opens it.
  addUser('監督者 熊本南', 'supervisor', '熊本南署');
  addUser('巡査 南一', 'officer', '熊本南署');
  addUser('巡査 南二', 'officer', '熊本南署');
  addUser('巡査 北一', 'officer', '熊本北署');
  addUser('監督者 熊本北', 'supervisor', '熊本北署');
  addUser('管理者', 'admin', '本部');
  const log = [];
  const child = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--database', database, '--www', path.join(ROOT, 'www')],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`patrol-server exited (${child.exitCode}): ${log.join('')}`);
    try {
      const res = await fetch(`${base}/api/openapi.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`patrol-server did not start: ${log.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dir,
    database,
    users,
    log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An API call as a user, with the bearer token (the extension's way of calling). */
export async function apiAs(server, user, method, route, body) {
  const res = await fetch(`${server.base}${route}`, {
    method,
    headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text}`);
  return json;
}

/** Headless Chromium with the flags from the Chromium note; a fresh profile under a temp dir. */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

/**
 * A page that records every dialog (dismissed), page error and console error, so a test can assert
 * that nothing executed and nothing failed.
 */
export async function watchedPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', ...options });
  const page = await context.newPage();
  const events = { dialogs: [], errors: [], console: [] };
  page.on('dialog', (d) => {
    events.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => events.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') events.console.push(`${m.type()}: ${m.text()} @ ${m.location().url}`);
  });
  return { context, page, events };
}

/** Logs in through the form with the user's API token and waits for the inbox. */
export async function login(page, server, user) {
  await page.goto(`${server.base}/inbox/`);
  await page.locator('#token').fill(user.token);
  await page.locator('#login-submit').click();
  await page.locator('#who-name').waitFor({ state: 'visible' });
}
