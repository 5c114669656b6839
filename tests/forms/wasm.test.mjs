// The extension and the inbox render forms with the wasm build; `patrol prefill` natively. They must
// give the same document: this compares them byte for byte for two records (every form that applies),
// both through Analyzer.renderForm (analyses itself) and renderFormFromAnalysis (the analysis object
// the extension already holds), and checks that bad input becomes a thrown Error with a clear message.
//
//   PATROL_BIN=target/release/patrol PATROL_WASM=<dir with patrol_wasm.js (nodejs)> node --test tests/forms/wasm.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const BIN = process.env.PATROL_BIN ?? join(ROOT, 'target/release/patrol');
const WASM = process.env.PATROL_WASM ?? join(ROOT, 'build/wasm/nodejs');
const require = createRequire(import.meta.url);
const { Analyzer, renderFormFromAnalysis } = require(join(WASM, 'patrol_wasm.js'));
const dict = readFileSync(join(ROOT, 'build/dict/ipadic.pdic'));
// The native command judges birth years against the record's year (2026 for these records).
const analyzer = new Analyzer(dict, '熊本県', 2026);

const CASES = ['suicide_notice_full', 'child_solicitation', 'suicide_with_extras'];

for (const c of CASES) {
  const dir = join(ROOT, 'tests/forms', c);
  const raw = readFileSync(join(dir, 'input.json'), 'utf8');
  const input = JSON.parse(raw);
  const forms = readFileSync(join(dir, 'forms.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  test(`${c}: wasm and native give the same documents (${forms.join(', ')})`, () => {
    for (const form of forms) {
      const native = execFileSync(BIN, ['prefill', form], { input: raw }).toString('utf8');
      const viaAnalyzer = analyzer.renderForm(form, input);
      assert.equal(viaAnalyzer, native, `${form}: Analyzer.renderForm differs from patrol prefill`);
      const analysis = analyzer.analyze(input.text, input.profile ?? '', input.site);
      const viaAnalysis = renderFormFromAnalysis(form, input, analysis, input.extras);
      assert.equal(viaAnalysis, native, `${form}: renderFormFromAnalysis differs from patrol prefill`);
      // The record may also be passed as JSON text.
      assert.equal(analyzer.renderForm(form, raw), native);
    }
  });
}

test('formsFor offers the forms that suit the post', () => {
  const suicide = analyzer.analyze('今夜、熊本の大甲橋から飛び降ります。もう疲れた。さようなら', '', 'x');
  const offered = analyzer.formsFor(suicide, 'x');
  for (const f of ['provider_inquiry', 'action_record', 'emergency_disclosure']) assert.ok(offered.includes(f), f);
  assert.ok(!offered.includes('warning_reply'));
  const child = analyzer.analyze('熊本でパパ活募集！JC2だけど会える人いますか？ホ別苺でお願いします', 'JC2', 'x');
  const offeredChild = analyzer.formsFor(child, 'x');
  for (const f of ['warning_reply', 'discovery_report', 'takedown_request']) assert.ok(offeredChild.includes(f), f);
  assert.ok(!offeredChild.includes('provider_inquiry'));
});

test('bad input becomes an Error with a clear message, never a crash', () => {
  const input = { text: '今夜、飛び降ります', captured_at: '2026-11-20T22:30:05+09:00' };
  assert.throws(() => analyzer.renderForm('police_report', input), /unknown form "police_report"/);
  assert.throws(() => analyzer.renderForm('url_report', { url: 'https://x.com/a' }), /missing required field "text"/);
  assert.throws(() => analyzer.renderForm('url_report', '{not json'), /not valid JSON/);
  assert.throws(() => analyzer.renderForm('url_report', input, { today: '2026-02-30' }), /extras.today/);
  assert.throws(() => renderFormFromAnalysis('url_report', input, { categories: ['nope'] }), /analysis/);
  // Still usable after errors.
  assert.match(analyzer.renderForm('url_report', input), /^<!DOCTYPE html>/);
});
