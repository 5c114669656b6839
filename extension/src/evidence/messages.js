// @ts-check
/**
 * The evidence module's own message kinds, part of the one union (src/shared/messages.js delegates to
 * `parseEvidenceMessage`; the worker routes them to ./actions.js). `capture-evidence` itself is a
 * shared kind (the side panel's offer).
 *
 * - `evidence-list` `{key}` → `{cases: CaseView[], usage}`: the cases kept on this device for a post,
 *   with the post screenshot (PNG base64) and its media regions, for a blurred view.
 * - `evidence-export` `{case_id}` → `{filename, zip_base64, entries, head_hash}`: the case archive
 *   (docs/evidence.md), appended with its `export` entry; the panel saves it as a file.
 * - `evidence-finalise-form` `{key, form}` → `{case_id, sha256, name}`: the pre-filled form as the
 *   officer keeps it, into the case log (`form_final`): its SHA-256 is in the chain from then on.
 */

/**
 * @typedef {{kind: 'evidence-list', key: string}} EvidenceList
 * @typedef {{kind: 'evidence-export', case_id: string}} EvidenceExport
 * @typedef {{kind: 'evidence-finalise-form', key: string, form: string}} EvidenceFinaliseForm
 * @typedef {EvidenceList|EvidenceExport|EvidenceFinaliseForm} EvidenceMessage
 */

export const EVIDENCE_KINDS = /** @type {const} */ (['evidence-list', 'evidence-export', 'evidence-finalise-form']);

/** @param {string} key @returns {EvidenceList} */
export const evidenceList = (key) => ({ kind: 'evidence-list', key });
/** @param {string} caseId @returns {EvidenceExport} */
export const evidenceExport = (caseId) => ({ kind: 'evidence-export', case_id: caseId });
/** @param {string} key @param {string} form @returns {EvidenceFinaliseForm} */
export const evidenceFinaliseForm = (key, form) => ({ kind: 'evidence-finalise-form', key, form });

/** @param {unknown} v @param {string} what */
function str(v, what) {
  if (typeof v !== 'string' || v === '') throw new Error(`patrol: message field ${what} must be a non-empty string`);
  return v;
}

/**
 * @param {Record<string, unknown>} m
 * @returns {EvidenceMessage}
 */
export function parseEvidenceMessage(m) {
  switch (m.kind) {
    case 'evidence-list':
      return { kind: 'evidence-list', key: str(m.key, 'key') };
    case 'evidence-export':
      return { kind: 'evidence-export', case_id: str(m.case_id, 'case_id') };
    case 'evidence-finalise-form': {
      const form = str(m.form, 'form');
      if (!/^[a-z_]+$/.test(form)) throw new Error('patrol: message field form must be a form id');
      return { kind: 'evidence-finalise-form', key: str(m.key, 'key'), form };
    }
    default:
      throw new Error(`patrol: unknown evidence message kind ${JSON.stringify(m.kind)}`);
  }
}
