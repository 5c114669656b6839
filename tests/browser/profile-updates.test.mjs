// Signed site-profile updates (review S4) in headless Chromium against a real patrol-server: the
// administrator's public key is entered on the options page; a bundle the admin publishes through the API
// is fetched, verified and used (the worker's get-status and get-profiles report its version); an older
// validly signed bundle (rollback) and a tampered one are refused with a Japanese state on the options
// page and the accepted version stays; a bundle altered in storage is refused on load (verified on every
// load). Between the extension and the server sits a small proxy that can replay or alter the bundle.
//
//   node --test tests/browser/profile-updates.test.mjs   (after scripts/build-extension.sh and
//   cargo build -p patrol-server --release; PATROL_EXTENSION_DIR, PATROL_SERVER override the paths)
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launch, startServer } from './harness.mjs';
import { ROOT, prepareEndpoint, sendFrom, setSettings, waitFor } from './sync.helpers.mjs';

const EXT = process.env.PATROL_EXTENSION_DIR ?? path.join(ROOT, 'extension/dist');
const PACKAGED = JSON.parse(fs.readFileSync(path.join(EXT, 'profiles/bundle.json'), 'utf8'));

let endpoint;
let admin;
let proxy;
let site;
let ext;
/** What the proxy answers on /api/site-profiles/latest instead of the server (null: pass through). */
let override = null;

test.before(async () => {
  endpoint = await prepareEndpoint();
  admin = endpoint.addUser('管理者 本部', 'admin', '本部');
  await endpoint.start();
  proxy = http.createServer(async (req, res) => {
    if (override && req.url === '/api/site-profiles/latest') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(override));
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const r = await fetch(`${endpoint.base}${req.url}`, {
      method: req.method, headers: { ...req.headers, host: undefined }, body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', () => r(undefined)));
  site = await startServer({});
  ext = await launch({ port: site.port, extension: EXT });
});

test.after(async () => {
  await ext?.close();
  await site?.close();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  await endpoint?.dispose();
});

/** Publishes the packaged profiles under `version` as the admin; returns the signed bundle. */
async function publish(version) {
  // The server validates each profile against the profile schema (patrol_sites) before signing it.
  const profiles = PACKAGED.profiles;
  const r = await endpoint.api(admin, 'POST', '/api/site-profiles', { version, profiles });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}

/** Presses 今すぐ確認 on the options page and returns the state shown. */
async function check(options) {
  const before = await options.locator('#profiles-state').textContent();
  await options.locator('#profile-check').click();
  await waitFor(async () => {
    const t = await options.locator('#profiles-state').textContent();
    return t !== before && !/確認しています/.test(t ?? '') ? t : null;
  }, 15000, 'the check result');
  return { state: await options.locator('#profiles-state').getAttribute('data-state'), text: await options.locator('#profiles-state').textContent() };
}

async function versionInUse(page) {
  const st = await sendFrom(page, { kind: 'get-status' });
  const pr = await sendFrom(page, { kind: 'get-profiles' });
  assert.equal(st.profiles_version, pr.version);
  return st.profiles_version;
}

test('published bundle picked up; rollback, tampered and altered-in-storage bundles refused with a Japanese state', async () => {
  const sw = await ext.worker();
  const proxyBase = `http://127.0.0.1:${proxy.address().port}`;
  await setSettings(sw, { endpoint: proxyBase, role: 'officer', unit: '本部' });
  const options = await ext.ctx.newPage();
  await options.goto(ext.url('src/options/options.html'));
  await options.waitForSelector('body[data-ready="true"]');

  // A wrong key is refused on entry.
  await options.locator('#profile-key').fill('not-a-key');
  await options.locator('#profile-key-save').click();
  await waitFor(async () => (await options.locator('#profiles-state').getAttribute('data-state')) === 'bad-key', 5000, 'the bad key state');
  assert.match(await options.locator('#profiles-state').textContent() ?? '', /32 バイト/);

  // The administrator's key, as the endpoint publishes it; nothing published yet.
  const pk = await (await fetch(`${endpoint.base}/api/site-profiles/public-key`)).json();
  await options.locator('#profile-key').fill(pk.public_key);
  await options.locator('#profile-key-save').click();
  await waitFor(async () => (await options.locator('#profiles-state').getAttribute('data-state')) === 'none', 15000, 'the none state');
  assert.equal(await versionInUse(options), PACKAGED.version);

  // v1 published → picked up.
  const v1 = await publish('2099.01.01.1');
  let s = await check(options);
  assert.equal(s.state, 'updated', s.text);
  assert.match(s.text, /2099\.01\.01\.1 に更新しました/);
  assert.equal(await versionInUse(options), '2099.01.01.1');
  assert.match(await options.locator('#profiles-version').textContent() ?? '', /2099\.01\.01\.1/);

  // v2 published → picked up; the stored bundle is the signed one as received.
  const v2 = await publish('2099.01.02.1');
  s = await check(options);
  assert.equal(s.state, 'updated', s.text);
  assert.equal(await versionInUse(options), '2099.01.02.1');
  const stored = await sw.evaluate(async () => (await chrome.storage.local.get('profiles_signed')).profiles_signed);
  assert.deepEqual(stored, { key_id: v2.key_id, payload: v2.payload, signature: v2.signature });

  // The same again: current, not an error.
  s = await check(options);
  assert.equal(s.state, 'current', s.text);

  // Rollback: the older, validly signed v1 replayed → refused, v2 stays.
  override = v1;
  s = await check(options);
  assert.equal(s.state, 'refused', s.text);
  assert.match(s.text, /2099\.01\.01\.1 は使用中の 2099\.01\.02\.1 より古いため拒否しました/);
  assert.equal(await versionInUse(options), '2099.01.02.1');

  // Tampered: v2's payload with a newer version, old signature → refused, v2 stays.
  const body = JSON.parse(Buffer.from(v2.payload, 'base64').toString('utf8'));
  body.version = '2099.01.03.1';
  override = { ...v2, version: '2099.01.03.1', payload: Buffer.from(JSON.stringify(body)).toString('base64') };
  s = await check(options);
  assert.equal(s.state, 'refused', s.text);
  assert.match(s.text, /署名が検証できません/);
  assert.equal(await versionInUse(options), '2099.01.02.1');
  override = null;

  // Altered in storage after acceptance: refused on load, the packaged profiles are used.
  await sw.evaluate(async (p) => {
    const cur = (await chrome.storage.local.get('profiles_signed')).profiles_signed;
    await chrome.storage.local.set({ profiles_signed: { ...cur, payload: p } });
  }, Buffer.from(JSON.stringify(body)).toString('base64'));
  assert.equal(await versionInUse(options), PACKAGED.version);
  await options.reload();
  await waitFor(async () => (await options.locator('#profiles-state').getAttribute('data-state')) === 'refused', 5000, 'the refused state after load');
  assert.match(await options.locator('#profiles-state').textContent() ?? '', /保存されているサイト定義を使用しません/);

  // Without the options page: the worker's own alarm fetches, verifies and takes the next version
  // (the periodic alarm exists; here it is made to fire now).
  await publish('2099.01.03.1');
  const alarm = await sw.evaluate(async () => {
    const a = await chrome.alarms.get('patrol-profile-update');
    await chrome.alarms.create('patrol-profile-update', { when: Date.now() + 50, periodInMinutes: a?.periodInMinutes ?? 60 });
    return a?.periodInMinutes ?? null;
  });
  assert.equal(alarm, 60, 'the worker keeps an hourly check');
  await waitFor(async () => (await sendFrom(options, { kind: 'get-status' })).profiles_version === '2099.01.03.1', 20000, 'the alarm check');
  console.log(`# S4: picked up ${PACKAGED.version} → 2099.01.01.1 → 2099.01.02.1; rollback, tampered and altered-in-storage refused; 2099.01.03.1 picked up by the worker's alarm`);
  await options.close();
});
