// The wasm evidence bindings against the native crate: the same canonical bytes and hashes for every
// golden case, the same verdict on every chain case, chains built in wasm verify natively (and the
// other way round), and a record built from the wasm analyzer's result hashes exactly like the one
// built from `patrol analyze` (the analysis floats cross to JavaScript unchanged).
//
//   node --test tests/evidence/wasm.test.mjs      (after scripts/build-wasm.sh; PATROL_BIN = the native binary)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const GOLDEN = join(ROOT, 'tests/evidence');
const PATROL = process.env.PATROL_BIN ?? join(ROOT, 'target/release/patrol');
const wasm = createRequire(import.meta.url)(join(ROOT, 'build/wasm/nodejs/patrol_wasm.js'));

const dirs = (p) => readdirSync(p, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

test('canonical JSON and SHA-256 are byte-identical to the native golden files', () => {
  const cases = dirs(join(GOLDEN, 'canonical'));
  assert.ok(cases.length >= 5);
  for (const c of cases) {
    const input = JSON.parse(readFileSync(join(GOLDEN, 'canonical', c, 'input.json'), 'utf8'));
    const canon = wasm.canonicalJson(input);
    assert.equal(canon, readFileSync(join(GOLDEN, 'canonical', c, 'canonical.json'), 'utf8'), c);
    const want = readFileSync(join(GOLDEN, 'canonical', c, 'sha256.txt'), 'utf8').trim();
    assert.equal(wasm.sha256Hex(canon), want, c);
    // An independent SHA-256 (Node's OpenSSL) over the same UTF-8 bytes.
    assert.equal(createHash('sha256').update(canon, 'utf8').digest('hex'), want, c);
  }
  console.log(`# ${cases.length} canonical cases identical in wasm and natively`);
});

test('sha256Hex hashes strings as UTF-8 and bytes as bytes', () => {
  assert.equal(wasm.sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(wasm.sha256Hex(new TextEncoder().encode('今夜')), wasm.sha256Hex('今夜'));
  assert.equal(wasm.sha256Hex(new Uint8Array([1, 2, 3]).buffer), createHash('sha256').update(Buffer.from([1, 2, 3])).digest('hex'));
  assert.throws(() => wasm.sha256Hex(42), /sha256Hex takes a string/);
});

test('bad input becomes a JavaScript Error, never a panic', () => {
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => wasm.canonicalJson(cyclic), /canonicalJson: not JSON-compatible/);
  assert.throws(() => wasm.canonicalJson(undefined), /no JSON form/);
  assert.throws(() => wasm.canonicalJson({ t: 'a\ud800b' }), /surrogate/);
  assert.throws(() => wasm.canonicalJson({ n: 2 ** 60 }), /beyond/);
  assert.throws(() => wasm.chainAppend({}, {}), /array of entries/);
  assert.throws(() => wasm.chainAppend([], { kind: 'note', time: '2026-11-20T13:30:05Z', record: {} }), /genesis/);
  assert.throws(() => wasm.recordSha256({ schema: 'patrol.evidence.record/1' }), /missing field/);
  assert.throws(() => wasm.captureTimes(NaN), /whole milliseconds/);
  assert.throws(() => wasm.verifyChain([], { anchor: { seq: 'x' } }), /anchor/);
  assert.deepEqual(wasm.captureTimes(1795181405123), { utc: '2026-11-20T13:30:05.123Z', jst: '2026-11-20T22:30:05.123+09:00' });
});

test('every golden chain case gets the native verdict in wasm', () => {
  let n = 0;
  for (const c of dirs(join(GOLDEN, 'chain'))) {
    const file = join(GOLDEN, 'chain', c, 'log.jsonl');
    if (!existsSync(file)) continue; // folder cases need files: checked natively
    const args = readFileSync(join(GOLDEN, 'chain', c, 'args.txt'), 'utf8').trim().split(/\s+/).filter(Boolean);
    const opts = { requireSeal: !args.includes('--open') };
    const a = args.indexOf('--anchor');
    if (a >= 0) {
      const [seq, hash] = args[a + 1].split(':');
      opts.anchor = { seq: Number(seq), hash };
    }
    const expected = readFileSync(join(GOLDEN, 'chain', c, 'expected.txt'), 'utf8');
    const result = wasm.verifyJsonl(readFileSync(file, 'utf8'), opts);
    if (expected.startsWith('0\n')) {
      assert.equal(result.ok, true, c);
      assert.ok(expected.includes(`sha256 ${result.head_hash}`), c);
    } else {
      assert.equal(result.ok, false, c);
      assert.ok(expected.includes(result.problem.message), `${c}: ${result.problem.message}`);
    }
    n++;
  }
  console.log(`# ${n} chain cases: same verdict and message in wasm as natively`);
});

test('a chain built in wasm verifies natively, and tampering with it is caught natively', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patrol-evidence-'));
  try {
    const log = [];
    const add = (e) => log.push(wasm.chainAppend(log, e));
    add({ kind: 'genesis', time: '2026-11-20T13:30:05.123Z', record: { schema: 'patrol.evidence.case/1', case_id: 'wasm-1' } });
    add({ kind: 'note', time: '2026-11-20T13:31:00.000Z', record: { text: '取得', n: 0.949999988079071 } });
    add({ kind: 'screenshot_post', time: '2026-11-20T13:31:01.000Z', sha256: wasm.sha256Hex('png bytes'),
      ref: { name: 'screenshots/post.png', media_type: 'image/png', bytes: 9 } });
    add({ kind: 'export', time: '2026-11-20T13:32:00.000Z', record: { entries: 4, exported_at: '2026-11-20T13:32:00.000Z' } });
    const file = join(dir, 'log.jsonl');
    writeFileSync(file, wasm.chainToJsonl(log));
    const ok = spawnSync(PATROL, ['verify', file], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /検証成功 \/ verified: case wasm-1 · 4 entries/);
    const lines = wasm.chainToJsonl(log).split('\n');
    writeFileSync(file, lines.filter((_, i) => i !== 1).join('\n'));
    const bad = spawnSync(PATROL, ['verify', file], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /削除[\s\S]*removed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a record holding the wasm analyzer\'s result hashes the same natively (analysis floats cross unchanged)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patrol-evidence-'));
  try {
    const dict = readFileSync(join(ROOT, 'build/dict/ipadic.pdic'));
    const analyzer = new wasm.Analyzer(dict, '熊本県', 2026);
    const input = JSON.parse(readFileSync(join(GOLDEN, 'canonical/sample_record/input.json'), 'utf8'));
    const analysis = analyzer.analyze(input.text, '', 'x');
    assert.ok(analysis.flags.some((f) => !Number.isInteger(f.confidence)), 'the analysis carries float confidences');
    // The same post analysed natively: identical canonical JSON (same doubles, same layout).
    const native = JSON.parse(execFileSync(PATROL, ['analyze', '--as-of-year', '2026', '--text', input.text], { encoding: 'utf8' }));
    delete native.id;
    assert.equal(wasm.canonicalJson(native), wasm.canonicalJson(analysis));
    // A chain whose record embeds the wasm result: the native verifier recomputes the record's hash from
    // the exported text and must find the hash wasm computed.
    const record = { ...input, analysis, ruleset: analysis.ruleset };
    const log = [];
    const add = (e) => log.push(wasm.chainAppend(log, e));
    add({ kind: 'genesis', time: input.captured_at_utc, record: { schema: 'patrol.evidence.case/1', case_id: input.case_id } });
    add({ kind: 'record', time: input.captured_at_utc, record });
    add({ kind: 'export', time: input.captured_at_utc, record: { entries: 3, exported_at: input.captured_at_utc } });
    assert.equal(log[1].sha256, wasm.recordSha256(record));
    const file = join(dir, 'log.jsonl');
    writeFileSync(file, wasm.chainToJsonl(log));
    const res = spawnSync(PATROL, ['verify', file], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    console.log(`# record with live analysis (rule set ${analysis.ruleset}): ${log[1].sha256.slice(0, 16)}… same natively`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
