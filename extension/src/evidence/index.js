// @ts-check
/**
 * The extension's evidence library (issue 4); the side panel and the worker import from here.
 * See docs/evidence.md §6 for the flow: createCase → addRecord → addArtefact (screenshots, final
 * forms) → exportCase / evidenceUpload → POST /api/submissions → acknowledge(receipt) (purge).
 */
export { EvidenceStore, EvidenceError, DEFAULT_CAP_BYTES, fullMessage, nearlyFullMessage } from './store.js';
export { captureShots, viewImage, stripPngMetadata, pngChunks, toDevice } from './capture.js';
export { exportCase, readme } from './export.js';
export { buildRecord } from './record.js';
export { captureCase, captureCaseWithoutCrop, addFinalForm } from './case.js';
export { zip, crc32 } from './zip.js';
export { evidenceUpload, base64 } from './upload.js';
