// @ts-check
/**
 * The sync module's view of the evidence store (extension/src/evidence/store.js): find the case a
 * flagged post was captured into, read the part of its log a submission carries, and after the
 * endpoint's acknowledgement hand the receipt to the store, which records it and purges the case —
 * the only way local evidence is ever deleted.
 */
import init, * as wasm from '../../pkg/patrol_wasm.js';
import { EvidenceStore } from '../evidence/store.js';

/** @type {Promise<EvidenceStore>|null} */
let opening = null;

/** The store of this worker life (the wasm module is the analyzer's, initialised once). */
export function evidenceStore() {
  opening ??= init({ module_or_path: chrome.runtime.getURL('pkg/patrol_wasm_bg.wasm') })
    .then(() => EvidenceStore.open({ wasm: /** @type {any} */ (wasm) }))
    .catch((e) => {
      opening = null;
      throw e;
    });
  return opening;
}

/**
 * The newest unacknowledged case whose evidence record is of this post. By content key only (review C2):
 * on a page without permalinks every post has the page's URL, so a URL match could attach one post's
 * screenshots to another's submission.
 * @param {EvidenceStore} store
 * @param {{key: string, url: string}} post
 * @returns {Promise<{case_id: string, head_seq: number}|null>}
 */
export async function caseOfPost(store, post) {
  const open = (await store.cases()).filter((c) => !c.acknowledged).sort((a, b) => b.created_at.localeCompare(a.created_at));
  for (const c of open) {
    const log = await store.log(c.case_id);
    const match = log.some((e) => e.kind === 'record' && e.record && e.record.key === post.key);
    if (match) return { case_id: c.case_id, head_seq: log.length - 1 };
  }
  return null;
}

/** @param {Uint8Array} bytes */
function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * The evidence part of a submission (server/openapi.json EvidenceUpload) and the forms it carries,
 * like the evidence library's `evidenceUpload` but cut at `head_seq`: the log as it was when the officer submitted (entries captured later belong to a
 * later submission, so a retry sends exactly the same body), every referenced file in base64, and
 * each `form_final` file also as a form.
 * @param {EvidenceStore} store
 * @param {{case_id: string, head_seq: number}} ref
 */
export async function evidencePart(store, ref) {
  const log = (await store.log(ref.case_id)).slice(0, ref.head_seq + 1);
  if (log.length !== ref.head_seq + 1) throw new Error(`案件 ${ref.case_id} の証拠ログが送信時より短くなっています。`);
  // As evidenceUpload (../evidence/upload.js) does: a damaged or altered log is never sent; the endpoint
  // verifies again on receipt.
  const check = store.wasm.verifyChain(log, { requireSeal: false });
  if (!check.ok) throw new Error(`証拠ログの検証に失敗したため送信しません（端末の証拠は保持しています）: ${check.problem.message}`);
  /** @type {Record<string, string>} */
  const artefacts = {};
  /** @type {{form: string, html: string}[]} */
  const forms = [];
  const utf8 = new TextDecoder('utf-8');
  for (const e of log) {
    if (!e.ref) continue;
    const bytes = await store.artefact(ref.case_id, e.ref.name);
    artefacts[e.ref.name] = base64(bytes);
    if (e.kind === 'form_final' && typeof e.ref.form === 'string') forms.push({ form: e.ref.form, html: utf8.decode(bytes) });
  }
  return { evidence: { log, artefacts }, forms };
}

/**
 * After the endpoint acknowledged a submission with evidence: record its receipt in the case log and
 * purge the case (EvidenceStore.acknowledge). Idempotent: a case already purged is done; a receipt for
 * an older head (the officer captured more after submitting) purges nothing — the later submission's
 * receipt will.
 * @param {EvidenceStore} store
 * @param {string} caseId
 * @param {{receipt_id: string, received_at: string, head_seq: number, head_hash: string}} receipt
 * @returns {Promise<'purged'|'already'|'newer-entries'>}
 */
export async function settleCase(store, caseId, receipt) {
  let meta;
  try {
    meta = await store.meta(caseId);
  } catch (e) {
    if (/** @type {any} */ (e)?.code === 'no_case') return 'already';
    throw e;
  }
  if (meta.acknowledged) {
    await store.purge(caseId);
    return 'already';
  }
  if (receipt.head_seq < meta.entries - 1) return 'newer-entries';
  await store.acknowledge(caseId, receipt);
  return 'purged';
}

/** The AAD "case" of queued bodies (the store's AES-GCM binds every ciphertext to its place). */
const QUEUE_SCOPE = 'sync-queue';

/**
 * A queued body encrypted at rest with the evidence store's non-extractable key, so the post's text and
 * analysis waiting in the queue are no more readable on disk than the evidence itself.
 * @param {EvidenceStore} store @param {string} id the item's idempotency key @param {Record<string, any>} body
 */
export async function sealBody(store, id, body) {
  const blob = await store.encrypt(QUEUE_SCOPE, id, new TextEncoder().encode(JSON.stringify(body)));
  return { sealed: { iv: blob.iv, data: blob.data } };
}

/**
 * The body back; a body stored before sealing existed is returned as it is.
 * @param {EvidenceStore} store @param {string} id @param {Record<string, any>} stored
 */
export async function openBody(store, id, stored) {
  if (!stored.sealed) return stored;
  const plain = await store.decrypt({ case_id: QUEUE_SCOPE, name: id, iv: stored.sealed.iv, data: stored.sealed.data });
  return JSON.parse(new TextDecoder().decode(plain));
}
