// @ts-check
/**
 * Where the post is on the screen, measured in the page (run by `chrome.scripting.executeScript` in the
 * extension's isolated world, so it must be self-contained: no imports, no closure). The content script
 * marks every analysed post element with `data-patrol-categories` (contract); the flagged one whose text
 * holds the post's text is the post (the innermost such element; with several, the one linking to the
 * post's id). It is scrolled into view when not wholly visible, so the screenshot shows it.
 * Rectangles are CSS pixels relative to the viewport (capture.js scales them by the measured ratio).
 * Media regions: the post's images and videos, so every view blurs them (children's images, 002).
 *
 * @param {{text: string, post_id: string|null, media: string[]}} post
 * @returns {Promise<{post: Rect, media: Rect[], viewport: {width: number, height: number}}|null>}
 * @typedef {{x: number, y: number, width: number, height: number}} Rect
 */
export async function measurePost(post) {
  // Lone surrogates (a hostile post can hold them) arrive in `post.text` as U+FFFD after messaging,
  // but are still lone in the page: compare both well-formed, or the post is never found (hostile gallery).
  const squash = (/** @type {string|null|undefined} */ s) => (s ?? '').replace(/\s+/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  const want = squash(post.text).slice(0, 80);
  /** @type {Element[]} */
  const hits = [];
  for (const e of document.querySelectorAll('[data-patrol-categories]')) {
    if (e.getAttribute('data-patrol-categories') === '') continue;
    if (want && squash(e.textContent).includes(want)) hits.push(e);
  }
  // Innermost first: an element that contains another hit is a container of several posts.
  const inner = hits.filter((e) => !hits.some((o) => o !== e && e.contains(o)));
  // A link names the post when the id is a whole segment of its address (…/status/123, not …/status/1234,
  // which `includes` also matched: a reply linking to another post was taken for it).
  const id = post.post_id ?? '';
  const linksTo = (/** @type {Element} */ e) =>
    [...e.querySelectorAll('a[href]')].some((a) => (a.getAttribute('href') ?? '').split(/[/?#&=]/).includes(id));
  const byId = id ? inner.find(linksTo) : undefined;
  // No element holds the text as the page shows it (emoji drawn as <img alt>, which the extracted text
  // includes): the flagged element linking to the post's id is the post.
  const linked = byId || inner.length > 0 || !id ? undefined
    : [...document.querySelectorAll('[data-patrol-categories]:not([data-patrol-categories=""])')].find(linksTo);
  const el = byId ?? inner[0] ?? linked;
  if (!el) return null;
  const rect = (/** @type {Element} */ e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  };
  const r0 = el.getBoundingClientRect();
  if (r0.top < 0 || r0.bottom > innerHeight || r0.left < 0 || r0.right > innerWidth) {
    el.scrollIntoView({ block: r0.height > innerHeight ? 'start' : 'center', inline: 'nearest' });
    await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
  }
  const media = [];
  for (const m of el.querySelectorAll('img, video, canvas, picture, svg image')) {
    const src = m.getAttribute('src') ?? '';
    const r = m.getBoundingClientRect();
    // The post's own media (by URL), and anything picture-sized: only avatars and icons stay sharp.
    if ((src && post.media.some((u) => u === src || u.endsWith(src) || src.endsWith(u))) || (r.width >= 64 && r.height >= 64)) {
      media.push(rect(m));
    }
  }
  return { post: rect(el), media, viewport: { width: innerWidth, height: innerHeight } };
}
