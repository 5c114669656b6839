// The claims check (tests/security/claims.mjs) on SECURITY.md, and on made-up documents that must fail it
// (so the check itself cannot pass by accident).
//
//   node --test tests/security/claims.test.mjs
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkClaims, claimsOf, jsTestExists, rustTestExists } from './claims.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('every claim in SECURITY.md names tests that exist and are run', () => {
  const md = fs.readFileSync(path.join(ROOT, 'SECURITY.md'), 'utf8');
  const r = checkClaims(md, ROOT);
  assert.deepEqual(r.problems, [], `SECURITY.md:\n${r.problems.join('\n')}`);
  assert.ok(r.claims >= 20, `${r.claims} claims`);
  console.log(`FIGURE SECURITY.md: ${r.claims} claims, ${r.refs} test references, ${r.tests.length} distinct tests`);
});

test('a claim without a reference, a missing file, a missing test, prose, and an unrun test file are each reported', () => {
  const md = [
    '# Security',
    '## 1. Egress',
    '- Nothing leaves. [test: tests/browser/security-egress.test.mjs "no endpoint configured: nothing leaves the browser at all"]',
    '- A claim with no test at all.',
    '- Points at a file that is not there. [test: tests/nowhere.rs::some_test]',
    '- Points at a test that is not there.',
    '  [test: server/tests/security_storage.rs::no_such_test]',
    '- A real file, a JS title that is not in it. [test: tests/browser/security-egress.test.mjs "made up title"]',
    '- Unreadable. [test: just words]',
    'A statement in prose that no test backs.',
    '## Known gaps',
    '- Not a claim: needs no reference.',
  ].join('\n');
  const r = checkClaims(md, ROOT);
  assert.equal(r.claims, 6);
  assert.equal(r.problems.length, 6, r.problems.join('\n'));
  assert.match(r.problems[0], /line 4 .*without a \[test/);
  assert.match(r.problems[1], /tests\/nowhere\.rs does not exist/);
  assert.match(r.problems[2], /no test no_such_test/);
  assert.match(r.problems[3], /no test "made up title"/);
  assert.match(r.problems[4], /unreadable reference/);
  assert.match(r.problems[5], /line 10 .*prose outside a claim/);
  // A test file that exists and holds the test, but that no script runs, backs nothing.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'patrol-claims-'));
  fs.mkdirSync(path.join(tmp, 'tests/browser'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'scripts'));
  fs.writeFileSync(path.join(tmp, 'tests/browser/lonely.test.mjs'), "test('a lonely test', () => {});\n");
  const claim = '## A\n- x [test: tests/browser/lonely.test.mjs "a lonely test"]\n';
  assert.match(checkClaims(claim, tmp).problems.join('\n'), /lonely\.test\.mjs is not run by any scripts/);
  fs.writeFileSync(path.join(tmp, 'scripts/test-x.sh'), 'node --test tests/browser/lone*.test.mjs\n');
  assert.deepEqual(checkClaims(claim, tmp).problems, [], 'a glob in a script counts');
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('test names are matched as tests, not as any text', () => {
  const rs = '#[test]\nfn real_one() {}\nfn helper_not_a_test() {}\nboth!(scenario_a);\non_both!(scenario_b);\nmod limits {\n    #[tokio::test]\n    async fn sqlite() {}\n}\n';
  assert.equal(rustTestExists(rs, 'real_one'), true);
  assert.equal(rustTestExists(rs, 'helper_not_a_test'), false);
  assert.equal(rustTestExists(rs, 'scenario_a'), true);
  assert.equal(rustTestExists(rs, 'scenario_b'), true);
  assert.equal(rustTestExists(rs, 'limits::sqlite'), true);
  assert.equal(rustTestExists(rs, 'other::sqlite'), false);
  const js = "test('plain title', () => {});\ntest(\"it's quoted\", () => {});\ntest('escaped \\'quote\\'', () => {});\n// test('commented title')\n";
  assert.equal(jsTestExists(js, 'plain title'), true);
  assert.equal(jsTestExists(js, "it's quoted"), true);
  assert.equal(jsTestExists(js, "escaped 'quote'"), true);
  assert.equal(jsTestExists(js, 'plain'), false, 'a prefix of a title is not the title');
  assert.equal(claimsOf('## A\n```\n- not a claim inside a code block\n```\n- a claim').length, 1);
});
