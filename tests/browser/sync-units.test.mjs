// The sync module's pure parts, natively in Node (no browser): retry timing, the retry-or-refuse
// decision on the endpoint's answers, the idempotency key, what a submission carries, and the Japanese
// texts the officer reads for the queue and for a post's lookup.
import test from 'node:test';
import assert from 'node:assert/strict';
import { BASE_MS, CAP_MS, retryAfterMs, retryDelay } from '../../extension/src/sync/backoff.js';
import { classify, retryable, serverError } from '../../extension/src/sync/client.js';
import { endpointUrl } from '../../extension/src/sync/routes.js';
import { idempotencyKey, stableJson } from '../../extension/src/sync/queue.js';
import { viewOf, unknownView } from '../../extension/src/sync/lookup.js';
import { queuedBody, requestBody } from '../../extension/src/sync/submission.js';
import { syncView } from '../../extension/src/sync/status.js';
import { parseSyncMessage, SYNC_KINDS } from '../../extension/src/sync/messages.js';

test('backoff grows exponentially, is jittered within half a step, and is capped', () => {
  assert.equal(retryDelay(1, () => 0), BASE_MS / 2);
  assert.equal(retryDelay(1, () => 0.999999), Math.round(BASE_MS / 2 + 0.999999 * BASE_MS / 2));
  assert.equal(retryDelay(2, () => 0), BASE_MS);
  assert.equal(retryDelay(5, () => 0), BASE_MS * 8);
  for (let n = 1; n < 40; n++) {
    const lo = retryDelay(n, () => 0);
    const hi = retryDelay(n, () => 0.999999);
    assert.ok(hi <= CAP_MS, `attempt ${n}: ${hi} over the cap`);
    assert.ok(lo >= Math.min(CAP_MS, BASE_MS * 2 ** (n - 1)) / 2 - 1, `attempt ${n}: ${lo} below half the step`);
  }
  assert.equal(retryDelay(100, () => 0.999999), Math.round(CAP_MS / 2 + 0.999999 * CAP_MS / 2));
  // Two browsers that failed together do not retry together.
  const spread = new Set(Array.from({ length: 50 }, () => retryDelay(6)));
  assert.ok(spread.size > 10, 'jitter spreads the retries');
});

test('Retry-After in seconds or as an HTTP date, bounded by the cap', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  assert.equal(retryAfterMs('7', now), 7000);
  assert.equal(retryAfterMs('Sun, 22 Nov 2026 12:00:30 GMT', now), 30000);
  assert.equal(retryAfterMs('99999', now), CAP_MS);
  assert.equal(retryAfterMs(null, now), null);
  assert.equal(retryAfterMs('soon', now), null);
});

test('the endpoint down or overloaded is retried; a refusal is not', () => {
  for (const s of [500, 502, 503, 504, 408, 429]) assert.ok(retryable(s), `${s} retried`);
  for (const s of [400, 401, 403, 404, 409, 413, 422]) assert.ok(!retryable(s), `${s} not retried`);
  const broken = JSON.stringify({ error: 'chain_broken', message_ja: '証拠ログの連結が切れています（seq 2）', detail: { kind: 'unlinked', seq: 2 } });
  const r = classify(422, broken, null, 0);
  assert.equal(r.kind, 'refused');
  assert.equal(/** @type {any} */ (r).error, '証拠ログの連結が切れています（seq 2）（HTTP 422）');
  const auth = classify(401, JSON.stringify({ error: 'unauthenticated', message_ja: 'トークンが無効です' }), null, 0);
  assert.equal(auth.kind, 'refused');
  assert.match(/** @type {any} */ (auth).error, /設定画面でトークンを確認/);
  const busy = classify(429, '{"error":"rate_limited","message_ja":"混雑"}', '3', 0);
  assert.deepEqual(busy, { kind: 'retry', status: 429, error: '混雑（HTTP 429）', retryAfterMs: 3000 });
  assert.equal(classify(503, '<html>Bad gateway</html>', null, 0).kind, 'retry');
  const ack = classify(201, '{"submission_id": 4, "case_id": 2, "replayed": false}', null, 0);
  assert.deepEqual(ack, { kind: 'ack', status: 201, body: { submission_id: 4, case_id: 2, replayed: false } });
  // An acknowledgement that cannot be read is not one: retried (the key makes that safe).
  assert.equal(classify(200, 'garbage', null, 0).kind, 'retry');
  assert.equal(serverError(500, ''), '送信先がエラーを返しました（HTTP 500）');
  // regression (faults review): a proxy's HTML error page was shown to the officer as raw markup.
  assert.equal(serverError(500, '<html><head><title>500 Internal</title></head><body onerror=x></body></html>'),
    '送信先がエラーを返しました（HTTP 500）');
  assert.equal(serverError(502, 'Bad Gateway'), 'Bad Gateway（HTTP 502）');
});

test('routes keep an endpoint path prefix and encode the lookup URL', () => {
  assert.equal(endpointUrl('https://patrol.example.jp/', '/api/submissions'), 'https://patrol.example.jp/api/submissions');
  assert.equal(endpointUrl('https://p.example.jp/kumamoto/', '/api/lookup', { url: 'https://x.com/a/status/1?x=1&y=2' }),
    'https://p.example.jp/kumamoto/api/lookup?url=https%3A%2F%2Fx.com%2Fa%2Fstatus%2F1%3Fx%3D1%26y%3D2');
});

test('the idempotency key depends on the content, not on key order or the moment of queueing', async () => {
  const a = { case_key: 'k', kind: 'case', post: { text: '今夜', url: 'u' }, submitted_at: '2026-11-22T00:00:00Z' };
  const b = { post: { url: 'u', text: '今夜' }, kind: 'case', case_key: 'k', submitted_at: '2026-11-22T09:00:00Z' };
  const ka = await idempotencyKey(a);
  assert.match(ka, /^patrol-[0-9a-f]{64}$/);
  assert.ok(ka.length >= 8 && ka.length <= 128, 'within the server limits');
  assert.equal(ka, await idempotencyKey(b));
  assert.notEqual(ka, await idempotencyKey({ ...a, post: { text: '今夜。', url: 'u' } }));
  assert.equal(stableJson({ b: [1, { d: 1, c: null }], a: '"' }), '{"a":"\\"","b":[1,{"c":null,"d":1}]}');
});

const ENTRY = {
  post: { site: 'x', profile_version: '1', key: 'https://x.com/u/status/1', url: 'https://x.com/u/status/1', post_id: '1',
    post_no: null, board: null, author_handle: '@u', author_name: 'U', posted_at: null, text: '今夜、橋から飛び降ります', media: [], profile: '' },
  analysis: { categories: ['suicide_notice'], ruleset: 'r' },
  categories: ['suicide_notice'], seen_at: '2026-11-22T00:00:00Z', tab_id: 1, page_url: 'https://x.com/home',
};

test('a submission carries the flagged post; volunteers send reports without evidence', async () => {
  const ref = { case_id: 'case-1', head_seq: 3 };
  const officer = queuedBody(/** @type {any} */ (ENTRY), { role: 'officer' }, ref);
  assert.equal(officer.kind, 'case');
  assert.deepEqual(officer.evidence_ref, ref);
  assert.equal(officer.post.permalink, ENTRY.post.url);
  const vol = queuedBody(/** @type {any} */ (ENTRY), { role: 'volunteer' }, ref);
  assert.equal(vol.kind, 'report');
  assert.equal(vol.evidence_ref, null);
  assert.throws(() => queuedBody(null, { role: 'officer' }, null), /要対応一覧にありません/);
  assert.throws(() => queuedBody(/** @type {any} */ ({ ...ENTRY, categories: [] }), { role: 'officer' }, null), /要対応と判定されていない/);
  const body = await requestBody('patrol-key', officer, async (r) => {
    assert.deepEqual(r, ref);
    return { evidence: { log: [{ seq: 0 }], artefacts: { 'forms/a.html': 'PGgx' } }, forms: [{ form: 'action_record', html: '<h1>' }] };
  });
  assert.deepEqual(Object.keys(body).sort(), ['analysis', 'evidence', 'forms', 'idempotency_key', 'kind', 'post']);
  assert.equal(body.idempotency_key, 'patrol-key');
  // Pre-filled forms travel with the case; a form finalised into the evidence case replaces its pre-filled copy.
  const withForms = queuedBody(/** @type {any} */ (ENTRY), { role: 'officer' }, ref, '', [
    { form: 'action_record', html: '<p>prefilled' }, { form: 'provider_inquiry', html: '<p>inquiry' }]);
  const merged = await requestBody('k', withForms, async () => ({ evidence: { log: [], artefacts: {} }, forms: [{ form: 'action_record', html: '<p>final' }] }));
  assert.deepEqual(merged.forms, [{ form: 'action_record', html: '<p>final' }, { form: 'provider_inquiry', html: '<p>inquiry' }]);
  assert.deepEqual(queuedBody(/** @type {any} */ (ENTRY), { role: 'volunteer' }, null, '', [{ form: 'x', html: 'y' }]).forms, [], 'volunteers send no forms');
  const plain = await requestBody('k', vol, async () => assert.fail('no evidence read for a report'));
  assert.equal(plain.evidence, undefined);
  assert.equal(plain.forms, undefined);
});

test('lookup: a hold of another unit says who to contact; unknown and unreachable states say so in Japanese', () => {
  const v = viewOf('u', {
    url: 'u', reported: true, report_count: 2, case_id: 7, status: 'approved', held: true,
    hold: { unit: '熊本北署', contact: '096-000-0000', since: '2026-11-20T00:00:00Z', reason: '捜査中' }, removed: false,
  }, '熊本南署', 't');
  assert.equal(v.held_by_other_unit, true);
  assert.equal(v.reports, 2);
  assert.equal(v.message, '削除依頼不可（熊本北署 が保留登録）: 削除依頼の前に 熊本北署（096-000-0000）へ連絡してください。 理由: 捜査中 報告済み（2 件）・承認済み。');
  const own = viewOf('u', { reported: false, held: true, hold: { unit: '熊本南署', contact: '', reason: null }, removed: false }, '熊本南署', 't');
  assert.equal(own.held_by_other_unit, false);
  assert.match(own.message, /自所属 熊本南署/);
  const none = viewOf('u', { reported: false, held: false, hold: null, removed: false }, '熊本南署', 't');
  assert.equal(none.message, '本部への報告はまだありません。');
  assert.match(viewOf('u', { reported: true, report_count: 1, held: false, removed: true }, '', 't').message, /^削除済み。 報告済み。$/);
  assert.match(unknownView('u', 'no-endpoint', 't').message, /送信先が設定されていない.*解析・証拠保存は通常どおり/);
  assert.match(unknownView('u', 'unreachable', 't', '送信先に接続できません。').message, /接続できない/);
});

test('queue state in Japanese: not configured, waiting with the next retry time, refused items', () => {
  const base = { queued: 0, refused: [], pending: [], delivered: 0, recent: [], settle_pending: 0, last_success_at: null,
    last_error: null, last_error_at: null, last_attempt_at: null, paused_until: null };
  assert.match(syncView({ ...base, queued: 2 }, { endpoint: '' }).message, /送信先が設定されていません.*未送信 2 件/);
  const waiting = syncView({ ...base, queued: 3, paused_until: '2026-11-22T03:04:05.000Z', last_error: '送信先に接続できません。' }, { endpoint: 'http://127.0.0.1:1' });
  assert.match(waiting.message, /未送信 3 件。送信先に届きません（送信先に接続できません。）。2026\/11\/22 12:04:05 に自動で再送します。/);
  const refused = syncView({ ...base, refused: [/** @type {any} */ ({ id: 'x' })] }, { endpoint: 'http://127.0.0.1:1' });
  assert.match(refused.message, /受け付けられなかった報告が 1 件/);
  assert.equal(refused.endpoint_configured, true);
});

test('sync message kinds are checked at the edge', () => {
  assert.deepEqual(parseSyncMessage({ kind: 'lookup-post', key: 'k' }), { kind: 'lookup-post', key: 'k', fresh: false });
  assert.throws(() => parseSyncMessage({ kind: 'sync-retry' }), /id must be a non-empty string/);
  assert.throws(() => parseSyncMessage({ kind: 'sync-updated', queued: -1, refused: 0 }), /count/);
  assert.equal(new Set(SYNC_KINDS).size, SYNC_KINDS.length);
});

test('the inline note beside a badge: held by another unit, removed, reported; nothing when unknown', async () => {
  const { noteText } = await import('../../extension/src/sync/badge-lookup.js');
  const held = viewOf('u', { reported: true, report_count: 3, held: true, hold: { unit: '熊本北署', contact: '', reason: '' }, removed: false }, '熊本南署', 't');
  assert.equal(noteText(held), '削除依頼不可（熊本北署）・報告済み 3件');
  assert.equal(noteText(viewOf('u', { reported: true, report_count: 1, held: false, removed: true }, '', 't')), '削除済み・報告済み');
  assert.equal(noteText(viewOf('u', { reported: false, held: false, removed: false }, '', 't')), null);
  assert.equal(noteText(unknownView('u', 'unreachable', 't')), null);
});

test('the request timeout grows with the body so a large upload on a slow link is not abandoned forever', async () => {
  const { timeoutFor, TIMEOUT_MS } = await import('../../extension/src/sync/client.js');
  assert.equal(timeoutFor(0), TIMEOUT_MS);
  assert.equal(timeoutFor(16 * 1024 * 1024), TIMEOUT_MS + Math.ceil(16 * 1024 * 1024 / 50));
  assert.equal(timeoutFor(1e12), 10 * 60 * 1000);
});
