// @ts-check
/**
 * Screenshots as evidence: the visible tab (from `chrome.tabs.captureVisibleTab`, called by the
 * worker) and the same image cropped to the post, both re-encoded as PNG with only the chunks needed
 * to show the pixels (002 §4-4(1): no Exif, no GPS, no text or time chunks), and the rectangles of
 * the post's media recorded so that every view blurs them unless the officer reveals them.
 *
 * Rectangles come from the page as CSS pixels relative to the viewport (`getBoundingClientRect()`);
 * the captured image is in device pixels, so they are scaled by `devicePixelRatio` (measured as
 * image width / viewport width when the caller passes the viewport as `{width: innerWidth, height:
 * innerHeight}` measured by the content script — that also covers page zoom).
 * Works wherever `createImageBitmap` and `OffscreenCanvas` exist: the service worker, the offscreen
 * document, extension pages.
 *
 * @typedef {{x: number, y: number, width: number, height: number}} Rect
 * @typedef {{bytes: Uint8Array<ArrayBuffer>, width: number, height: number, regions: Rect[]}} Shot
 */

/** PNG chunks kept: the critical ones and transparency; everything else (eXIf, tEXt, iTXt, zTXt, tIME, iCCP, …) goes. */
const KEEP = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Removes every ancillary chunk but `tRNS` from a PNG. Throws on anything that is not a whole PNG.
 * @param {Uint8Array} png @returns {Uint8Array<ArrayBuffer>}
 */
export function stripPngMetadata(png) {
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('patrol: not a PNG image');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  /** @type {Uint8Array[]} */
  const parts = [png.subarray(0, 8)];
  let at = 8;
  let ended = false;
  while (at + 12 <= png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const end = at + 12 + len;
    if (end > png.length) break;
    if (KEEP.has(type)) parts.push(png.subarray(at, end));
    at = end;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) throw new Error('patrol: the PNG image is cut short');
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The chunk types of a PNG, in order (what a test or a reviewer checks). @param {Uint8Array} png */
export function pngChunks(png) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types = [];
  for (let at = 8; at + 12 <= png.length; at += 12 + view.getUint32(at)) {
    types.push(String.fromCharCode(...png.subarray(at + 4, at + 8)));
  }
  return types;
}

/** @param {string} dataUrl @returns {Promise<Blob>} */
async function blobOf(dataUrl) {
  if (!/^data:image\/(png|jpeg);base64,/.test(dataUrl)) throw new Error('patrol: the screenshot must be a PNG or JPEG data URL');
  return (await fetch(dataUrl)).blob();
}

/**
 * Scales a CSS-pixel rectangle to device pixels, rounds outward and clips to the image.
 * Returns null when nothing of it is inside the image.
 * @param {Rect} r @param {number} ratio @param {number} width @param {number} height @returns {Rect|null}
 */
export function toDevice(r, ratio, width, height) {
  const x0 = Math.max(0, Math.floor(r.x * ratio));
  const y0 = Math.max(0, Math.floor(r.y * ratio));
  const x1 = Math.min(width, Math.ceil((r.x + r.width) * ratio));
  const y1 = Math.min(height, Math.ceil((r.y + r.height) * ratio));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** @param {OffscreenCanvas} canvas */
async function pngOf(canvas) {
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return stripPngMetadata(new Uint8Array(await blob.arrayBuffer()));
}

/**
 * The tab screenshot and its crop to the post, both metadata-free PNG, with media regions.
 * @param {{dataUrl: string, post: Rect, media?: Rect[], devicePixelRatio?: number, viewport?: {width: number, height: number}}} input
 * @returns {Promise<{tab: Shot, post: Shot, devicePixelRatio: number}>}
 */
export async function captureShots({ dataUrl, post, media = [], devicePixelRatio, viewport }) {
  const bitmap = await createImageBitmap(await blobOf(dataUrl));
  const { width, height } = bitmap;
  const ratio = viewport ? width / viewport.width : (devicePixelRatio ?? 1);
  if (!(ratio > 0) || !Number.isFinite(ratio)) throw new Error('patrol: devicePixelRatio must be a positive number');
  const crop = toDevice(post, ratio, width, height);
  if (!crop) throw new Error('patrol: the post is not inside the visible part of the tab; scroll it into view and capture again');
  const regions = /** @type {Rect[]} */ (media.map((m) => toDevice(m, ratio, width, height)).filter(Boolean));

  const full = new OffscreenCanvas(width, height);
  full.getContext('2d')?.drawImage(bitmap, 0, 0);
  const part = new OffscreenCanvas(crop.width, crop.height);
  part.getContext('2d')?.drawImage(bitmap, crop.x, crop.y, crop.width, crop.height, 0, 0, crop.width, crop.height);
  bitmap.close();
  const inCrop = /** @type {Rect[]} */ (regions
    .map((r) => toDevice({ x: r.x - crop.x, y: r.y - crop.y, width: r.width, height: r.height }, 1, crop.width, crop.height))
    .filter(Boolean));
  return {
    tab: { bytes: await pngOf(full), width, height, regions },
    post: { bytes: await pngOf(part), width: crop.width, height: crop.height, regions: inCrop },
    devicePixelRatio: ratio,
  };
}

/**
 * What a view shows: the image with every media region blurred (and darkened), unless `reveal` is
 * true because the officer asked. `regions` null (a screenshot whose media regions are unknown, the
 * reference's `blur_all`) blurs the whole image. Returns a PNG Blob for an `<img>` (via
 * `URL.createObjectURL`).
 * @param {Uint8Array<ArrayBuffer>} png @param {Rect[]|null} regions @param {{reveal?: boolean, blurPx?: number}} [opts]
 */
export async function viewImage(png, regions, { reveal = false, blurPx = 24 } = {}) {
  const bitmap = await createImageBitmap(new Blob([png], { type: 'image/png' }));
  regions ??= [{ x: 0, y: 0, width: bitmap.width, height: bitmap.height }];
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('patrol: no 2D canvas here');
  ctx.drawImage(bitmap, 0, 0);
  if (!reveal) {
    for (const r of regions) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(r.x, r.y, r.width, r.height);
      ctx.clip();
      ctx.filter = `blur(${blurPx}px)`;
      // Drawn from a shrunken copy too, so that even a renderer without canvas filters hides detail.
      const w = Math.max(1, Math.round(r.width / 16));
      const h = Math.max(1, Math.round(r.height / 16));
      const tiny = new OffscreenCanvas(w, h);
      tiny.getContext('2d')?.drawImage(bitmap, r.x, r.y, r.width, r.height, 0, 0, w, h);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(tiny, 0, 0, w, h, r.x, r.y, r.width, r.height);
      ctx.filter = 'none';
      ctx.fillStyle = 'rgba(0, 0, 0, 0.35)';
      ctx.fillRect(r.x, r.y, r.width, r.height);
      ctx.restore();
    }
  }
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/png' });
}
