// Evidence in the detail view. Screenshots may show a child's image (000: viewing is itself a harm),
// so media regions are drawn blurred until the supervisor clicks to reveal them; when the regions
// are unknown the whole screenshot is blurred. The hash-chain status is the server's verdict.
import { h, replace, jst, literal } from '../dom.js';
import * as api from '../api.js';

/** Evidence items of a case, whichever key the record uses. */
function itemsOf(c) {
  return c.evidence || c.evidences || [];
}

/** The same-origin URL of an evidence item's image, if it has one. */
function mediaUrl(item) {
  const u = item.url || item.media_url || item.screenshot_url;
  if (typeof u === 'string' && u.startsWith('/') && !u.startsWith('//')) return u;
  if (item.id !== undefined && (item.kind === 'screenshot' || item.content_type?.startsWith('image/'))) {
    return `/api/evidence/${api.seg(item.id)}/content`;
  }
  return null;
}

/** Regions (image pixels) to blur: `media_regions` [{x, y, width, height}], or the whole image. */
function regionsOf(item, w, hgt) {
  const list = item.media_regions || item.regions || [];
  const valid = list
    .map((r) => ({ x: +r.x, y: +r.y, w: +(r.width ?? r.w), h: +(r.height ?? r.h) }))
    .filter((r) => [r.x, r.y, r.w, r.h].every(Number.isFinite) && r.w > 0 && r.h > 0);
  return valid.length ? valid : [{ x: 0, y: 0, w, h: hgt }];
}

/**
 * A screenshot drawn on a canvas with its media regions blurred; the button toggles. Drawing on a
 * canvas (not a CSS filter on an <img>) means the unblurred pixels are not in the DOM until revealed.
 */
function screenshot(item, src) {
  const canvas = h('canvas', { class: 'shot-canvas', 'data-evidence-id': item.id, 'aria-label': '証拠のスクリーンショット' });
  const caption = h('figcaption', {}, '画像部分はぼかして表示しています。');
  const reveal = h('button', { type: 'button', class: 'reveal', 'aria-pressed': 'false' }, '画像を表示');
  const img = new Image();
  let revealed = false;
  const draw = () => {
    const ctx = canvas.getContext('2d');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    ctx.filter = 'none';
    ctx.drawImage(img, 0, 0);
    if (revealed) return;
    for (const r of regionsOf(item, img.naturalWidth, img.naturalHeight)) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(r.x, r.y, r.w, r.h);
      ctx.clip();
      ctx.filter = 'blur(24px) grayscale(0.7)';
      ctx.drawImage(img, 0, 0);
      ctx.restore();
    }
  };
  img.addEventListener('load', () => {
    draw();
    canvas.dataset.state = 'blurred';
  });
  img.addEventListener('error', () => replace(caption, '画像を読み込めませんでした。'));
  reveal.addEventListener('click', () => {
    revealed = !revealed;
    reveal.textContent = revealed ? 'ぼかしに戻す' : '画像を表示';
    reveal.setAttribute('aria-pressed', String(revealed));
    canvas.dataset.state = revealed ? 'revealed' : 'blurred';
    caption.textContent = revealed ? '画像を表示しています。確認後はぼかしに戻してください。' : '画像部分はぼかして表示しています。';
    if (img.complete && img.naturalWidth) draw();
  });
  img.src = src;
  return h('figure', { class: 'shot' }, h('div', { class: 'frame' }, canvas), h('div', { class: 'row no-print' }, reveal), caption);
}

/** The server's verdict on the evidence hash chain. */
function chainStatus(c) {
  const chain = c.chain || c.chain_status || c.evidence_chain;
  if (!chain) return h('p', { class: 'muted', id: 'chain' }, 'ハッシュチェーンの検証結果はありません。');
  const ok = chain === 'ok' || chain === true || chain.ok === true || chain.valid === true || chain.status === 'ok';
  const detail = typeof chain === 'object' ? (chain.message || chain.error || '') : '';
  return h('p', { id: 'chain', class: ok ? 'chain-ok' : 'chain-bad', 'data-chain': ok ? 'ok' : 'broken' },
    ok ? 'ハッシュチェーン: 検証済み（改ざんなし）' : 'ハッシュチェーン: 不整合があります',
    detail ? h('span', { class: 'muted' }, '（', literal(String(detail)), '）') : null);
}

export async function evidenceSection(c) {
  const items = itemsOf(c);
  return h('div', { class: 'card', id: 'evidence' },
    h('h3', {}, `証拠（${items.length}件）`),
    chainStatus(c),
    items.length
      ? h('ul', { class: 'signals' }, items.map((item) => {
        const src = mediaUrl(item);
        return h('li', { 'data-evidence-id': item.id },
          h('div', {}, h('b', {}, literal(item.kind || '記録')), ' ', jst(item.captured_at || item.created_at), ' ',
            item.sha256 ? h('span', { class: 'url muted', title: 'SHA-256' }, literal(item.sha256)) : null),
          src ? screenshot(item, src) : null);
      }))
      : h('p', { class: 'muted' }, '証拠は添付されていません。'));
}
