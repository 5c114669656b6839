// SECURITY.md §1 and §7: what the shipped extension (extension/dist, as built by scripts/build-extension.sh)
// can do at all, read from its files. These guard the browser tests' conclusions against a new network path,
// a new permission or a string-built page slipping in unnoticed: adding one fails here until SECURITY.md and
// this list are updated together.
//
//   node --test tests/security/static.test.mjs   (PATROL_EXTENSION_DIR overrides extension/dist)
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = process.env.PATROL_EXTENSION_DIR ?? path.join(ROOT, 'extension/dist');

/** Every .js and .html file of the shipped extension, relative to its root. */
function shipped() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m?js|html)$/.test(e.name)) out.push(path.relative(DIST, p));
    }
  };
  walk(DIST);
  return out.sort();
}

const read = (rel) => fs.readFileSync(path.join(DIST, rel), 'utf8');
const manifest = () => JSON.parse(read('manifest.json'));

test.before(() => {
  assert.ok(fs.existsSync(path.join(DIST, 'manifest.json')), `${DIST}/manifest.json missing: run scripts/build-extension.sh`);
});

/**
 * The network call sites of the shipped extension and where each goes. A `fetch` anywhere else fails the test.
 * (pkg/patrol_wasm.js is wasm-bindgen's loader: it fetches the module only when not given one; every caller
 * passes the extension's own URL.)
 */
const NETWORK_SITES = {
  'pkg/patrol_wasm.js': 'the wasm module, from the extension itself',
  'src/background/analyzer.js': 'the dictionary, chrome.runtime.getURL (the extension itself)',
  'src/background/profiles.js': 'the packaged profiles, chrome.runtime.getURL (the extension itself)',
  'src/background/profile-updates.js': 'GET {endpoint}/api/site-profiles/latest (no credentials)',
  'src/evidence/actions.js': 'GET {endpoint}/api/session (who the token is, for the evidence record)',
  'src/evidence/capture.js': 'a data: URL of the screenshot (no network)',
  'src/evidence/case.js': 'a data: URL of the screenshot (no network)',
  'src/sync/client.js': 'POST {endpoint}/api/submissions and GET {endpoint}/api/lookup',
};

test('network requests are made only from the known call sites', () => {
  const found = {};
  for (const f of shipped()) {
    const src = read(f);
    const hits = src.match(/\bfetch(?:Impl)?\s*\(|XMLHttpRequest|WebSocket\s*\(|sendBeacon|EventSource\s*\(|importScripts\s*\(|new\s+Image\s*\(/g);
    if (hits) found[f] = hits.length;
  }
  assert.deepEqual(Object.keys(found).sort(), Object.keys(NETWORK_SITES).sort(),
    `network call sites changed: ${JSON.stringify(found)} — review the destination and update SECURITY.md §1`);
  // The content script, which runs inside every page, makes no request of its own.
  assert.equal(found['content.js'], undefined);
  assert.ok(fs.existsSync(path.join(DIST, 'content.js')));
  for (const f of ['src/sync/client.js', 'src/evidence/actions.js']) {
    assert.match(read(f), /settings\.endpoint/, `${f} calls the configured endpoint only`);
  }
  assert.match(read('src/sync/client.js'), /credentials:\s*'omit'/, 'no cookies of any site ride along with a submission');
});

test('the extension asks for exactly these permissions', () => {
  const m = manifest();
  assert.deepEqual([...m.permissions].sort(), ['alarms', 'offscreen', 'scripting', 'sidePanel', 'storage', 'tabs']);
  assert.ok(m.host_permissions.includes('<all_urls>'), 'all hosts (captureVisibleTab and the configured endpoint)');
  assert.deepEqual(m.content_scripts.map((c) => c.js), [['content.js']]);
  assert.equal(m.content_scripts[0].all_frames, false);
  assert.equal(m.externally_connectable, undefined, 'no web page may message the extension');
  assert.equal(m.web_accessible_resources, undefined, 'no web page may load the extension\'s files');
});

test('extension pages run only their own script: strict CSP, no inline or remote script, no string-built HTML', () => {
  const csp = manifest().content_security_policy.extension_pages;
  assert.equal(csp, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
  for (const f of shipped()) {
    const src = read(f);
    if (f.endsWith('.html')) {
      for (const tag of src.match(/<script\b[^>]*>/g) ?? []) {
        assert.match(tag, /\bsrc="[^":]+\.js"/, `${f}: ${tag} loads a local file`);
      }
      assert.doesNotMatch(src, /\son[a-z]+\s*=/i, `${f}: no inline event handlers`);
      assert.doesNotMatch(src, /(?:src|href)="(?:https?:)?\/\//, `${f}: no remote resources`);
    }
    for (const bad of [/\.innerHTML\s*=/, /\.outerHTML\s*=/, /insertAdjacentHTML/, /document\.write\s*\(/, /\beval\s*\(/, /new\s+Function\s*\(/, /setTimeout\(\s*['"`]/]) {
      assert.doesNotMatch(src, bad, `${f}: ${bad}`);
    }
  }
});

test('the inbox and the demo page build no HTML from strings and load only their own scripts', () => {
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m?js|html)$/.test(e.name)) files.push(p);
    }
  };
  for (const d of ['www/inbox', 'www/demo', 'www/index.html']) {
    const p = path.join(ROOT, d);
    if (fs.statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
  assert.ok(files.length >= 5, `${files.length} files`);
  for (const f of files) {
    const src = fs.readFileSync(f, 'utf8');
    const rel = path.relative(ROOT, f);
    for (const bad of [/\.innerHTML\s*=/, /\.outerHTML\s*=/, /insertAdjacentHTML/, /document\.write\s*\(/, /\beval\s*\(/, /new\s+Function\s*\(/]) {
      assert.doesNotMatch(src, bad, `${rel}: ${bad}`);
    }
    if (f.endsWith('.html')) {
      for (const tag of src.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc="[^":]+\.m?js"/, `${rel}: ${tag} loads a local file`);
      assert.doesNotMatch(src, /\son[a-z]+\s*=\s*["']/i, `${rel}: no inline event handlers`);
    }
  }
});
