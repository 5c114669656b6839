// The extension's evidence library (extension/src/evidence/) in headless Chromium, on a plain
// http://localhost page (a secure context: IndexedDB and WebCrypto as in the extension), with the
// wasm module from build/wasm/web. What an officer or an examiner would check:
// the store holds ciphertext only and cannot be read without its key; purge happens only after the
// endpoint's receipt; the cap refuses with a Japanese message and drops nothing; the crop has the
// post's size in device pixels and the stored PNGs carry no metadata; views blur media; the case
// archive verifies with the native `patrol verify`, and tampered copies fail.
//
//   node --test tests/browser/evidence.test.mjs    (after scripts/build-wasm.sh; PATROL_BIN = native binary)
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const PATROL = process.env.PATROL_BIN ?? join(ROOT, 'target/release/patrol');
const SERVER = process.env.PATROL_SERVER_BIN ?? join(ROOT, 'target/release/patrol-server');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const MOUNTS = { '/ext/': join(ROOT, 'extension/src/'), '/wasm/': join(ROOT, 'build/wasm/web/'), '/golden/': join(ROOT, 'tests/evidence/') };

const PAGE = `<!doctype html><html lang="ja"><meta charset="utf-8"><title>証拠テスト</title>
<style>body{margin:0;background:#fff} #post{position:absolute;left:40px;top:60px;width:300px;height:120px;background:rgb(10,120,200)}
#media{position:absolute;left:20px;top:20px;width:100px;height:50px;background:repeating-linear-gradient(90deg,#f00 0 4px,#ff0 4px 8px)}</style>
<div id="post"><div id="media"></div></div>
<script type="module">
  import init, * as wasm from '/wasm/patrol_wasm.js';
  await init();
  window.wasm = wasm;
  window.lib = await import('/ext/evidence/index.js');
  window.ready = true;
</script></html>`;

let server;
let browser;
let page;
let work;
const origin = () => `http://localhost:${server.address().port}`;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'patrol-evidence-browser-'));
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      return res.end(PAGE);
    }
    for (const [prefix, dir] of Object.entries(MOUNTS)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (file.startsWith(dir) && existsSync(file) && statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        return res.end(readFileSync(file));
      }
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const ctx = await browser.newContext({ viewport: { width: 480, height: 320 }, deviceScaleFactor: 2 });
  page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin()}/`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 20000 }).catch(() => {
    throw new Error(`the test page did not load: ${errors.join('; ')}`);
  });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A viewport screenshot as the worker would get it from captureVisibleTab. */
async function screenshotDataUrl() {
  const png = await page.screenshot({ type: 'png' });
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** Captures one case into the store named `db` (in the page) and returns its id and shots' figures. */
async function capture(db, extra = {}) {
  const dataUrl = await screenshotDataUrl();
  return page.evaluate(async ({ db, dataUrl, extra }) => {
    const { EvidenceStore, captureCase } = window.lib;
    const golden = await (await fetch('/golden/canonical/sample_record/input.json')).json();
    const store = await EvidenceStore.open({ wasm: window.wasm, name: db, ...(extra.cap ? { capBytes: extra.cap } : {}) });
    const rect = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
    try {
      const { caseId, shots } = await captureCase(store, {
        post: { site: 'x', profile_version: '2026.11.22.1', key: golden.permalink, url: golden.url, post_id: golden.post_id,
          post_no: null, board: null, author_handle: golden.author_handle, author_name: golden.author_name,
          posted_at: golden.posted_at, text: golden.text, media: golden.media, profile: golden.profile },
        analysis: golden.analysis, pageUrl: golden.url, pageTitle: golden.page_title, extensionVersion: '0.1.0',
        user: golden.user, dataUrl, postRect: rect(document.getElementById('post')),
        mediaRects: [rect(document.getElementById('media'))], viewport: { width: innerWidth, height: innerHeight },
      });
      return { caseId, tab: { w: shots.tab.width, h: shots.tab.height, regions: shots.tab.regions },
        post: { w: shots.post.width, h: shots.post.height, regions: shots.post.regions }, ratio: shots.devicePixelRatio };
    } finally {
      store.close();
    }
  }, { db, dataUrl, extra });
}

test('the crop is the post in device pixels, media regions are recorded, and stored PNGs carry no metadata', async () => {
  const shot = await capture('t-crop');
  assert.equal(shot.ratio, 2);
  assert.deepEqual([shot.tab.w, shot.tab.h], [960, 640]);
  assert.deepEqual([shot.post.w, shot.post.h], [600, 240], 'the post is 300×120 CSS px at DPR 2');
  assert.deepEqual(shot.tab.regions, [{ x: 120, y: 160, width: 200, height: 100 }]);
  assert.deepEqual(shot.post.regions, [{ x: 40, y: 40, width: 200, height: 100 }]);
  const check = await page.evaluate(async (caseId) => {
    const { EvidenceStore, pngChunks } = window.lib;
    const store = await EvidenceStore.open({ wasm: window.wasm, name: 't-crop' });
    const png = await store.artefact(caseId, 'screenshots/post.png');
    const bmp = await createImageBitmap(new Blob([png], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const corner = [...ctx.getImageData(5, 5, 1, 1).data];
    const tab = await store.artefact(caseId, 'screenshots/tab.png');
    store.close();
    return { corner, chunks: [...new Set(pngChunks(png))], tabChunks: [...new Set(pngChunks(tab))] };
  }, shot.caseId);
  assert.deepEqual(check.corner, [10, 120, 200, 255], 'the crop starts inside the post (its colour)');
  for (const chunks of [check.chunks, check.tabChunks]) {
    assert.ok(chunks.every((t) => ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND'].includes(t)), chunks.join(','));
  }
});

test('metadata chunks (eXIf, tEXt, tIME) are removed and the pixels kept', async () => {
  const r = await page.evaluate(async () => {
    const { stripPngMetadata, pngChunks } = window.lib;
    const c = new OffscreenCanvas(3, 2);
    const ctx = c.getContext('2d');
    ctx.fillStyle = 'rgb(1,2,3)';
    ctx.fillRect(0, 0, 3, 2);
    const png = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    // Insert an eXIf chunk holding a fake GPS tag, a tEXt and a tIME chunk after IHDR (CRCs are not checked by decoders that matter here).
    const chunk = (type, body) => {
      const b = new Uint8Array(12 + body.length);
      new DataView(b.buffer).setUint32(0, body.length);
      b.set(new TextEncoder().encode(type), 4);
      b.set(body, 8);
      return b;
    };
    const extra = [chunk('eXIf', new TextEncoder().encode('MM\0*GPS 32.80N 130.71E')), chunk('tEXt', new TextEncoder().encode('Comment\0secret')),
      chunk('tIME', new Uint8Array(7))];
    const ihdrEnd = 8 + 25;
    const parts = [png.subarray(0, ihdrEnd), ...extra, png.subarray(ihdrEnd)];
    const dirty = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { dirty.set(p, o); o += p.length; }
    const clean = stripPngMetadata(dirty);
    const text = new TextDecoder('latin1').decode(clean);
    let bad = null;
    try { stripPngMetadata(dirty.subarray(0, 40)); } catch (e) { bad = e.message; }
    return { before: pngChunks(dirty), after: pngChunks(clean), gps: text.includes('GPS'), same: clean.length === png.length, bad };
  });
  assert.ok(r.before.includes('eXIf') && r.before.includes('tEXt'));
  assert.ok(!r.after.includes('eXIf') && !r.after.includes('tEXt') && !r.after.includes('tIME'), r.after.join(','));
  assert.equal(r.gps, false);
  assert.equal(r.same, true, 'only the inserted chunks were removed');
  assert.match(r.bad, /cut short/);
});

test('views blur media regions unless the officer reveals them', async () => {
  const shot = await capture('t-blur');
  const r = await page.evaluate(async ({ caseId, regions }) => {
    const { EvidenceStore, viewImage } = window.lib;
    const store = await EvidenceStore.open({ wasm: window.wasm, name: 't-blur' });
    const png = await store.artefact(caseId, 'screenshots/post.png');
    store.close();
    const pixels = async (blob) => {
      const bmp = await createImageBitmap(blob);
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      return ctx.getImageData(regions[0].x, regions[0].y, regions[0].width, regions[0].height).data;
    };
    const original = await pixels(new Blob([png], { type: 'image/png' }));
    const blurred = await pixels(await viewImage(png, regions));
    const revealed = await pixels(await viewImage(png, regions, { reveal: true }));
    let diff = 0;
    let same = true;
    for (let i = 0; i < original.length; i++) {
      diff += Math.abs(original[i] - blurred[i]);
      if (original[i] !== revealed[i]) same = false;
    }
    // Stripes of 4 device px: the blurred region must have lost them (low variance along a row).
    const rowVariance = (px) => {
      const row = [];
      for (let x = 0; x < regions[0].width; x++) row.push(px[(50 * regions[0].width + x) * 4 + 1]);
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      return row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    };
    return { meanDiff: diff / original.length, same, variance: rowVariance(blurred), originalVariance: rowVariance(original) };
  }, { caseId: shot.caseId, regions: shot.post.regions });
  assert.ok(r.meanDiff > 20, `blurred view differs from the original (mean |Δ| ${r.meanDiff.toFixed(1)})`);
  assert.ok(r.originalVariance > 10000, `the original shows the stripes (variance ${r.originalVariance.toFixed(0)})`);
  assert.ok(r.variance < r.originalVariance * 0.05, `stripes are gone in the blurred view (variance ${r.variance.toFixed(1)})`);
  assert.equal(r.same, true, 'revealed view shows the original pixels');
  console.log(`# blur: mean |Δ| ${r.meanDiff.toFixed(1)}, row variance ${r.originalVariance.toFixed(0)} → ${r.variance.toFixed(1)}`);
});

test('the store holds ciphertext only and cannot be read without its key', async () => {
  const shot = await capture('t-crypt');
  const r = await page.evaluate(async (caseId) => {
    const { EvidenceStore } = window.lib;
    const raw = await new Promise((ok, fail) => { const q = indexedDB.open('t-crypt'); q.onsuccess = () => ok(q.result); q.onerror = () => fail(q.error); });
    const all = (store) => new Promise((ok) => { const q = raw.transaction(store).objectStore(store).getAll(); q.onsuccess = () => ok(q.result); });
    const blobs = await all('blobs');
    const [key] = await all('keys');
    const needles = ['今夜、熊本の大甲橋', 'sora_0817', 'patrol.evidence', 'genesis', '\u0089PNG', 'IHDR', 'https://x.com'];
    const enc = new TextEncoder();
    const contains = (hay, needle) => {
      const n = needle.startsWith('\u0089') ? new Uint8Array([0x89, 0x50, 0x4e, 0x47]) : enc.encode(needle);
      outer: for (let i = 0; i + n.length <= hay.length; i++) { for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer; return true; }
      return false;
    };
    const leaks = [];
    for (const b of blobs) for (const n of needles) if (contains(new Uint8Array(b.data), n)) leaks.push(`${b.name}: ${n}`);
    const cases = await all('cases');
    const caseText = JSON.stringify(cases);
    let exportable = true;
    try { await crypto.subtle.exportKey('raw', key); } catch { exportable = false; }
    const other = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const stranger = new EvidenceStore(raw, other, window.wasm, 1e9, Date.now);
    let denied = null;
    try { await stranger.log(caseId); } catch (e) { denied = `${e.code}: ${e.message}`; }
    // A ciphertext moved to another entry's place fails too (the additional data binds case and name).
    const own = await EvidenceStore.open({ wasm: window.wasm, name: 't-crypt' });
    let moved = null;
    try { await own.decrypt({ ...blobs[0], name: 'log/000099' }); } catch (e) { moved = e.code; }
    const readable = (await own.log(caseId)).length;
    own.close();
    raw.close();
    return { n: blobs.length, leaks, caseLeak: needles.some((n) => caseText.includes(n)), exportable, algorithm: key.algorithm.name,
      extractable: key.extractable, denied, moved, readable };
  }, shot.caseId);
  assert.equal(r.n, 6, 'four log entries and two screenshots');
  assert.deepEqual(r.leaks, [], 'no plaintext in IndexedDB');
  assert.equal(r.caseLeak, false, 'case metadata holds no post content');
  assert.equal(r.algorithm, 'AES-GCM');
  assert.equal(r.extractable, false);
  assert.equal(r.exportable, false, 'the key cannot be exported');
  assert.match(r.denied, /^key: .*復号できません/);
  assert.equal(r.moved, 'key');
  assert.equal(r.readable, 4, 'with its own key the log reads back');
});

test('purge happens only after the endpoint acknowledges the current head', async () => {
  const shot = await capture('t-purge');
  const r = await page.evaluate(async (caseId) => {
    const { EvidenceStore } = window.lib;
    const store = await EvidenceStore.open({ wasm: window.wasm, name: 't-purge' });
    const count = async () => (await store.cases()).find((c) => c.case_id === caseId);
    const steps = {};
    try { await store.purge(caseId); } catch (e) { steps.early = e.code; }
    steps.afterEarly = (await store.log(caseId)).length;
    const log = await store.log(caseId);
    try { await store.acknowledge(caseId, { receipt_id: 'r1', received_at: '2026-11-20T13:46:09Z', head_seq: 3, head_hash: '0'.repeat(64) }); } catch (e) { steps.wrongHash = e.code; }
    try { await store.acknowledge(caseId, { receipt_id: 'r1', received_at: '2026-11-20T13:46:09Z', head_seq: 2, head_hash: log[2].hash }); } catch (e) { steps.oldHead = e.code; }
    steps.afterWrong = (await store.log(caseId)).length;
    steps.verify = (await store.verify(caseId)).ok;
    await store.acknowledge(caseId, { receipt_id: 'r1', received_at: '2026-11-20T13:46:09Z', head_seq: 3, head_hash: log[3].hash });
    try { await store.log(caseId); } catch (e) { steps.gone = e.code; }
    const meta = await count();
    steps.tombstone = { acknowledged: meta.acknowledged, entries: meta.entries, bytes: meta.bytes, receipt: meta.receipt.receipt_id };
    store.close();
    const raw = await new Promise((ok) => { const q = indexedDB.open('t-purge'); q.onsuccess = () => ok(q.result); });
    steps.blobs = await new Promise((ok) => { const q = raw.transaction('blobs').objectStore('blobs').count(); q.onsuccess = () => ok(q.result); });
    raw.close();
    return steps;
  }, shot.caseId);
  assert.equal(r.early, 'not_acknowledged');
  assert.equal(r.wrongHash, 'receipt');
  assert.equal(r.oldHead, 'receipt', 'a receipt for an older head does not purge newer evidence');
  assert.equal(r.afterEarly, 4);
  assert.equal(r.afterWrong, 4, 'nothing purged before a matching receipt');
  assert.equal(r.verify, true);
  assert.equal(r.gone, 'purged');
  assert.deepEqual(r.tombstone, { acknowledged: true, entries: 0, bytes: 0, receipt: 'r1' });
  assert.equal(r.blobs, 0, 'no ciphertext left for the case');
});

test('the storage cap warns in Japanese, then refuses new captures and drops nothing', async () => {
  const first = await capture('t-cap', { cap: 1e9 });
  const size = await page.evaluate(async () => {
    const store = await window.lib.EvidenceStore.open({ wasm: window.wasm, name: 't-cap' });
    const u = await store.usage();
    store.close();
    return u.used;
  });
  const cap = Math.floor(size * 2.5); // room for two cases, not three
  await capture('t-cap', { cap });
  const usage = await page.evaluate(async (cap) => {
    const store = await window.lib.EvidenceStore.open({ wasm: window.wasm, name: 't-cap', capBytes: cap });
    const u = await store.usage();
    store.close();
    return u;
  }, cap);
  assert.match(usage.warning, /^証拠の保存容量の \d+%（.* MB \/ .* MB）を使用しています。上限に達すると/);
  const dataUrl = await screenshotDataUrl();
  const r = await page.evaluate(async ({ cap, dataUrl, firstId }) => {
    const { EvidenceStore, captureCase } = window.lib;
    const store = await EvidenceStore.open({ wasm: window.wasm, name: 't-cap', capBytes: cap });
    const before = await store.cases();
    const golden = await (await fetch('/golden/canonical/sample_record/input.json')).json();
    let refused = null;
    try {
      await captureCase(store, { post: { site: 'x', profile_version: null, key: null, url: golden.url, post_id: null, post_no: null, board: null,
        author_handle: null, author_name: null, posted_at: null, text: golden.text, media: [], profile: '' },
        analysis: golden.analysis, pageTitle: 't', extensionVersion: '0.1.0', user: golden.user, dataUrl,
        postRect: { x: 40, y: 60, width: 300, height: 120 }, viewport: { width: innerWidth, height: innerHeight } });
    } catch (e) { refused = { code: e.code, message: e.message }; }
    const after = await store.cases();
    const firstLog = (await store.log(firstId)).length;
    store.close();
    return { refused, before: before.map((c) => [c.case_id, c.entries, c.bytes]), after: after.map((c) => [c.case_id, c.entries, c.bytes]), firstLog };
  }, { cap, dataUrl, firstId: first.caseId });
  assert.equal(r.refused?.code, 'full');
  assert.match(r.refused.message, /上限.*保存していません.*一件も削除していません/);
  // Refused before anything was written: no half case, and every earlier case intact.
  assert.deepEqual(r.after, r.before);
  assert.equal(r.before.length, 2);
  assert.equal(r.firstLog, 4);
  console.log(`# cap ${cap} bytes (one case ≈ ${size} bytes encrypted): warning and refusal shown`);
});

test('the exported archive verifies with patrol verify; tampered copies fail', async () => {
  const shot = await capture('t-export');
  const r = await page.evaluate(async (caseId) => {
    const { EvidenceStore, exportCase, addFinalForm } = window.lib;
    const store = await EvidenceStore.open({ wasm: window.wasm, name: 't-export' });
    await addFinalForm(store, caseId, 'provider_inquiry', '<!DOCTYPE html><html lang="ja"><meta charset="utf-8"><title>発信者に関する情報照会書</title></html>');
    await store.addNote(caseId, { text: '照会書をFAX送信', form: 'provider_inquiry', faxed_at_jst: '2026-11-20T22:45:00+09:00' });
    const out = await exportCase(store, caseId);
    const still = (await store.log(caseId)).length;
    store.close();
    let bin = '';
    for (const b of out.bytes) bin += String.fromCharCode(b);
    return { zip: btoa(bin), filename: out.filename, head: out.head, entries: out.entries, still };
  }, shot.caseId);
  assert.match(r.filename, /^patrol-case-\d{8}-[0-9a-f]{12}-\d{8}-\d{6}\.zip$/);
  assert.equal(r.entries, 7, 'genesis, record, two screenshots, form, note, export');
  assert.equal(r.still, 7, 'exporting does not purge');
  const zipPath = join(work, r.filename);
  writeFileSync(zipPath, Buffer.from(r.zip, 'base64'));
  const ok = spawnSync(PATROL, ['verify', zipPath], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /検証成功 \/ verified: .* 7 entries .* sealed by export .* 3 artefact files match/);
  assert.ok(ok.stdout.includes(r.head.hash));
  const anchored = spawnSync(PATROL, ['verify', zipPath, '--anchor', `6:${r.head.hash}`], { encoding: 'utf8' });
  assert.equal(anchored.status, 0, anchored.stderr);
  console.log(`# ${ok.stdout.trim()}`);
  // Standard tools read the archive, and record.json hashes to the log's record entry.
  const unz = spawnSync('unzip', ['-t', zipPath], { encoding: 'utf8' });
  assert.equal(unz.status, 0, unz.stdout);
  const folder = join(work, 'unzipped');
  mkdirSync(folder);
  execFileSync('unzip', ['-q', zipPath, '-d', folder]);
  const log = readFileSync(join(folder, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const record = log.find((e) => e.kind === 'record');
  assert.equal(createHash('sha256').update(readFileSync(join(folder, 'record.json'))).digest('hex'), record.sha256);
  assert.match(readFileSync(join(folder, 'README.txt'), 'utf8'), /patrol verify このファイル\.zip/);
  assert.equal(spawnSync(PATROL, ['verify', folder]).status, 0);
  // Tampered copies (re-zipped with Python so the zip itself is sound): each fails with status 1.
  const tamper = (name, script) => {
    const out = join(work, `${name}.zip`);
    execFileSync('python3', ['-c', `
import zipfile, sys, json
src, dst = sys.argv[1], sys.argv[2]
files = {i.filename: zipfile.ZipFile(src).read(i.filename) for i in zipfile.ZipFile(src).infolist()}
lines = files['log.jsonl'].decode().rstrip('\\n').split('\\n')
${script}
files['log.jsonl'] = ('\\n'.join(lines) + '\\n').encode()
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_STORED) as z:
    for n, b in files.items(): z.writestr(n, b)
`, zipPath, out]);
    return spawnSync(PATROL, ['verify', out], { encoding: 'utf8' });
  };
  const cases = {
    edited: ["e = json.loads(lines[1]); e['record']['text'] = '今夜は家にいます'; lines[1] = json.dumps(e, ensure_ascii=False)", /改変/],
    removed: ['del lines[3]', /削除/],
    reordered: ['lines[2], lines[3] = lines[3], lines[2]', /順序入替え/],
    truncated: ['del lines[-2:]', /末尾欠落/],
    swapped_screenshot: ["files['screenshots/post.png'] = files['screenshots/tab.png']", /証拠ハッシュ不一致/],
    record_copy_altered: ["files['record.json'] = files['record.json'].replace('飛び降ります'.encode(), '行きます'.encode())", /ファイル record\.json: 証拠ハッシュ不一致/],
    planted_file: ["files['screenshots/extra.png'] = files['screenshots/tab.png']", /ファイル screenshots\/extra\.png: ログにないファイル/],
  };
  for (const [name, [script, message]] of Object.entries(cases)) {
    const res = tamper(name, script);
    assert.equal(res.status, 1, `${name}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, message, name);
    assert.match(res.stderr, /verification failed: (entry on line \d+|file \S+)/);
  }
  // A damaged archive (bytes flipped inside a stored file) cannot be read: status 2.
  const damaged = Buffer.from(r.zip, 'base64');
  damaged[200] ^= 0xff;
  writeFileSync(join(work, 'damaged.zip'), damaged);
  const dmg = spawnSync(PATROL, ['verify', join(work, 'damaged.zip')], { encoding: 'utf8' });
  assert.equal(dmg.status, 2, dmg.stderr);
  assert.match(dmg.stderr, /読み込めません \/ cannot read: .*CRC-32 mismatch/);
});

test('a case goes to the real endpoint, its receipt anchors the export, and only then is it purged', async () => {
  assert.ok(existsSync(SERVER), `patrol-server binary missing at ${SERVER} (set PATROL_SERVER_BIN)`);
  const db = `sqlite://${join(work, 'endpoint.db')}`;
  const token = execFileSync(SERVER, ['user', 'add', '--database', db, '--name', '巡査 証拠', '--role', 'officer', '--unit', '少年課'],
    { encoding: 'utf8' }).trim();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(SERVER, ['--listen', `127.0.0.1:${port}`, '--database', db], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const up = await fetch(`${base}/api/openapi.json`).then((r) => r.ok, () => false);
      if (up) break;
      assert.ok(i < 100, `patrol-server did not start: ${stderr}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
    const shot = await capture('t-endpoint');
    const prepared = await page.evaluate(async (caseId) => {
      const { EvidenceStore, exportCase, evidenceUpload } = window.lib;
      const store = await EvidenceStore.open({ wasm: window.wasm, name: 't-endpoint' });
      const out = await exportCase(store, caseId);
      const upload = await evidenceUpload(store, caseId);
      const record = upload.log.find((e) => e.kind === 'record').record;
      store.close();
      let bin = '';
      for (const b of out.bytes) bin += String.fromCharCode(b);
      return { upload, record, zip: btoa(bin), filename: out.filename };
    }, shot.caseId);
    const { record } = prepared;
    const post = { site: record.site, profile_version: record.profile_version, key: record.key, url: record.url, permalink: record.permalink,
      post_id: record.post_id, post_no: record.post_no, board: record.board, author_handle: record.author_handle,
      author_name: record.author_name, posted_at: record.posted_at, text: record.text, media: record.media, profile: record.profile };
    const submit = (evidence, key) => fetch(`${base}/api/submissions`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ idempotency_key: key, kind: 'case', post, analysis: record.analysis, evidence }),
    });
    // A tampered upload is refused by the endpoint's verifier, naming the entry; nothing is purged.
    const forged = structuredClone(prepared.upload);
    forged.log[1].record.text = '今夜は家にいます';
    const refused = await submit(forged, 'evidence-test-forged-0001');
    const refusal = await refused.json();
    assert.equal(refused.status, 422, JSON.stringify(refusal));
    assert.match(JSON.stringify(refusal), /chain_broken/);
    // The genuine upload is accepted with a receipt for the head.
    const accepted = await submit(prepared.upload, 'evidence-test-genuine-0001');
    const ack = await accepted.json();
    assert.ok(accepted.ok, JSON.stringify(ack));
    const head = prepared.upload.log[prepared.upload.log.length - 1];
    assert.equal(ack.receipt.head_seq, head.seq);
    assert.equal(ack.receipt.head_hash, head.hash);
    // The receipt anchors the exported archive: patrol verify --anchor passes, and fails on a cut copy.
    const zipPath = join(work, prepared.filename);
    writeFileSync(zipPath, Buffer.from(prepared.zip, 'base64'));
    const anchor = `${ack.receipt.head_seq}:${ack.receipt.head_hash}`;
    const ok = spawnSync(PATROL, ['verify', zipPath, '--anchor', anchor], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /anchor matches/);
    const cutLog = join(work, 'cut.jsonl');
    writeFileSync(cutLog, prepared.upload.log.slice(0, -1).map((e) => JSON.stringify(e)).join('\n') + '\n');
    const cut = spawnSync(PATROL, ['verify', cutLog, '--open', '--anchor', anchor], { encoding: 'utf8' });
    assert.equal(cut.status, 1);
    assert.match(cut.stderr, /末尾欠落[\s\S]*truncated tail/);
    // The receipt purges the case from the browser.
    const after = await page.evaluate(async ({ caseId, receipt }) => {
      const { EvidenceStore } = window.lib;
      const store = await EvidenceStore.open({ wasm: window.wasm, name: 't-endpoint' });
      await store.acknowledge(caseId, receipt);
      const meta = (await store.cases()).find((c) => c.case_id === caseId);
      store.close();
      const raw = await new Promise((ok) => { const q = indexedDB.open('t-endpoint'); q.onsuccess = () => ok(q.result); });
      const left = await new Promise((ok) => { const q = raw.transaction('blobs').objectStore('blobs').count(); q.onsuccess = () => ok(q.result); });
      raw.close();
      return { left, receipt: meta.receipt.receipt_id };
    }, { caseId: shot.caseId, receipt: ack.receipt });
    assert.equal(after.left, 0);
    assert.equal(after.receipt, ack.receipt.receipt_id);
    console.log(`# endpoint: forged upload refused (${refused.status}), genuine accepted with receipt ${ack.receipt.receipt_id} (seq ${ack.receipt.head_seq}), anchor verified, case purged`);
  } finally {
    proc.kill();
  }
});

test('without the post\'s position the record and the whole tab are kept, the image blurred as a whole in views', async () => {
  const dataUrl = await screenshotDataUrl();
  const r = await page.evaluate(async (dataUrl) => {
    const { EvidenceStore, captureCaseWithoutCrop, viewImage, pngChunks } = window.lib;
    const golden = await (await fetch('/golden/canonical/sample_record/input.json')).json();
    const store = await EvidenceStore.open({ wasm: window.wasm, name: 't-nocrop' });
    const post = { site: 'x', profile_version: null, key: golden.key, url: golden.url, post_id: null, post_no: null, board: null,
      author_handle: golden.author_handle, author_name: null, posted_at: null, text: golden.text, media: [], profile: '' };
    const made = await captureCaseWithoutCrop(store, { post, analysis: golden.analysis, pageTitle: 't', extensionVersion: '0.1.0',
      user: golden.user, dataUrl, reason: 'この画面では投稿の位置を取得できません' });
    const log = await store.log(made.caseId);
    const png = await store.artefact(made.caseId, 'screenshots/tab.png');
    const pixels = async (blob) => {
      const bmp = await createImageBitmap(blob);
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      return ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    };
    const original = await pixels(new Blob([png], { type: 'image/png' }));
    const view = await pixels(await viewImage(png, log[2].ref.blur_all ? null : log[2].ref.regions));
    // The post box (rgb(10,120,200)) at its centre, CSS (190, 120) → device (380, 240), must not show through.
    const at = (px, x, y) => [...px.slice((y * 960 + x) * 4, (y * 960 + x) * 4 + 3)];
    const bare = await store.verify(made.caseId);
    const none = await captureCaseWithoutCrop(store, { post, analysis: golden.analysis, pageTitle: 't', extensionVersion: '0.1.0',
      user: golden.user, dataUrl: null, reason: '投稿のタブが閉じられています' });
    const noneLog = await store.log(none.caseId);
    store.close();
    return { kinds: log.map((e) => e.kind), ref: log[2].ref, note: log[3].record.text, chunks: [...new Set(pngChunks(png))],
      centre: at(original, 380, 240), blurredCorner: at(view, 100, 100), originalCorner: at(original, 100, 100), ok: bare.ok,
      noneKinds: noneLog.map((e) => e.kind), screenshot: none.screenshot };
  }, dataUrl);
  assert.deepEqual(r.kinds, ['genesis', 'record', 'screenshot_tab', 'note']);
  assert.equal(r.ref.blur_all, true);
  assert.deepEqual(r.ref.regions, []);
  assert.match(r.note, /投稿部分の切り出しなし: この画面では投稿の位置を取得できません/);
  assert.ok(r.chunks.every((t) => ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND'].includes(t)), r.chunks.join(','));
  assert.deepEqual(r.centre, [10, 120, 200], 'the stored image is the unaltered screenshot');
  assert.notDeepEqual(r.blurredCorner, r.originalCorner, 'the view darkens and blurs the whole image');
  assert.equal(r.ok, true);
  assert.deepEqual(r.noneKinds, ['genesis', 'record', 'note'], 'with no image at all, the record is still kept');
  assert.equal(r.screenshot, false);
});
