// @ts-check
/**
 * One capture, end to end: a new case with its record and both screenshots, all in the store.
 * The worker calls `chrome.tabs.captureVisibleTab(windowId, {format: 'png'})` and passes the data URL
 * with the rectangles the content script measured; nothing here calls a chrome.* API.
 *
 * @typedef {import('./store.js').EvidenceStore} EvidenceStore
 * @typedef {import('./capture.js').Rect} Rect
 */

import { captureShots, stripPngMetadata } from './capture.js';
import { buildRecord } from './record.js';

/**
 * @param {EvidenceStore} store
 * @param {{post: import('../shared/messages.js').ExtractedPost, analysis: {ruleset: string, [k: string]: unknown},
 *   pageUrl?: string, pageTitle: string, extensionVersion: string, user: import('./store.js').User,
 *   dataUrl: string, postRect: Rect, mediaRects?: Rect[], viewport?: {width: number, height: number}, devicePixelRatio?: number}} input
 * @returns {Promise<{caseId: string, shots: Awaited<ReturnType<typeof captureShots>>}>}
 */
export async function captureCase(store, input) {
  // Everything that can fail on bad input fails before anything is stored.
  const shots = await captureShots({
    dataUrl: input.dataUrl, post: input.postRect, media: input.mediaRects ?? [],
    viewport: input.viewport, devicePixelRatio: input.devicePixelRatio,
  });
  const times = store.times();
  const probe = buildRecord({ ...input, caseId: 'probe', times });
  store.wasm.recordSha256(probe);
  // Ciphertext is plaintext + 16 bytes; log entries are under 1 KB each besides the record.
  const needed = shots.tab.bytes.byteLength + shots.post.bytes.byteLength +
    new TextEncoder().encode(store.wasm.canonicalJson(probe)).byteLength + 8 * 1024;
  await store.ensureRoom(needed);
  const caseId = await store.createCase({ user: input.user });
  await store.addRecord(caseId, { ...probe, case_id: caseId });
  const ratio = shots.devicePixelRatio;
  await store.addArtefact(caseId, 'screenshot_tab', {
    name: 'screenshots/tab.png', media_type: 'image/png', bytes: 0, width: shots.tab.width, height: shots.tab.height,
    device_pixel_ratio: ratio, regions: shots.tab.regions,
  }, shots.tab.bytes);
  await store.addArtefact(caseId, 'screenshot_post', {
    name: 'screenshots/post.png', media_type: 'image/png', bytes: 0, width: shots.post.width, height: shots.post.height,
    device_pixel_ratio: ratio, regions: shots.post.regions,
  }, shots.post.bytes);
  return { caseId, shots };
}

/**
 * The final version of a form (its HTML as the officer finalised it) into the case log.
 * @param {EvidenceStore} store @param {string} caseId @param {string} form e.g. `provider_inquiry`
 * @param {string} html
 */
export async function addFinalForm(store, caseId, form, html) {
  if (!/^[a-z_]+$/.test(form)) throw new Error(`patrol: not a form id: ${form}`);
  const log = await store.log(caseId);
  const n = log.filter((e) => e.kind === 'form_final' && e.ref?.form === form).length;
  const name = n === 0 ? `forms/${form}.html` : `forms/${form}-${n + 1}.html`;
  return store.addArtefact(caseId, 'form_final', {
    name, media_type: 'text/html; charset=utf-8', bytes: 0, form,
  }, new TextEncoder().encode(html));
}

/**
 * A capture when the post's position on the screen is unknown (the content script did not measure it)
 * or no screenshot could be taken: the record, and the tab's image if there is one. Its media regions
 * are unknown too, so the reference says `blur_all`: every view blurs the whole image until the officer
 * reveals it (002 §4-4). A `note` entry says why the crop is missing.
 * @param {EvidenceStore} store
 * @param {{post: import('../shared/messages.js').ExtractedPost, analysis: {ruleset: string, [k: string]: unknown},
 *   pageUrl?: string, pageTitle: string, extensionVersion: string, user: import('./store.js').User,
 *   dataUrl: string|null, reason: string}} input
 */
export async function captureCaseWithoutCrop(store, input) {
  /** @type {{bytes: Uint8Array<ArrayBuffer>, width: number, height: number}|null} */
  let tab = null;
  if (input.dataUrl) {
    const bitmap = await createImageBitmap(await (await fetch(input.dataUrl)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
    const png = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    tab = { bytes: stripPngMetadata(png), width: bitmap.width, height: bitmap.height };
    bitmap.close();
  }
  const probe = buildRecord({ ...input, caseId: 'probe', times: store.times() });
  store.wasm.recordSha256(probe);
  await store.ensureRoom((tab?.bytes.byteLength ?? 0) + new TextEncoder().encode(store.wasm.canonicalJson(probe)).byteLength + 8 * 1024);
  const caseId = await store.createCase({ user: input.user });
  await store.addRecord(caseId, { ...probe, case_id: caseId });
  if (tab) {
    await store.addArtefact(caseId, 'screenshot_tab', {
      name: 'screenshots/tab.png', media_type: 'image/png', bytes: 0, width: tab.width, height: tab.height,
      regions: [], blur_all: true,
    }, tab.bytes);
  }
  await store.addNote(caseId, { text: `投稿部分の切り出しなし: ${input.reason}`, reason: input.reason });
  return { caseId, screenshot: tab !== null };
}
