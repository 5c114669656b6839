// SECURITY.md §8: what the evidence chain does NOT prove, shown with the same code the extension runs
// (the wasm build of crates/patrol-evidence). If one of these stopped holding — say the chain became
// signed, or times were checked against a trusted clock — SECURITY.md would be understating the chain and
// must be rewritten; these tests then fail and say so.
//
//   node --test tests/security/chain-limits.test.mjs   (after scripts/build-wasm.sh)
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wasm = createRequire(import.meta.url)(path.join(ROOT, process.env.PATROL_WASM_NODE_DIR ?? 'build/wasm/nodejs', 'patrol_wasm.js'));

/** A case log as the extension builds it: genesis, then the given entries appended one by one. */
function build(entries) {
  const log = [];
  log.push(wasm.chainAppend(log, { kind: 'genesis', time: '2026-11-20T13:30:05.123Z', record: { schema: 'patrol.evidence.case/1', case_id: 'sec-1' } }));
  for (const e of entries) log.push(wasm.chainAppend(log, e));
  return log;
}

const NOTES = [
  { kind: 'note', time: '2026-11-20T13:31:00.000Z', record: { text: '今夜、橋から飛び降ります', seen: 'x.com' } },
  { kind: 'note', time: '2026-11-20T13:32:00.000Z', record: { text: '取得' } },
  { kind: 'note', time: '2026-11-20T13:33:00.000Z', record: { text: '送信' } },
];

test('a log rewritten from an edited entry to its end verifies on its own; only the receipt catches it', () => {
  const original = build(NOTES);
  const head = original.at(-1);
  assert.equal(wasm.verifyChain(original).ok, true);
  // Whoever holds the file edits entry 1 and re-appends everything after it: a fresh, valid chain.
  const edited = [{ ...NOTES[0], record: { ...NOTES[0].record, text: '何も書いていません' } }, ...NOTES.slice(1)];
  const forged = build(edited);
  const alone = wasm.verifyChain(forged);
  assert.equal(alone.ok, true, 'the chain is not signed: a complete rewrite is a valid chain');
  assert.notEqual(alone.head_hash, head.hash);
  // Against the endpoint's receipt of the original head it fails.
  const anchored = wasm.verifyChain(forged, { anchor: { seq: head.seq, hash: head.hash } });
  assert.equal(anchored.ok, false, 'the receipt anchors the original');
  assert.equal(wasm.verifyChain(original, { anchor: { seq: head.seq, hash: head.hash } }).ok, true);
});

test('entry times are whatever the capturing device\'s clock said: the chain checks their form, not their truth', () => {
  const past = build([{ kind: 'note', time: '2001-01-01T00:00:00.000Z', record: { text: '過去の時刻' } },
    { kind: 'note', time: '2000-06-01T00:00:00.000Z', record: { text: 'さらに過去（順序も逆）' } }]);
  const r = wasm.verifyChain(past);
  assert.equal(r.ok, true, 'a back-dated (even out-of-order) time verifies');
});

test('the recorded content is whatever the browser handed over: the chain cannot tell it from what the site served', () => {
  // Two logs of the "same" post with different text are each perfectly valid; nothing in them refers to the site.
  const a = build([NOTES[0]]);
  const b = build([{ ...NOTES[0], record: { ...NOTES[0].record, text: '別の文面' } }]);
  assert.equal(wasm.verifyChain(a).ok, true);
  assert.equal(wasm.verifyChain(b).ok, true);
  assert.notEqual(a.at(-1).hash, b.at(-1).hash);
});
