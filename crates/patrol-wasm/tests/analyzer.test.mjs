// The WebAssembly bindings under Node: `node --test crates/patrol-wasm/tests/`.
//
// Needs the `--target nodejs` bindings (scripts/test.sh builds them into build/wasm/nodejs) and the
// compact dictionary (build/dict/ipadic.pdic). Override with PATROL_WASM_PKG / PATROL_DICT_FILE.
// With PATROL_BIN set to a native `patrol` binary, the wasm results are also compared with the
// command line's on the golden posts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const pkg = process.env.PATROL_WASM_PKG ?? join(root, 'build/wasm/nodejs');
const dictFile = process.env.PATROL_DICT_FILE ?? join(root, 'build/dict/ipadic.pdic');

const require = createRequire(import.meta.url);
const { Analyzer } = require(join(pkg, 'patrol_wasm.js'));
const dict = new Uint8Array(readFileSync(dictFile));

const started = performance.now();
const analyzer = new Analyzer(dict);
const loadMs = performance.now() - started;

test('loads the dictionary passed as bytes', () => {
  assert.equal(analyzer.jurisdiction, '熊本県');
  assert.match(analyzer.rulesetVersion(), /^\d{4}\.\d{2}\.\d{2}\.\d+$/);
  console.log(`wasm analyzer set-up (dictionary from JS + rules): ${loadMs.toFixed(0)} ms`);
});

test('an imminent suicide notice in the jurisdiction warrants an inquiry', () => {
  const r = analyzer.analyze('今夜、熊本の大甲橋から飛び降ります');
  assert.ok(r.categories.includes('suicide_notice'), JSON.stringify(r.categories));
  assert.equal(r.region, 'in');
  assert.equal(r.inquiry, true);
  assert.equal(r.minor, false);
  assert.equal(r.ruleset, analyzer.rulesetVersion());
  assert.equal('id' in r, false, 'the result carries no id');
  assert.equal(r.urgency.level, 'high');
  const evidence = r.flags[0].evidence.map((e) => e.text);
  assert.ok(evidence.length > 0);
});

test('results are plain objects, as JSON.parse would give', () => {
  const r = analyzer.analyze('家出してきた。今夜泊めてくれる人いませんか？', '高1 / 16歳', 'x');
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
  assert.ok(Array.isArray(r.categories));
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  assert.deepEqual(r.categories, ['child_lodging']);
  assert.equal(r.minor, true, 'child judged from the profile');
});

test('hard negatives are not flagged', () => {
  for (const text of ['昨日の漫才、死ぬほど笑った', '辛いけど死にたくない。明日も頑張る']) {
    const r = analyzer.analyze(text, null, undefined);
    assert.deepEqual(r.categories, [], text);
    assert.equal(r.inquiry, false, text);
  }
});

test('bad input throws an Error with a clear message, and the analyzer goes on working', () => {
  for (const [text, message] of [
    ['', /text is empty/],
    ['   \n ', /text is empty/],
    ['死にたい'.repeat(300_000), /text is too long/],
  ]) {
    assert.throws(() => analyzer.analyze(text), (e) => {
      assert.ok(e instanceof Error, `not an Error: ${e}`);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.throws(() => analyzer.analyze('死にたい', 'x'.repeat(200_000)), /profile is too long/);
  assert.deepEqual(analyzer.analyze('死にたい').categories, ['suicide_notice']);
});

test('the jurisdiction is a setting; an unknown one is refused', () => {
  const fukuoka = new Analyzer(dict, '福岡県', 2026);
  assert.equal(fukuoka.analyze('今夜、博多駅のホームから飛び込みます').region, 'in');
  assert.equal(analyzer.analyze('今夜、博多駅のホームから飛び込みます').region, 'out');
  fukuoka.free();
  assert.throws(() => new Analyzer(dict, 'ナルニア国'), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /unknown jurisdiction "ナルニア国"/);
    return true;
  });
});

test('bad set-up arguments throw Errors, not crashes', () => {
  assert.throws(() => new Analyzer(new Uint8Array([1, 2, 3])), /dictionary/);
  assert.throws(() => new Analyzer(dict.subarray(0, dict.length >> 1)), /dictionary/);
  assert.throws(() => new Analyzer(dict, undefined, 2026.5), /asOfYear/);
  assert.throws(() => new Analyzer(dict, undefined, Number.NaN), /asOfYear/);
  assert.equal(analyzer.analyze('死にたい').region, 'unknown');
});

test('same results as the native command on the golden posts', { skip: !process.env.PATROL_BIN }, () => {
  const golden = join(root, 'tests/golden');
  let compared = 0;
  for (const name of readdirSync(golden).sort()) {
    const input = readFileSync(join(golden, name, 'input.jsonl'), 'utf8');
    const native = execFileSync(process.env.PATROL_BIN, ['analyze'], { input, encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const posts = input.trim().split('\n').map((l) => JSON.parse(l));
    posts.forEach((p, i) => {
      const { id, ...expected } = native[i];
      assert.equal(id, p.id);
      assert.deepEqual(analyzer.analyze(p.text, p.profile, p.site), expected, `${name}: ${p.text}`);
      compared += 1;
    });
  }
  assert.ok(compared >= 12);
});
