// @ts-check
/**
 * The case's evidence as the endpoint takes it (`EvidenceUpload` of server/openapi.json): the log in
 * order and every referenced file as base64, checked with the Rust verifier before it leaves the
 * browser so a damaged case is never sent. The endpoint verifies again and answers with a receipt
 * `{receipt_id, received_at, endpoint, head_seq, head_hash}`; pass it to `store.acknowledge` (which
 * purges the case only if the receipt names the current head).
 *
 * @typedef {import('./store.js').EvidenceStore} EvidenceStore
 */

/** @param {Uint8Array} bytes */
export function base64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * @param {EvidenceStore} store @param {string} caseId
 * @returns {Promise<{log: import('./wasm.js').LogEntry[], artefacts: Record<string, string>}>}
 */
export async function evidenceUpload(store, caseId) {
  const log = await store.log(caseId);
  const check = store.wasm.verifyChain(log, { requireSeal: false });
  if (!check.ok) throw new Error(`patrol: 証拠ログの検証に失敗したため送信しません: ${check.problem.message}`);
  /** @type {Record<string, string>} */
  const artefacts = {};
  for (const e of log) {
    if (e.ref) artefacts[e.ref.name] = base64(await store.artefact(caseId, e.ref.name));
  }
  return { log, artefacts };
}
